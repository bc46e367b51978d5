# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models, tools


class IrSequence(models.Model):
    """A sequence that every new ticket draws from is looked up once, not per
    number: ``next_by_code`` searches the sequence and reads it (two queries)
    for each ticket that arrives by email, web form or portal. Creating or
    deleting a sequence, or changing what the lookup and the number's format
    read, clears the cache."""

    _name = "ir.sequence"
    _inherit = ["ir.sequence", "etp.cache.source"]

    # what drawing a number reads of the sequence (``_next_do``,
    # ``get_next_char``)
    _ETP_DRAW_FIELDS = (
        "implementation",
        "use_date_range",
        "prefix",
        "suffix",
        "padding",
    )
    # ... and what finds it
    _etp_cache_fields = frozenset({"code", "company_id", "active", *_ETP_DRAW_FIELDS})
    # the codes looked up from the cache: a change of another sequence (stock,
    # point of sale…) clears nothing
    _ETP_CACHED_CODES = frozenset({"helpdesk.ticket.sequence"})

    def _etp_cache_relevant(self):
        return any(sequence.code in self._ETP_CACHED_CODES for sequence in self)

    @api.model
    @tools.ormcache("code", "company_id")
    def _etp_lookup(self, code, company_id):
        """``(id, ((field, value in the ORM cache's form), …))`` of the
        sequence ``next_by_code(code)`` draws from in ``company_id`` (the
        company's own before one shared by all companies), or None."""
        sequence = (
            self.sudo()
            .with_context(active_test=True)
            .search(
                [("code", "=", code), ("company_id", "in", [company_id, False])],
                order="company_id",
                limit=1,
            )
        )
        if not sequence:
            return None
        return sequence.id, tuple(
            (name, self._fields[name].convert_to_cache(sequence[name], sequence))
            for name in self._ETP_DRAW_FIELDS
        )

    @api.model
    def _etp_by_code(self, code):
        """The sequence ``next_by_code(code)`` would draw from in the current
        company, what drawing reads of it put in the ORM's cache from the
        cached lookup; an empty recordset if there is none. A field already
        in the cache (read, or written and not yet saved) is left alone."""
        if code not in self._ETP_CACHED_CODES:
            raise ValueError(f"the lookup of sequence {code!r} is not cached")
        found = self._etp_lookup(code, self.env.company.id)
        if not found:
            return self.browse()
        sequence_id, values = found
        sequence = self.browse(sequence_id)
        cache = self.env.cache
        for name, value in values:
            field = self._fields[name]
            if not cache.contains(sequence, field):
                cache.set(sequence, field, value)
        return sequence

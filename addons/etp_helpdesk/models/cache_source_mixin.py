# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class EtpCacheSource(models.AbstractModel):
    """Records that a cached rule is made of (``ormcache`` of the mail
    gateway, the pages, the SLA, ticket numbers and stages): creating or
    deleting one, or changing one of ``_etp_cache_fields`` (any field when
    empty), clears the registry's cache, in every worker."""

    _name = "etp.cache.source"
    _description = "Source of a Cached Rule"

    # the fields the cached rule reads; empty: every field
    _etp_cache_fields = frozenset()

    def _etp_cache_relevant(self):
        """Whether a cached rule is made of these records: all records of the
        model by default (see ``ir.sequence`` for a model of which only some
        are)."""
        return bool(self)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if records._etp_cache_relevant():
            self.env.registry.clear_cache()
        return records

    def write(self, vals):
        if self._etp_cache_fields and not self._etp_cache_fields.intersection(vals):
            return super().write(vals)
        relevant = self._etp_cache_relevant()  # before: a record may leave the rule
        result = super().write(vals)
        if relevant or self._etp_cache_relevant():
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        relevant = self._etp_cache_relevant()
        result = super().unlink()
        if relevant:
            self.env.registry.clear_cache()
        return result

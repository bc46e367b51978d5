# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class EtpCacheSource(models.AbstractModel):
    """Records that a cached rule is made of (``ormcache`` of the mail
    gateway, the pages and the SLA): creating or deleting one, or changing
    one of ``_etp_cache_fields`` (any field when empty), clears the
    registry's cache, in every worker."""

    _name = "etp.cache.source"
    _description = "Source of a Cached Rule"

    # the fields the cached rule reads; empty: every field
    _etp_cache_fields = frozenset()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        if not self._etp_cache_fields or self._etp_cache_fields.intersection(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

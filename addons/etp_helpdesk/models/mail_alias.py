# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# what the cached addresses are made of
ADDRESS_FIELDS = {"alias_name", "alias_domain_id"}


class MailAlias(models.Model):
    """The desk's own addresses are cached for the mail gateway
    (``mail.thread._etp_own_addresses``): a change of an alias clears the
    cache."""

    _inherit = "mail.alias"

    @api.model_create_multi
    def create(self, vals_list):
        aliases = super().create(vals_list)
        self.env.registry.clear_cache()
        return aliases

    def write(self, vals):
        result = super().write(vals)
        if ADDRESS_FIELDS.intersection(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

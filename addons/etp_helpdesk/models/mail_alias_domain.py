# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# what the cached addresses are made of
ADDRESS_FIELDS = {"name", "bounce_alias", "catchall_alias", "default_from"}


class MailAliasDomain(models.Model):
    """The desk's own addresses are cached for the mail gateway
    (``mail.thread._etp_own_addresses``): a change of an alias domain clears the
    cache."""

    _inherit = "mail.alias.domain"

    @api.model_create_multi
    def create(self, vals_list):
        domains = super().create(vals_list)
        self.env.registry.clear_cache()
        return domains

    def write(self, vals):
        result = super().write(vals)
        if ADDRESS_FIELDS.intersection(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

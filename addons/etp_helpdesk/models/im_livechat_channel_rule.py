# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ImLivechatChannelRule(models.Model):
    """A change of a rule clears the cache of the desks' channel rules
    (``website._etp_desk_livechat_rules``)."""

    _inherit = "im_livechat.channel.rule"

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env.registry.clear_cache()
        return rules

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

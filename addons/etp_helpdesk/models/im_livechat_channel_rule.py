# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ImLivechatChannelRule(models.Model):
    """A change of a rule clears the cache of the desks' channel rules
    (``website._etp_desk_livechat_rules``)."""

    _name = "im_livechat.channel.rule"
    _inherit = ["im_livechat.channel.rule", "etp.cache.source"]

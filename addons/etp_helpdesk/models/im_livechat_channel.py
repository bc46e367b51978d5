# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ImLivechatChannel(models.Model):
    """The desks' channels and their rules are cached for every page
    (``website._etp_desk_livechat_rules``): deleting a channel (its rules go
    with it) clears the cache."""

    _inherit = "im_livechat.channel"

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.http import request


class Website(models.Model):
    _inherit = "website"

    def _get_livechat_channel_info(self):
        """Offer the live chat of the desk whose audience the page is for.

        website_livechat loads one channel on every page, ``channel_id``. A
        desk's own channel (linked to a team) takes its place on the pages
        that one of its "show" rules matches, e.g. the suppliers' channel on
        /support?audience=supplier; everywhere else the website's channel
        stays.
        """
        channel = self._etp_page_livechat_channel()
        if channel:
            return channel.sudo().get_livechat_info()
        return super()._get_livechat_channel_info()

    def _etp_page_livechat_channel(self):
        self.ensure_one()
        if not request or not request.httprequest:
            return None
        url = request.httprequest.full_path
        channels = (
            self.env["helpdesk.ticket.team"]
            .sudo()
            .search([("livechat_channel_id", "!=", False)])
            .livechat_channel_id
            - self.channel_id
        )
        Rule = self.env["im_livechat.channel.rule"].sudo()
        for channel in channels:
            rule = Rule.match_rule(channel.id, url)
            if rule and rule.action != "hide_button":
                return channel
        return None

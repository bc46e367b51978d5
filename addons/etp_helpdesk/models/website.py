# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import api, models, tools
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
        """The desk channel whose rules claim this page, if any: matched
        against the cached rules (``_etp_desk_livechat_rules``), without a
        query, except for a rule that depends on live facts (a chatbot, or
        "only if no operator"), which upstream's ``match_rule`` decides."""
        self.ensure_one()
        if not request or not request.httprequest:
            return None
        url = request.httprequest.full_path
        Rule = self.env["im_livechat.channel.rule"].sudo()
        for channel_id, rules in self._etp_desk_livechat_rules(self.channel_id.id):
            matched = next(
                (rule for rule in rules if re.search(rule[0] or "", url or "")), None
            )
            if matched is None:
                continue
            _regex, action, live = matched
            if live:
                rule = Rule.match_rule(channel_id, url)
                action = rule.action if rule else None
            if action and action != "hide_button":
                return self.env["im_livechat.channel"].browse(channel_id)
        return None

    @api.model
    @tools.ormcache("website_channel_id")
    def _etp_desk_livechat_rules(self, website_channel_id):
        """The live chat channels of the desks (but the website's own,
        ``website_channel_id``), each with its rules for every country in
        ``match_rule``'s order: ``(channel id, ((regex, action, live), …))``,
        ``live`` telling that the rule depends on a chatbot or on the
        operators present. Cached: every page asks; a change of a desk's
        channel, of a channel or of a rule clears the cache."""
        channels = (
            self.env["helpdesk.ticket.team"]
            .sudo()
            .search([("livechat_channel_id", "!=", False)])
            .livechat_channel_id
        ).filtered(lambda channel: channel.id != website_channel_id)
        if not channels:
            return ()
        rules = (
            self.env["im_livechat.channel.rule"]
            .sudo()
            .search([("country_ids", "=", False), ("channel_id", "in", channels.ids)])
        )
        return tuple(
            (
                channel.id,
                tuple(
                    (
                        rule.regex_url or "",
                        rule.action,
                        bool(
                            rule.chatbot_script_id or rule.chatbot_only_if_no_operator
                        ),
                    )
                    for rule in rules
                    if rule.channel_id == channel
                ),
            )
            for channel in channels
        )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext
from odoo.tools.mail import email_re

from ..lib import deadlines, timezones

TICKET_COMMAND = "/ticket"
TITLE_MAX_LENGTH = 80


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    etp_anonymised_at = fields.Datetime(
        string="Transcript Removed On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the messages of this live chat conversation were removed "
        "(retention term reached, or consent withdrawn).",
    )

    def execute_command_ticket(self, **kwargs):
        """``/ticket <title>`` typed by an operator in a live chat conversation,
        and the *Create Ticket* button of its chat window (which sends
        ``/ticket`` alone). Opens a helpdesk ticket from the conversation and
        tells the operator, and only the operator, where it is.

        :return: id of the new ticket
        """
        self.ensure_one()
        body = (kwargs.get("body") or "").strip()
        parts = body.split(None, 1)
        title = ""
        if parts and parts[0] == TICKET_COMMAND:
            title = " ".join(parts[1:]).strip()
        ticket = self._etp_create_livechat_ticket(title)
        self.env.user._bus_send_transient_message(
            self,
            self.env._(
                "Ticket created: %(ticket)s",
                ticket=ticket._get_html_link(),
            ),
        )
        return ticket.id

    def _etp_create_livechat_ticket(self, title=None):
        """Create a ticket from this live chat conversation as the current user.

        The team is the one linked to the conversation's live chat channel (its
        audience comes with it); without such a team the usual intake rules
        decide. The description is the transcript; the chat's files are copied
        to the ticket.
        """
        self.ensure_one()
        user = self.env.user
        if not user._is_internal() or not user.has_group(
            "helpdesk_mgmt.group_helpdesk_user_own"
        ):
            raise AccessError(
                self.env._("Only helpdesk operators can create a ticket from a chat.")
            )
        self.check_access("read")
        if self.channel_type != "livechat":
            raise UserError(
                self.env._(
                    "A ticket can only be created from a live chat conversation "
                    "with a website visitor; %(channel)s is not one.",
                    channel=self.display_name,
                )
            )
        messages = self.message_ids.filtered(
            lambda m: m.message_type == "comment"
        ).sorted("id")
        visitor_messages = messages.filtered(self._etp_is_visitor_message)
        partner, email, suggested = self._etp_livechat_requester(visitor_messages)
        visitor_name = self._etp_livechat_visitor_name(visitor_messages)
        team = self.env["helpdesk.ticket.team"]
        if self.livechat_channel_id:
            team = team.search(
                [("livechat_channel_id", "=", self.livechat_channel_id.id)], limit=1
            )
        vals = {
            "name": title or self._etp_default_ticket_title(visitor_messages),
            "description": self._etp_livechat_transcript(),
            "channel_id": self.env.ref("etp_helpdesk.helpdesk_ticket_channel_chat").id,
            "partner_id": partner.id,
            "partner_name": partner.name or visitor_name,
            "partner_email": partner.email or email,
            "requester_browser_tz": self._etp_livechat_browser_tz(),
        }
        if suggested:
            vals.update(
                self.env["helpdesk.ticket"]._etp_suggestion_vals(
                    suggested, "email", email
                )
            )
        if team:
            vals["team_id"] = team.id
            # helpdesk_mgmt's auto-assignment, as for a ticket created in the
            # team: the operator takes it if they belong to the team.
            company = (team.company_id or self.env.company).sudo()
            vals["user_id"] = (
                user.id
                if company.helpdesk_mgmt_ticket_auto_assign and user in team.user_ids
                else False
            )
            if team.audience in ("customer", "supplier"):
                vals["audience"] = team.audience
        try:
            ticket = self.env["helpdesk.ticket"].create(vals)
        except AccessError as error:
            if not team:
                raise
            raise AccessError(
                self.env._(
                    "You may not create tickets in the team %(team)s: ask a "
                    "helpdesk manager to add you to it.",
                    team=team.display_name,
                )
            ) from error
        attachments = messages.attachment_ids
        if attachments:
            self.env["ir.attachment"].create(
                [
                    {
                        "name": attachment.name,
                        "raw": attachment.raw,
                        "mimetype": attachment.mimetype,
                        "res_model": "helpdesk.ticket",
                        "res_id": ticket.id,
                    }
                    for attachment in attachments
                ]
            )
        return ticket

    def _to_store(self, store):
        """Operators get the requester's clock with a live chat conversation:
        the zone by the desk's rule (the chat then shows «у заявителя сейчас
        03:12», marked at night). Visitors get nothing more."""
        super()._to_store(store)
        if not self.env.user._is_internal():
            return
        chats = self.filtered(lambda c: c.channel_type == "livechat")
        if not chats:
            return
        now = fields.Datetime.now()
        sources = dict(
            self.env["helpdesk.ticket"]
            ._fields["requester_tz_source"]
            ._description_selection(self.env)
        )
        for channel in chats:
            zone, source = channel._etp_livechat_requester_tz()
            local = timezones.local_time(now, zone)
            store.add(
                channel,
                {
                    "etp_requester_clock": {
                        "tz": zone,
                        "shift": deadlines.msk_shift(local),
                        "source": sources.get(source, source),
                        "night_start": timezones.NIGHT_START.strftime("%H:%M"),
                        "night_end": timezones.NIGHT_END.strftime("%H:%M"),
                    }
                },
            )

    def _etp_livechat_browser_tz(self):
        """The zone the visitor's browser reported: Odoo keeps the ``tz``
        cookie of the visitor's pages on the chat's guest and on the website
        visitor."""
        self.ensure_one()
        # sudo: mail.guest, website.visitor - only their zone is read
        channel = self.sudo()
        guest = channel.channel_member_ids.guest_id[:1]
        zone = guest.timezone or channel.livechat_visitor_id.timezone
        return self.env["helpdesk.ticket"]._etp_browser_tz(zone)

    def _etp_livechat_requester_tz(self):
        """``(zone, source)`` of the visitor of this conversation, by the
        desk's rule: a portal user's or the website visitor's contact, then
        the zone their browser reported."""
        self.ensure_one()
        portal_partner = self.channel_member_ids.partner_id.filtered(
            lambda p: p.partner_share and p.user_ids and not p.is_public
        )[:1]
        # sudo: website.visitor - only its contact is read
        partner = portal_partner or self.sudo().livechat_visitor_id.partner_id
        return partner._etp_requester_tz(browser_tz=self._etp_livechat_browser_tz())

    def _etp_is_visitor_message(self, message):
        """A message of the visitor: a guest, or a portal (or public) user.
        Operators are internal users; a chatbot has a partner but no user."""
        author = message.author_id
        return bool(
            message.author_guest_id
            or (author and author.partner_share and author.user_ids)
        )

    def _etp_livechat_requester(self, visitor_messages):
        """Return ``(partner, email, suggested)`` for the visitor.

        A logged-in visitor is who they are: the portal user in the
        conversation, or the contact of the website visitor (a visitor gets
        one by logging in). A typed email is only a claim: it gives the
        ticket's email and, when an existing contact has it, that contact as
        a suggestion the operator confirms; the ticket is not theirs before.
        No contact is created."""
        Partner = self.env["res.partner"]
        portal_partner = self.channel_member_ids.partner_id.filtered(
            lambda p: p.partner_share and p.user_ids and not p.is_public
        )[:1]
        if portal_partner:
            return portal_partner, False, Partner
        # sudo: website.visitor - the visitor's contact is read for the operator
        # of the conversation, who may not be a live chat user.
        visitor_partner = self.sudo().livechat_visitor_id.partner_id
        if visitor_partner:
            return Partner.browse(visitor_partner.id), False, Partner
        text = "\n".join(html2plaintext(m.body or "") for m in visitor_messages)
        emails = list(dict.fromkeys(email_re.findall(text)))
        if not emails:
            return Partner, False, Partner
        partners = self.env["mail.thread"]._mail_find_partner_from_emails(
            emails, force_create=False
        )
        found = next(
            ((p, email) for p, email in zip(partners, emails, strict=True) if p),
            (Partner, emails[0]),
        )
        return Partner, found[1], found[0]

    def _etp_livechat_visitor_name(self, visitor_messages):
        first = visitor_messages[:1]
        return (
            first.author_id.name
            or first.author_guest_id.name
            or self.anonymous_name
            or self.env._("Visitor")
        )

    def _etp_default_ticket_title(self, visitor_messages):
        """The visitor's first message on one line, shortened."""
        for message in visitor_messages:
            text = " ".join(html2plaintext(message.body or "").split())
            if text:
                if len(text) > TITLE_MAX_LENGTH:
                    text = text[: TITLE_MAX_LENGTH - 1].rstrip() + "…"
                return text
        return self.env._(
            "Live chat with %(visitor)s",
            visitor=self._etp_livechat_visitor_name(visitor_messages),
        )

    def _etp_livechat_transcript(self):
        """The chat for the ticket's description, as crm_livechat puts it on
        a lead: im_livechat's own history («author: text» per message, texts
        escaped), under a heading with the channel and the chat's Moscow
        time span. The chat's files are copied to the ticket itself."""
        dates = self.message_ids.mapped("date")
        heading = self.env._(
            "Live chat transcript (%(channel)s), %(start)s – %(end)s",
            channel=self.livechat_channel_id.name or self.display_name,
            start=deadlines.format_msk(min(dates), "%(msk)s") if dates else "",
            end=deadlines.format_msk(max(dates)) if dates else "",
        )
        return Markup("<p><i>%s</i></p>") % heading + self._get_channel_history()

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The live chat tests' shared case: the two audiences' chat channels, a chat
operator, a portal supplier, and helpers that open a session, speak in it, run
/ticket and read the bus (test_livechat*.py, test_requester_*.py)."""

import json

from odoo import Command
from odoo.tests import new_test_user

from .common import EtpHelpdeskCommon

VISITOR_TEXT = "не могу подать ценовое предложение, извещение 0373100000124000456"


class LivechatTicketCommon(EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.livechat_customer = ref("etp_helpdesk.im_livechat_channel_customer")
        cls.livechat_supplier = ref("etp_helpdesk.im_livechat_channel_supplier")
        cls.ticket_channel_chat = ref("etp_helpdesk.helpdesk_ticket_channel_chat")
        cls.public_user = ref("base.public_user")
        # The lowest operator role, working on both line-1 desks.
        cls.chat_operator = new_test_user(
            cls.env,
            login="etp-chat-operator",
            name="Анна Операторова",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        (cls.team_customer_l1 | cls.team_supplier_l1).write(
            {"user_ids": [Command.link(cls.chat_operator.id)]}
        )
        cls.portal_supplier = new_test_user(
            cls.env,
            login="etp-portal-supplier",
            name=cls.contact_supplier.name,
            email=cls.contact_supplier.email,
            groups="base.group_portal",
            partner_id=cls.contact_supplier.id,
        )

    def _session(self, livechat_channel, guest=None, partner=None, operator=None):
        """A live chat conversation opened by a visitor, as im_livechat does
        (the public user creates it with sudo)."""
        operator = operator or self.chat_operator
        members = [Command.create({"partner_id": operator.partner_id.id})]
        if partner:
            members.append(Command.create({"partner_id": partner.id}))
        channel = (
            self.env["discuss.channel"]
            .with_user(self.public_user)
            .sudo()
            .create(
                {
                    "name": "Посетитель, Анна",
                    "channel_type": "livechat",
                    "livechat_channel_id": livechat_channel.id,
                    "livechat_operator_id": operator.partner_id.id,
                    "livechat_active": True,
                    "anonymous_name": "Посетитель",
                    "channel_member_ids": members,
                }
            )
        )
        if guest:
            channel._add_members(guests=guest, post_joined_message=False)
        return self.env["discuss.channel"].browse(channel.id)

    def _guest_file(self, name, raw, mimetype="application/octet-stream"):
        """A file the visitor uploads before sending it (a pending upload)."""
        return (
            self.env["ir.attachment"]
            .with_user(self.public_user)
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": raw,
                    "mimetype": mimetype,
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
            )
        )

    def _guest_says(self, channel, guest, body, attachments=None):
        return (
            channel.with_user(self.public_user)
            .with_context(guest=guest)
            .sudo()
            .message_post(
                body=body,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=attachments.ids if attachments else [],
            )
        )

    def _user_says(self, channel, user, body):
        return channel.with_user(user).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        )

    def _run_command(self, channel, user, body="/ticket"):
        ticket_id = channel.with_user(user).execute_command_ticket(body=body)
        return self.env["helpdesk.ticket"].browse(ticket_id)

    def _bus_notifications(self, after_id):
        """Bus notifications sent since ``after_id``, as (target, type, payload)."""
        self.env.cr.precommit.run()
        notifications = (
            self.env["bus.bus"].sudo().search([("id", ">", after_id)], order="id")
        )
        result = []
        for notification in notifications:
            message = json.loads(notification.message)
            result.append(
                (
                    tuple(json.loads(notification.channel)),
                    message["type"],
                    message["payload"],
                )
            )
        return result

    def _last_bus_id(self):
        self.env.cr.precommit.run()
        return self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a stranger types never shares a ticket with an organisation.

An INN in an email, the web form or a chat, and an email typed in a chat, only
suggest the requester; until an operator links it, the organisation's portal
users do not see the request (checked over HTTP as them). A logged-in chat
visitor is taken as who they are.
"""

from lxml import html

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .livechat_common import LivechatTicketCommon

STRANGER = "stranger@mailbox.example.com"

MAIL = """\
From: Посторонний <{sender}>
To: support-suppliers@etp-support.example.ru
Subject: {subject}
Message-ID: <{msg_id}@mailbox.example.com>
Date: Tue, 24 Nov 2026 09:12:00 +0300
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{body}
"""


@tagged("post_install", "-at_install")
class TestRequesterSuggestion(HttpCase, LivechatTicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_customer = new_test_user(
            cls.env,
            login="etp-portal-customer",
            name=cls.contact_customer.name,
            email=cls.contact_customer.email,
            groups="base.group_portal",
            partner_id=cls.contact_customer.id,
        )
        (cls.livechat_customer | cls.livechat_supplier).user_ids = [
            Command.link(cls.chat_operator.id)
        ]
        cls.env["bus.presence"].create(
            {"user_id": cls.chat_operator.id, "status": "online"}
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "etp_helpdesk.form_rate_limit_per_hour", 0
        )

    # ------------------------------------------------------------------
    # The three channels, as a stranger
    # ------------------------------------------------------------------

    def _email(self, subject, body):
        raw = MAIL.format(
            sender=STRANGER, subject=subject, msg_id=f"m-{len(subject)}", body=body
        )
        ticket_id = self.env["mail.thread"].message_process("helpdesk.ticket", raw)
        return self.env["helpdesk.ticket"].browse(ticket_id)

    def _support_form(self, **values):
        """Submit /support as an anonymous visitor; return the new ticket."""
        self.authenticate(None, None)
        page = html.fromstring(self.url_open("/support").content)
        form = page.xpath("//form[hasclass('o_etp_support_form')]")[0]
        data = {
            field.get("name"): field.get("value")
            for field in form.xpath(".//input[@type='hidden'][@name]")
            if field.get("name") != "website_url"
        }
        data.update(values)
        before = self.env["helpdesk.ticket"].search([])
        response = self.url_open("/support", data=data)
        self.assertEqual(response.status_code, 200, response.text[:500])
        return self.env["helpdesk.ticket"].search([("id", "not in", before.ids)])

    def _chat(self, livechat_channel, *texts, login=None):
        """A visitor (anonymous, or logged in as ``login``) chats on the
        website over HTTP; the operator then creates the ticket."""
        self.authenticate(login, login)
        data = self.make_jsonrpc_request(
            "/im_livechat/get_session",
            {
                "anonymous_name": "Посетитель",
                "channel_id": livechat_channel.id,
                "persisted": True,
            },
        )
        channel = self.env["discuss.channel"].browse(data["discuss.channel"][0]["id"])
        for text in texts:
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "discuss.channel",
                    "thread_id": channel.id,
                    "post_data": {
                        "body": text,
                        "message_type": "comment",
                        "subtype_xmlid": "mail.mt_comment",
                    },
                },
            )
        return self._run_command(channel, self.chat_operator)

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    def assertSuggestedOnly(self, ticket, partner, source, hint):
        self.assertEqual(len(ticket), 1)
        self.assertFalse(ticket.partner_id)
        self.assertRecordValues(
            ticket,
            [
                {
                    "suggested_partner_id": partner.id,
                    "suggestion_source": source,
                    "suggestion_hint": hint,
                }
            ],
        )

    def assertPortal(self, user, ticket, visible):
        self.authenticate(user.login, user.login)
        listing = self.url_open("/my/tickets").text
        response = self.url_open(f"/my/ticket/{ticket.id}", allow_redirects=False)
        if visible:
            self.assertIn(ticket.name, listing)
            self.assertEqual(response.status_code, 200)
        else:
            self.assertNotIn(ticket.name, listing)
            self.assertIn(response.status_code, (302, 303))
            self.assertNotIn(ticket.name, response.text)

    def _link(self, ticket):
        ticket.with_user(self.chat_operator).action_link_suggested_partner()

    # ------------------------------------------------------------------
    # An INN never shares a ticket
    # ------------------------------------------------------------------

    def test_inn_in_an_email_is_only_suggested(self):
        ticket = self._email(
            "Не вижу заявки нашей организации",
            "Здравствуйте! Наш ИНН 7736050003, покажите все заявки организации.",
        )
        self.assertSuggestedOnly(ticket, self.org_supplier, "inn", "7736050003")
        self.assertIn(STRANGER, ticket.partner_email)
        self.assertEqual(ticket.team_id, self.team_supplier_l1)
        self.assertPortal(self.portal_supplier, ticket, visible=False)
        # the operator checks and confirms in one click
        self._link(ticket)
        self.assertEqual(ticket.partner_id, self.org_supplier)
        self.assertFalse(ticket.suggested_partner_id)
        self.assertIn("Requester linked", ticket.message_ids[0].body)
        self.assertPortal(self.portal_supplier, ticket, visible=True)

    def test_inn_on_the_web_form_is_only_suggested(self):
        ticket = self._support_form(
            audience="customer",
            contact_name="Посторонний",
            email=STRANGER,
            inn="7707083893",
            subject="Покажите протоколы больницы",
            description="Пришлите протоколы наших закупок за год, ИНН 7707083893.",
            consent="1",
        )
        self.assertSuggestedOnly(ticket, self.org_customer, "inn", "7707083893")
        self.assertPortal(self.portal_customer, ticket, visible=False)
        self._link(ticket)
        self.assertPortal(self.portal_customer, ticket, visible=True)

    def test_inn_in_a_chat_is_only_suggested(self):
        ticket = self._chat(
            self.livechat_customer,
            "Добрый день, не публикуется извещение.",
            "ИНН организации 7707083893",
        )
        self.assertSuggestedOnly(ticket, self.org_customer, "inn", "7707083893")
        self.assertPortal(self.portal_customer, ticket, visible=False)

    def test_suggestion_dismissed(self):
        ticket = self._email("Вопрос по тарифу", "ИНН 7736050003, вопрос по тарифу.")
        ticket.with_user(self.chat_operator).action_dismiss_suggested_partner()
        self.assertFalse(ticket.suggested_partner_id)
        self.assertFalse(ticket.partner_id)
        self.assertIn("dismissed", ticket.message_ids[0].body)
        self.assertPortal(self.portal_supplier, ticket, visible=False)

    def test_only_an_operator_who_may_write_links(self):
        ticket = self._email("Вопрос по счёту", "ИНН 7736050003, вопрос по счёту.")
        with self.assertRaises(AccessError):
            ticket.with_user(self.portal_supplier).action_link_suggested_partner()
        stranger_operator = new_test_user(
            self.env,
            login="etp-other-desk",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        with self.assertRaises(AccessError):
            ticket.with_user(stranger_operator).action_link_suggested_partner()
        self.assertFalse(ticket.partner_id)

    # ------------------------------------------------------------------
    # Chat identity
    # ------------------------------------------------------------------

    def test_typed_email_in_a_chat_is_only_suggested(self):
        ticket = self._chat(
            self.livechat_customer,
            "Это Смирнова из больницы, моя почта smirnova@hospital1.example.ru.",
            "Пришлите, пожалуйста, копию нашего договора.",
        )
        self.assertSuggestedOnly(
            ticket, self.contact_customer, "email", "smirnova@hospital1.example.ru"
        )
        self.assertEqual(ticket.partner_email, "smirnova@hospital1.example.ru")
        self.assertNotIn(self.contact_customer, ticket.message_partner_ids)
        self.assertPortal(self.portal_customer, ticket, visible=False)
        # the operator confirms who it is: the ticket and its messages are hers
        self._link(ticket)
        self.assertEqual(ticket.partner_id, self.contact_customer)
        self.assertIn(self.contact_customer, ticket.message_partner_ids)
        self.assertPortal(self.portal_customer, ticket, visible=True)

    def test_logged_in_visitor_is_who_they_are(self):
        ticket = self._chat(
            self.livechat_supplier,
            "Не подписывается заявка. Копию ответа на smirnova@hospital1.example.ru",
            login=self.portal_supplier.login,
        )
        self.assertEqual(ticket.partner_id, self.contact_supplier)
        self.assertFalse(ticket.suggested_partner_id)
        self.assertPortal(self.portal_supplier, ticket, visible=True)
        self.assertPortal(self.portal_customer, ticket, visible=False)

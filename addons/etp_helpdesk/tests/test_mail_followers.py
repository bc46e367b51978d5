# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Replies through the mail gateway never open a ticket to another
organisation: the message is kept, its author does not follow the ticket and
does not see it on the portal (checked over HTTP as that author)."""

from odoo.tests import new_test_user, tagged

from .portal_common import EtpPortalCase

TICKET_SUBJECT = "Не проходит оплата тарифа"

MAIL = """\
From: {email_from}
To: support-suppliers@etp-support.example.ru
Cc: {cc}
Subject: {subject}
Message-ID: <{msg_id}@mail.example.ru>
{thread}Date: Tue, 24 Nov 2026 09:12:00 +0300
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{body}
"""


@tagged("post_install", "-at_install")
class TestReplyFollowers(EtpPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The supplier writes to the desk with a person of the third
        # organisation (a portal user) in CC.
        cls.ticket = cls.env["helpdesk.ticket"].browse(
            cls._mail(
                "orig",
                email_from="Олег Кузнецов <kuznetsov@postavka.example.ru>",
                cc="Пётр Иванов <ivanov@third.example.ru>",
                body="Оплата тарифа не проходит, счёт приложен. Прошу проверить.",
            )
        )

    @classmethod
    def _mail(cls, msg_id, reply_to=None, **values):
        values.setdefault("cc", "")
        values.setdefault("subject", TICKET_SUBJECT)
        thread = ""
        if reply_to:
            thread = f"In-Reply-To: {reply_to}\nReferences: {reply_to}\n"
            values["subject"] = "Re: " + values["subject"]
        raw = MAIL.format(msg_id=msg_id, thread=thread, **values)
        return cls.env["mail.thread"].message_process("helpdesk.ticket", raw)

    def _first_message_id(self):
        return self.ticket.message_ids.sorted("id")[:1].message_id

    def _operator_reply(self, body):
        """A public reply of an operator; return who it notifies."""
        message = self.ticket.with_user(self.operator).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        return message.notification_ids.res_partner_id

    def assertPortalClosedTo(self, user):
        self._login(user)
        self.assertNotIn(TICKET_SUBJECT, self.url_open("/my/tickets").text)
        response = self.url_open(f"/my/ticket/{self.ticket.id}", allow_redirects=False)
        self.assertRefusedToMy(response, TICKET_SUBJECT, "счёт приложен")

    def assertPortalOpenTo(self, user):
        self._login(user)
        self.assertIn(TICKET_SUBJECT, self.url_open("/my/tickets").text)
        response = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(TICKET_SUBJECT, response.text)

    def test_reply_all_from_another_organisation_stays_outside(self):
        self.assertEqual(self.ticket.partner_id, self.contact_supplier)
        self.assertNotIn(self.contact_third, self.ticket.message_partner_ids)
        thread_id = self._mail(
            "reply-all",
            reply_to=self._first_message_id(),
            email_from="Пётр Иванов <ivanov@third.example.ru>",
            cc="kuznetsov@postavka.example.ru",
            body="У нас такая же ошибка, подскажите и нам.",
        )
        self.assertEqual(thread_id, self.ticket.id)
        # the reply is kept on the ticket, with its author
        reply = self.ticket.message_ids.filtered(
            lambda m: "такая же ошибка" in (m.body or "")
        )
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.author_id, self.contact_third)
        # its author does not follow the ticket, so its portal stays closed
        self.assertNotIn(self.contact_third, self.ticket.message_partner_ids)
        self.assertPortalClosedTo(self.portal_third)
        # and later messages do not reach it
        notified = self._operator_reply("Проверьте, пожалуйста, реквизиты счёта.")
        self.assertIn(self.contact_supplier, notified)
        self.assertNotIn(self.contact_third, notified)
        # the requester's portal shows the whole conversation
        self.assertPortalOpenTo(self.portal_supplier)

    def test_known_partner_replying_with_the_message_id_stays_outside(self):
        """Someone of another organisation, never in the conversation, who
        answers with the ticket's Message-Id (a forwarded notification)."""
        self._mail(
            "foreign-reply",
            reply_to=self._first_message_id(),
            email_from="Ирина Смирнова <smirnova@hospital1.example.ru>",
            body="Пересылаю вам, посмотрите наш случай тоже.",
        )
        self.assertIn(
            "Пересылаю вам",
            "".join(self.ticket.message_ids.mapped("body")),
        )
        self.assertNotIn(self.contact_customer, self.ticket.message_partner_ids)
        self.assertPortalClosedTo(self.portal_customer)
        notified = self._operator_reply("Ответ по вашему счёту.")
        self.assertNotIn(self.contact_customer, notified)

    def test_requester_organisation_and_operators_follow_as_before(self):
        colleague = self.env["res.partner"].create(
            {
                "name": "Анна Петрова",
                "parent_id": self.org_supplier.id,
                "email": "petrova@postavka.example.ru",
            }
        )
        colleague_user = self._portal_user("etp-portal-supplier-2", colleague)
        operator = new_test_user(
            self.env,
            login="etp-mail-operator",
            email="operator@etp-support.example.ru",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        for msg_id, sender in (
            ("colleague", "Анна Петрова <petrova@postavka.example.ru>"),
            ("operator", "operator@etp-support.example.ru"),
        ):
            self._mail(
                msg_id,
                reply_to=self._first_message_id(),
                email_from=sender,
                body="Дополняю: оплата шла с другого счёта.",
            )
        self.assertIn(colleague, self.ticket.message_partner_ids)
        self.assertIn(operator.partner_id, self.ticket.message_partner_ids)
        self.assertPortalOpenTo(colleague_user)
        notified = self._operator_reply("Нашли платёж, тариф подключён.")
        self.assertIn(colleague, notified)

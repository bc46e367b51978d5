# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The mail round trip through real servers, as a deployment has them.

Debian's postfix (SMTP) and dovecot (IMAP, LMTP) run as private instances on
loopback ports (live/mailservers.py); Odoo runs in production mode
(live/odooserver.py). The helpdesk's domain delivers into one mailbox,
which Odoo's incoming mail server reads over IMAP; Odoo sends through postfix.
The customers use their own mailboxes on the same servers with a mail
client's protocols: SMTP to send, IMAP to read. Nothing of the mail layer is
replaced: what is checked is what the customers' mailboxes and the tickets
hold. The tests run in order (by their number) and share one set-up.
"""

from email.header import Header
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid

from .common import LiveCase, admin_rpc, mail_servers
from .live.helpdesk import CUSTOMERS_ALIAS, SUPPLIERS_ALIAS, Helpdesk
from .live.mailservers import CUSTOMER_MAILBOX, SUPPLIER_MAILBOX, SUPPORT_MAILBOX

NO_MAILBOX = "closed-box@hospital.test"


def _customer_email(sender, to, subject, body, charset="utf-8"):
    """A message as a mail client writes it. With a legacy charset the body
    goes out as 8-bit windows-1251 and the subject as an encoded word."""
    if charset == "utf-8":
        message = EmailMessage()
        message["Subject"] = subject
        message.set_content(body)
    else:
        message = MIMEText(body.encode(charset), "plain", charset)
        del message["Content-Transfer-Encoding"]
        message["Content-Transfer-Encoding"] = "8bit"
        message.set_payload(body.encode(charset))
        message["Subject"] = Header(subject, charset)
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.split("@")[1])
    return message


def _text(message):
    part = message.get_body(("plain",)) or message
    return part.get_content()


class TestLiveMail(LiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mail_servers = mail_servers()
        cls.helpdesk = Helpdesk(admin_rpc(), cls.mail_servers)
        cls.state = {}  # what the steps pass on to the next

    def test_1_customer_email_becomes_a_ticket_on_the_right_desk(self):
        message = _customer_email(
            SUPPLIER_MAILBOX,
            SUPPLIERS_ALIAS,
            "Не могу подать заявку на аукцион",
            "Добрый день! При подаче заявки на аукцион 0373100000124000456 "
            "пишет «ошибка подписи». ИНН 7707083893.",
        )
        self.mail_servers.send(message)
        ticket = self.helpdesk.fetch_until(
            lambda: self.helpdesk.ticket_by_message_id(message["Message-ID"]),
            "the supplier's ticket",
        )
        self.assertEqual(ticket["name"], "Не могу подать заявку на аукцион")
        self.assertEqual(ticket["team_id"][0], self.helpdesk.team_supplier)
        self.assertEqual(
            ticket["channel_id"][0],
            self.helpdesk.admin.ref("helpdesk_mgmt.helpdesk_ticket_channel_email"),
        )
        self.assertIn("ошибка подписи", ticket["description"])
        self.assertEqual(ticket["partner_email"], SUPPLIER_MAILBOX)
        self.state.update(ticket=ticket, first=message)

    def test_2_operator_reply_reaches_the_customer_with_reply_to_and_threading(self):
        ticket, first = self.state["ticket"], self.state["first"]
        self.helpdesk.reply(
            ticket["id"], "Здравствуйте! Переустановите плагин и повторите подпись."
        )
        answer = self.mail_servers.wait_for(
            SUPPLIER_MAILBOX,
            lambda m: "Переустановите плагин" in _text(m),
            what="the operator's answer",
        )
        # Replies go to the desk's own alias, so they come back to this desk.
        self.assertIn(SUPPLIERS_ALIAS, answer["Reply-To"])
        # Threaded under the customer's message in their mail client.
        self.assertIn(first["Message-ID"], answer["References"])
        self.assertTrue(answer["Message-ID"])
        self.assertIn("Не могу подать заявку на аукцион", answer["Subject"])
        self.assertIn("Ольга Первая", answer["From"])
        self.state["answer"] = answer

    def test_3_customer_reply_threads_into_the_same_ticket(self):
        ticket, answer = self.state["ticket"], self.state["answer"]
        before = self.helpdesk.admin("helpdesk.ticket", "search_count", [])
        # The customer's mail client: "Reply" on the answer read over IMAP.
        reply = _customer_email(
            SUPPLIER_MAILBOX,
            answer["Reply-To"],
            "Re: " + answer["Subject"],
            "Спасибо, после переустановки плагина заявка подписалась.",
        )
        reply["In-Reply-To"] = answer["Message-ID"]
        reply["References"] = f"{answer['References']} {answer['Message-ID']}"
        self.mail_servers.send(reply)
        threaded = self.helpdesk.fetch_until(
            lambda: self.helpdesk.ticket_by_message_id(reply["Message-ID"]),
            "the customer's reply",
        )
        self.assertEqual(threaded["id"], ticket["id"])
        self.assertEqual(
            self.helpdesk.admin("helpdesk.ticket", "search_count", []), before
        )
        body = self.helpdesk.admin(
            "mail.message",
            "search_read",
            [("message_id", "=", reply["Message-ID"])],
            fields=["body", "author_id"],
        )[0]
        self.assertIn("заявка подписалась", body["body"])
        self.assertEqual(
            body["author_id"][0], self.helpdesk.partner(SUPPLIER_MAILBOX)["id"]
        )

    def test_4_bounce_of_our_own_mail_is_recognised(self):
        """The requester's mailbox was closed after they wrote: our answer comes
        back as a delivery status notification from postfix."""
        message = _customer_email(
            NO_MAILBOX,
            CUSTOMERS_ALIAS,
            "Вопрос по договору",
            "Прошу проверить статус договора по закупке 0373100000124000789.",
        )
        # Written from an address that has no mailbox (it was closed since).
        self.mail_servers.send(message)
        ticket = self.helpdesk.fetch_until(
            lambda: self.helpdesk.ticket_by_message_id(message["Message-ID"]),
            "the ticket from the closed mailbox",
        )
        before = self.helpdesk.admin("helpdesk.ticket", "search_count", [])
        answer_id = self.helpdesk.reply(ticket["id"], "Договор подписан заказчиком.")
        partner_id = self.helpdesk.partner(NO_MAILBOX)["id"]

        def bounced():
            return self.helpdesk.partner(NO_MAILBOX)["message_bounce"] > 0

        self.helpdesk.fetch_until(bounced, "the bounce of the answer")
        notifications = self.helpdesk.admin(
            "mail.notification",
            "search_read",
            [("mail_message_id", "=", answer_id), ("res_partner_id", "=", partner_id)],
            fields=["notification_status", "failure_type"],
        )
        self.assertEqual(notifications[0]["notification_status"], "bounce")
        # The notification itself opens no ticket.
        self.assertEqual(
            self.helpdesk.admin("helpdesk.ticket", "search_count", []), before
        )

    def test_5_windows_1251_message_survives_the_whole_path(self):
        subject = "Ошибка ЕИС: не опубликован протокол № 12-ЭА"
        body = (
            "Добрый день! Протокол подведения итогов не ушёл в ЕИС. С уважением, Ирина."
        )
        message = _customer_email(
            CUSTOMER_MAILBOX, CUSTOMERS_ALIAS, subject, body, charset="windows-1251"
        )
        raw = message.as_bytes()
        self.assertIn(b"windows-1251", raw)
        self.assertIn(body.encode("windows-1251"), raw)
        self.mail_servers.send(message)
        ticket = self.helpdesk.fetch_until(
            lambda: self.helpdesk.ticket_by_message_id(message["Message-ID"]),
            "the windows-1251 ticket",
        )
        self.assertEqual(ticket["name"], subject)
        self.assertEqual(ticket["team_id"][0], self.helpdesk.team_customer)
        self.assertIn("не ушёл в ЕИС", ticket["description"])
        self.helpdesk.reply(
            ticket["id"], "Протокол переотправлен в ЕИС, проверьте через час."
        )
        answer = self.mail_servers.wait_for(
            CUSTOMER_MAILBOX,
            lambda m: "переотправлен в ЕИС" in _text(m),
            what="the answer to the windows-1251 message",
        )
        self.assertIn(subject, str(answer["Subject"]))
        self.assertIn(CUSTOMERS_ALIAS, answer["Reply-To"])
        self.assertIn(message["Message-ID"], answer["References"])
        # The customer answers from the same legacy client: still one ticket.
        reply = _customer_email(
            CUSTOMER_MAILBOX,
            answer["Reply-To"],
            "Re: " + subject,
            "Спасибо, протокол опубликован.",
            charset="windows-1251",
        )
        reply["In-Reply-To"] = answer["Message-ID"]
        reply["References"] = f"{message['Message-ID']} {answer['Message-ID']}"
        self.mail_servers.send(reply)
        threaded = self.helpdesk.fetch_until(
            lambda: self.helpdesk.ticket_by_message_id(reply["Message-ID"]),
            "the windows-1251 reply",
        )
        self.assertEqual(threaded["id"], ticket["id"])
        stored = self.helpdesk.admin(
            "mail.message",
            "search_read",
            [("message_id", "=", reply["Message-ID"])],
            fields=["body"],
        )
        self.assertIn("протокол опубликован", stored[0]["body"])

    def test_6_every_message_reached_its_mailbox_once(self):
        """Odoo read everything delivered to the support mailbox (nothing left
        unseen once it has fetched) and sent the customers nothing twice."""
        self.helpdesk.fetch()
        with self.mail_servers.imap(SUPPORT_MAILBOX) as client:
            _status, data = client.search(None, "UNSEEN")
            unseen = []
            for number in data[0].split():
                _status, parts = client.fetch(
                    number, "(BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT)])"
                )
                unseen.append(parts[0][1].decode(errors="replace"))
        self.assertFalse(unseen, unseen)
        for mailbox in (SUPPLIER_MAILBOX, CUSTOMER_MAILBOX):
            ids = [m["Message-ID"] for m in self.mail_servers.messages(mailbox)]
            self.assertEqual(len(ids), len(set(ids)), ids)

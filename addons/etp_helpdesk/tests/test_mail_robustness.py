# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hostile or broken mail through the gateway, as raw RFC 822 bytes: unknown
charsets, malformed delivery reports, our own addresses and mail storms."""

import base64
import logging

from odoo.tools import mute_logger

from .common import EtpHelpdeskCommon

ALIAS = "support-customers@etp-support.example.ru"
BODY = "Добрый день! Не могу подать заявку на участие в аукционе, ИНН не вводится."
SUBJECT = "Не могу подать заявку"

GATEWAY_LOGGERS = (
    "odoo.addons.etp_helpdesk.models.mail_thread",
    "odoo.addons.mail.models.mail_thread",
)


def _b64(text, charset):
    return base64.b64encode(text.encode(charset)).decode()


def _mail(msg_id, headers, body, sender=b"Petrov <petrov@zavod.example.ru>"):
    """Raw bytes of an email to the customers' desk."""
    head = (
        b"From: " + sender + b"\r\n"
        b"To: " + ALIAS.encode() + b"\r\n"
        b"Message-ID: <" + msg_id.encode() + b"@zavod.example.ru>\r\n"
        b"Date: Tue, 24 Nov 2026 09:12:00 +0300\r\n"
        b"MIME-Version: 1.0\r\n"
    )
    return head + headers + b"\r\n" + body + b"\r\n"


class MailGatewayCase(EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "etp-support.example.ru"}
        )
        (cls.team_customer_l1 | cls.team_supplier_l1).alias_id.write(
            {"alias_domain_id": cls.alias_domain.id}
        )

    def _process(self, raw):
        return self.env["mail.thread"].message_process("helpdesk.ticket", raw)

    def _tickets(self):
        return self.env["helpdesk.ticket"].search([])

    def _outgoing_to(self, email):
        return self.env["mail.mail"].sudo().search([("email_to", "ilike", email)])


class TestUndecodableMail(MailGatewayCase):
    def _ticket_of(self, raw):
        before = self._tickets()
        with mute_logger(*GATEWAY_LOGGERS):
            ticket_id = self._process(raw)
        ticket = self.env["helpdesk.ticket"].browse(ticket_id)
        self.assertEqual(self._tickets() - before, ticket)
        return ticket

    def assertOriginalKept(self, ticket, raw):
        original = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                ("name", "=", "original_email.eml"),
            ]
        )
        self.assertEqual(len(original), 1)
        self.assertEqual(original.raw, raw)

    def test_unknown_8bit_in_windows_1251(self):
        raw = _mail(
            "cs-unknown-8bit",
            b"Subject: =?unknown-8bit?B?" + _b64(SUBJECT, "cp1251").encode() + b"?=\r\n"
            b"Content-Type: text/plain; charset=unknown-8bit\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n",
            BODY.encode("cp1251"),
        )
        ticket = self._ticket_of(raw)
        self.assertEqual(ticket.name, SUBJECT)
        self.assertIn(BODY, ticket.description)
        self.assertEqual(ticket.team_id, self.team_customer_l1)
        self.assertOriginalKept(ticket, raw)

    def test_x_unknown_in_koi8_r(self):
        raw = _mail(
            "cs-x-unknown",
            b"Subject: " + SUBJECT.encode("koi8-r") + b"\r\n"
            b"Content-Type: text/plain; charset=x-unknown\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n",
            BODY.encode("koi8-r"),
        )
        ticket = self._ticket_of(raw)
        self.assertEqual(ticket.name, SUBJECT)
        self.assertIn(BODY, ticket.description)
        self.assertOriginalKept(ticket, raw)

    def test_empty_charset_in_utf_8(self):
        raw = _mail(
            "cs-empty",
            b"Subject: =?utf-8?B?" + _b64(SUBJECT, "utf-8").encode() + b"?=\r\n"
            b'Content-Type: text/plain; charset=""\r\n'
            b"Content-Transfer-Encoding: 8bit\r\n",
            BODY.encode("utf-8"),
        )
        ticket = self._ticket_of(raw)
        self.assertEqual(ticket.name, SUBJECT)
        self.assertIn(BODY, ticket.description)
        self.assertOriginalKept(ticket, raw)

    def test_undecodable_bytes_are_replaced(self):
        raw = _mail(
            "cs-garbage",
            b"Subject: Zayavka\r\n"
            b"Content-Type: text/plain; charset=unknown-8bit\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n",
            b"Zayavka \x98\x81\x00\xff ne podaetsya",
        )
        ticket = self._ticket_of(raw)
        self.assertIn("Zayavka", ticket.description)
        self.assertIn("ne podaetsya", ticket.description)
        self.assertIn("\ufffd", ticket.description)
        self.assertOriginalKept(ticket, raw)

    def test_multipart_with_unknown_charsets(self):
        raw = _mail(
            "cs-multipart",
            b"Subject: =?utf-8?B?" + _b64(SUBJECT, "utf-8").encode() + b"?=\r\n"
            b'Content-Type: multipart/alternative; boundary="ALT"\r\n',
            b"--ALT\r\n"
            b"Content-Type: text/plain; charset=x-unknown\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n"
            + BODY.encode("cp1251")
            + b"\r\n--ALT\r\n"
            b"Content-Type: text/html; charset=unknown-8bit\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n"
            b"<p>" + BODY.encode("cp1251") + b"</p>\r\n"
            b"--ALT--\r\n",
        )
        ticket = self._ticket_of(raw)
        self.assertIn(BODY, ticket.description)
        self.assertOriginalKept(ticket, raw)

    def test_known_charset_keeps_no_copy(self):
        raw = _mail(
            "cs-known",
            b"Subject: =?windows-1251?B?" + _b64(SUBJECT, "cp1251").encode() + b"?=\r\n"
            b"Content-Type: text/plain; charset=windows-1251\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n",
            BODY.encode("cp1251"),
        )
        ticket = self._ticket_of(raw)
        self.assertEqual(ticket.name, SUBJECT)
        self.assertIn(BODY, ticket.description)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
            )
        )


REPORT_TEXT = (
    b"This is the mail system at host mx.zavod.example.ru.\r\n\r\n"
    b"I'm sorry to have to inform you that your message could not\r\n"
    b"be delivered to one or more recipients.\r\n\r\n"
    b"<ivanov@zavod.example.ru>: host mx.zavod.example.ru said: 550 5.1.1\r\n"
    b"    User unknown\r\n\r\n"
    b"Reporting-MTA: dns; mx.zavod.example.ru\r\n"
    b"Final-Recipient: rfc822; ivanov@zavod.example.ru\r\n"
    b"Action: failed\r\n"
    b"Status: 5.1.1\r\n"
)


class TestDeliveryReports(MailGatewayCase):
    def assertNoTicket(self, raw):
        before = self._tickets()
        with mute_logger(*GATEWAY_LOGGERS):
            self.assertFalse(self._process(raw))
        self.assertEqual(self._tickets(), before)

    def test_multipart_report_without_boundary(self):
        """A plain-text report labelled multipart/report: Odoo's bounce
        parser reads a character of it as a header block."""
        self.assertNoTicket(
            _mail(
                "dsn-no-boundary",
                b"Subject: Undelivered Mail Returned to Sender\r\n"
                b"Content-Type: multipart/report; report-type=delivery-status\r\n",
                REPORT_TEXT,
                sender=b"Mail Delivery System <MAILER-DAEMON@mx.zavod.example.ru>",
            )
        )

    def test_multipart_report_whose_boundary_is_never_found(self):
        self.assertNoTicket(
            _mail(
                "dsn-lost-boundary",
                b"Subject: Delivery Status Notification (Failure)\r\n"
                b"Content-Type: multipart/report; report-type=delivery-status;"
                b' boundary="NEVER"\r\n',
                REPORT_TEXT,
                sender=b"postmaster@mx.zavod.example.ru",
            )
        )

    def test_multipart_report_with_a_plain_text_status_part(self):
        self.assertNoTicket(
            _mail(
                "dsn-text-status",
                b"Subject: Undeliverable: Zayavka\r\n"
                b"Content-Type: multipart/report; report-type=delivery-status;"
                b' boundary="RPT"\r\n',
                b"--RPT\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                b"Delivery has failed to these recipients.\r\n"
                b"--RPT\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                + REPORT_TEXT
                + b"--RPT--\r\n",
                sender=b"postmaster@zavod.example.ru",
            )
        )

    def test_plain_text_reports_open_no_ticket(self):
        plain = b"Content-Type: text/plain; charset=us-ascii\r\n"
        cases = {
            "postmaster": (b"postmaster@mx.zavod.example.ru", b""),
            "null-return-path": (b"robot@zavod.example.ru", b"Return-Path: <>\r\n"),
            "exim": (
                b"robot@zavod.example.ru",
                b"X-Failed-Recipients: ivanov@zavod.example.ru\r\n",
            ),
        }
        for name, (sender, extra) in cases.items():
            with self.subTest(case=name):
                self.assertNoTicket(
                    _mail(
                        f"report-{name}",
                        b"Subject: Mail delivery failed\r\n" + extra + plain,
                        REPORT_TEXT,
                        sender=sender,
                    )
                )


class TestLoops(MailGatewayCase):
    def test_duplicate_message_id_is_processed_once(self):
        """A mail delivered twice (the fetchmail server retried, a relay
        duplicated it) or replayed: one ticket, one message."""
        raw = _mail(
            "dup-1",
            b"Subject: =?utf-8?B?" + _b64(SUBJECT, "utf-8").encode() + b"?=\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n",
            BODY.encode(),
        )
        before = self._tickets()
        ticket_id = self._process(raw)
        self.assertTrue(ticket_id)
        messages = self.env["helpdesk.ticket"].browse(ticket_id).message_ids
        with mute_logger(*GATEWAY_LOGGERS):
            self.assertFalse(self._process(raw))
            # the same Message-Id with another text and sender changes nothing
            forged = raw.replace(b"Petrov", b"Ivanov").replace(
                BODY.encode(), "Другой текст".encode()
            )
            self.assertFalse(self._process(forged))
        self.assertEqual(len(self._tickets() - before), 1)
        self.assertEqual(
            self.env["helpdesk.ticket"].browse(ticket_id).message_ids, messages
        )

    def test_our_own_addresses_open_no_ticket(self):
        ticket = self._ticket(
            name="Обращение заказчика", partner_id=self.contact_customer.id
        )
        ticket.message_post(body="Ответ оператора", message_type="comment")
        parent = ticket.message_ids[:1].message_id
        domain = self.alias_domain
        senders = [
            ALIAS,
            "support-suppliers@etp-support.example.ru",
            domain.catchall_email,
            domain.bounce_email,
            domain.default_from_email,
        ]
        before = self._tickets()
        messages = len(ticket.message_ids)
        for n, sender in enumerate(senders):
            with self.subTest(sender=sender):
                for kind, thread in (
                    ("new", b""),
                    ("reply", f"In-Reply-To: {parent}\r\n".encode()),
                ):
                    raw = _mail(
                        f"own-{kind}-{n}",
                        b"Subject: Re: Obrashchenie\r\n" + thread + b"Content-Type:"
                        b" text/plain; charset=utf-8\r\n",
                        "Ваше обращение зарегистрировано".encode(),
                        sender=sender.encode(),
                    )
                    with mute_logger(*GATEWAY_LOGGERS):
                        self.assertFalse(self._process(raw))
        self.assertEqual(self._tickets(), before)
        self.assertEqual(len(ticket.message_ids), messages)
        self.assertFalse(self._outgoing_to("etp-support.example.ru"))

    def test_mail_storm_is_dropped_silently_and_logged(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "mail.gateway.loop.threshold", 3
        )
        sender = "robot@flood.example.ru"
        tickets = []
        with self.assertLogs("odoo.addons", logging.INFO) as logs:
            for n in range(5):
                raw = _mail(
                    f"storm-{n}",
                    f"Subject: Заявка {n}\r\n".encode()
                    + b"Content-Type: text/plain; charset=utf-8\r\n",
                    "Прошу зарегистрировать заявку".encode(),
                    sender=sender.encode(),
                )
                tickets.append(self._process(raw))
        self.assertTrue(all(tickets[:3]))
        self.assertEqual(tickets[3:], [None, None])
        self.assertEqual(
            self.env["helpdesk.ticket"].search_count([("partner_email", "=", sender)]),
            3,
        )
        # no answer to the storm, and a line in the log for each drop
        self.assertFalse(self._outgoing_to(sender))
        dropped = [line for line in logs.output if "Mail storm from" in line]
        self.assertEqual(len(dropped), 2, logs.output)
        self.assertIn("storm-3@zavod.example.ru", dropped[0])

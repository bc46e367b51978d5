# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hand-off to IT: the email and its replies, the callback (the webhook outbox
is tested in test_incident_webhook.py)."""

import hashlib
import hmac
import json
import time

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .handoff_common import DETECTED, IT_EMAIL, REPLY, SECRET, HandoffCommon, _it_text


class TestItEmail(HandoffCommon):
    def _reply(self, incident, body, sender=IT_EMAIL, content_type="text/plain"):
        raw = REPLY.format(
            sender=sender,
            reference=incident.name,
            msg_id=f"reply-{time.monotonic_ns()}",
            parent=incident.it_message_id,
            content_type=content_type,
            body=body,
        )
        return self.env["mail.thread"].message_process(False, raw)

    def test_registration_emails_it_at_once(self):
        with freeze_time(DETECTED):
            incident = self._register()
        it_partner = self.env["res.partner"].search([("email", "=", IT_EMAIL)])
        self.assertEqual(len(it_partner), 1)
        self.assertEqual(incident.state, "handed_to_it")
        self.assertEqual(incident.handed_to_it_at, DETECTED)
        self.assertIn(it_partner, incident.message_partner_ids)

        message = incident.message_ids.filtered(lambda m: it_partner in m.partner_ids)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.message_type, "comment")
        self.assertEqual(message.author_id, self.operator.partner_id)
        self.assertEqual(incident.it_message_id, message.message_id)
        mail = (
            self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, it_partner)
        # replies refer to this Message-Id and come back here
        self.assertEqual(mail.message_id, incident.it_message_id)
        self.assertEqual(
            mail.subject,
            f"[{incident.name}] Incident: Сбой подписи: плагин недоступен",
        )
        body = _it_text(mail.body_html)
        for expected in (
            incident.name,
            "Сбой подписи: плагин недоступен",
            "Severity",
            "critical",
            "Electronic signature",
            "24.11.2026 23:05 МСК",
            "Не работает cadesplugin_api.js",
            f"/odoo/helpdesk.incident/{incident.id}",
        ):
            self.assertIn(expected, body)
        self.assertRegex(body, r"Linked tickets</td>\s*<td>2</td>")

    def test_operator_without_email_still_hands_off(self):
        self.operator.partner_id.email = False
        self.env.company.partner_id.email = "support@etp-support.example.ru"
        incident = self._register()
        self.assertEqual(incident.state, "handed_to_it")
        message = self.env["mail.message"].search(
            [("message_id", "=", incident.it_message_id)]
        )
        self.assertEqual(message.author_id, self.env.company.partner_id)

    def test_it_reply_threads_into_the_incident_and_resolves_it(self):
        incident = self._register()
        it_partner = self.env["res.partner"].search([("email", "=", IT_EMAIL)])
        quoted = "\n".join(
            "> " + line
            for line in (
                "Чтобы сообщить статус, ответьте на это письмо: напишите «в работе»",
                "и «исправлено», когда сбой будет устранён.",
            )
        )
        thread_id = self._reply(
            incident,
            "Исправлено: откатили cadesplugin_api.js, подпись работает.\n\n"
            "24.11.2026, 23:05, Оператор пишет:\n" + quoted,
            sender=f"Дежурный ИТ <{IT_EMAIL}>",
        )
        self.assertEqual(thread_id, incident.id)
        reply = incident.message_ids.filtered(lambda m: m.author_id == it_partner)
        self.assertEqual(len(reply), 1)
        self.assertIn("откатили cadesplugin_api.js", reply.body)
        self.assertEqual(incident.state, "resolved")
        self.assertTrue(incident.resolved_at)
        # the linked tickets follow: solved, each requester told once
        self.assertEqual(self.tickets.stage_id, self.stage_done)
        self.assertEqual(len(self._resolution_messages(self.tickets)), 2)
        # and the responsible operator is the author of what they are told
        self.assertEqual(
            self._resolution_messages(self.tickets).author_id,
            self.operator.partner_id,
        )

    def test_in_progress_then_only_forward(self):
        incident = self._register()
        # another mailbox of IT's domain counts as IT
        self._reply(incident, "Взяли в работе.", sender="ivanov@etp-it.example.ru")
        self.assertEqual(incident.state, "in_progress")
        self.assertTrue(incident.started_at)
        incident.action_resolve()
        self._reply(incident, "Снова в работе?")
        self.assertEqual(incident.state, "resolved")

    def test_replies_that_say_nothing_are_only_logged(self):
        incident = self._register()
        count = len(incident.message_ids)
        # quoted keywords only
        self._reply(
            incident,
            "Спасибо, посмотрим.\n\n> напишите «в работе» или «исправлено»",
        )
        # an HTML reply whose keywords are in the quoted part
        self._reply(
            incident,
            "<div>Приняли, разбираемся.</div>"
            "<div class='gmail_quote'><blockquote>«в работе» … «исправлено»"
            "</blockquote></div>",
            content_type="text/html",
        )
        # «исправлено» from someone who is not IT
        self._reply(
            incident,
            "У меня всё исправлено!",
            sender="kuznetsov@postavka.example.ru",
        )
        self.assertEqual(incident.state, "handed_to_it")
        self.assertEqual(len(incident.message_ids), count + 3)
        self.assertEqual(self.tickets.stage_id, self.stage_new)

    def test_without_it_address_the_incident_waits(self):
        self.env["ir.config_parameter"].sudo().set_param("etp_incident.it_email", False)
        incident = self._register()
        self.assertEqual(incident.state, "new")
        self.assertFalse(incident.it_message_id)
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "helpdesk.incident"), ("res_id", "=", incident.id)])
        )


@tagged("post_install", "-at_install")
class TestIncidentCallback(HttpCase, HandoffCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ICP = cls.env["ir.config_parameter"].sudo()
        ICP.set_param("etp_incident.it_email", False)
        ICP.set_param("etp_incident.webhook_secret", SECRET)
        cls.incident = cls.env["helpdesk.incident"].create(
            {
                "title": "Сбой подписи",
                "component": "signature",
                "ticket_ids": [(6, 0, cls.tickets.ids)],
            }
        )
        cls.incident.action_hand_to_it()

    def setUp(self):
        super().setUp()
        # no login: the database is named in the session, as the host name
        # names it in production
        self.authenticate(None, None)

    def _post(self, document, secret=SECRET, timestamp=None, body=None, signed=None):
        body = body if body is not None else json.dumps(document).encode()
        timestamp = int(time.time()) if timestamp is None else timestamp
        headers = {"Content-Type": "application/json"}
        if secret:
            signed_body = signed if signed is not None else body
            headers["X-ETP-Timestamp"] = str(timestamp)
            headers["X-ETP-Signature"] = (
                "sha256="
                + hmac.new(
                    secret.encode(),
                    str(timestamp).encode() + b"." + signed_body,
                    hashlib.sha256,
                ).hexdigest()
            )
        response = self.url_open(
            "/etp/incident/callback", data=body, headers=headers, allow_redirects=False
        )
        self.env.invalidate_all()
        return response

    def _document(self, state="resolved", reference=None):
        return {
            "reference": reference or self.incident.name,
            "state": state,
            "comment": "Откатили релиз 4.12, подпись работает",
        }

    def _assert_unchanged(self, count):
        self.assertEqual(self.incident.state, "handed_to_it")
        self.assertEqual(len(self.incident.message_ids), count)
        self.assertEqual(self.tickets.stage_id, self.stage_new)

    @mute_logger("odoo.addons.etp_incident.controllers.main")
    def test_refused_without_a_valid_signature(self):
        count = len(self.incident.message_ids)
        now = int(time.time())
        document = self._document()
        body = json.dumps(document).encode()
        for label, kwargs in (
            ("missing", {"secret": None}),
            ("wrong secret", {"secret": "another-secret-0123456789"}),
            ("stale", {"timestamp": now - 600}),
            ("from the future", {"timestamp": now + 600}),
            (
                "tampered body",
                {"body": body, "signed": body.replace(b"resolved", b"x")},
            ),
        ):
            response = self._post(document, **kwargs)
            self.assertEqual(response.status_code, 403, label)
            self.assertEqual(response.json(), {"error": "forbidden"}, label)
            self._assert_unchanged(count)
        # the signature is checked before anything is looked up
        response = self._post(self._document(reference="INC-1900-0001"), secret=None)
        self.assertEqual(response.status_code, 403)
        # without a configured secret, nothing is accepted
        self.env["ir.config_parameter"].sudo().set_param(
            "etp_incident.webhook_secret", False
        )
        self.assertEqual(self._post(document).status_code, 403)
        self._assert_unchanged(count)

    def test_only_post(self):
        response = self.url_open("/etp/incident/callback", allow_redirects=False)
        self.assertEqual(response.status_code, 405)

    def test_unknown_reference_and_bad_documents(self):
        count = len(self.incident.message_ids)
        response = self._post(self._document(reference="INC-1900-0001"))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"error": "unknown reference"})
        for document in (
            self._document(state="closed"),
            self._document(state="new"),
            {"state": "resolved"},
            ["INC", "resolved"],
        ):
            self.assertEqual(self._post(document).status_code, 400, document)
        self.assertEqual(self._post(None, body=b"not json").status_code, 400)
        self._assert_unchanged(count)

    def test_valid_callback_moves_the_incident_forward(self):
        response = self._post(self._document(state="in_progress"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {"reference": self.incident.name, "state": "in_progress", "changed": True},
        )
        self.assertEqual(self.incident.state, "in_progress")
        note = self.incident.message_ids.filtered(
            lambda m: "Откатили релиз 4.12" in m.body
        )
        self.assertEqual(len(note), 1)
        # a note for the operators: IT's words never reach the requesters
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertFalse(note.notification_ids)

        response = self._post(self._document(state="resolved"))
        self.assertEqual(response.json()["state"], "resolved")
        self.assertEqual(self.incident.state, "resolved")
        self.assertEqual(self.tickets.stage_id, self.stage_done)
        self.assertEqual(len(self._resolution_messages(self.tickets)), 2)

        # replayed or late callbacks change nothing and tell nobody again
        for state in ("resolved", "in_progress"):
            response = self._post(self._document(state=state))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(
                response.json(),
                {
                    "reference": self.incident.name,
                    "state": "resolved",
                    "changed": False,
                },
            )
        self.assertEqual(len(self._resolution_messages(self.tickets)), 2)

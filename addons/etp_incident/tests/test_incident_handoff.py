# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hand-off to IT: the email and its replies, the webhook outbox, the callback.

The webhook is delivered to a small HTTP server of the test on 127.0.0.1; no
other address is ever called.
"""

import hashlib
import hmac
import json
import socket
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.etp_incident.models.helpdesk_incident_webhook import backoff_seconds

from .incident_common import IncidentCommon

IT_EMAIL = "it-duty@etp-it.example.ru"
SECRET = "test-secret-shared-with-it-0123456789"
DETECTED = datetime(2026, 11, 24, 20, 5)  # 23:05 in Moscow

# Queries of one run of the webhook cron, measured with 1 and with 5 due
# deliveries: 6 both times (the incidents waiting for a retry, the due
# deliveries, their incidents, one flush writing all outcomes, the count of
# what remains; only the HTTP calls are per delivery).
WEBHOOK_CRON_QUERY_COUNT = 6

REPLY = """\
From: {sender}
To: support@etp-support.example.ru
Subject: Re: [{reference}] Incident: Сбой подписи
Message-ID: <{msg_id}@etp-it.example.ru>
In-Reply-To: {parent}
References: {parent}
Date: Tue, 24 Nov 2026 23:40:00 +0300
MIME-Version: 1.0
Content-Type: {content_type}; charset=utf-8
Content-Transfer-Encoding: 8bit

{body}
"""


class _Recorder(BaseHTTPRequestHandler):
    """Records each POST and answers with the next scripted status."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append((dict(self.headers.items()), body))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"boom" if status >= 500 else b"ok")

    def log_message(self, *args):
        pass


def _it_text(body):
    return body.replace("\n", " ")


class HandoffCommon(IncidentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "etp_incident.it_email", IT_EMAIL
        )
        cls.ticket_k = cls._ticket(
            name="Не могу подписать заявку",
            description="<p>Кнопка «Подписать» не реагирует</p>",
            partner_id=cls.contact_supplier.id,
            category_id=cls.category_signature.id,
        )
        cls.ticket_s = cls._ticket(
            name="Не подписывается извещение",
            partner_id=cls.contact_customer.id,
            category_id=cls.category_signature.id,
        )
        cls.tickets = cls.ticket_k | cls.ticket_s

    def _register(self, **values):
        wizard = (
            self.env["helpdesk.incident.register.wizard"]
            .with_user(self.operator)
            .with_context(active_model="helpdesk.ticket", active_ids=self.tickets.ids)
            .create(
                {
                    "mode": "create",
                    "title": "Сбой подписи: плагин недоступен",
                    "component": "signature",
                    "severity": "critical",
                    "description": "<p>Не работает cadesplugin_api.js</p>",
                    **values,
                }
            )
        )
        return self.env["helpdesk.incident"].browse(wizard.action_confirm()["res_id"])


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


class WebhookCommon(HandoffCommon):
    def setUp(self):
        super().setUp()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        self.server.received = []
        self.server.statuses = []
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(thread.join, 5)
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/incidents"
        ICP = self.env["ir.config_parameter"].sudo()
        ICP.set_param("etp_incident.it_email", False)
        ICP.set_param("etp_incident.webhook_url", self.url)
        ICP.set_param("etp_incident.webhook_secret", SECRET)
        self.Webhook = self.env["helpdesk.incident.webhook"]

    def _run_cron(self, at):
        with freeze_time(at):
            self.Webhook._cron_send()


class TestWebhook(WebhookCommon):
    def test_backoff_doubles_up_to_an_hour(self):
        self.assertEqual(
            [backoff_seconds(attempt) for attempt in range(1, 9)],
            [60, 120, 240, 480, 960, 1920, 3600, 3600],
        )

    def test_signed_delivery_retried_with_backoff_until_accepted(self):
        with freeze_time(DETECTED):
            incident = self._register()
        # the webhook alone is a hand-off channel
        self.assertEqual(incident.state, "handed_to_it")
        delivery = incident.webhook_ids
        self.assertEqual(len(delivery), 1)
        self.assertEqual(delivery.state, "pending")
        self.assertEqual(delivery.event, "incident.handed_to_it")
        cron = self.env.ref("etp_incident.ir_cron_helpdesk_incident_webhook_send")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "the cron is woken up at once",
        )

        self.server.statuses = [500, 200]
        first_try = DETECTED + timedelta(seconds=10)
        self._run_cron(first_try)
        self.assertEqual(len(self.server.received), 1)
        self.assertEqual(delivery.state, "pending")
        self.assertEqual(delivery.attempts, 1)
        self.assertEqual(delivery.last_status_code, 500)
        self.assertIn("HTTP 500", delivery.last_error)
        self.assertEqual(delivery.next_attempt_at, first_try + timedelta(seconds=60))

        # not due yet: nothing is sent
        self._run_cron(first_try + timedelta(seconds=30))
        self.assertEqual(len(self.server.received), 1)

        second_try = first_try + timedelta(seconds=61)
        self._run_cron(second_try)
        self.assertEqual(len(self.server.received), 2)
        self.assertEqual(delivery.state, "sent")
        self.assertEqual(delivery.attempts, 2)
        self.assertEqual(delivery.sent_at, second_try)
        self.assertFalse(delivery.last_error)

        headers, body = self.server.received[-1]
        # the body sent is exactly the stored payload, and it is what was signed
        self.assertEqual(body, delivery.payload.encode())
        timestamp = headers["X-ETP-Timestamp"]
        self.assertEqual(int(timestamp), int(second_try.timestamp()))
        expected = (
            "sha256="
            + hmac.new(
                SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256
            ).hexdigest()
        )
        self.assertTrue(hmac.compare_digest(headers["X-ETP-Signature"], expected))
        self.assertEqual(headers["Content-Type"], "application/json; charset=utf-8")
        self.assertTrue(
            incident._etp_backend_url().endswith(
                f"/odoo/helpdesk.incident/{incident.id}"
            )
        )
        self.assertEqual(
            json.loads(body),
            {
                "event": "incident.handed_to_it",
                "event_id": delivery.event_id,
                "reference": incident.name,
                "title": "Сбой подписи: плагин недоступен",
                "severity": "critical",
                "component": "signature",
                "state": "handed_to_it",
                "detected_at": "2026-11-24T20:05:00Z",
                "url": incident._etp_backend_url(),
            },
        )
        # both tries carried the same event id, for the receiver to dedupe
        self.assertEqual(
            {h["X-ETP-Event-Id"] for h, _body in self.server.received},
            {delivery.event_id},
        )

    def test_each_state_change_is_queued_with_it_and_sent_in_order(self):
        with freeze_time(DETECTED):
            incident = self._register()
            incident.action_start()
        self.assertEqual(
            incident.webhook_ids.sorted("id").mapped("event"),
            ["incident.handed_to_it", "incident.in_progress"],
        )
        self.server.statuses = [500]
        self._run_cron(DETECTED + timedelta(seconds=1))
        # the first failed: the second waits behind it, even when due
        self._run_cron(DETECTED + timedelta(seconds=2))
        self.assertEqual(len(self.server.received), 1)
        self._run_cron(DETECTED + timedelta(seconds=62))
        states = [json.loads(body)["state"] for _headers, body in self.server.received]
        self.assertEqual(states, ["handed_to_it", "handed_to_it", "in_progress"])
        self.assertEqual(set(incident.webhook_ids.mapped("state")), {"sent"})

    @mute_logger("odoo.addons.etp_incident.models.helpdesk_incident_webhook")
    def test_unreachable_endpoint_keeps_the_delivery(self):
        with socket.socket() as probe:  # a loopback port nobody listens on
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        self.env["ir.config_parameter"].sudo().set_param(
            "etp_incident.webhook_url", f"http://127.0.0.1:{closed_port}/hook"
        )
        with freeze_time(DETECTED):
            incident = self._register()
        for attempt in range(1, 4):
            self._run_cron(DETECTED + timedelta(hours=attempt))
            delivery = incident.webhook_ids
            self.assertEqual(delivery.state, "pending")
            self.assertEqual(delivery.attempts, attempt)
            self.assertIn("ConnectionError", delivery.last_error)
        # the endpoint is back: delivered
        self.env["ir.config_parameter"].sudo().set_param(
            "etp_incident.webhook_url", self.url
        )
        self._run_cron(DETECTED + timedelta(hours=5))
        self.assertEqual(delivery.state, "sent")
        self.assertEqual(len(self.server.received), 1)

    def test_without_configuration_nothing_is_queued_or_sent(self):
        ICP = self.env["ir.config_parameter"].sudo()
        ICP.set_param("etp_incident.webhook_url", False)
        incident = self._register()
        self.assertFalse(incident.webhook_ids)
        # configured, queued, then switched off: the delivery waits
        ICP.set_param("etp_incident.webhook_url", self.url)
        incident.action_start()
        ICP.set_param("etp_incident.webhook_secret", False)
        self._run_cron(datetime.now() + timedelta(minutes=1))
        self.assertEqual(incident.webhook_ids.state, "pending")
        self.assertFalse(self.server.received)

    def test_retry_now_brings_a_delivery_forward(self):
        with freeze_time(DETECTED):
            incident = self._register()
        self.server.statuses = [503]
        self._run_cron(DETECTED)
        delivery = incident.webhook_ids
        self.assertEqual(delivery.next_attempt_at, DETECTED + timedelta(seconds=60))
        with freeze_time(DETECTED + timedelta(seconds=5)):
            delivery.action_retry_now()
        self._run_cron(DETECTED + timedelta(seconds=5))
        self.assertEqual(delivery.state, "sent")

    def test_cron_query_count_does_not_grow_with_deliveries(self):
        for count in (1, 5):
            with freeze_time(DETECTED):
                for _index in range(count):
                    self.env["helpdesk.incident"].create({"title": "Сбой"})
            self.env.flush_all()
            self.env.invalidate_all()
            with freeze_time(DETECTED + timedelta(seconds=1)):
                with self.assertQueryCount(WEBHOOK_CRON_QUERY_COUNT):
                    self.Webhook._cron_send()
            self.assertFalse(self.Webhook.search([("state", "=", "pending")]))
        self.assertEqual(len(self.server.received), 6)


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

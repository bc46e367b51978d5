# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hand-off to IT by webhook: the outbox, its retries and its cron.

The webhook is delivered to a small HTTP server of the test on 127.0.0.1; no
other address is ever called.
"""

import hashlib
import hmac
import json
import socket
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from freezegun import freeze_time

from odoo.tools import mute_logger

from odoo.addons.etp_incident.models.helpdesk_incident_webhook import backoff_seconds

from .handoff_common import DETECTED, SECRET, WEBHOOK_CRON_QUERY_COUNT, HandoffCommon


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

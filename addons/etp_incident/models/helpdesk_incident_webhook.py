# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Outbox of the IT webhook.

Each state change of an incident (its hand-off first) writes one row here, in
the same transaction as the change: when the incident is saved, so is the
notification, and nothing is lost if the endpoint, the network or the server
goes down. A cron sends the due rows in order, signed, and retries a failed
one with an exponential backoff capped at one hour, until IT's endpoint
accepts it (any 2xx). Delivery is at least once: the receiver recognises a
repeated delivery by its ``event_id``.
"""

import json
import logging
import time
import uuid
from datetime import timedelta

import requests

from odoo import api, fields, models

from ..lib import signature
from ..lib.backoff import backoff_seconds
from .helpdesk_incident_handoff import WEBHOOK_SECRET_PARAM, WEBHOOK_URL_PARAM

_logger = logging.getLogger(__name__)

BATCH_SIZE = 20
TIMEOUT_SECONDS = 10


class HelpdeskIncidentWebhook(models.Model):
    _name = "helpdesk.incident.webhook"
    _description = "Incident Webhook Delivery"
    _order = "id desc"
    _rec_name = "event"

    incident_id = fields.Many2one(
        "helpdesk.incident", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="incident_id.company_id", store=True)
    event = fields.Char(required=True, readonly=True)
    event_id = fields.Char(
        string="Event ID",
        required=True,
        readonly=True,
        copy=False,
        help="Unique per notification: a receiver that gets it twice (a retry "
        "after a lost answer) ignores the second one.",
    )
    payload = fields.Text(
        required=True,
        readonly=True,
        help="The exact JSON body sent (and signed).",
    )
    state = fields.Selection(
        [("pending", "Pending"), ("sent", "Sent")],
        required=True,
        default="pending",
        index=True,
        readonly=True,
    )
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(
        string="Next Attempt", default=fields.Datetime.now, index=True, readonly=True
    )
    last_attempt_at = fields.Datetime(readonly=True)
    last_status_code = fields.Integer(string="Last HTTP Status", readonly=True)
    last_error = fields.Text(readonly=True)
    sent_at = fields.Datetime(readonly=True)

    @api.model
    def _etp_enqueue(self, incidents):
        """Write one pending delivery per incident, with its current state,
        when a webhook is configured; wake the sending cron up."""
        if not incidents or not incidents._etp_webhook_url():
            return self.browse()
        vals_list = []
        for incident in incidents:
            event_id = str(uuid.uuid4())
            event = f"incident.{incident.state}"
            document = {
                "event": event,
                "event_id": event_id,
                **incident._etp_webhook_payload(),
            }
            vals_list.append(
                {
                    "incident_id": incident.id,
                    "event": event,
                    "event_id": event_id,
                    "payload": json.dumps(
                        document,
                        ensure_ascii=False,
                        sort_keys=True,
                        separators=(",", ":"),
                    ),
                }
            )
        deliveries = self.sudo().create(vals_list)
        cron = self.env.ref(
            "etp_incident.ir_cron_helpdesk_incident_webhook_send",
            raise_if_not_found=False,
        )
        if cron:
            cron.sudo()._trigger()
        return deliveries

    def action_retry_now(self):
        """Bring failed deliveries forward: the cron sends them at its next
        run (now)."""
        pending = self.filtered(lambda d: d.state == "pending")
        pending.write({"next_attempt_at": fields.Datetime.now()})
        cron = self.env.ref(
            "etp_incident.ir_cron_helpdesk_incident_webhook_send",
            raise_if_not_found=False,
        )
        if cron and pending:
            cron.sudo()._trigger()

    @api.model
    def _cron_send(self, limit=BATCH_SIZE):
        """Send the due deliveries, oldest first.

        Deliveries of one incident go in order: a later one waits while an
        earlier one waits for its retry. The first failure ends the batch (the
        endpoint is likely down; the others are tried at the next run) so a
        dead endpoint costs one timeout a minute, not one per delivery.
        """
        ICP = self.env["ir.config_parameter"].sudo()
        url = (ICP.get_param(WEBHOOK_URL_PARAM) or "").strip()
        secret = ICP.get_param(WEBHOOK_SECRET_PARAM) or ""
        if not url or not secret:
            # Deliveries wait, pending, until the webhook is configured again.
            return
        now = fields.Datetime.now()
        # An incident with a delivery waiting for its retry sends nothing
        # newer before it.
        waiting = [
            incident.id
            for (incident,) in self._read_group(
                [("state", "=", "pending"), ("next_attempt_at", ">", now)],
                ["incident_id"],
            )
        ]
        due_domain = [
            ("state", "=", "pending"),
            ("next_attempt_at", "<=", now),
            ("incident_id", "not in", waiting),
        ]
        done = 0
        failed = False
        with requests.Session() as session:
            for delivery in self.search(due_domain, order="id", limit=limit):
                if not delivery._etp_send(session, url, secret, now):
                    failed = True
                    break
                done += 1
        remaining = 0 if failed else self.search_count(due_domain)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    def _etp_send(self, session, url, secret, now):
        """POST the delivery once; record the outcome. Return True when the
        endpoint accepted it (2xx)."""
        self.ensure_one()
        body = self.payload.encode("utf-8")
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "ETP-Helpdesk-Incidents/1.0",
            "X-ETP-Event": self.event,
            "X-ETP-Event-Id": self.event_id,
            signature.TIMESTAMP_HEADER: str(timestamp),
            signature.SIGNATURE_HEADER: signature.sign(secret, timestamp, body),
        }
        attempts = self.attempts + 1
        status_code = 0
        try:
            response = session.post(
                url, data=body, headers=headers, timeout=TIMEOUT_SECONDS
            )
            status_code = response.status_code
            error = (
                None
                if 200 <= status_code < 300
                else f"HTTP {status_code}: {response.text[:500]}"
            )
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"[:1000]
        if error is None:
            self.write(
                {
                    "state": "sent",
                    "attempts": attempts,
                    "sent_at": now,
                    "last_attempt_at": now,
                    "last_status_code": status_code,
                    "last_error": False,
                }
            )
            return True
        delay = backoff_seconds(attempts)
        _logger.info(
            "Webhook delivery %s of %s failed (attempt %s), next try in %ss: %s",
            self.event_id,
            self.incident_id.name,
            attempts,
            delay,
            error,
        )
        self.write(
            {
                "attempts": attempts,
                "last_attempt_at": now,
                "last_status_code": status_code,
                "last_error": error,
                "next_attempt_at": now + timedelta(seconds=delay),
            }
        )
        return False

    @api.autovacuum
    def _gc_sent_deliveries(self):
        """Forget deliveries sent more than 90 days ago."""
        limit = fields.Datetime.now() - timedelta(days=90)
        self.search([("state", "=", "sent"), ("sent_at", "<", limit)]).unlink()

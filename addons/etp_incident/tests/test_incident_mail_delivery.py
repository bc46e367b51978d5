# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The IT hand-off email against a real SMTP server on 127.0.0.1 (aiosmtpd):
down, the email fails, is retried with backoff and the supervisors get a
to-do; up, the next attempt sends it.

Odoo never opens an SMTP connection while a test runs
(``odoo.modules.module.current_test``); ``_smtp_for_real`` lifts that guard
for the sending code under test, so the real mail layer talks to the real
server. No other address is ever contacted.
"""

import email
import email.policy
import socket
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch

from aiosmtpd.controller import Controller

from odoo.modules import module as odoo_module
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .handoff_common import IT_EMAIL, HandoffCommon

T0 = datetime(2026, 11, 24, 20, 5)  # 23:05 in Moscow
MAIL_LOGGERS = (
    "odoo.addons.mail.models.mail_mail",
    "odoo.addons.base.models.ir_mail_server",
    "odoo.addons.etp_incident.models.helpdesk_incident_handoff",
)


class _Inbox:
    """aiosmtpd handler keeping what it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestItEmailDelivery(HandoffCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.port = _free_port()
        cls.env["ir.mail_server"].search([]).active = False
        cls.env["ir.mail_server"].create(
            {
                "name": "Local relay",
                "smtp_host": "127.0.0.1",
                "smtp_port": cls.port,
                "smtp_encryption": "none",
            }
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "etp_incident.it_mail_alert_after", 3
        )
        cls.supervisor = new_test_user(
            cls.env,
            login="etp-it-mail-supervisor",
            name="Старший смены",
            groups="etp_escalation.group_etp_supervisor",
        )
        cls.Incident = cls.env["helpdesk.incident"]

    @contextmanager
    def _smtp_for_real(self):
        with (
            patch.object(odoo_module, "current_test", None),
            mute_logger(*MAIL_LOGGERS),
        ):
            yield

    def _cron(self):
        with self._smtp_for_real():
            self.Incident._cron_retry_it_mail()

    def _alerts(self, incident):
        return incident.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("etp_incident.mail_activity_type_it_mail_failed")
        )

    def _start_smtp_server(self):
        inbox = _Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=self.port)
        controller.start()
        self.addCleanup(controller.stop)
        return inbox

    def test_retried_until_the_mail_server_takes_it(self):
        # the mail server is down when the incident is registered
        with self._at(T0), self._smtp_for_real():
            incident = self._register()
        self.assertEqual(incident.state, "handed_to_it")
        self.assertRecordValues(
            incident,
            [
                {
                    "it_mail_state": "retrying",
                    "it_mail_attempts": 1,
                    "it_mail_next_attempt_at": T0 + timedelta(minutes=1),
                }
            ],
        )
        self.assertIn("Connection refused", incident.it_mail_error)
        self.assertFalse(self._alerts(incident))

        # not due yet: nothing is tried
        with self._at(T0 + timedelta(seconds=30)):
            self._cron()
        self.assertEqual(incident.it_mail_attempts, 1)

        # due: tried again, still down; the third failure tells the supervisors
        moment = T0
        for attempts, delay in ((2, 1), (3, 2)):
            moment += timedelta(minutes=delay, seconds=1)
            with self._at(moment):
                self._cron()
            self.assertEqual(incident.it_mail_attempts, attempts)
        self.assertEqual(
            incident.it_mail_next_attempt_at, moment + timedelta(minutes=4)
        )
        alerts = self._alerts(incident)
        alert = alerts.filtered(lambda a: a.user_id == self.supervisor)
        self.assertEqual(len(alert), 1)
        self.assertIn(incident.name, alert.summary)
        self.assertIn("3", alert.note)
        self.assertNotIn(self.operator, alerts.user_id)
        # a fourth failure tells nobody again
        with self._at(moment + timedelta(minutes=5)):
            self._cron()
        self.assertEqual(incident.it_mail_attempts, 4)
        self.assertEqual(self._alerts(incident), alerts)

        # the mail server is up again; the supervisor does not wait for the
        # next attempt
        inbox = self._start_smtp_server()
        incident.with_user(self.supervisor).action_retry_it_mail()
        self._cron()
        self.assertRecordValues(
            incident,
            [
                {
                    "it_mail_state": "sent",
                    "it_mail_error": False,
                    "state": "handed_to_it",
                }
            ],
        )
        self.assertTrue(incident.it_mail_sent_at)
        self.assertEqual(len(inbox.envelopes), 1)
        envelope = inbox.envelopes[0]
        self.assertEqual(envelope.rcpt_tos, [IT_EMAIL])
        received = email.message_from_bytes(envelope.content, policy=email.policy.SMTP)
        self.assertEqual(
            received["Subject"],
            f"[{incident.name}] Incident: Сбой подписи: плагин недоступен",
        )
        # IT's replies still thread into the incident
        self.assertEqual(received["Message-Id"], incident.it_message_id)
        # the supervisors' to-dos are done
        self.assertFalse(self._alerts(incident))
        self.assertTrue(
            self.env["mail.message"]
            .search([("model", "=", "helpdesk.incident"), ("res_id", "=", incident.id)])
            .filtered(lambda m: "sent after all" in (m.body or ""))
        )
        # sent is sent: the cron leaves it alone
        self._cron()
        self.assertEqual(len(inbox.envelopes), 1)

    def test_sent_at_once_when_the_server_is_up(self):
        inbox = self._start_smtp_server()
        with self._smtp_for_real():
            incident = self._register()
        self.assertEqual(incident.it_mail_state, "sent")
        self.assertEqual(incident.it_mail_attempts, 0)
        self.assertEqual(len(inbox.envelopes), 1)
        self.assertFalse(self._alerts(incident))

    def test_delivery_state_is_shown_on_the_incident(self):
        with self._at(T0), self._smtp_for_real():
            incident = self._register()
        arch = self.Incident.with_user(self.operator).get_views([(False, "form")])[
            "views"
        ]["form"]["arch"]
        for name in ("it_mail_state", "it_mail_attempts", "it_mail_error"):
            self.assertIn(f'name="{name}"', arch)
        self.assertIn("action_retry_it_mail", arch)
        values = incident.with_user(self.operator).read(
            ["it_mail_state", "it_mail_attempts", "it_mail_error"]
        )[0]
        self.assertEqual(values["it_mail_state"], "retrying")
        found = self.Incident.with_user(self.operator).search(
            [("it_mail_state", "=", "retrying")]
        )
        self.assertIn(incident, found)

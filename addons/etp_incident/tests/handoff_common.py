# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The IT hand-off tests' common set-up: IT's address, the shared secret, the
reply IT writes, and an incident handed to IT (shared with the delivery
tests)."""

from datetime import datetime

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

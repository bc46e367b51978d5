# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The retention tests' shared case: the dates around the end of the default
term and a closed ticket full of personal data (test_retention*.py,
test_personal_data_requests*.py)."""

import base64
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from .common import EtpHelpdeskCommon

# Closed on 15.01.2026 10:00 UTC; the default term (36 months) ends on
# 15.01.2029.
CLOSED = datetime(2026, 1, 15, 10, 0)
CREATED = CLOSED - timedelta(days=2)
BEFORE_TERM = CLOSED + relativedelta(months=36) - timedelta(days=1)
AFTER_TERM = CLOSED + relativedelta(months=36) + timedelta(days=1)

DESCRIPTION = (
    "<p>Не подписывается заявка по извещению № 0373100000124000456.</p>"
    "<p>Организация ИНН 7707083893. Я ИП, мой ИНН 500100732259, "
    "СНИЛС 112-233-445 95.</p>"
    "<p>Перезвоните: +7 (916) 123-45-67, почта smirnova@hospital1.example.ru</p>"
    "<p>С уважением, Ирина Смирнова</p>"
)
REPLY = (
    "<p>Ирина, добрый день! Перезвонила вам на 8 916 123-45-67, "
    "извещение 0373100000124000456 проверено.</p>"
)


class EtpRetentionCommon(EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Service = cls.env["helpdesk.personal.data"]
        cls.person = cls.env["res.partner"].create(
            {
                "name": "Ирина Смирнова",
                "parent_id": cls.org_customer.id,
                "email": "smirnova@hospital1.example.ru",
                "phone": "+7 916 123-45-67",
            }
        )
        cls.category = cls.env["helpdesk.ticket.category"].create(
            {"name": "Электронная подпись"}
        )

    def _closed_ticket(self, partner, created=CREATED, closed=CLOSED, **vals):
        """A ticket of ``partner`` created and closed at the given times, with
        what a real one carries: the requester's message and address, an
        operator's reply, an attachment, a consent, an email notification."""
        vals.setdefault("name", "Не подписывается заявка, Смирнова")
        vals.setdefault("team_id", self.team_customer_l1.id)
        with self._at(created, flush=True):
            ticket = self._ticket(
                description=DESCRIPTION,
                partner_id=partner.id,
                partner_name=partner.name,
                partner_email=partner.email,
                category_id=self.category.id,
                **vals,
            )
            ticket.message_subscribe(partner_ids=partner.ids)
            ticket.message_post(
                body=Markup("<p>Добавлю: мой мобильный 89161234567</p>"),
                author_id=partner.id,
                email_from=f"{partner.name} <{partner.email}>",
                message_type="email",
                subtype_xmlid="mail.mt_comment",
            )
            ticket.with_user(self.operator).message_post(
                body=Markup(REPLY),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=partner.ids,
            )
            self.env["ir.attachment"].create(
                {
                    "name": "скан паспорта.pdf",
                    "datas": base64.b64encode(b"%PDF passport"),
                    "res_model": "helpdesk.ticket",
                    "res_id": ticket.id,
                }
            )
            self.env["helpdesk.ticket.consent"].create(
                {
                    "ticket_id": ticket.id,
                    "version": "2026-12-01",
                    "accepted_at": created,
                    "ip_address": "203.0.113.7",
                    "email": partner.email,
                    "user_agent": "Mozilla/5.0",
                }
            )
        with self._at(closed, flush=True):
            ticket.stage_id = self.stage_done
        return ticket

    def _run_cron(self, moment, batch_size=None):
        with self._at(moment):
            result = self.Service._cron_anonymise_expired(batch_size=batch_size)
            self.env.flush_all()
        self.env.invalidate_all()
        return result

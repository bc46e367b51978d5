# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

CLOSED = datetime(2026, 2, 10, 12, 0)
AFTER_TERM = CLOSED + relativedelta(months=37)


class TestIncidentRetention(EtpHelpdeskCommon):
    """What etp_incident keeps next to a ticket loses the requester's
    details with it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.env["res.partner"].create(
            {
                "name": "Анна Лебедева",
                "parent_id": cls.org_supplier.id,
                "email": "lebedeva@postavka.example.ru",
            }
        )

    def _closed_ticket(self):
        with self._at(CLOSED - relativedelta(days=3), flush=True):
            ticket = self._ticket(
                name="Не видна подпись в ЕИС",
                partner_id=self.person.id,
                partner_name=self.person.name,
                partner_email=self.person.email,
                team_id=self.team_supplier_l1.id,
            )
        return ticket

    def _close(self, ticket):
        with self._at(CLOSED, flush=True):
            ticket.stage_id = self.stage_done

    def test_external_escalation_loses_the_requesters_details(self):
        ticket = self._closed_ticket()
        escalation = self.env["helpdesk.external.escalation"].create(
            {
                "ticket_id": ticket.id,
                "party_id": self.env.ref("etp_incident.helpdesk_external_party_eis").id,
                "external_ref": "ЕИС-2026-118734",
                "note": Markup(
                    "<p>Заявитель Анна Лебедева, тел. +7 914 555-12-34, "
                    "извещение 0373100000124000123</p>"
                ),
                "answer": "Лебедевой ответили на lebedeva@postavka.example.ru",
            }
        )
        escalation.message_post(
            body=Markup("<p>Пишу от имени Анны Лебедевой: +7 914 555-12-34</p>"),
            message_type="comment",
        )
        self._close(ticket)
        self.env["helpdesk.personal.data"]._cron_anonymise_expired()
        self.env.invalidate_all()
        self.assertFalse(ticket.etp_anonymised_at, "within its term")
        with self._at(AFTER_TERM):
            self.env["helpdesk.personal.data"]._cron_anonymise_expired()
            self.env.flush_all()
        self.env.invalidate_all()
        self.assertTrue(ticket.etp_anonymised_at)
        self.assertIn("0373100000124000123", escalation.note)
        for gone in ("Лебедева", "914"):
            self.assertNotIn(gone, escalation.note)
        self.assertNotIn("lebedeva@", escalation.answer)
        self.assertNotIn("Лебедевой", escalation.answer)
        self.assertEqual(escalation.external_ref, "ЕИС-2026-118734")
        bodies = " ".join(str(m.body) for m in escalation.message_ids)
        self.assertNotIn("555-12-34", bodies)

    def test_contact_of_a_running_emergency_case_is_kept(self):
        ticket = self._closed_ticket()
        self._close(ticket)
        case = self.env["helpdesk.emergency.case"].create(
            {
                "name": "Предписание УФАС: отмена протоколов",
                "deadline": AFTER_TERM + relativedelta(days=5),
                "audience": "supplier",
                "line_ids": [
                    Command.create(
                        {
                            "partner_id": self.org_supplier.id,
                            "contact_id": self.person.id,
                        }
                    )
                ],
            }
        )
        Service = self.env["helpdesk.personal.data"]
        self.assertEqual(Service._etp_partners_still_needed(self.person), self.person)
        with self._at(AFTER_TERM):
            Service._cron_anonymise_expired()
            self.env.flush_all()
        self.env.invalidate_all()
        self.assertTrue(ticket.etp_anonymised_at)
        self.assertTrue(self.person.active, "the case still writes to her")
        self.assertEqual(self.person.email, "lebedeva@postavka.example.ru")
        case.state = "cancelled"
        self.assertFalse(Service._etp_partners_still_needed(self.person))

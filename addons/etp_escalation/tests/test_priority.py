# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .sla_common import T0, EtpSlaCommon


class TestDeadlinePriority(EtpSlaCommon):
    def _cron(self, moment, **kwargs):
        with self._at(moment):
            result = self.env["helpdesk.ticket"]._cron_raise_deadline_priority(**kwargs)
            self.env.flush_all()
        return result

    def test_auction_closing_in_ten_minutes_is_urgent_at_once(self):
        with self._at(T0):
            older = self._supplier_ticket(name="Вопрос по регистрации")
            ticket = self._supplier_ticket(
                name="Не могу подать ценовое предложение",
                procedure_number="0373100000124000456",
                procedure_deadline=T0 + timedelta(minutes=10),
                procedure_deadline_kind="auction",
            )
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.priority_manual, "1")
        self.assertEqual(older.priority, "1")
        # top of the queue: helpdesk_mgmt orders by priority first
        queue = self.env["helpdesk.ticket"].search(
            [("team_id", "=", self.team_supplier_l1.id)]
        )
        self.assertEqual(queue[0], ticket)
        # the urgent policy, its resolution never later than the auction window
        self.assertEqual(ticket.ticket_sla_ids.sla_id, self.policy_urgent)
        self.assertEqual(
            self._row(ticket, "first_response").deadline, T0 + timedelta(minutes=5)
        )
        self.assertEqual(
            self._row(ticket, "resolution").deadline, T0 + timedelta(minutes=10)
        )
        self.assertEqual(
            self._row(ticket, "resolution").warning_date, T0 + timedelta(minutes=8)
        )
        self.assertIn(
            "Priority set to Very High automatically", ticket.message_ids[0].body
        )

    def test_thresholds_on_create(self):
        with self._at(T0):
            high = self._supplier_ticket(procedure_deadline=T0 + timedelta(hours=5))
            far = self._supplier_ticket(procedure_deadline=T0 + timedelta(days=3))
            gone = self._supplier_ticket(procedure_deadline=T0 - timedelta(hours=1))
            manual = self._supplier_ticket(
                priority="3", procedure_deadline=T0 + timedelta(hours=5)
            )
        self.assertEqual(high.priority, "2")
        self.assertEqual(far.priority, "1")
        self.assertEqual(gone.priority, "1")
        # a gone deadline caps nothing
        self.assertEqual(
            self._row(gone, "resolution").deadline, T0 + timedelta(hours=2)
        )
        self.assertEqual(manual.priority, "3")
        self.assertEqual(manual.priority_manual, "3")

    def test_deadline_change_raises_and_lowers_back_to_manual(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        self.assertEqual(ticket.ticket_sla_ids.sla_id, self.policy_customer_l1)
        with self._at(T0 + timedelta(minutes=20)):
            ticket.procedure_deadline = T0 + timedelta(minutes=50)
        self.assertEqual(ticket.priority, "3")
        # the SLA tightens: the urgent policy from the change on
        resolution = self._row(ticket, "resolution")
        self.assertEqual(resolution.sla_id, self.policy_urgent)
        self.assertEqual(resolution.deadline, T0 + timedelta(minutes=50))
        self.assertEqual(
            self._row(ticket, "first_response").deadline,
            T0 + timedelta(minutes=25),
        )
        with self._at(T0 + timedelta(minutes=25)):
            ticket.procedure_deadline = T0 + timedelta(days=2)
        self.assertEqual(ticket.priority, "1")
        self.assertEqual(
            self._row(ticket, "resolution").sla_id, self.policy_customer_l1
        )

    def test_manual_priority_is_never_lowered(self):
        with self._at(T0):
            ticket = self._customer_ticket(procedure_deadline=T0 + timedelta(days=3))
        # an operator raises it by hand from the form
        ticket.with_user(self.operator_own).priority = "3"
        self.assertEqual(ticket.priority_manual, "3")
        self.assertEqual(self._cron(T0 + timedelta(hours=1)), (0, 0))
        with self._at(T0 + timedelta(hours=1)):
            ticket.procedure_deadline = T0 + timedelta(days=5)
        self.assertEqual(ticket.priority, "3")
        # set to high by hand while the deadline is an hour away: very high,
        # and back to the manual high (not lower) when the deadline moves away
        with self._at(T0 + timedelta(hours=2)):
            ticket.procedure_deadline = T0 + timedelta(hours=2, minutes=40)
            ticket.with_user(self.operator_own).priority = "2"
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.priority_manual, "2")
        with self._at(T0 + timedelta(hours=2)):
            ticket.procedure_deadline = T0 + timedelta(days=5)
        self.assertEqual(ticket.priority, "2")

    def test_cron_raises_as_the_deadline_comes_near(self):
        with self._at(T0):
            ticket = self._customer_ticket(procedure_deadline=T0 + timedelta(hours=30))
            closed = self._customer_ticket(procedure_deadline=T0 + timedelta(hours=30))
            closed.stage_id = self.stage_done
        self.assertEqual(ticket.priority, "1")
        self.assertEqual(self._cron(T0 + timedelta(hours=5)), (0, 0))
        self.assertEqual(self._cron(T0 + timedelta(hours=7)), (1, 0))
        self.assertEqual(ticket.priority, "2")
        self.assertEqual(self._cron(T0 + timedelta(hours=8)), (0, 0))
        self.assertEqual(self._cron(T0 + timedelta(hours=29, minutes=30)), (1, 0))
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.priority_manual, "1")
        self.assertEqual(closed.priority, "1")
        self.assertFalse(ticket.escalation_ids)

    def test_thresholds_are_company_settings(self):
        self.env.company.write(
            {"etp_priority_urgent_hours": 2, "etp_priority_high_hours": 48}
        )
        with self._at(T0):
            urgent = self._supplier_ticket(
                procedure_deadline=T0 + timedelta(minutes=90)
            )
            high = self._supplier_ticket(procedure_deadline=T0 + timedelta(hours=40))
        self.assertEqual(urgent.priority, "3")
        self.assertEqual(high.priority, "2")
        with self.assertRaises(ValidationError):
            self.env.company.etp_priority_urgent_hours = 72
        with self.assertRaises(ValidationError):
            self.env.company.etp_priority_high_hours = 0
        with self.assertRaises(ValidationError):
            self.env.company.etp_sla_warning_percent = 100

    @tagged("is_query_count")
    def test_cron_queries_are_flat(self):
        def measure(size, start, expected=None):
            with self._at(start):
                tickets = self.env["helpdesk.ticket"].create(
                    [
                        {
                            "name": f"Вопрос {n}",
                            "description": "<p>Текст</p>",
                            "partner_id": self.contact_supplier.id,
                            "procedure_deadline": start + timedelta(hours=30),
                        }
                        for n in range(size)
                    ]
                )
            self.env.flush_all()
            self.env.invalidate_all()
            with self._at(start + timedelta(hours=7)):
                with self._count_queries(expected) as queries:
                    Ticket = self.env["helpdesk.ticket"]
                    done, _remaining = Ticket._cron_raise_deadline_priority()
                self.assertEqual(done, size)
                tickets.write({"stage_id": self.stage_done.id})
                self.env.flush_all()
            self.env.invalidate_all()
            return queries.count

        measure(1, T0)
        counts = {10: measure(10, T0 + timedelta(days=2))}
        counts[50] = measure(50, T0 + timedelta(days=4), expected=counts[10])
        self.assertEqual(counts[10], counts[50], counts)

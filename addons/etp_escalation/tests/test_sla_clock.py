# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The SLA clock of a ticket: the first response, and the pause while the
ticket waits for the requester."""

from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import new_test_user

from .sla_common import T0, EtpSlaCommon


class TestFirstResponse(EtpSlaCommon):
    def _post(self, ticket, user, **kwargs):
        kwargs.setdefault("body", "Ответ")
        return ticket.with_user(user).message_post(**kwargs)

    def test_operator_public_reply_meets_first_response(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        with self._at(T0 + timedelta(minutes=7)):
            self._post(
                ticket,
                self.operator_own,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(ticket.first_response_date, T0 + timedelta(minutes=7))
        self.assertEqual(self._row(ticket, "first_response").state, "accomplished")
        self.assertEqual(self._row(ticket, "resolution").state, "in_progress")
        # a second reply changes nothing
        with self._at(T0 + timedelta(minutes=9)):
            self._post(
                ticket,
                self.operator_own,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(ticket.first_response_date, T0 + timedelta(minutes=7))

    def test_note_does_not_count(self):
        with self._at(T0):
            ticket = self._customer_ticket()
            self._post(
                ticket,
                self.operator_own,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        self.assertFalse(ticket.first_response_date)
        self.assertEqual(self._row(ticket, "first_response").state, "in_progress")

    def test_requester_reply_does_not_count(self):
        portal = new_test_user(
            self.env,
            login="etp-sla-portal",
            groups="base.group_portal",
            partner_id=self.contact_customer.id,
        )
        with self._at(T0):
            ticket = self._customer_ticket()
            ticket.message_subscribe(partner_ids=self.contact_customer.ids)
            self._post(
                ticket,
                portal,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            # an email from the requester through the gateway
            ticket.message_post(
                body="Письмо заявителя",
                author_id=self.contact_customer.id,
                message_type="email",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertFalse(ticket.first_response_date)
        self.assertEqual(self._row(ticket, "first_response").state, "in_progress")

    def test_late_reply_expires_the_target(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        with self._at(T0 + timedelta(minutes=20)):
            self._post(
                ticket,
                self.operator_own,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(self._row(ticket, "first_response").state, "expired")
        self.assertEqual(ticket.first_response_date, T0 + timedelta(minutes=20))


class TestSlaPause(EtpSlaCommon):
    def test_waiting_stages_move_the_deadline(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        resolution = self._row(ticket, "resolution")
        self.assertEqual(resolution.deadline, T0 + timedelta(hours=2))
        with self._at(T0 + timedelta(minutes=30)):
            ticket.stage_id = self.stage_wait_requester
        self.assertEqual(resolution.state, "on_hold")
        self.assertAlmostEqual(resolution.consumed_time, 0.5, places=6)
        with self._at(T0 + timedelta(minutes=70)):
            ticket.stage_id = self.stage_wait_external
        self.assertEqual(resolution.state, "on_hold")
        self.assertAlmostEqual(resolution.consumed_time, 0.5, places=6)
        with self._at(T0 + timedelta(minutes=90)):
            ticket.stage_id = self.stage_in_progress
        # paused for 60 minutes: the deadline moved by 60 minutes
        self.assertEqual(resolution.state, "in_progress")
        self.assertEqual(resolution.deadline, T0 + timedelta(hours=3))
        with self._at(T0 + timedelta(hours=2, minutes=30)):
            ticket.stage_id = self.stage_done
        self.assertEqual(resolution.state, "accomplished")
        self.assertAlmostEqual(resolution.consumed_time, 1.5, places=6)

    def test_closing_after_the_deadline_expires(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        with self._at(T0 + timedelta(hours=3)):
            ticket.stage_id = self.stage_done
        self.assertEqual(self._row(ticket, "resolution").state, "expired")

    def test_reopening_restarts_the_resolution_clock(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        with self._at(T0 + timedelta(hours=1)):
            ticket.stage_id = self.stage_done
        resolution = self._row(ticket, "resolution")
        self.assertEqual(resolution.state, "accomplished")
        with self._at(T0 + timedelta(hours=5)):
            ticket.stage_id = self.stage_in_progress
        self.assertEqual(resolution.state, "in_progress")
        # one hour was used before closing: one hour left from the reopening
        self.assertEqual(resolution.deadline, T0 + timedelta(hours=6))

    def test_stage_change_of_many_tickets_is_batched(self):
        with self._at(T0):
            tickets = self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Вопрос {n}",
                        "description": "<p>Текст</p>",
                        "partner_id": self.contact_customer.id,
                    }
                    for n in range(20)
                ]
            )
        self.env.flush_all()
        self.env.invalidate_all()
        with self._at(T0 + timedelta(minutes=10)):
            tickets.write({"stage_id": self.stage_wait_requester.id})
            self.env.flush_all()
        self.assertEqual(set(tickets.ticket_sla_ids.mapped("state")), {"on_hold"})

    def test_business_hours_calendar_still_works(self):
        office = self.env["resource.calendar"].create(
            {
                "name": "Будни 9–18 МСК",
                "tz": "Europe/Moscow",
                "company_id": False,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": str(day),
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 18,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        self.team_customer_l1.resource_calendar_id = office
        # Friday 27.11.2026 17:00 MSK = 14:00 UTC
        friday = datetime(2026, 11, 27, 14, 0)
        with self._at(friday):
            ticket = self._customer_ticket()
        # two working hours: one on Friday, one on Monday from 09:00 MSK
        self.assertEqual(
            self._row(ticket, "resolution").deadline, datetime(2026, 11, 30, 7, 0)
        )
        with self._at(friday + timedelta(minutes=30)):
            ticket.stage_id = self.stage_wait_requester
        self.assertAlmostEqual(
            self._row(ticket, "resolution").consumed_time, 0.5, places=6
        )

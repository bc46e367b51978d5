# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from freezegun import freeze_time

from odoo import Command

from .duty_common import MONDAY, NIGHT, NOON, DutyCommon


class TestDutyAssignment(DutyCommon):
    @freeze_time(NIGHT)
    def test_night_ticket_goes_to_the_night_operator(self):
        ticket = self._supplier_ticket(
            description="<p>Извещение 0373100000124000456, окно подачи "
            "закрывается в 02:20 МСК</p>"
        )
        self.assertEqual(ticket.team_id, self.team_supplier_l1)
        self.assertEqual(ticket.user_id, self.op_night)
        self.assertEqual(ticket.duty_shift_id, self.night_shift)
        self.assertEqual(self.night_shift.hours_display, "from 20:00 to 08:00 MSK")
        self.assertEqual(self.team_supplier_l1.duty_user_ids, self.op_night)

    @freeze_time(NOON)
    def test_day_ticket_goes_to_the_day_operator(self):
        ticket = self._supplier_ticket()
        self.assertEqual(ticket.user_id, self.op_day)
        self.assertEqual(ticket.duty_shift_id, self.day_shifts[1])

    @freeze_time(NIGHT)
    def test_round_robin_alternates_between_the_operators_on_duty(self):
        self.Shift.create(
            self._shift_vals(
                self.op_night_2, self.team_supplier_l1, MONDAY, "20:00", "08:00"
            )
        )
        one_by_one = [self._supplier_ticket().user_id for _i in range(4)]
        first, second = one_by_one[:2]
        self.assertEqual(first | second, self.op_night | self.op_night_2)
        self.assertEqual(one_by_one, [first, second, first, second])
        # a batch carries on the rotation where it stopped
        batch = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Вопрос {number}",
                    "description": "<p>Текст</p>",
                    "partner_id": self.contact_supplier.id,
                }
                for number in range(3)
            ]
        )
        self.assertEqual(batch.mapped("user_id"), first | second)
        self.assertEqual(
            [ticket.user_id for ticket in batch.sorted("id")],
            [first, second, first],
        )
        self.assertNotIn(self.op_day, batch.user_id)

    @freeze_time(NIGHT)
    def test_least_loaded_picks_the_operator_with_fewer_open_tickets(self):
        busy, free = self.op_customer_l2_a, self.op_customer_l2_b
        for _i in range(2):
            self._ticket(
                partner_id=self.contact_customer.id,
                team_id=self.team_customer_l2.id,
                user_id=busy.id,
            )
        # closed tickets are no load
        for _i in range(3):
            self._ticket(
                partner_id=self.contact_customer.id,
                team_id=self.team_customer_l2.id,
                user_id=free.id,
                stage_id=self.stage_done.id,
            )
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Исправление протокола {number}",
                    "description": "<p>Текст</p>",
                    "partner_id": self.contact_customer.id,
                    "team_id": self.team_customer_l2.id,
                }
                for number in range(3)
            ]
        )
        # 0 < 2, 1 < 2, then 2 = 2 and the busy one waited longer
        self.assertEqual(
            [ticket.user_id for ticket in tickets.sorted("id")], [free, free, busy]
        )

    @freeze_time(NIGHT)
    def test_escalation_assigns_an_operator_of_line_2_on_duty(self):
        ticket = self._ticket(
            name="Как исправить ошибку в подписанном протоколе",
            partner_id=self.contact_customer.id,
        )
        self.assertEqual(ticket.user_id, self.op_customer_l1)
        # the line-1 operator escalates; the ticket leaves their reach
        ticket.with_user(self.op_customer_l1)._etp_move_to_team(
            self.team_customer_l2, "Нужны права на редактирование протокола"
        )
        self.assertEqual(ticket.team_id, self.team_customer_l2)
        self.assertIn(ticket.user_id, self.op_customer_l2_a | self.op_customer_l2_b)
        self.assertEqual(ticket.duty_shift_id.team_id, self.team_customer_l2)
        self.assertEqual(len(ticket.escalation_ids), 1)

    @freeze_time(NIGHT)
    def test_a_batch_of_escalations_can_assign_once_at_the_end(self):
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Протокол {number}",
                    "description": "<p>Текст</p>",
                    "partner_id": self.contact_customer.id,
                }
                for number in range(2)
            ]
        )
        for ticket in tickets.with_context(etp_duty_defer=True):
            ticket._etp_move_to_team(self.team_customer_l2, "Нужна 2 линия")
        self.assertFalse(tickets.user_id)
        self.env["helpdesk.duty.shift"]._etp_assign_tickets(tickets)
        self.assertEqual(tickets.user_id, self.op_customer_l2_a | self.op_customer_l2_b)

    @freeze_time(NIGHT)
    def test_a_ticket_with_a_user_is_not_reassigned(self):
        ticket = self._supplier_ticket(user_id=self.op_day.id)
        self.assertEqual(ticket.user_id, self.op_day)
        self.assertFalse(ticket.duty_shift_id)
        self.env["helpdesk.duty.shift"]._etp_assign_tickets(ticket)
        self.assertEqual(ticket.user_id, self.op_day)

    @freeze_time(NIGHT)
    def test_a_team_without_the_roster_assigns_nobody(self):
        self.team_supplier_l1.duty_enabled = False
        ticket = self._supplier_ticket()
        self.assertFalse(ticket.user_id)
        self.assertFalse(self._leader_activities(ticket))

    @freeze_time("2026-03-10 18:00:00")  # 21:00 МСК on Tuesday: nobody planned
    def test_nobody_on_duty_leaves_the_ticket_and_tells_the_leader_once(self):
        ticket = self._supplier_ticket()
        self.assertFalse(ticket.user_id)
        activity = self._leader_activities(ticket)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Nobody on duty")
        self.assertIn(self.team_supplier_l1.name, str(activity.note))
        self.assertIn(ticket.number, str(activity.note))
        self.assertIn("21:00", str(activity.note))
        self.assertEqual(ticket.duty_alert_team_id, self.team_supplier_l1)
        # a second attempt (another trigger) does not tell again
        self.env["helpdesk.duty.shift"]._etp_assign_tickets(ticket)
        self.assertEqual(len(self._leader_activities(ticket)), 1)
        self.assertFalse(ticket.user_id)

    @freeze_time("2026-03-10 18:00:00")
    def test_nobody_on_duty_in_a_team_without_leader_logs_a_note_once(self):
        self.team_supplier_l1.user_id = False
        ticket = self._supplier_ticket()
        notes = ticket.message_ids.filtered(
            lambda m: "is on duty now" in str(m.body) and "no leader" in str(m.body)
        )
        self.assertEqual(len(notes), 1)
        self.env["helpdesk.duty.shift"]._etp_assign_tickets(ticket)
        self.assertEqual(
            len(ticket.message_ids.filtered(lambda m: "is on duty now" in str(m.body))),
            1,
        )

    @freeze_time(NIGHT)
    def test_only_current_members_on_duty_get_tickets(self):
        # the night operator left the team: his shift no longer counts
        self.team_supplier_l1.user_ids = [Command.unlink(self.op_night.id)]
        ticket = self._supplier_ticket()
        self.assertFalse(ticket.user_id)
        self.assertEqual(len(self._leader_activities(ticket)), 1)
        self.assertFalse(self.team_supplier_l1.duty_user_ids)

    @freeze_time(NIGHT)
    def test_archived_operator_gets_nothing(self):
        self.op_night.active = False
        ticket = self._supplier_ticket()
        self.assertFalse(ticket.user_id)

    def _unassigned_supplier_tickets(self, count):
        self.team_supplier_l1.duty_enabled = False
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Вопрос {number}",
                    "description": "<p>Текст</p>",
                    "partner_id": self.contact_supplier.id,
                }
                for number in range(count)
            ]
        )
        self.team_supplier_l1.duty_enabled = True
        self.assertFalse(tickets.user_id)
        return tickets

    @freeze_time(NIGHT)
    def test_batch_assignment_queries_do_not_grow_with_the_batch(self):
        self.Shift.create(
            self._shift_vals(
                self.op_night_2, self.team_supplier_l1, MONDAY, "20:00", "08:00"
            )
        )
        self.team_supplier_l1.assignment_method = "least_loaded"
        Shift = self.env["helpdesk.duty.shift"]
        counts = {}
        for size in (5, 20):
            # without the chatter: each assigned operator is told by mail, a
            # cost per ticket that is not the roster's
            tickets = self._unassigned_supplier_tickets(size).with_context(
                tracking_disable=True
            )
            self.env.flush_all()
            self.env.invalidate_all()
            # tickets, teams, shifts, operators, members, loads, stages,
            # ticket properties, one update of the tickets, one of the
            # shifts: 11 for 5 tickets as for 20; with etp_incident installed
            # 4 more, one search per computed field of its emergency case
            # lines that follows the ticket (triggers of user_id, per batch)
            with self._count_queries(15) as queries:
                Shift._etp_assign_tickets(tickets)
            counts[size] = queries.count
            self.assertEqual(tickets.user_id, self.op_night | self.op_night_2)
        self.assertEqual(counts[5], counts[20])

    @freeze_time(NIGHT)
    def test_batch_create_of_twenty_tickets(self):
        tickets = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Вопрос {number}",
                    "description": "<p>Текст</p>",
                    "partner_id": self.contact_supplier.id
                    if number % 2
                    else self.contact_customer.id,
                }
                for number in range(20)
            ]
        )
        self.assertEqual(
            tickets.filtered(lambda t: t.audience == "supplier").user_id,
            self.op_night,
        )
        self.assertEqual(
            tickets.filtered(lambda t: t.audience == "customer").user_id,
            self.op_customer_l1,
        )

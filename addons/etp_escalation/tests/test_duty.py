# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user

from odoo.addons.etp_escalation.lib import duty
from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

# Tuesday 10 March 2026, 02:10 МСК = Monday 9 March, 23:10 UTC
NIGHT = "2026-03-09 23:10:00"
# Tuesday 10 March 2026, 12:00 МСК
NOON = "2026-03-10 09:00:00"
MONDAY = date(2026, 3, 9)
TUESDAY = date(2026, 3, 10)


class DutyCommon(EtpHelpdeskCommon):
    """Supplier line 1 with a day and two night operators, customer lines 1
    and 2, a supervisor who leads the desks, and a roster around the night
    of Monday 9 to Tuesday 10 March 2026 (Moscow time)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, name, group):
            return new_test_user(
                cls.env,
                login=login,
                name=name,
                tz="Europe/Moscow",
                groups=f"etp_escalation.{group}",
            )

        cls.op_day = user("duty-s1-day", "Мария Дневная", "group_etp_line1_supplier")
        cls.op_night = user("duty-s1-night", "Пётр Ночной", "group_etp_line1_supplier")
        cls.op_night_2 = user(
            "duty-s1-night2", "Павел Полуночный", "group_etp_line1_supplier"
        )
        cls.op_customer_l1 = user(
            "duty-c1", "Анна Заказчикова", "group_etp_line1_customer"
        )
        cls.op_customer_l2_a = user(
            "duty-c2a", "Елена Вторая", "group_etp_line2_customer"
        )
        cls.op_customer_l2_b = user(
            "duty-c2b", "Сергей Второй", "group_etp_line2_customer"
        )
        cls.supervisor = user("duty-sv", "Ольга Старшая", "group_etp_supervisor")
        cls.team_supplier_l1.write(
            {
                "duty_enabled": True,
                "user_id": cls.supervisor.id,
                "user_ids": [
                    Command.link(u.id)
                    for u in (cls.op_day, cls.op_night, cls.op_night_2)
                ],
            }
        )
        cls.team_customer_l1.write(
            {
                "duty_enabled": True,
                "user_id": cls.supervisor.id,
                "user_ids": [Command.link(cls.op_customer_l1.id)],
            }
        )
        cls.team_customer_l2.write(
            {
                "duty_enabled": True,
                "assignment_method": "least_loaded",
                "user_id": cls.supervisor.id,
                "user_ids": [
                    Command.link(cls.op_customer_l2_a.id),
                    Command.link(cls.op_customer_l2_b.id),
                ],
            }
        )
        Shift = cls.env["helpdesk.duty.shift"]
        cls.Shift = Shift
        cls.day_shifts = Shift.create(
            [
                cls._shift_vals(cls.op_day, cls.team_supplier_l1, day, "08:00", "20:00")
                for day in (MONDAY, TUESDAY)
            ]
        )
        cls.night_shift = Shift.create(
            cls._shift_vals(
                cls.op_night, cls.team_supplier_l1, MONDAY, "20:00", "08:00"
            )
        )
        cls.customer_shifts = Shift.create(
            [
                cls._shift_vals(user, team, day, start, end)
                for user, team in (
                    (cls.op_customer_l1, cls.team_customer_l1),
                    (cls.op_customer_l2_a, cls.team_customer_l2),
                    (cls.op_customer_l2_b, cls.team_customer_l2),
                )
                for day, start, end in (
                    (MONDAY, "08:00", "20:00"),
                    (MONDAY, "20:00", "08:00"),
                )
            ]
        )

    @classmethod
    def _shift_vals(cls, user, team, day, start, end):
        date_start, date_end = duty.shift_bounds(day, start, end)
        return {
            "user_id": user.id,
            "team_id": team.id,
            "date_start": date_start,
            "date_end": date_end,
        }

    def _supplier_ticket(self, **vals):
        vals.setdefault("name", "Не могу подать ценовое предложение")
        vals.setdefault("partner_id", self.contact_supplier.id)
        return self._ticket(**vals)

    def _leader_activities(self, tickets):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("user_id", "=", self.supervisor.id),
            ]
        )


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


class TestDutyRoster(DutyCommon):
    @contextmanager
    def _refused(self, pattern):
        """``assertRaises`` (which rolls back to a savepoint) with a message."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def test_shift_must_end_after_it_starts(self):
        vals = self._shift_vals(
            self.op_day, self.team_supplier_l1, date(2026, 3, 12), "08:00", "20:00"
        )
        vals["date_end"] = vals["date_start"]
        with self._refused("must end after it starts"):
            self.Shift.create(vals)

    def test_shift_may_not_exceed_a_day(self):
        vals = self._shift_vals(
            self.op_day, self.team_supplier_l1, date(2026, 3, 12), "08:00", "08:00"
        )
        self.assertEqual(self.Shift.create(vals).duration, 24.0)
        vals = self._shift_vals(
            self.op_day, self.team_supplier_l1, date(2026, 3, 14), "08:00", "09:00"
        )
        vals["date_end"] = vals["date_end"].replace(day=15)
        with self._refused("more than 24 hours"):
            self.Shift.create(vals)

    def test_operator_must_be_a_member_of_the_team(self):
        with self._refused("Мария Дневная is not a member of the team"):
            self.Shift.create(
                self._shift_vals(
                    self.op_day, self.team_customer_l2, MONDAY, "08:00", "20:00"
                )
            )

    def test_no_overlapping_shifts_of_one_operator_in_one_team(self):
        with self._refused("overlaps"):
            self.Shift.create(
                self._shift_vals(
                    self.op_night, self.team_supplier_l1, TUESDAY, "06:00", "09:00"
                )
            )
        # touching is fine: the night operator stays on for the day shift
        self.Shift.create(
            self._shift_vals(
                self.op_night, self.team_supplier_l1, TUESDAY, "08:00", "20:00"
            )
        )
        # two shifts of one batch that overlap each other
        with self._refused("overlaps"):
            self.Shift.create(
                [
                    self._shift_vals(
                        self.op_night_2, self.team_supplier_l1, day, start, end
                    )
                    for day, start, end in (
                        (TUESDAY, "20:00", "08:00"),
                        (TUESDAY, "22:00", "23:00"),
                    )
                ]
            )

    def test_same_hours_in_two_teams_are_allowed(self):
        self.team_customer_l2.user_ids = [Command.link(self.op_night.id)]
        shift = self.Shift.create(
            self._shift_vals(
                self.op_night, self.team_customer_l2, MONDAY, "20:00", "08:00"
            )
        )
        self.assertEqual(shift.date_start, self.night_shift.date_start)

    def test_moscow_day_and_hours(self):
        # 00:30–08:00 МСК on Tuesday starts at 21:30 UTC on Monday
        shift = self.Shift.create(
            self._shift_vals(
                self.op_night_2, self.team_supplier_l1, TUESDAY, "00:30", "08:00"
            )
        )
        self.assertEqual(shift.date_msk, TUESDAY)
        self.assertEqual(shift.hours_display, "from 00:30 to 08:00 MSK")
        self.assertEqual(
            shift.display_name, "Павел Полуночный: 10.03.2026, from 00:30 to 08:00 MSK"
        )
        self.assertEqual(shift.duration, 7.5)

    @freeze_time(NIGHT)
    def test_on_duty_now_is_searchable(self):
        on_duty = self.Shift.search(
            [("is_on_duty", "=", True), ("team_id", "=", self.team_supplier_l1.id)]
        )
        self.assertEqual(on_duty, self.night_shift)
        self.assertTrue(self.night_shift.is_on_duty)
        off_duty = self.Shift.search(
            [("is_on_duty", "!=", True), ("team_id", "=", self.team_supplier_l1.id)]
        )
        self.assertEqual(off_duty, self.day_shifts)

    def test_copy_to_next_week(self):
        shifts = self.day_shifts | self.night_shift
        shifts.action_copy_to_next_week()
        copies = self.Shift.search(
            [
                ("team_id", "=", self.team_supplier_l1.id),
                ("date_msk", ">=", date(2026, 3, 16)),
            ]
        )
        self.assertEqual(len(copies), 3)
        self.assertEqual(
            sorted(copies.mapped("date_msk")),
            [date(2026, 3, 16), date(2026, 3, 16), date(2026, 3, 17)],
        )
        self.assertEqual(
            set(copies.mapped("hours_display")), set(shifts.mapped("hours_display"))
        )
        # twice does not plan the same shifts twice
        shifts.action_copy_to_next_week()
        self.assertEqual(
            self.Shift.search_count(
                [
                    ("team_id", "=", self.team_supplier_l1.id),
                    ("date_msk", ">=", date(2026, 3, 16)),
                ]
            ),
            3,
        )

    def test_operators_read_the_roster_supervisors_plan_it(self):
        shift = self.night_shift.with_user(self.op_day)
        self.assertEqual(shift.user_id, self.op_night)
        self.assertTrue(
            self.env["helpdesk.duty.shift"].with_user(self.op_day).search_count([])
        )
        vals = self._shift_vals(
            self.op_day, self.team_supplier_l1, date(2026, 3, 20), "08:00", "20:00"
        )
        with self.assertRaises(AccessError):
            self.env["helpdesk.duty.shift"].with_user(self.op_day).create(vals)
        with self.assertRaises(AccessError):
            shift.write({"user_id": self.op_day.id})
        with self.assertRaises(AccessError):
            shift.unlink()
        planned = (
            self.env["helpdesk.duty.shift"].with_user(self.supervisor).create(vals)
        )
        planned.with_user(self.supervisor).date_end = planned.date_end.replace(hour=16)
        planned.with_user(self.supervisor).unlink()
        self.assertFalse(planned.exists())

    def test_roster_views_load(self):
        Shift = self.env["helpdesk.duty.shift"].with_user(self.supervisor)
        views = Shift.get_views(
            [(False, "calendar"), (False, "list"), (False, "form"), (False, "search")]
        )
        self.assertEqual(set(views["views"]), {"calendar", "list", "form", "search"})
        team_form = (
            self.env["helpdesk.ticket.team"]
            .with_user(self.supervisor)
            .get_views([(False, "form")])
        )
        self.assertIn("duty_enabled", team_form["views"]["form"]["arch"])
        action = self.team_supplier_l1.action_view_duty_roster()
        self.assertEqual(action["domain"], [("team_id", "=", self.team_supplier_l1.id)])

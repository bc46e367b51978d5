# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The duty roster: who may plan it, what it refuses, and how it reads."""

from contextlib import contextmanager
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError

from .duty_common import MONDAY, NIGHT, TUESDAY, DutyCommon


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

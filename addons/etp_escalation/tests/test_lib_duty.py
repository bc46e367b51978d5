# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from odoo.tests import BaseCase, tagged

from odoo.addons.etp_escalation.lib import duty


@tagged("post_install", "-at_install", "etp_rules")
class TestDutyRules(BaseCase):
    def test_msk_is_utc_plus_three_both_ways(self):
        self.assertEqual(
            duty.msk_to_utc(datetime(2026, 11, 24, 2, 10)),
            datetime(2026, 11, 23, 23, 10),
        )
        self.assertEqual(
            duty.utc_to_msk(datetime(2026, 11, 23, 23, 10)),
            datetime(2026, 11, 24, 2, 10),
        )

    def test_aware_datetimes_are_refused(self):
        aware = datetime(2026, 11, 24, 2, 10, tzinfo=duty.MSK)
        with self.assertRaisesRegex(ValueError, "naive_datetime_expected"):
            duty.msk_to_utc(aware)
        with self.assertRaisesRegex(ValueError, "naive_datetime_expected"):
            duty.check_shift(aware, aware)

    def test_day_shift_stays_on_its_day(self):
        self.assertEqual(
            duty.shift_bounds(date(2026, 11, 24), "08:00", "20:00"),
            (
                datetime(2026, 11, 24, 5, 0),
                datetime(2026, 11, 24, 17, 0),
            ),
        )

    def test_night_shift_ends_the_next_morning(self):
        start, end = duty.shift_bounds(date(2026, 11, 23), time(20, 0), time(8, 0))
        self.assertEqual(
            (start, end), (datetime(2026, 11, 23, 17, 0), datetime(2026, 11, 24, 5))
        )
        self.assertEqual(end - start, timedelta(hours=12))

    def test_same_clock_times_make_a_full_day(self):
        start, end = duty.shift_bounds(date(2026, 11, 24), "08:00", "08:00")
        self.assertEqual(end - start, timedelta(hours=24))

    def test_bad_clock_and_day_are_refused(self):
        with self.assertRaisesRegex(ValueError, "bad_clock"):
            duty.shift_bounds(date(2026, 11, 24), "25:00", "08:00")
        with self.assertRaisesRegex(ValueError, "bad_clock"):
            duty.parse_clock("восемь")
        with self.assertRaisesRegex(ValueError, "date_expected"):
            duty.shift_bounds(datetime(2026, 11, 24), "08:00", "20:00")

    def test_night_shift_covers_two_ten_at_night_not_the_day_shift(self):
        # 02:10 MSK on the 24th is 23:10 UTC on the 23rd
        instant = datetime(2026, 11, 23, 23, 10)
        night = duty.shift_bounds(date(2026, 11, 23), "20:00", "08:00")
        day_before = duty.shift_bounds(date(2026, 11, 23), "08:00", "20:00")
        day_after = duty.shift_bounds(date(2026, 11, 24), "08:00", "20:00")
        self.assertTrue(duty.is_on_duty(*night, instant))
        self.assertFalse(duty.is_on_duty(*day_before, instant))
        self.assertFalse(duty.is_on_duty(*day_after, instant))

    def test_a_shift_includes_its_start_and_excludes_its_end(self):
        start, end = duty.shift_bounds(date(2026, 11, 24), "08:00", "20:00")
        self.assertTrue(duty.is_on_duty(start, end, start))
        self.assertFalse(duty.is_on_duty(start, end, end))
        self.assertTrue(duty.is_on_duty(start, end, end - timedelta(seconds=1)))

    def test_check_shift(self):
        start = datetime(2026, 11, 24, 5)
        self.assertIsNone(duty.check_shift(start, start + timedelta(hours=12)))
        self.assertIsNone(duty.check_shift(start, start + timedelta(hours=24)))
        self.assertEqual(duty.check_shift(start, start), "end_not_after_start")
        self.assertEqual(
            duty.check_shift(start, start - timedelta(hours=1)), "end_not_after_start"
        )
        self.assertEqual(
            duty.check_shift(start, start + timedelta(hours=24, minutes=1)), "too_long"
        )

    def test_touching_shifts_do_not_overlap(self):
        day = duty.shift_bounds(date(2026, 11, 24), "08:00", "20:00")
        night = duty.shift_bounds(date(2026, 11, 24), "20:00", "08:00")
        self.assertFalse(duty.overlaps(*day, *night))
        long_day = duty.shift_bounds(date(2026, 11, 24), "08:00", "21:00")
        self.assertTrue(duty.overlaps(*long_day, *night))

    def test_find_overlap_per_owner(self):
        day = duty.shift_bounds(date(2026, 11, 24), "08:00", "20:00")
        night = duty.shift_bounds(date(2026, 11, 24), "20:00", "08:00")
        evening = duty.shift_bounds(date(2026, 11, 24), "18:00", "23:00")
        rows = [
            (1, ("anna", "l1"), *day),
            (2, ("anna", "l1"), *night),
            (3, ("oleg", "l1"), *evening),
            (4, ("anna", "l2"), *evening),
        ]
        self.assertIsNone(duty.find_overlap(rows))
        clash = (5, ("anna", "l1"), *evening)
        found = duty.find_overlap([*rows, clash])
        self.assertIsNotNone(found)
        self.assertIn({found[0][0], found[1][0]}, ({1, 5}, {2, 5}))

    def test_find_overlap_sees_a_long_shift_behind_a_short_one(self):
        long = (1, "anna", datetime(2026, 11, 24, 0), datetime(2026, 11, 24, 23))
        short = (2, "anna", datetime(2026, 11, 24, 1), datetime(2026, 11, 24, 2))
        late = (3, "anna", datetime(2026, 11, 24, 22), datetime(2026, 11, 25, 1))
        found = duty.find_overlap([short, late, long])
        self.assertIsNotNone(found)
        self.assertIn({found[0][0], found[1][0]}, ({1, 2}, {1, 3}))

    def test_clock_label_counts_days_in_moscow(self):
        night = duty.shift_bounds(date(2026, 11, 24), "20:00", "08:00")
        self.assertEqual(duty.clock_label(*night), ("20:00", "08:00", 1))
        # 00:00–08:00 MSK is 21:00–05:00 UTC: one Moscow day, two UTC days
        early = duty.shift_bounds(date(2026, 11, 24), "00:00", "08:00")
        self.assertEqual(duty.clock_label(*early), ("00:00", "08:00", 0))

    def test_week_monday_follows_the_moscow_calendar(self):
        # Sunday 22:30 UTC is already Monday 01:30 in Moscow
        self.assertEqual(
            duty.week_monday(datetime(2026, 11, 22, 22, 30)), date(2026, 11, 23)
        )
        self.assertEqual(
            duty.week_monday(datetime(2026, 11, 22, 20, 30)), date(2026, 11, 16)
        )

    def test_daily_shifts_cover_every_instant(self):
        bounds = duty.daily_shifts(
            date(2026, 11, 22), 3, [("08:00", "20:00"), ("20:00", "08:00")]
        )
        self.assertEqual(len(bounds), 6)
        for (_start, end), (next_start, _end) in pairwise(bounds):
            self.assertEqual(end, next_start)
        instant = bounds[0][0]
        while instant < bounds[-1][1]:
            self.assertTrue(any(duty.is_on_duty(s, e, instant) for s, e in bounds))
            instant += timedelta(minutes=37)
        with self.assertRaisesRegex(ValueError, "negative_days"):
            duty.daily_shifts(date(2026, 11, 22), -1, [])

    def test_round_robin_alternates_and_starts_with_the_never_served(self):
        picks, last = duty.distribute(5, [7, 3], {7: 4})
        self.assertEqual(picks, [3, 7, 3, 7, 3])
        self.assertEqual(last, {7: 8, 3: 9})
        again, _last = duty.distribute(2, [7, 3], last)
        self.assertEqual(again, [7, 3])

    def test_round_robin_takes_the_one_served_longest_ago(self):
        self.assertEqual(duty.pick([1, 2, 3], {1: 10, 2: 4, 3: 7}), 2)
        self.assertIsNone(duty.pick([], {}))

    def test_least_loaded_fills_the_lighter_operator_first(self):
        picks, _last = duty.distribute(
            4, [1, 2], {}, duty.LEAST_LOADED, loads={1: 3, 2: 0}
        )
        self.assertEqual(picks, [2, 2, 2, 1])

    def test_least_loaded_breaks_ties_by_rotation(self):
        self.assertEqual(duty.pick([1, 2], {1: 1, 2: 5}, loads={1: 2, 2: 2}), 1)
        self.assertEqual(duty.pick([1, 2], {1: 9, 2: 5}, loads={1: 2, 2: 2}), 2)

    def test_distribute_leaves_its_inputs_alone_and_checks_the_method(self):
        last, loads = {1: 1}, {1: 0, 2: 0}
        duty.distribute(3, [1, 2], last, duty.LEAST_LOADED, loads)
        self.assertEqual(last, {1: 1})
        self.assertEqual(loads, {1: 0, 2: 0})
        self.assertEqual(duty.distribute(3, [], {}), ([], {}))
        with self.assertRaisesRegex(ValueError, "unknown_method"):
            duty.distribute(1, [1], {}, "random")

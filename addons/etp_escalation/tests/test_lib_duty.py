# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, time, timedelta
from itertools import pairwise

import pytest

from odoo.addons.etp_escalation.lib import duty


def test_msk_is_utc_plus_three_both_ways():
    assert duty.msk_to_utc(datetime(2026, 11, 24, 2, 10)) == datetime(
        2026, 11, 23, 23, 10
    )
    assert duty.utc_to_msk(datetime(2026, 11, 23, 23, 10)) == datetime(
        2026, 11, 24, 2, 10
    )


def test_aware_datetimes_are_refused():
    aware = datetime(2026, 11, 24, 2, 10, tzinfo=duty.MSK)
    with pytest.raises(ValueError, match="naive_datetime_expected"):
        duty.msk_to_utc(aware)
    with pytest.raises(ValueError, match="naive_datetime_expected"):
        duty.check_shift(aware, aware)


def test_day_shift_stays_on_its_day():
    assert duty.shift_bounds(date(2026, 11, 24), "08:00", "20:00") == (
        datetime(2026, 11, 24, 5, 0),
        datetime(2026, 11, 24, 17, 0),
    )


def test_night_shift_ends_the_next_morning():
    start, end = duty.shift_bounds(date(2026, 11, 23), time(20, 0), time(8, 0))
    assert (start, end) == (datetime(2026, 11, 23, 17, 0), datetime(2026, 11, 24, 5))
    assert end - start == timedelta(hours=12)


def test_same_clock_times_make_a_full_day():
    start, end = duty.shift_bounds(date(2026, 11, 24), "08:00", "08:00")
    assert end - start == timedelta(hours=24)


def test_bad_clock_and_day_are_refused():
    with pytest.raises(ValueError, match="bad_clock"):
        duty.shift_bounds(date(2026, 11, 24), "25:00", "08:00")
    with pytest.raises(ValueError, match="bad_clock"):
        duty.parse_clock("восемь")
    with pytest.raises(ValueError, match="date_expected"):
        duty.shift_bounds(datetime(2026, 11, 24), "08:00", "20:00")


def test_night_shift_covers_two_ten_at_night_not_the_day_shift():
    # 02:10 MSK on the 24th is 23:10 UTC on the 23rd
    instant = datetime(2026, 11, 23, 23, 10)
    night = duty.shift_bounds(date(2026, 11, 23), "20:00", "08:00")
    day_before = duty.shift_bounds(date(2026, 11, 23), "08:00", "20:00")
    day_after = duty.shift_bounds(date(2026, 11, 24), "08:00", "20:00")
    assert duty.is_on_duty(*night, instant)
    assert not duty.is_on_duty(*day_before, instant)
    assert not duty.is_on_duty(*day_after, instant)


def test_a_shift_includes_its_start_and_excludes_its_end():
    start, end = duty.shift_bounds(date(2026, 11, 24), "08:00", "20:00")
    assert duty.is_on_duty(start, end, start)
    assert not duty.is_on_duty(start, end, end)
    assert duty.is_on_duty(start, end, end - timedelta(seconds=1))


def test_check_shift():
    start = datetime(2026, 11, 24, 5)
    assert duty.check_shift(start, start + timedelta(hours=12)) is None
    assert duty.check_shift(start, start + timedelta(hours=24)) is None
    assert duty.check_shift(start, start) == "end_not_after_start"
    assert duty.check_shift(start, start - timedelta(hours=1)) == (
        "end_not_after_start"
    )
    assert duty.check_shift(start, start + timedelta(hours=24, minutes=1)) == (
        "too_long"
    )


def test_touching_shifts_do_not_overlap():
    day = duty.shift_bounds(date(2026, 11, 24), "08:00", "20:00")
    night = duty.shift_bounds(date(2026, 11, 24), "20:00", "08:00")
    assert not duty.overlaps(*day, *night)
    long_day = duty.shift_bounds(date(2026, 11, 24), "08:00", "21:00")
    assert duty.overlaps(*long_day, *night)


def test_find_overlap_per_owner():
    day = duty.shift_bounds(date(2026, 11, 24), "08:00", "20:00")
    night = duty.shift_bounds(date(2026, 11, 24), "20:00", "08:00")
    evening = duty.shift_bounds(date(2026, 11, 24), "18:00", "23:00")
    rows = [
        (1, ("anna", "l1"), *day),
        (2, ("anna", "l1"), *night),
        (3, ("oleg", "l1"), *evening),
        (4, ("anna", "l2"), *evening),
    ]
    assert duty.find_overlap(rows) is None
    clash = (5, ("anna", "l1"), *evening)
    found = duty.find_overlap([*rows, clash])
    assert found is not None
    assert {found[0][0], found[1][0]} in ({1, 5}, {2, 5})


def test_find_overlap_sees_a_long_shift_behind_a_short_one():
    long = (1, "anna", datetime(2026, 11, 24, 0), datetime(2026, 11, 24, 23))
    short = (2, "anna", datetime(2026, 11, 24, 1), datetime(2026, 11, 24, 2))
    late = (3, "anna", datetime(2026, 11, 24, 22), datetime(2026, 11, 25, 1))
    found = duty.find_overlap([short, late, long])
    assert found is not None
    assert {found[0][0], found[1][0]} in ({1, 2}, {1, 3})


def test_clock_label_counts_days_in_moscow():
    night = duty.shift_bounds(date(2026, 11, 24), "20:00", "08:00")
    assert duty.clock_label(*night) == ("20:00", "08:00", 1)
    # 00:00–08:00 MSK is 21:00–05:00 UTC: one Moscow day, two UTC days
    early = duty.shift_bounds(date(2026, 11, 24), "00:00", "08:00")
    assert duty.clock_label(*early) == ("00:00", "08:00", 0)


def test_week_monday_follows_the_moscow_calendar():
    # Sunday 22:30 UTC is already Monday 01:30 in Moscow
    assert duty.week_monday(datetime(2026, 11, 22, 22, 30)) == date(2026, 11, 23)
    assert duty.week_monday(datetime(2026, 11, 22, 20, 30)) == date(2026, 11, 16)


def test_daily_shifts_cover_every_instant():
    bounds = duty.daily_shifts(
        date(2026, 11, 22), 3, [("08:00", "20:00"), ("20:00", "08:00")]
    )
    assert len(bounds) == 6
    for (_start, end), (next_start, _end) in pairwise(bounds):
        assert end == next_start
    instant = bounds[0][0]
    while instant < bounds[-1][1]:
        assert any(duty.is_on_duty(s, e, instant) for s, e in bounds)
        instant += timedelta(minutes=37)
    with pytest.raises(ValueError, match="negative_days"):
        duty.daily_shifts(date(2026, 11, 22), -1, [])


def test_round_robin_alternates_and_starts_with_the_never_served():
    picks, last = duty.distribute(5, [7, 3], {7: 4})
    assert picks == [3, 7, 3, 7, 3]
    assert last == {7: 8, 3: 9}
    again, _last = duty.distribute(2, [7, 3], last)
    assert again == [7, 3]


def test_round_robin_takes_the_one_served_longest_ago():
    assert duty.pick([1, 2, 3], {1: 10, 2: 4, 3: 7}) == 2
    assert duty.pick([], {}) is None


def test_least_loaded_fills_the_lighter_operator_first():
    picks, _last = duty.distribute(4, [1, 2], {}, duty.LEAST_LOADED, loads={1: 3, 2: 0})
    assert picks == [2, 2, 2, 1]


def test_least_loaded_breaks_ties_by_rotation():
    assert duty.pick([1, 2], {1: 1, 2: 5}, loads={1: 2, 2: 2}) == 1
    assert duty.pick([1, 2], {1: 9, 2: 5}, loads={1: 2, 2: 2}) == 2


def test_distribute_leaves_its_inputs_alone_and_checks_the_method():
    last, loads = {1: 1}, {1: 0, 2: 0}
    duty.distribute(3, [1, 2], last, duty.LEAST_LOADED, loads)
    assert last == {1: 1}
    assert loads == {1: 0, 2: 0}
    assert duty.distribute(3, [], {}) == ([], {})
    with pytest.raises(ValueError, match="unknown_method"):
        duty.distribute(1, [1], {}, "random")

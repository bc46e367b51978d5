# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import zoneinfo
from datetime import datetime, timedelta, timezone

import pytest

from odoo.addons.etp_helpdesk.lib import deadlines

# 24.11.2026 02:20 in Moscow (UTC+3) is 23.11.2026 23:20 UTC.
DEADLINE_UTC = datetime(2026, 11, 23, 23, 20)


def test_msk_is_moscow():
    assert deadlines.MSK.key == "Europe/Moscow"


@pytest.mark.parametrize(
    ("local", "tz_name", "expected_utc"),
    [
        (datetime(2026, 11, 24, 2, 20), "Europe/Moscow", DEADLINE_UTC),
        (datetime(2026, 11, 24, 9, 20), "Asia/Vladivostok", DEADLINE_UTC),
        (datetime(2026, 11, 24, 1, 20), "Europe/Kaliningrad", DEADLINE_UTC),
        (datetime(2026, 11, 24, 11, 20), "Asia/Kamchatka", DEADLINE_UTC),
        (datetime(2026, 11, 24, 2, 20), "", DEADLINE_UTC),  # empty means Moscow
        (datetime(2026, 11, 24, 2, 20), None, DEADLINE_UTC),
        (datetime(2026, 11, 23, 23, 20), "UTC", DEADLINE_UTC),
        # Summer time in Moscow before 2011: UTC+4.
        (datetime(2010, 7, 1, 12, 0), "Europe/Moscow", datetime(2010, 7, 1, 8, 0)),
    ],
)
def test_to_utc_naive(local, tz_name, expected_utc):
    result = deadlines.to_utc_naive(local, tz_name)
    assert result == expected_utc
    assert result.tzinfo is None


@pytest.mark.parametrize(
    ("tz_name", "expected_local"),
    [
        ("Europe/Moscow", datetime(2026, 11, 24, 2, 20)),
        ("Asia/Vladivostok", datetime(2026, 11, 24, 9, 20)),
        ("Europe/Samara", datetime(2026, 11, 24, 3, 20)),
        ("Europe/Kaliningrad", datetime(2026, 11, 24, 1, 20)),
        ("", datetime(2026, 11, 24, 2, 20)),
    ],
)
def test_from_utc_naive(tz_name, expected_local):
    result = deadlines.from_utc_naive(DEADLINE_UTC, tz_name)
    assert result.tzinfo is not None
    assert result.replace(tzinfo=None) == expected_local
    assert result.astimezone(timezone.utc).replace(tzinfo=None) == DEADLINE_UTC


@pytest.mark.parametrize("tz_name", ["Mars/Olympus", "MSK", "../etc/passwd"])
def test_conversions_reject_unknown_zone(tz_name):
    with pytest.raises(ValueError, match="unknown_timezone"):
        deadlines.to_utc_naive(datetime(2026, 11, 24, 2, 20), tz_name)
    with pytest.raises(ValueError, match="unknown_timezone"):
        deadlines.from_utc_naive(DEADLINE_UTC, tz_name)


def test_conversions_reject_aware_datetimes():
    aware = datetime(2026, 11, 24, 2, 20, tzinfo=deadlines.MSK)
    with pytest.raises(ValueError, match="naive_datetime_expected"):
        deadlines.to_utc_naive(aware, "Europe/Moscow")
    with pytest.raises(ValueError, match="naive_datetime_expected"):
        deadlines.from_utc_naive(aware, "Europe/Moscow")


@pytest.mark.parametrize(
    ("dt_utc", "requester_tz", "expected"),
    [
        (
            DEADLINE_UTC,
            "Asia/Vladivostok",
            "24.11.2026 02:20 МСК (24.11.2026 09:20 Asia/Vladivostok)",
        ),
        (
            DEADLINE_UTC,
            "Europe/Kaliningrad",
            "24.11.2026 02:20 МСК (24.11.2026 01:20 Europe/Kaliningrad)",
        ),
        (
            DEADLINE_UTC,
            "Asia/Yekaterinburg",
            "24.11.2026 02:20 МСК (24.11.2026 04:20 Asia/Yekaterinburg)",
        ),
        # The requester's day differs from Moscow's.
        (
            datetime(2026, 11, 24, 14, 0),
            "Asia/Kamchatka",
            "24.11.2026 17:00 МСК (25.11.2026 02:00 Asia/Kamchatka)",
        ),
        (DEADLINE_UTC, "Europe/Moscow", "24.11.2026 02:20 МСК"),
        # Same offset as Moscow at that instant: only the Moscow part.
        (DEADLINE_UTC, "Europe/Minsk", "24.11.2026 02:20 МСК"),
        (DEADLINE_UTC, "Europe/Simferopol", "24.11.2026 02:20 МСК"),
        (DEADLINE_UTC, "", "24.11.2026 02:20 МСК"),
        (DEADLINE_UTC, None, "24.11.2026 02:20 МСК"),
        (DEADLINE_UTC, False, "24.11.2026 02:20 МСК"),
        (DEADLINE_UTC, "Mars/Olympus", "24.11.2026 02:20 МСК"),
        (DEADLINE_UTC, "../etc/passwd", "24.11.2026 02:20 МСК"),
        (DEADLINE_UTC, "Europe", "24.11.2026 02:20 МСК"),
        (DEADLINE_UTC, "UTC", "24.11.2026 02:20 МСК (23.11.2026 23:20 UTC)"),
        (False, "Asia/Vladivostok", ""),
        (None, "Asia/Vladivostok", ""),
    ],
)
def test_format_deadline(dt_utc, requester_tz, expected):
    assert deadlines.format_deadline(dt_utc, requester_tz) == expected


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(hours=2), 120),
        (timedelta(minutes=90, seconds=59), 90),
        (timedelta(seconds=30), 0),
        (timedelta(0), 0),
        (timedelta(seconds=-30), -1),
        (timedelta(minutes=-1), -1),
        (timedelta(days=-1), -1440),
    ],
)
def test_minutes_left(delta, expected):
    now = datetime(2026, 11, 23, 20, 0)
    assert deadlines.minutes_left(now + delta, now) == expected


def test_russian_timezones():
    names = [name for name, _label in deadlines.RUSSIAN_TIMEZONES]
    assert len(names) == 11
    assert names[1] == "Europe/Moscow"
    assert dict(deadlines.RUSSIAN_TIMEZONES)["Asia/Vladivostok"] == (
        "МСК+7 Владивосток"
    )
    moment = datetime(2026, 11, 24, tzinfo=timezone.utc)
    moscow_offset = moment.astimezone(deadlines.MSK).utcoffset()
    for shift, (name, label) in enumerate(deadlines.RUSSIAN_TIMEZONES, start=-1):
        offset = moment.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
        assert offset - moscow_offset == timedelta(hours=shift), name
        assert label.startswith("МСК")

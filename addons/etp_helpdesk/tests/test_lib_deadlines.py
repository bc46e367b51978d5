# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import zoneinfo
from datetime import datetime, timedelta, timezone

from odoo.tests import BaseCase, tagged

from odoo.addons.etp_helpdesk.lib import deadlines
from odoo.addons.etp_helpdesk.tests.rules import parametrize

UTC = deadlines.UTC  # datetime.UTC is Python 3.11+

# 24.11.2026 02:20 in Moscow (UTC+3) is 23.11.2026 23:20 UTC.
DEADLINE_UTC = datetime(2026, 11, 23, 23, 20)


@tagged("post_install", "-at_install", "etp_rules")
class TestDeadlineRules(BaseCase):
    def test_msk_is_moscow(self):
        self.assertEqual(deadlines.MSK.key, "Europe/Moscow")

    @parametrize(
        "local, tz_name, expected_utc",
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
    def test_to_utc_naive(self, local, tz_name, expected_utc):
        result = deadlines.to_utc_naive(local, tz_name)
        self.assertEqual(result, expected_utc)
        self.assertIsNone(result.tzinfo)

    @parametrize(
        "tz_name, expected_local",
        [
            ("Europe/Moscow", datetime(2026, 11, 24, 2, 20)),
            ("Asia/Vladivostok", datetime(2026, 11, 24, 9, 20)),
            ("Europe/Samara", datetime(2026, 11, 24, 3, 20)),
            ("Europe/Kaliningrad", datetime(2026, 11, 24, 1, 20)),
            ("", datetime(2026, 11, 24, 2, 20)),
        ],
    )
    def test_from_utc_naive(self, tz_name, expected_local):
        result = deadlines.from_utc_naive(DEADLINE_UTC, tz_name)
        self.assertIsNotNone(result.tzinfo)
        self.assertEqual(result.replace(tzinfo=None), expected_local)
        self.assertEqual(
            result.astimezone(timezone.utc).replace(tzinfo=None), DEADLINE_UTC
        )

    @parametrize(
        "tz_name",
        ["Mars/Olympus", "MSK", "../etc/passwd"],
    )
    def test_conversions_reject_unknown_zone(self, tz_name):
        with self.assertRaisesRegex(ValueError, "unknown_timezone"):
            deadlines.to_utc_naive(datetime(2026, 11, 24, 2, 20), tz_name)
        with self.assertRaisesRegex(ValueError, "unknown_timezone"):
            deadlines.from_utc_naive(DEADLINE_UTC, tz_name)

    def test_conversions_reject_aware_datetimes(self):
        aware = datetime(2026, 11, 24, 2, 20, tzinfo=deadlines.MSK)
        with self.assertRaisesRegex(ValueError, "naive_datetime_expected"):
            deadlines.to_utc_naive(aware, "Europe/Moscow")
        with self.assertRaisesRegex(ValueError, "naive_datetime_expected"):
            deadlines.from_utc_naive(aware, "Europe/Moscow")

    @parametrize(
        "dt_utc, requester_tz, expected",
        [
            (
                DEADLINE_UTC,
                "Asia/Vladivostok",
                "24.11.2026 02:20 МСК (09:20 по вашему времени)",
            ),
            (
                DEADLINE_UTC,
                "Europe/Kaliningrad",
                "24.11.2026 02:20 МСК (01:20 по вашему времени)",
            ),
            (
                DEADLINE_UTC,
                "Asia/Yekaterinburg",
                "24.11.2026 02:20 МСК (04:20 по вашему времени)",
            ),
            # The requester's day differs from Moscow's: their date is shown.
            (
                datetime(2026, 11, 24, 14, 0),
                "Asia/Kamchatka",
                "24.11.2026 17:00 МСК (25.11.2026 02:00 по вашему времени)",
            ),
            (
                datetime(2026, 11, 23, 21, 30),
                "Europe/Kaliningrad",
                "24.11.2026 00:30 МСК (23.11.2026 23:30 по вашему времени)",
            ),
            (DEADLINE_UTC, "Europe/Moscow", "24.11.2026 02:20 МСК"),
            # Same offset as Moscow at that instant: only the Moscow part.
            (DEADLINE_UTC, "Europe/Minsk", "24.11.2026 02:20 МСК"),
            (DEADLINE_UTC, "Europe/Volgograd", "24.11.2026 02:20 МСК"),
            (DEADLINE_UTC, "", "24.11.2026 02:20 МСК"),
            (DEADLINE_UTC, None, "24.11.2026 02:20 МСК"),
            (DEADLINE_UTC, False, "24.11.2026 02:20 МСК"),
            (DEADLINE_UTC, "Mars/Olympus", "24.11.2026 02:20 МСК"),
            (DEADLINE_UTC, "../etc/passwd", "24.11.2026 02:20 МСК"),
            (DEADLINE_UTC, "Europe", "24.11.2026 02:20 МСК"),
            (
                DEADLINE_UTC,
                "UTC",
                "24.11.2026 02:20 МСК (23.11.2026 23:20 по вашему времени)",
            ),
            (False, "Asia/Vladivostok", ""),
            (None, "Asia/Vladivostok", ""),
        ],
    )
    def test_format_deadline(self, dt_utc, requester_tz, expected):
        self.assertEqual(deadlines.format_deadline(dt_utc, requester_tz), expected)

    def test_format_deadline_with_other_words(self):
        """The Odoo layer passes the words in the reader's language; the zone's
        name is there for whoever wants it."""
        self.assertEqual(
            deadlines.format_deadline(
                DEADLINE_UTC,
                "Asia/Vladivostok",
                template="%(msk)s MSK (%(local)s %(zone)s)",
                msk_template="%(msk)s MSK",
            ),
            "24.11.2026 02:20 MSK (09:20 Asia/Vladivostok)",
        )
        self.assertEqual(
            deadlines.format_deadline(
                DEADLINE_UTC, "Europe/Moscow", template="-", msk_template="%(msk)s MSK"
            ),
            "24.11.2026 02:20 MSK",
        )

    def test_format_msk(self):
        self.assertEqual(deadlines.format_msk(DEADLINE_UTC), "24.11.2026 02:20 МСК")
        self.assertEqual(
            deadlines.format_msk(DEADLINE_UTC, "%(msk)s MSK"), "24.11.2026 02:20 MSK"
        )
        self.assertEqual(deadlines.format_msk(False), "")
        with self.assertRaisesRegex(ValueError, "naive_datetime_expected"):
            deadlines.format_msk(datetime(2026, 11, 24, tzinfo=UTC))

    @parametrize(
        "delta, expected",
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
    def test_minutes_left(self, delta, expected):
        now = datetime(2026, 11, 23, 20, 0)
        self.assertEqual(deadlines.minutes_left(now + delta, now), expected)

    @parametrize(
        "tz_name, expected",
        [
            ("Europe/Moscow", ""),
            ("Europe/Minsk", ""),
            ("Europe/Kaliningrad", "\u22121"),
            ("Europe/Samara", "+1"),
            ("Asia/Vladivostok", "+7"),
            ("Asia/Kamchatka", "+9"),
            ("Asia/Kolkata", "+2:30"),
            ("UTC", "\u22123"),
        ],
    )
    def test_msk_shift(self, tz_name, expected):
        moment = DEADLINE_UTC.replace(tzinfo=UTC).astimezone(zoneinfo.ZoneInfo(tz_name))
        self.assertEqual(deadlines.msk_shift(moment), expected)

    @parametrize(
        "minutes, expected",
        [
            (0, (0, 0, 0)),
            (8, (0, 0, 8)),
            (60, (0, 1, 0)),
            (125, (0, 2, 5)),
            (1440, (1, 0, 0)),
            (1505, (1, 1, 5)),
        ],
    )
    def test_split_minutes(self, minutes, expected):
        self.assertEqual(deadlines.split_minutes(minutes), expected)

    def test_split_minutes_refuses_a_negative_duration(self):
        with self.assertRaisesRegex(ValueError, "negative_duration"):
            deadlines.split_minutes(-1)


# ----------------------------------------------------------------------
# Durations: «24 ч», never «24,2»
# ----------------------------------------------------------------------

RU_UNITS = {"d": "%(n)s д", "h": "%(n)s ч", "min": "%(n)s мин"}


@tagged("post_install", "-at_install", "etp_rules")
class TestDurationRules(BaseCase):
    @parametrize(
        "hours, expected",
        [
            (24, "24 ч"),
            (47.5, "47 ч 30 мин"),
            (48, "2 д"),
            (23, "23 ч"),
            (1.5, "1 ч 30 мин"),
            (0.25, "15 мин"),
            (5 / 60, "5 мин"),
            (0, "0 мин"),
            (74.5, "3 д 2 ч 30 мин"),
            (None, "0 мин"),
        ],
    )
    def test_format_duration(self, hours, expected):
        self.assertEqual(deadlines.format_duration(hours, RU_UNITS), expected)

    @parametrize(
        "text, expected",
        [
            ("24", 24.0),
            ("24 ч", 24.0),
            ("1 ч 30 мин", 1.5),
            ("90 мин", 1.5),
            ("1.5 h", 1.5),
            ("2 д", 48.0),
            ("1 day 2 hours", 26.0),
            ("15мин", 0.25),
        ],
    )
    def test_parse_duration(self, text, expected):
        self.assertAlmostEqual(deadlines.parse_duration(text, RU_UNITS), expected)

    @parametrize(
        "text",
        ["", "ч", "24 лет", "abc", "1,5 ч", "-2"],
    )
    def test_parse_duration_refuses(self, text):
        with self.assertRaises(ValueError):
            deadlines.parse_duration(text, RU_UNITS)

    def test_parse_durations(self):
        self.assertEqual(
            deadlines.parse_durations("24 ч, 2 ч, 30 мин", RU_UNITS), [24, 2, 0.5]
        )
        self.assertEqual(deadlines.parse_durations("24,2"), [24.0, 2.0])
        self.assertEqual(deadlines.parse_durations("1 д; 1 ч 30 мин"), [24.0, 1.5])
        self.assertEqual(deadlines.parse_durations(" "), [])

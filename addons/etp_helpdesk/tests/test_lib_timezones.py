# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import zoneinfo
from datetime import datetime, time, timedelta, timezone

import pytz

from odoo.tests import BaseCase, tagged

from odoo.addons.etp_helpdesk.lib import deadlines, timezones
from odoo.addons.etp_helpdesk.tests.rules import parametrize

# 24.11.2026 02:20 in Moscow is 23.11.2026 23:20 UTC.
NOW = datetime(2026, 11, 23, 23, 20)


# ----------------------------------------------------------------------
# The rule, step by step
# ----------------------------------------------------------------------

EVERYTHING = {
    "ticket_tz": "Asia/Omsk",
    "contact_tz": "Asia/Irkutsk",
    "organisation_tz": "Asia/Vladivostok",
    "browser_tz": "Asia/Yekaterinburg",
    "state_code": "KGD",
    "kpp": "540601001",
    "inn": "2536000000",
}


@tagged("post_install", "-at_install", "etp_rules")
class TestTimezoneRules(BaseCase):
    @parametrize(
        "missing, expected",
        [
            ((), ("Asia/Omsk", "ticket")),
            (("ticket_tz",), ("Asia/Irkutsk", "contact")),
            (("ticket_tz", "contact_tz"), ("Asia/Vladivostok", "organisation")),
            (
                ("ticket_tz", "contact_tz", "organisation_tz"),
                ("Asia/Yekaterinburg", "browser"),
            ),
            # the region of the address first...
            (
                ("ticket_tz", "contact_tz", "organisation_tz", "browser_tz"),
                ("Europe/Kaliningrad", "region"),
            ),
            # ...else the region code of the KPP (54: Новосибирская область)...
            (
                (
                    "ticket_tz",
                    "contact_tz",
                    "organisation_tz",
                    "browser_tz",
                    "state_code",
                ),
                ("Asia/Novosibirsk", "region"),
            ),
            # ...else of the INN (25: Приморский край)
            (
                (
                    "ticket_tz",
                    "contact_tz",
                    "organisation_tz",
                    "browser_tz",
                    "state_code",
                    "kpp",
                ),
                ("Asia/Vladivostok", "region"),
            ),
            (tuple(EVERYTHING), ("Europe/Moscow", "default")),
        ],
    )
    def test_resolve_each_step(self, missing, expected):
        values = {key: value for key, value in EVERYTHING.items() if key not in missing}
        self.assertEqual(timezones.resolve(**values), expected)

    def test_resolve_nothing_is_moscow(self):
        self.assertEqual(timezones.resolve(), ("Europe/Moscow", "default"))

    @parametrize(
        "forged",
        ["Mars/Olympus", "../../etc/passwd", "Europe", "", "x" * 200, 42],
    )
    def test_resolve_skips_what_names_no_zone(self, forged):
        """A forged cookie or a broken setting falls through to the next step."""
        self.assertEqual(
            timezones.resolve(ticket_tz=forged, browser_tz="Asia/Omsk"),
            ("Asia/Omsk", "browser"),
        )
        self.assertEqual(
            timezones.resolve(browser_tz=forged), ("Europe/Moscow", "default")
        )

    def test_zone_name(self):
        self.assertEqual(timezones.zone_name("Asia/Vladivostok"), "Asia/Vladivostok")
        for value in (None, False, "", "Mars/Olympus", "../etc/passwd", "Asia", 3):
            self.assertIsNone(timezones.zone_name(value))

    # ----------------------------------------------------------------------
    # Regions
    # ----------------------------------------------------------------------

    @parametrize(
        "state_code, kpp, inn, expected",
        [
            ("PRI", None, None, "Asia/Vladivostok"),
            ("pri ", None, None, "Asia/Vladivostok"),
            ("MOW", "540601001", "2536000000", "Europe/Moscow"),  # address first
            (None, "540601001", "2536000000", "Asia/Novosibirsk"),  # then the KPP
            (None, None, "2536000000", "Asia/Vladivostok"),
            (None, None, "253600000000", "Asia/Vladivostok"),  # 12-digit INN
            (None, None, "6658000000", "Asia/Yekaterinburg"),
            (None, None, "3900000000", "Europe/Kaliningrad"),
            (None, None, "4100000000", "Asia/Kamchatka"),
            (None, None, "8700000000", "Asia/Anadyr"),
            (None, None, "9705000000", "Europe/Moscow"),
            (None, "997950001", "2536000000", "Asia/Vladivostok"),  # 99: no region
            ("XX", None, "2536000000", "Asia/Vladivostok"),  # unknown region code
            (None, None, "9900000000", None),
            (None, None, "ab", None),
            (None, None, "1", None),
            (None, None, "٢٥٣٦", None),  # not ASCII digits
            (None, None, None, None),
        ],
    )
    def test_region_zone(self, state_code, kpp, inn, expected):
        self.assertEqual(timezones.region_zone(state_code, kpp, inn), expected)

    def test_region_table_is_complete_and_valid(self):
        # Russia's 85 regions of ISO 3166-2:RU without the two of UA in the ISO
        # standard: every code of Odoo's res.country.state for RU and ZAB, NEN.
        self.assertEqual(len(timezones.REGION_ZONES), 83)
        moment = datetime(2026, 11, 24, tzinfo=deadlines.UTC)
        offsets = set()
        for code, zone in timezones.REGION_ZONES.items():
            offset = moment.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
            # from МСК−1 (Калининград) to МСК+9 (Чукотка, Камчатка)
            self.assertTrue(timedelta(hours=2) <= offset <= timedelta(hours=12), code)
            offsets.add(offset)
        self.assertEqual(len(offsets), 11)  # the eleven time zones of Russia
        for code, region in timezones.TAX_REGION_CODES.items():
            self.assertIn(region, timezones.REGION_ZONES, code)

    # ----------------------------------------------------------------------
    # The requester's clock
    # ----------------------------------------------------------------------

    @parametrize(
        "tz_name, clock, night",
        [
            ("Europe/Moscow", time(2, 20), True),
            ("Europe/Kaliningrad", time(1, 20), True),
            ("Asia/Yekaterinburg", time(4, 20), True),
            ("Asia/Krasnoyarsk", time(6, 20), True),
            ("Asia/Irkutsk", time(7, 20), True),
            ("Asia/Yakutsk", time(8, 20), False),
            ("Asia/Vladivostok", time(9, 20), False),
            ("Asia/Kamchatka", time(11, 20), False),
            ("", time(2, 20), True),  # no zone: Moscow
            ("Mars/Olympus", time(2, 20), True),
        ],
    )
    def test_local_time_and_night(self, tz_name, clock, night):
        local = timezones.local_time(NOW, tz_name)
        self.assertEqual(local.time(), clock)
        self.assertEqual(local.astimezone(deadlines.UTC).replace(tzinfo=None), NOW)
        self.assertIs(timezones.is_night(local), night)

    @parametrize(
        "clock, night",
        [
            (time(21, 59), False),
            (time(22, 0), True),
            (time(23, 59), True),
            (time(0, 0), True),
            (time(7, 59), True),
            (time(8, 0), False),
            (time(12, 0), False),
        ],
    )
    def test_night_bounds(self, clock, night):
        self.assertIs(timezones.is_night(clock), night)
        self.assertIs(
            timezones.is_night(datetime.combine(datetime(2026, 11, 24), clock)),
            night,
        )

    def test_local_time_wants_naive_utc(self):
        with self.assertRaisesRegex(ValueError, "naive_datetime_expected"):
            timezones.local_time(NOW.replace(tzinfo=deadlines.UTC), "Asia/Omsk")


# ----------------------------------------------------------------------
# The zones a person picks from
# ----------------------------------------------------------------------

DAY = datetime(2026, 11, 24).date()


@tagged("post_install", "-at_install", "etp_rules")
class TestZoneChoices(BaseCase):
    def test_russia_zones_shift_from_moscow(self):
        moment = datetime(2026, 11, 24, 12).replace(tzinfo=timezone.utc)
        moscow = moment.astimezone(zoneinfo.ZoneInfo("Europe/Moscow")).utcoffset()
        self.assertEqual(len(timezones.RUSSIA_ZONES), 11)
        for zone, shift in timezones.RUSSIA_ZONES:
            offset = moment.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
            self.assertEqual(offset - moscow, timedelta(hours=shift), zone)

    def test_zone_choices_russia_first_then_the_world(self):
        rows = timezones.zone_choices("ru_RU", DAY)
        # every zone Odoo knows, once
        self.assertEqual(sorted(zone for zone, *_ in rows), sorted(pytz.all_timezones))
        # Russia's eleven zones first, west to east, shifts from Moscow
        self.assertEqual(
            [row[0] for row in rows[:11]], [z for z, _s in timezones.RUSSIA_ZONES]
        )
        self.assertEqual([row[3] for row in rows[:3]], ["\u22121", "", "+1"])
        self.assertEqual(
            rows[10], ("Asia/Kamchatka", timezones.GROUP_RUSSIA, None, "+9")
        )
        groups = [row[1] for row in rows]
        self.assertEqual(groups, sorted(groups))
        others = {row[0]: row for row in rows if row[1] == timezones.GROUP_RUSSIA_OTHER}
        self.assertEqual(others["Asia/Novosibirsk"][2:], ("Новосибирск", "+4"))
        world = {row[0]: row for row in rows if row[1] == timezones.GROUP_WORLD}
        self.assertEqual(world["Asia/Almaty"][2], "Алматы")
        self.assertEqual(world["Europe/Minsk"][2:], ("Минск", "+3"))
        # no raw names among the named ones: those CLDR cannot name, and old
        # aliases, come last (the models show their codes)
        unnamed = {row[0] for row in rows if row[1] == timezones.GROUP_UNNAMED}
        self.assertLessEqual({"Etc/GMT+5", "US/Aleutian", "CET"}, unnamed)
        self.assertNotIn("Europe/Minsk", unnamed)

    def test_zone_choices_in_english(self):
        rows = timezones.zone_choices("en_US", DAY)
        world = {row[0]: row[2] for row in rows if row[1] == timezones.GROUP_WORLD}
        self.assertEqual(world["Asia/Almaty"], "Almaty")
        self.assertEqual(world["Europe/Minsk"], "Minsk")

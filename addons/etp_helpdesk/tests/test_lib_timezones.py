# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import zoneinfo
from datetime import datetime, time, timedelta, timezone

import pytest
import pytz

from odoo.addons.etp_helpdesk.lib import deadlines, timezones

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


@pytest.mark.parametrize(
    ("missing", "expected"),
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
            ("ticket_tz", "contact_tz", "organisation_tz", "browser_tz", "state_code"),
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
def test_resolve_each_step(missing, expected):
    values = {key: value for key, value in EVERYTHING.items() if key not in missing}
    assert timezones.resolve(**values) == expected


def test_resolve_nothing_is_moscow():
    assert timezones.resolve() == ("Europe/Moscow", "default")


@pytest.mark.parametrize(
    "forged", ["Mars/Olympus", "../../etc/passwd", "Europe", "", "x" * 200, 42]
)
def test_resolve_skips_what_names_no_zone(forged):
    """A forged cookie or a broken setting falls through to the next step."""
    assert timezones.resolve(ticket_tz=forged, browser_tz="Asia/Omsk") == (
        "Asia/Omsk",
        "browser",
    )
    assert timezones.resolve(browser_tz=forged) == ("Europe/Moscow", "default")


def test_zone_name():
    assert timezones.zone_name("Asia/Vladivostok") == "Asia/Vladivostok"
    for value in (None, False, "", "Mars/Olympus", "../etc/passwd", "Asia", 3):
        assert timezones.zone_name(value) is None


# ----------------------------------------------------------------------
# Regions
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state_code", "kpp", "inn", "expected"),
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
def test_region_zone(state_code, kpp, inn, expected):
    assert timezones.region_zone(state_code, kpp, inn) == expected


def test_region_table_is_complete_and_valid():
    # Russia's 85 regions of ISO 3166-2:RU without the two of UA in the ISO
    # standard: every code of Odoo's res.country.state for RU and ZAB, NEN.
    assert len(timezones.REGION_ZONES) == 83
    moment = datetime(2026, 11, 24, tzinfo=deadlines.UTC)
    offsets = set()
    for code, zone in timezones.REGION_ZONES.items():
        offset = moment.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
        # from МСК−1 (Калининград) to МСК+9 (Чукотка, Камчатка)
        assert timedelta(hours=2) <= offset <= timedelta(hours=12), code
        offsets.add(offset)
    assert len(offsets) == 11  # the eleven time zones of Russia
    for code, region in timezones.TAX_REGION_CODES.items():
        assert region in timezones.REGION_ZONES, code


# ----------------------------------------------------------------------
# The requester's clock
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz_name", "clock", "night"),
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
def test_local_time_and_night(tz_name, clock, night):
    local = timezones.local_time(NOW, tz_name)
    assert local.time() == clock
    assert local.astimezone(deadlines.UTC).replace(tzinfo=None) == NOW
    assert timezones.is_night(local) is night


@pytest.mark.parametrize(
    ("clock", "night"),
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
def test_night_bounds(clock, night):
    assert timezones.is_night(clock) is night
    assert timezones.is_night(datetime.combine(datetime(2026, 11, 24), clock)) is night


def test_local_time_wants_naive_utc():
    with pytest.raises(ValueError, match="naive_datetime_expected"):
        timezones.local_time(NOW.replace(tzinfo=deadlines.UTC), "Asia/Omsk")


# ----------------------------------------------------------------------
# The zones a person picks from
# ----------------------------------------------------------------------

DAY = datetime(2026, 11, 24).date()


def test_russia_zones_shift_from_moscow():
    moment = datetime(2026, 11, 24, 12).replace(tzinfo=timezone.utc)
    moscow = moment.astimezone(zoneinfo.ZoneInfo("Europe/Moscow")).utcoffset()
    assert len(timezones.RUSSIA_ZONES) == 11
    for zone, shift in timezones.RUSSIA_ZONES:
        offset = moment.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
        assert offset - moscow == timedelta(hours=shift), zone


def test_zone_choices_russia_first_then_the_world():
    rows = timezones.zone_choices("ru_RU", DAY)
    # every zone Odoo knows, once
    assert sorted(zone for zone, *_ in rows) == sorted(pytz.all_timezones)
    # Russia's eleven zones first, west to east, shifts from Moscow
    assert [row[0] for row in rows[:11]] == [z for z, _s in timezones.RUSSIA_ZONES]
    assert [row[3] for row in rows[:3]] == ["\u22121", "", "+1"]
    assert rows[10] == ("Asia/Kamchatka", timezones.GROUP_RUSSIA, None, "+9")
    groups = [row[1] for row in rows]
    assert groups == sorted(groups)
    others = {row[0]: row for row in rows if row[1] == timezones.GROUP_RUSSIA_OTHER}
    assert others["Asia/Novosibirsk"][2:] == ("Новосибирск", "+4")
    world = {row[0]: row for row in rows if row[1] == timezones.GROUP_WORLD}
    assert world["Asia/Almaty"][2] == "Алматы"
    assert world["Europe/Minsk"][2:] == ("Минск", "+3")
    # no raw names among the named ones: those CLDR cannot name, and old
    # aliases, come last (the models show their codes)
    unnamed = {row[0] for row in rows if row[1] == timezones.GROUP_UNNAMED}
    assert {"Etc/GMT+5", "US/Aleutian", "CET"} <= unnamed
    assert "Europe/Minsk" not in unnamed


def test_zone_choices_in_english():
    rows = timezones.zone_choices("en_US", DAY)
    world = {row[0]: row[2] for row in rows if row[1] == timezones.GROUP_WORLD}
    assert world["Asia/Almaty"] == "Almaty"
    assert world["Europe/Minsk"] == "Minsk"

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The requester's time zone: one rule for tickets, emergency cases, chat and
the portal, and the requester's clock (is it night where they are?).

The rule, first answer wins:

1. ``ticket``: the zone set on the ticket itself (an operator asked);
2. ``contact``: the contact's own zone;
3. ``organisation``: the zone of the contact's organisation;
4. ``browser``: the zone the browser reported on the web form or in the chat
   (Odoo's pages set a ``tz`` cookie);
5. ``region``: the zone of the region of the organisation, from its address
   (the region of Russia, ISO 3166-2:RU code as in ``res.country.state``),
   else from the region code in its KPP, else in its INN (first two digits);
6. ``default``: Moscow time, the platform's clock.

The zones a person picks from (``zone_choices``): Russia's eleven zones
first, west to east, by their cities (Калининград … Камчатка) and their shift
from Moscow; then Russia's other zones; then the rest of the world.

No Odoo import here: the models pass plain values and get plain values back.
"""

import functools
import zoneinfo
from datetime import datetime, time, timedelta, timezone

import pytz
from babel.dates import get_timezone_location

from .russian_regions import REGION_ZONES, TAX_REGION_CODES

DEFAULT_TZ = "Europe/Moscow"

SOURCE_TICKET = "ticket"
SOURCE_CONTACT = "contact"
SOURCE_ORGANISATION = "organisation"
SOURCE_BROWSER = "browser"
SOURCE_REGION = "region"
SOURCE_DEFAULT = "default"
SOURCES = (
    SOURCE_TICKET,
    SOURCE_CONTACT,
    SOURCE_ORGANISATION,
    SOURCE_BROWSER,
    SOURCE_REGION,
    SOURCE_DEFAULT,
)

# Russia's eleven time zones, west to east: (zone, hours from Moscow). The
# models name them (translated): Калининград, Москва, … Камчатка.
RUSSIA_ZONES = (
    ("Europe/Kaliningrad", -1),
    ("Europe/Moscow", 0),
    ("Europe/Samara", 1),
    ("Asia/Yekaterinburg", 2),
    ("Asia/Omsk", 3),
    ("Asia/Krasnoyarsk", 4),
    ("Asia/Irkutsk", 5),
    ("Asia/Yakutsk", 6),
    ("Asia/Vladivostok", 7),
    ("Asia/Magadan", 8),
    ("Asia/Kamchatka", 9),
)
# The groups of ``zone_choices``, in their order.
GROUP_RUSSIA = 0
GROUP_RUSSIA_OTHER = 1
GROUP_WORLD = 2
GROUP_UNNAMED = 3
MINUS = "\u2212"

# Night at the requester's: a call-back waits till morning or is made on purpose.
NIGHT_START = time(22, 0)
NIGHT_END = time(8, 0)


def zone_name(value):
    """``value`` if it names an IANA time zone, else ``None``. Never raises:
    the value may come from a cookie."""
    if not value or not isinstance(value, str) or len(value) > 64:
        return None
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return value


def tax_region(code):
    """The region (ISO 3166-2:RU code) of an INN or a KPP from its first two
    digits, or ``None``."""
    code = (code or "").strip()
    if len(code) < 2 or not code[:2].isascii() or not code[:2].isdigit():
        return None
    return TAX_REGION_CODES.get(code[:2])


def region_zone(state_code=None, kpp=None, inn=None):
    """The zone of an organisation's region: from the region of its address
    (``state_code``, ISO 3166-2:RU), else from the region code of its KPP (the
    office it is registered with now), else of its INN; ``None`` if none of
    them tells."""
    for region in (
        (state_code or "").strip().upper() or None,
        tax_region(kpp),
        tax_region(inn),
    ):
        if region in REGION_ZONES:
            return REGION_ZONES[region]
    return None


def resolve(
    ticket_tz=None,
    contact_tz=None,
    organisation_tz=None,
    browser_tz=None,
    state_code=None,
    kpp=None,
    inn=None,
):
    """Apply the rule; return ``(zone, source)``, a source of ``SOURCES``.

    Values that do not name a zone are skipped, so a forged cookie or a
    broken setting falls through to the next step.
    """
    for value, source in (
        (ticket_tz, SOURCE_TICKET),
        (contact_tz, SOURCE_CONTACT),
        (organisation_tz, SOURCE_ORGANISATION),
        (browser_tz, SOURCE_BROWSER),
    ):
        zone = zone_name(value)
        if zone:
            return zone, source
    zone = region_zone(state_code, kpp, inn)
    if zone:
        return zone, SOURCE_REGION
    return DEFAULT_TZ, SOURCE_DEFAULT


def local_time(now_utc_naive, tz_name):
    """The wall-clock time in ``tz_name`` (Moscow if it names no zone) at the
    naive UTC instant ``now_utc_naive``, as an aware datetime."""
    if now_utc_naive.tzinfo is not None:
        raise ValueError("naive_datetime_expected")
    zone = zoneinfo.ZoneInfo(zone_name(tz_name) or DEFAULT_TZ)
    moment = now_utc_naive.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone)


def is_night(moment):
    """True when the clock time of ``moment`` (a ``datetime`` or a ``time``) is
    between NIGHT_START (included) and NIGHT_END (excluded)."""
    clock = moment.time() if isinstance(moment, datetime) else moment
    clock = clock.replace(tzinfo=None)
    return clock >= NIGHT_START or clock < NIGHT_END


def _shift_text(offset):
    """``timedelta(hours=3)`` → ``"+3"``, ``-timedelta(hours=5, minutes=30)``
    → ``"−5:30"`` (a minus sign), zero → ``""``."""
    minutes = int(offset.total_seconds()) // 60
    if not minutes:
        return ""
    sign = "+" if minutes > 0 else MINUS
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}" if rest else f"{sign}{hours}"


def _offset(zone, moment):
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset() or timedelta(0)


@functools.lru_cache(maxsize=16)
def zone_choices(locale="en", day=None):
    """Every IANA zone (as Odoo's ``_tz_get``), ordered for a person picking
    one: ``(zone, group, city, shift)`` tuples.

    - ``GROUP_RUSSIA``: Russia's eleven zones (``RUSSIA_ZONES``), west to
      east; ``city`` is ``None`` (the models name them), ``shift`` the hours
      from Moscow (``"−1"``, ``""``, ``"+9"``);
    - ``GROUP_RUSSIA_OTHER``: Russia's other zones (Новосибирск, Чита…), by
      shift from Moscow, then city (``locale``'s name, from CLDR);
    - ``GROUP_WORLD``: the others by city, ``shift`` from UTC;
    - ``GROUP_UNNAMED``: old aliases (``US/Aleutian``) and zones CLDR has no
      ``locale`` name for (``Etc/GMT+5``, ``CET``), ``city`` ``None``, by
      shift from UTC.

    Offsets are those of ``day`` (a ``date``, today by default).
    """
    moment = datetime.combine(day or datetime.now(timezone.utc).date(), time(12))
    moment = moment.replace(tzinfo=timezone.utc)
    moscow = _offset(DEFAULT_TZ, moment)
    main = dict(RUSSIA_ZONES)
    russian = set(pytz.country_timezones.get("ru", ()))
    foreign_locale = not locale.lower().startswith("en")
    rows = []
    for position, (zone, shift) in enumerate(RUSSIA_ZONES):
        sign = "+" if shift > 0 else MINUS
        rows.append(
            (
                (GROUP_RUSSIA, position),
                (zone, GROUP_RUSSIA, None, "" if not shift else f"{sign}{abs(shift)}"),
            )
        )
    for zone in pytz.all_timezones:
        if zone in main:
            continue
        try:
            city = get_timezone_location(zone, locale=locale, return_city=True)
        except (LookupError, ValueError):
            city = None
        offset = _offset(zone, moment) if zone_name(zone) else timedelta(0)
        raw = zone.rsplit("/", 1)[-1].replace("_", " ")
        unnamed = (
            not city
            or zone not in pytz.common_timezones_set  # an old alias
            or (foreign_locale and city in (raw, zone))
            or city.startswith(("GMT", "UTC"))
        )
        if unnamed:
            key, row = (GROUP_UNNAMED, offset, zone), (None, _shift_text(offset))
        elif zone in russian:
            key = (GROUP_RUSSIA_OTHER, offset, city.casefold(), zone)
            row = (city, _shift_text(offset - moscow))
        else:
            key, row = (GROUP_WORLD, city.casefold(), zone), (city, _shift_text(offset))
        rows.append((key, (zone, key[0], *row)))
    return tuple(row for _key, row in sorted(rows, key=lambda r: r[0]))

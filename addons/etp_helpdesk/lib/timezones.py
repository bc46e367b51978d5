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

# Region of Russia (ISO 3166-2:RU subdivision code, the ``code`` of Odoo's
# ``res.country.state`` records of RU) → IANA zone of its capital.
REGION_ZONES = {
    "AD": "Europe/Moscow",  # Адыгея
    "AL": "Asia/Barnaul",  # Республика Алтай
    "ALT": "Asia/Barnaul",  # Алтайский край
    "AMU": "Asia/Yakutsk",  # Амурская область
    "ARK": "Europe/Moscow",  # Архангельская область
    "AST": "Europe/Astrakhan",  # Астраханская область
    "BA": "Asia/Yekaterinburg",  # Башкортостан
    "BEL": "Europe/Moscow",  # Белгородская область
    "BRY": "Europe/Moscow",  # Брянская область
    "BU": "Asia/Irkutsk",  # Бурятия
    "CE": "Europe/Moscow",  # Чечня
    "CHE": "Asia/Yekaterinburg",  # Челябинская область
    "CHU": "Asia/Anadyr",  # Чукотский АО
    "CU": "Europe/Moscow",  # Чувашия
    "DA": "Europe/Moscow",  # Дагестан
    "IN": "Europe/Moscow",  # Ингушетия
    "IRK": "Asia/Irkutsk",  # Иркутская область
    "IVA": "Europe/Moscow",  # Ивановская область
    "KAM": "Asia/Kamchatka",  # Камчатский край
    "KB": "Europe/Moscow",  # Кабардино-Балкария
    "KC": "Europe/Moscow",  # Карачаево-Черкесия
    "KDA": "Europe/Moscow",  # Краснодарский край
    "KEM": "Asia/Novokuznetsk",  # Кемеровская область
    "KGD": "Europe/Kaliningrad",  # Калининградская область
    "KGN": "Asia/Yekaterinburg",  # Курганская область
    "KHA": "Asia/Vladivostok",  # Хабаровский край
    "KHM": "Asia/Yekaterinburg",  # Ханты-Мансийский АО — Югра
    "KIR": "Europe/Kirov",  # Кировская область
    "KK": "Asia/Krasnoyarsk",  # Хакасия
    "KL": "Europe/Moscow",  # Калмыкия
    "KLU": "Europe/Moscow",  # Калужская область
    "KO": "Europe/Moscow",  # Коми
    "KOS": "Europe/Moscow",  # Костромская область
    "KR": "Europe/Moscow",  # Карелия
    "KRS": "Europe/Moscow",  # Курская область
    "KYA": "Asia/Krasnoyarsk",  # Красноярский край
    "LEN": "Europe/Moscow",  # Ленинградская область
    "LIP": "Europe/Moscow",  # Липецкая область
    "MAG": "Asia/Magadan",  # Магаданская область
    "ME": "Europe/Moscow",  # Марий Эл
    "MO": "Europe/Moscow",  # Мордовия
    "MOS": "Europe/Moscow",  # Московская область
    "MOW": "Europe/Moscow",  # Москва
    "MUR": "Europe/Moscow",  # Мурманская область
    "NEN": "Europe/Moscow",  # Ненецкий АО
    "NGR": "Europe/Moscow",  # Новгородская область
    "NIZ": "Europe/Moscow",  # Нижегородская область
    "NVS": "Asia/Novosibirsk",  # Новосибирская область
    "OMS": "Asia/Omsk",  # Омская область
    "ORE": "Asia/Yekaterinburg",  # Оренбургская область
    "ORL": "Europe/Moscow",  # Орловская область
    "PER": "Asia/Yekaterinburg",  # Пермский край
    "PNZ": "Europe/Moscow",  # Пензенская область
    "PRI": "Asia/Vladivostok",  # Приморский край
    "PSK": "Europe/Moscow",  # Псковская область
    "ROS": "Europe/Moscow",  # Ростовская область
    "RYA": "Europe/Moscow",  # Рязанская область
    "SA": "Asia/Yakutsk",  # Саха (Якутия), по Якутску
    "SAK": "Asia/Sakhalin",  # Сахалинская область
    "SAM": "Europe/Samara",  # Самарская область
    "SAR": "Europe/Saratov",  # Саратовская область
    "SE": "Europe/Moscow",  # Северная Осетия — Алания
    "SMO": "Europe/Moscow",  # Смоленская область
    "SPE": "Europe/Moscow",  # Санкт-Петербург
    "STA": "Europe/Moscow",  # Ставропольский край
    "SVE": "Asia/Yekaterinburg",  # Свердловская область
    "TA": "Europe/Moscow",  # Татарстан
    "TAM": "Europe/Moscow",  # Тамбовская область
    "TOM": "Asia/Tomsk",  # Томская область
    "TUL": "Europe/Moscow",  # Тульская область
    "TVE": "Europe/Moscow",  # Тверская область
    "TY": "Asia/Krasnoyarsk",  # Тыва
    "TYU": "Asia/Yekaterinburg",  # Тюменская область
    "UD": "Europe/Samara",  # Удмуртия
    "ULY": "Europe/Ulyanovsk",  # Ульяновская область
    "VGG": "Europe/Volgograd",  # Волгоградская область
    "VLA": "Europe/Moscow",  # Владимирская область
    "VLG": "Europe/Moscow",  # Вологодская область
    "VOR": "Europe/Moscow",  # Воронежская область
    "YAN": "Asia/Yekaterinburg",  # Ямало-Ненецкий АО
    "YAR": "Europe/Moscow",  # Ярославская область
    "YEV": "Asia/Vladivostok",  # Еврейская АО
    "ZAB": "Asia/Chita",  # Забайкальский край
}

# Region code of the tax authority (the first two digits of an INN or a KPP)
# → region of REGION_ZONES. Codes of regions merged since (80–88) lead to the
# region they joined. Codes not listed here (such as 99, the interregional
# inspectorates of the largest taxpayers) tell no region.
TAX_REGION_CODES = {
    "01": "AD",
    "02": "BA",
    "03": "BU",
    "04": "AL",
    "05": "DA",
    "06": "IN",
    "07": "KB",
    "08": "KL",
    "09": "KC",
    "10": "KR",
    "11": "KO",
    "12": "ME",
    "13": "MO",
    "14": "SA",
    "15": "SE",
    "16": "TA",
    "17": "TY",
    "18": "UD",
    "19": "KK",
    "20": "CE",
    "21": "CU",
    "22": "ALT",
    "23": "KDA",
    "24": "KYA",
    "25": "PRI",
    "26": "STA",
    "27": "KHA",
    "28": "AMU",
    "29": "ARK",
    "30": "AST",
    "31": "BEL",
    "32": "BRY",
    "33": "VLA",
    "34": "VGG",
    "35": "VLG",
    "36": "VOR",
    "37": "IVA",
    "38": "IRK",
    "39": "KGD",
    "40": "KLU",
    "41": "KAM",
    "42": "KEM",
    "43": "KIR",
    "44": "KOS",
    "45": "KGN",
    "46": "KRS",
    "47": "LEN",
    "48": "LIP",
    "49": "MAG",
    "50": "MOS",
    "51": "MUR",
    "52": "NIZ",
    "53": "NGR",
    "54": "NVS",
    "55": "OMS",
    "56": "ORE",
    "57": "ORL",
    "58": "PNZ",
    "59": "PER",
    "60": "PSK",
    "61": "ROS",
    "62": "RYA",
    "63": "SAM",
    "64": "SAR",
    "65": "SAK",
    "66": "SVE",
    "67": "SMO",
    "68": "TAM",
    "69": "TVE",
    "70": "TOM",
    "71": "TUL",
    "72": "TYU",
    "73": "ULY",
    "74": "CHE",
    "75": "ZAB",
    "76": "YAR",
    "77": "MOW",
    "78": "SPE",
    "79": "YEV",
    "80": "ZAB",  # Агинский Бурятский АО
    "81": "PER",  # Коми-Пермяцкий АО
    "82": "KAM",  # Корякский АО
    "83": "NEN",
    "84": "KYA",  # Таймырский АО
    "85": "IRK",  # Усть-Ордынский Бурятский АО
    "86": "KHM",
    "87": "CHU",
    "88": "KYA",  # Эвенкийский АО
    "89": "YAN",
    "97": "MOW",  # Moscow's inspectorates since 2021
}


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

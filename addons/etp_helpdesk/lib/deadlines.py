# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Procedure deadlines: Moscow time, the requester's time and naive UTC.

Odoo stores datetimes as naive UTC; the platform's deadlines are announced in
Moscow time (МСК) and requesters live in any of Russia's eleven time zones.
This is the one place that turns a deadline into text: «24.11.2026 02:50 МСК
(09:50 по вашему времени)». Which zone is the requester's is decided by
``timezones.resolve``.
"""

import re
import zoneinfo
from datetime import datetime, timedelta, timezone

UTC = timezone.utc

MSK_NAME = "Europe/Moscow"
MSK = zoneinfo.ZoneInfo(MSK_NAME)

_FORMAT = "%d.%m.%Y %H:%M"


def _zone_or_none(tz_name):
    """Return the ``ZoneInfo`` named ``tz_name``, or ``None`` if there is none."""
    if not tz_name or not isinstance(tz_name, str):
        return None
    try:
        return zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _zone(tz_name):
    """Return the zone ``tz_name``; an empty name means Moscow.

    Raise ``ValueError("unknown_timezone: ...")`` for a name that is not an
    IANA time zone.
    """
    if not tz_name:
        return MSK
    zone = _zone_or_none(tz_name)
    if zone is None:
        raise ValueError(f"unknown_timezone: {tz_name!r}")
    return zone


def require_naive(dt):
    """Raise ``ValueError`` unless ``dt`` is a naive datetime."""
    if not isinstance(dt, datetime) or dt.tzinfo is not None:
        raise ValueError("naive_datetime_expected")


def to_utc_naive(dt_local_naive, tz_name):
    """Convert a naive wall-clock time in ``tz_name`` to naive UTC (Odoo storage).

    An empty ``tz_name`` means Moscow time. Raise ``ValueError`` for an unknown
    zone or an aware datetime.
    """
    require_naive(dt_local_naive)
    local = dt_local_naive.replace(tzinfo=_zone(tz_name))
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def from_utc_naive(dt_utc_naive, tz_name):
    """Convert naive UTC (Odoo storage) to an aware datetime in ``tz_name``.

    An empty ``tz_name`` means Moscow time. Raise ``ValueError`` for an unknown
    zone or an aware datetime.
    """
    require_naive(dt_utc_naive)
    return dt_utc_naive.replace(tzinfo=timezone.utc).astimezone(_zone(tz_name))


# The words around the times; the Odoo layer passes them translated.
MSK_TEMPLATE = "%(msk)s МСК"
BOTH_TEMPLATE = "%(msk)s МСК (%(local)s по вашему времени)"


def format_msk(dt_utc_naive, template=MSK_TEMPLATE):
    """``"24.11.2026 02:20 МСК"``: a naive UTC datetime in Moscow time, put in
    ``template`` (``%(msk)s`` is the date and time). Empty gives ``""``."""
    if not dt_utc_naive:
        return ""
    require_naive(dt_utc_naive)
    moscow = dt_utc_naive.replace(tzinfo=UTC).astimezone(MSK)
    return template % {"msk": moscow.strftime(_FORMAT)}


def format_in_zone(dt_utc_naive, tz_name):
    """``"24.11.2026 09:20"``: a naive UTC datetime in the zone ``tz_name``
    (UTC when it names none, as Odoo's datetime widget does). Empty gives
    ``""``."""
    if not dt_utc_naive:
        return ""
    require_naive(dt_utc_naive)
    zone = _zone_or_none(tz_name) or UTC
    return dt_utc_naive.replace(tzinfo=UTC).astimezone(zone).strftime(_FORMAT)


def format_deadline(
    dt_utc_naive, requester_tz, template=BOTH_TEMPLATE, msk_template=MSK_TEMPLATE
):
    """Format a deadline for people: Moscow time, then the requester's time.

    ``"24.11.2026 02:20 МСК (09:20 по вашему времени)"``: the requester's part
    shows the date only when it is another day than in Moscow
    (``"24.11.2026 17:00 МСК (25.11.2026 02:00 по вашему времени)"``).
    ``template`` gets ``%(msk)s``, ``%(local)s`` and ``%(zone)s`` (the zone's
    name); ``msk_template`` (``%(msk)s``) is used alone when ``requester_tz``
    is empty or unknown (this never raises) or has the same UTC offset as
    Moscow at that instant. An empty ``dt_utc_naive`` gives ``""``.
    """
    if not dt_utc_naive:
        return ""
    moment = dt_utc_naive.replace(tzinfo=timezone.utc)
    moscow = moment.astimezone(MSK)
    msk_text = moscow.strftime(_FORMAT)
    zone = _zone_or_none(requester_tz)
    if zone is None:
        return msk_template % {"msk": msk_text}
    local = moment.astimezone(zone)
    if local.utcoffset() == moscow.utcoffset():
        return msk_template % {"msk": msk_text}
    local_text = (
        local.strftime("%H:%M")
        if local.date() == moscow.date()
        else local.strftime(_FORMAT)
    )
    return template % {"msk": msk_text, "local": local_text, "zone": requester_tz}


def msk_shift(moment):
    """The offset of the aware ``moment``'s zone from Moscow at that instant,
    as in «МСК+7»: ``"+7"``, ``"−1"`` (a minus sign), ``"+2:30"``, ``""`` for
    Moscow's own offset."""
    delta = moment.utcoffset() - moment.astimezone(MSK).utcoffset()
    minutes = int(delta.total_seconds()) // 60
    if not minutes:
        return ""
    sign = "+" if minutes > 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}" if rest else f"{sign}{hours}"


def minutes_left(deadline_utc_naive, now_utc_naive):
    """Whole minutes from ``now_utc_naive`` to ``deadline_utc_naive``.

    Rounded down, so the result is negative as soon as the deadline has passed
    (30 seconds late gives -1) and 0 in its last minute.
    """
    return (deadline_utc_naive - now_utc_naive) // timedelta(minutes=1)


def split_minutes(minutes):
    """``(days, hours, minutes)`` of a non-negative number of whole minutes,
    for a "time left" people read: 1 505 minutes are 1 day, 1 hour and 5
    minutes. Raise ``ValueError`` for a negative number."""
    if minutes < 0:
        raise ValueError("negative_duration")
    days, rest = divmod(int(minutes), 24 * 60)
    hours, rest = divmod(rest, 60)
    return days, hours, rest


# Durations as people read and type them: «24 ч», «1 ч 30 мин», never «24,2».
# The models pass the units (``%(n)s`` is the number) in the reader's language.
DURATION_UNITS = {"d": "%(n)s d", "h": "%(n)s h", "min": "%(n)s min"}
_UNIT_WORDS = {
    "d": ("d", "day", "days", "д", "дн", "день", "дня", "дней", "сут"),
    "h": ("h", "hr", "hrs", "hour", "hours", "ч", "час", "часа", "часов"),
    "min": ("m", "min", "mins", "minute", "minutes", "м", "мин", "минута", "минуты"),
}
_UNIT_HOURS = {"d": 24.0, "h": 1.0, "min": 1.0 / 60}
_DURATION_TOKEN = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([^\W\d_]+)?\.?\s*")


def format_duration(hours, units=None):
    """``hours`` as «24 h», «1 h 30 min», «15 min», from two days on «3 d
    2 h», rounded to the minute, with the ``units`` (``d``, ``h``, ``min``:
    ``"%(n)s h"``; English by default)."""
    units = units or DURATION_UNITS
    days, whole_hours, minutes = split_minutes(round(max(hours or 0.0, 0.0) * 60))
    if days == 1:
        days, whole_hours = 0, whole_hours + 24
    parts = []
    if days:
        parts.append(units["d"] % {"n": days})
    if whole_hours:
        parts.append(units["h"] % {"n": whole_hours})
    if minutes or not parts:
        parts.append(units["min"] % {"n": minutes})
    return " ".join(parts)


def parse_duration(text, units=None):
    """Hours of a duration typed by a person: «24», «24 ч», «1 ч 30 мин»,
    «90 min», «1.5 h» (a number alone is hours). The unit words are English,
    Russian or those of ``units``. Raise ``ValueError`` for anything else."""
    units = units or DURATION_UNITS
    text = (text or "").strip().lower()
    if not text:
        raise ValueError("empty_duration")
    words = {
        unit: set(known) | {(units[unit] % {"n": ""}).strip().rstrip(".").lower()}
        for unit, known in _UNIT_WORDS.items()
    }
    hours, position = 0.0, 0
    while position < len(text):
        match = _DURATION_TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ValueError(f"not_a_duration: {text!r}")
        number, word = float(match.group(1)), match.group(2)
        if word is None:
            unit = "h"
        else:
            unit = next((u for u, known in words.items() if word in known), None)
            if unit is None:
                raise ValueError(f"unknown_unit: {word!r}")
        hours += number * _UNIT_HOURS[unit]
        position = match.end()
    return hours


def parse_durations(text, units=None):
    """Hours of a list of durations separated by commas or semicolons:
    «24 ч, 2 ч, 30 мин» → ``[24.0, 2.0, 0.5]``; the bare «24,2» of the
    earlier form gives ``[24.0, 2.0]`` (a comma never is a decimal point
    here: «1.5 ч» or «1 ч 30 мин»)."""
    return [
        parse_duration(part, units)
        for part in re.split(r"[,;]", text or "")
        if part.strip()
    ]

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Duty roster arithmetic and the choice of the operator who gets a ticket.

A shift is the half-open interval ``[start, end)`` of two naive UTC datetimes
(Odoo's storage). Shifts are planned in Moscow time (МСК, UTC+3, no DST); a
shift whose end is not after its start on the clock face ends the next day, so
«с 20:00 до 08:00» runs across midnight. Plain Python: the time-zone
conversion is etp_helpdesk's (``lib/deadlines.py``), no model or database.
"""

from datetime import date, datetime, time, timedelta

from odoo.addons.etp_helpdesk.lib import deadlines

MSK = deadlines.MSK  # for callers of this module
MSK_NAME = deadlines.MSK_NAME
MAX_SHIFT = timedelta(hours=24)

ROUND_ROBIN = "round_robin"
LEAST_LOADED = "least_loaded"
METHODS = (ROUND_ROBIN, LEAST_LOADED)


def msk_to_utc(dt_msk_naive):
    """Moscow wall-clock time (naive) → naive UTC (``deadlines.to_utc_naive``)."""
    return deadlines.to_utc_naive(dt_msk_naive, MSK_NAME)


def utc_to_msk(dt_utc_naive):
    """Naive UTC → Moscow wall-clock time (naive)."""
    return deadlines.from_utc_naive(dt_utc_naive, MSK_NAME).replace(tzinfo=None)


def parse_clock(value):
    """``"20:00"`` or a ``time`` → ``time``; ``ValueError("bad_clock: …")``."""
    if isinstance(value, time):
        return value
    try:
        hours, minutes = str(value).strip().split(":")
        return time(int(hours), int(minutes))
    except (TypeError, ValueError) as error:
        raise ValueError(f"bad_clock: {value!r}") from error


def shift_bounds(day, start, end):
    """UTC bounds of the shift that begins on the Moscow date ``day``.

    ``start`` and ``end`` are Moscow clock times (``time`` or ``"HH:MM"``).
    An end at or before the start falls on the next day: ``20:00``–``08:00``
    lasts 12 hours and ``08:00``–``08:00`` is a 24-hour shift.
    """
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ValueError("date_expected")
    start, end = parse_clock(start), parse_clock(end)
    begin = datetime.combine(day, start)
    finish = datetime.combine(day, end)
    if finish <= begin:
        finish += timedelta(days=1)
    return msk_to_utc(begin), msk_to_utc(finish)


def check_shift(start, end):
    """The reason why ``[start, end)`` is not a valid shift, or ``None``.

    ``"end_not_after_start"`` or ``"too_long"`` (over :data:`MAX_SHIFT`).
    """
    deadlines.require_naive(start)
    deadlines.require_naive(end)
    if end <= start:
        return "end_not_after_start"
    if end - start > MAX_SHIFT:
        return "too_long"
    return None


def is_on_duty(start, end, instant):
    """Whether ``instant`` lies in the shift ``[start, end)`` (naive UTC)."""
    return start <= instant < end


def overlaps(start_a, end_a, start_b, end_b):
    """Whether two half-open intervals share an instant (touching is fine)."""
    return start_a < end_b and start_b < end_a


def find_overlap(shifts):
    """The first pair of overlapping shifts of the same owner, or ``None``.

    ``shifts`` is an iterable of ``(key, owner, start, end)``; ``owner`` is
    what may not be on two shifts at once (e.g. a user in a team). Runs in
    O(n log n): sorted by owner and start, each shift is compared with the
    one of the same owner that ends last so far.
    """
    rows = sorted(shifts, key=lambda row: (repr(row[1]), row[2], row[3]))
    latest = None
    for row in rows:
        if latest is not None and latest[1] == row[1]:
            if overlaps(latest[2], latest[3], row[2], row[3]):
                return latest, row
            if row[3] > latest[3]:
                latest = row
        else:
            latest = row
    return None


def clock_label(start, end):
    """Moscow clock times of a shift: ``("20:00", "08:00", 1)``.

    The third item is how many days after its start the shift ends, on the
    Moscow calendar (0 for a day shift, 1 for a night shift).
    """
    begin, finish = utc_to_msk(start), utc_to_msk(end)
    return (
        begin.strftime("%H:%M"),
        finish.strftime("%H:%M"),
        (finish.date() - begin.date()).days,
    )


def msk_day(instant):
    """The Moscow calendar date of a naive UTC instant."""
    return utc_to_msk(instant).date()


def week_monday(instant):
    """The Monday of the Moscow week holding the naive UTC ``instant``."""
    day = msk_day(instant)
    return day - timedelta(days=day.weekday())


def daily_shifts(first_day, days, pattern):
    """UTC bounds of ``pattern``'s shifts on ``days`` days from ``first_day``.

    ``pattern`` is a sequence of ``(start, end)`` Moscow clock times, e.g.
    ``[("08:00", "20:00"), ("20:00", "08:00")]``. The result is ordered by
    start.
    """
    if days < 0:
        raise ValueError("negative_days")
    bounds = [
        shift_bounds(first_day + timedelta(days=offset), start, end)
        for offset in range(days)
        for start, end in pattern
    ]
    return sorted(bounds)


def _rotation_key(candidate, last_assigned):
    # never assigned first, then the one assigned longest ago; ties by key
    return (last_assigned.get(candidate) or 0, candidate)


def pick(candidates, last_assigned, loads=None):
    """The candidate who gets the next ticket, or ``None`` if there is none.

    ``last_assigned`` maps a candidate to the sequence number of the last
    ticket they got (higher is more recent; missing or 0 means never).
    Without ``loads`` this is round robin: the candidate served longest ago.
    With ``loads`` (candidate → open tickets) the candidate with the fewest
    open tickets wins, and round robin breaks ties.
    """
    candidates = list(candidates)
    if not candidates:
        return None
    if loads is None:
        return min(candidates, key=lambda c: _rotation_key(c, last_assigned))
    return min(
        candidates,
        key=lambda c: (loads.get(c, 0), *_rotation_key(c, last_assigned)),
    )


def distribute(count, candidates, last_assigned, method=ROUND_ROBIN, loads=None):
    """Choose a candidate for each of ``count`` tickets, in order.

    Returns ``(picks, last_assigned)``: the list of chosen candidates and the
    updated map of last-assignment sequence numbers (the input is not
    modified). Each pick takes the next number after the highest one known,
    so the next batch carries on the rotation. ``method`` is
    :data:`ROUND_ROBIN` or :data:`LEAST_LOADED`; ``loads`` is only used by
    the latter and is not modified either. No candidates → ``[]``.
    """
    if method not in METHODS:
        raise ValueError(f"unknown_method: {method!r}")
    candidates = list(candidates)
    last_assigned = dict(last_assigned)
    if not candidates or count <= 0:
        return [], last_assigned
    loads = dict(loads or {}) if method == LEAST_LOADED else None
    sequence = max([0, *(value or 0 for value in last_assigned.values())])
    picks = []
    for _index in range(count):
        chosen = pick(candidates, last_assigned, loads)
        sequence += 1
        last_assigned[chosen] = sequence
        if loads is not None:
            loads[chosen] = loads.get(chosen, 0) + 1
        picks.append(chosen)
    return picks, last_assigned

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The reminder points of an emergency case: hours before its deadline when
the organisations that have not done what was asked are reminded. Stored as
text, ``"24,2"``; shown and typed as durations by the model."""

MAX_REMINDER_HOURS = 24 * 366


def parse_reminder_hours(text):
    """Parse ``"24, 2"`` into ``[24.0, 2.0]`` (distinct, largest first).

    Raise ``ValueError`` for anything that is not a comma-separated list of
    positive numbers of hours up to a year.
    """
    hours = set()
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        value = float(part)
        if not 0 < value <= MAX_REMINDER_HOURS:  # also refuses nan and inf
            raise ValueError(part)
        hours.add(value)
    return sorted(hours, reverse=True)


def format_hours(hours):
    """``[24.0, 2.0]`` → ``"24,2"``: the storage form of reminder points."""
    return ",".join(f"{h:g}" for h in sorted(set(hours), reverse=True))

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The operator's queue in plain Python: which deadline of a ticket comes
next (an SLA target or the procedure deadline) and how the queue colours it.

Datetimes are naive UTC; durations are hours. Nothing here imports Odoo.
"""

from dataclasses import dataclass
from datetime import timedelta

from .sla import EXPIRED, FIRST_RESPONSE, IN_PROGRESS, ON_HOLD, RESOLUTION

PROCEDURE = "procedure"
# how long before a procedure deadline the queue shows it as a warning
PROCEDURE_WARNING_HOURS = 24.0


@dataclass(frozen=True)
class TargetFacts:
    """What the queue needs to know of one SLA target of a ticket."""

    kind: str
    state: str
    deadline: object = None  # naive UTC datetime
    warning_date: object = None
    hours: float = 0.0
    consumed_time: float = 0.0


@dataclass(frozen=True)
class NextDeadline:
    """The deadline an operator must beat next on a ticket.

    ``deadline`` and ``warning`` are naive UTC; ``kind`` is a target kind or
    ``PROCEDURE``. ``paused`` tells that an SLA target is paused (the ticket
    waits in a stage that stops the clock), ``paused_left`` the hours it has
    left when the clock starts again.
    """

    deadline: object = None
    warning: object = None
    kind: str = None
    paused: bool = False
    paused_left: float = 0.0


def target_still_due(target, answered):
    """Whether a target still binds the operator: running, or missed while
    the ticket is still open and the thing it asks for is not done (a late
    first response, once given, is over; a missed resolution burns until the
    ticket is closed)."""
    if target.state == IN_PROGRESS:
        return True
    if target.state == EXPIRED:
        return target.kind == RESOLUTION or not answered
    return False


def expiry_keeps_next_deadline(kind, answered):
    """Whether a running target of ``kind`` that expires leaves its ticket's
    nearest deadline as it was: the missed target still binds (see
    ``target_still_due``), with the same deadline and warning, so
    ``next_deadline`` gives what it gave while the target ran. (A first
    response missed on a ticket already answered stops counting.)"""
    return target_still_due(TargetFacts(kind=kind, state=EXPIRED), answered)


def next_deadline(
    targets,
    *,
    closed,
    answered,
    procedure_deadline=None,
    opened_at=None,
    procedure_warning_hours=PROCEDURE_WARNING_HOURS,
):
    """The nearest deadline of an open ticket: of its SLA targets that still
    bind (see ``target_still_due``) and of its procedure deadline, whichever
    comes first. A procedure deadline that had passed when the ticket was
    opened tells nothing about urgency (as in ``cap_deadline``); a paused
    target has no deadline while it waits. A closed ticket has none."""
    if closed:
        return NextDeadline()
    candidates = [
        (target.deadline, target.warning_date or target.deadline, target.kind)
        for target in targets
        if target.deadline and target_still_due(target, answered)
    ]
    if procedure_deadline and (not opened_at or procedure_deadline > opened_at):
        candidates.append(
            (
                procedure_deadline,
                procedure_deadline - timedelta(hours=procedure_warning_hours),
                PROCEDURE,
            )
        )
    paused = [target for target in targets if target.state == ON_HOLD]
    left = min((max(t.hours - t.consumed_time, 0.0) for t in paused), default=0.0)
    if not candidates:
        return NextDeadline(paused=bool(paused), paused_left=left)
    # at the same moment, the procedure deadline is the one to name
    rank = {PROCEDURE: 0, FIRST_RESPONSE: 1, RESOLUTION: 2}
    deadline, warning, kind = min(candidates, key=lambda c: (c[0], rank.get(c[2], 3)))
    return NextDeadline(
        deadline=deadline,
        warning=min(warning, deadline),
        kind=kind,
        paused=bool(paused),
        paused_left=left,
    )


def queue_state(next_, now):
    """How the queue colours a ticket at ``now``: by its nearest deadline,
    ``"breached"`` (passed), ``"warning"`` (within the warning) or
    ``"on_track"``; without a running deadline ``"paused"`` if its SLA
    waits, else ``None``."""
    if not next_.deadline:
        return "paused" if next_.paused else None
    if next_.deadline <= now:
        return "breached"
    if next_.warning and next_.warning <= now:
        return "warning"
    return "on_track"

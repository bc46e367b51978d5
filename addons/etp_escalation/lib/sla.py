# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SLA rules in plain Python: which policy wins, the clock, deadline priority.

Datetimes are naive UTC, as Odoo stores them; durations are hours (floats).
Nothing here imports Odoo: the models build the small "facts" objects below,
call these functions and write the results.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from itertools import pairwise

ANY = "any"
PRIORITIES = ("0", "1", "2", "3")

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"

IN_PROGRESS = "in_progress"
ON_HOLD = "on_hold"
ACCOMPLISHED = "accomplished"
EXPIRED = "expired"
OPEN_STATES = (IN_PROGRESS, ON_HOLD)

DEFAULT_WARNING_SHARE = 0.8
DEFAULT_PRIORITY_THRESHOLDS = ((1.0, "3"), (24.0, "2"))

HOURS_PER_WEEK = 7 * 24


@dataclass(frozen=True)
class PolicyFacts:
    """What ranking a policy and reading its targets need to know.

    Which policies apply to a ticket is helpdesk_mgmt_sla's search
    (``helpdesk.ticket._get_sla_ticket_domain``, which we extend); the rules
    below choose among those that apply.
    """

    id: int
    sequence: int = 10
    audience: str = ANY
    support_line: str = ANY
    priority: str = ANY
    team_ids: frozenset = field(default_factory=frozenset)
    category_ids: frozenset = field(default_factory=frozenset)
    tag_ids: frozenset = field(default_factory=frozenset)
    has_domain: bool = False
    company_id: int = 0  # 0: every company
    domain: str = ""  # the filter on tickets, as the policy stores it
    # targets (hours)
    first_response_time: float = 0.0
    resolution_time: float = 0.0
    days: int = 0
    hours: int = 0
    # the stage that meets the target, the stages that pause it (active or not)
    stage_id: int = 0
    ignore_stage_ids: tuple = ()


@dataclass(frozen=True)
class TicketFacts:
    """What deciding which policies apply to a ticket needs to know."""

    team_id: int = 0
    tag_ids: frozenset = field(default_factory=frozenset)
    category_path: tuple = ()  # its category and the ancestors, root first
    company_id: int = 0
    audience: str = ""
    support_line: str = "1"
    priority: str = ""


def applies(policy, ticket):
    """Whether ``policy`` applies to ``ticket``, its domain filter aside.

    helpdesk_mgmt_sla's criteria: the policy's teams, tags and categories,
    none meaning any (a ticket without tags or category takes only the
    policies without); a policy of a category covers its sub-categories.
    Ours: the policy's company (or none), audience, support line and
    priority, each one value or any.
    """
    if policy.team_ids and ticket.team_id not in policy.team_ids:
        return False
    if policy.tag_ids and not policy.tag_ids & ticket.tag_ids:
        return False
    if policy.category_ids and not policy.category_ids.intersection(
        ticket.category_path
    ):
        return False
    if policy.company_id and policy.company_id != ticket.company_id:
        return False
    return (
        policy.audience in (ANY, ticket.audience)
        and policy.support_line in (ANY, ticket.support_line)
        and policy.priority in (ANY, ticket.priority)
    )


def _category_depth(policy, category_path):
    """How deep in the ticket's category path (root first) the policy's
    categories are: 0 when the policy names no category."""
    depth = 0
    for level, category_id in enumerate(category_path, start=1):
        if category_id in policy.category_ids:
            depth = level
    return depth


def target_hours(policy, kind, hours_per_day=24.0):
    """Hours of a policy's target of ``kind``; 0 means no such target.

    The resolution target is ``resolution_time``, else helpdesk_mgmt_sla's
    days (of ``hours_per_day`` working hours) and hours.
    """
    if kind == FIRST_RESPONSE:
        return policy.first_response_time or 0.0
    if policy.resolution_time:
        return policy.resolution_time
    return policy.hours + policy.days * (hours_per_day or 24.0)


def specificity(policy, category_path=()):
    """A sortable key: the larger, the more specific ``policy`` is for a
    ticket of ``category_path`` (its category and the ancestors, root first).

    Criteria weigh in this order: priority, category (a sub-category beats
    its parent), support line, audience, team, tags, domain filter.
    """
    return (
        policy.priority != ANY,
        _category_depth(policy, category_path),
        policy.support_line != ANY,
        policy.audience != ANY,
        bool(policy.team_ids),
        bool(policy.tag_ids),
        policy.has_domain,
    )


def best_policies(policies, category_path=()):
    """Of ``policies``, all of which apply to a ticket, those that set its
    targets: the most specific, and among those the lowest sequence. Policies
    equal in both all apply, as helpdesk_mgmt_sla applies every policy."""
    if not policies:
        return []

    def key(policy):
        return specificity(policy, category_path), -policy.sequence

    top = max(key(policy) for policy in policies)
    return [policy for policy in policies if key(policy) == top]


# ----------------------------------------------------------------------
# The clock
# ----------------------------------------------------------------------


def is_round_the_clock(attendances):
    """Whether a working-time calendar covers every hour of the week.

    ``attendances`` are ``(dayofweek, hour_from, hour_to)`` triples, day 0
    being Monday. Overlaps count once.
    """
    covered = 0.0
    by_day = {}
    for day, hour_from, hour_to in attendances:
        by_day.setdefault(int(day), []).append((float(hour_from), float(hour_to)))
    for day in range(7):
        end = 0.0
        for start, stop in sorted(by_day.get(day, [])):
            start = max(start, end)
            if stop > start:
                covered += stop - start
                end = stop
    return covered >= HOURS_PER_WEEK - 1e-6


def add_hours(start, hours):
    """``start`` plus ``hours`` of round-the-clock time."""
    return start + timedelta(hours=hours)


def hours_between(start, end):
    """Round-the-clock hours from ``start`` to ``end`` (0 if ``end`` is earlier)."""
    if not start or not end or end <= start:
        return 0.0
    return (end - start).total_seconds() / 3600.0


def cap_deadline(deadline, procedure_deadline, opened_at):
    """The resolution deadline, never later than the procedure deadline.

    The procedure deadline caps only when it lies after the moment the ticket
    was opened (a deadline already gone tells nothing about urgency).
    """
    if not procedure_deadline or not opened_at or procedure_deadline <= opened_at:
        return deadline
    if not deadline:
        return procedure_deadline
    return min(deadline, procedure_deadline)


def capped_warning(warning_at, deadline, opened_at, share):
    """When a capped deadline should warn: at ``share`` of the window from
    ``opened_at`` to ``deadline``, or at ``warning_at`` if that comes first."""
    if not deadline or not opened_at or deadline <= opened_at:
        return warning_at
    window = deadline - opened_at
    moment = opened_at + window * share
    return min(warning_at, moment) if warning_at else moment


def stage_reached(sequence, closed, expected_sequence=None):
    """Whether a stage fulfils a target: the policy's stage (``expected_sequence``)
    or a later one; when the policy names no stage, a closing stage."""
    if expected_sequence is None:
        return closed
    return sequence >= expected_sequence


def initial_state(kind, *, answered, reached, hold):
    """The state of a new target: met when the ticket already has its first
    answer (a first-response target) or is at the policy's stage, paused in
    one of the policy's pause stages, else running."""
    if (kind == FIRST_RESPONSE and answered) or reached:
        return ACCOMPLISHED
    return ON_HOLD if hold else IN_PROGRESS


def stage_transition(state, *, kind, deadline, now, reached, hold):
    """The state of an SLA target after its ticket changed stage.

    ``reached`` tells that the new stage fulfils the target (the policy's
    stage or a later one), ``hold`` that the policy pauses in the new stage.
    An expired target stays expired; a met first response stays met; a met
    resolution reopens when the ticket goes back to an earlier stage.
    """
    if state == EXPIRED:
        return EXPIRED
    if state == ACCOMPLISHED:
        if kind == FIRST_RESPONSE or reached:
            return ACCOMPLISHED
        return ON_HOLD if hold else IN_PROGRESS
    late = state == IN_PROGRESS and deadline is not None and deadline <= now
    if reached:
        return EXPIRED if late else ACCOMPLISHED
    if late:
        return EXPIRED
    return ON_HOLD if hold else IN_PROGRESS


def response_state(deadline, now):
    """The state of a first-response target answered at ``now``."""
    return EXPIRED if deadline and deadline < now else ACCOMPLISHED


# ----------------------------------------------------------------------
# Deadline-aware priority
# ----------------------------------------------------------------------


def priority_rank(priority):
    """Rank of a priority value ("0" low … "3" very high); unknown is 0."""
    return PRIORITIES.index(priority) if priority in PRIORITIES else 0


def higher_priority(*priorities):
    """The highest of the given priority values (empties ignored)."""
    known = [p for p in priorities if p in PRIORITIES]
    return max(known, key=priority_rank) if known else None


def normalise_thresholds(thresholds):
    """Check and sort ``(hours, priority)`` pairs, the nearest deadline first.

    Raise ``ValueError`` for a threshold that is not positive, an unknown
    priority, or a nearer threshold with a lower priority than a farther one.
    """
    pairs = sorted((float(hours), priority) for hours, priority in thresholds)
    for hours, priority in pairs:
        if hours <= 0:
            raise ValueError("threshold_not_positive")
        if priority not in PRIORITIES:
            raise ValueError(f"unknown_priority: {priority!r}")
    for (_near, near_priority), (_far, far_priority) in pairwise(pairs):
        if priority_rank(near_priority) < priority_rank(far_priority):
            raise ValueError("thresholds_not_monotonic")
    return tuple(pairs)


def deadline_priority(procedure_deadline, now, thresholds=DEFAULT_PRIORITY_THRESHOLDS):
    """The priority a procedure deadline calls for, or ``None``.

    ``thresholds`` are ``(hours, priority)`` pairs: a deadline still ahead by
    at most ``hours`` calls for ``priority``; the nearest matching threshold
    wins. A deadline already passed, or farther than every threshold, calls
    for nothing.
    """
    if not procedure_deadline or procedure_deadline <= now:
        return None
    left = hours_between(now, procedure_deadline)
    for hours, priority in sorted(thresholds):
        if left <= hours:
            return priority
    return None


def automatic_priority(manual, computed):
    """The priority to show: the deadline's one, never below the manual one."""
    return higher_priority(manual, computed) or manual

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What platform users are told about incidents: the rules of the public
notices (support site, /support, portal) and of the status page (/status).

Only incidents an operator made public are ever shown, and only their public
fields. Their state becomes one of three public phases:

- ``investigating``: new or handed to IT, we know and look for the cause;
- ``fixing``: in progress, the cause is known and being fixed;
- ``fixed``: resolved or closed.

The notices show the open incidents (not fixed yet). The status page also
shows the incidents fixed within the last ``RECENT_DAYS`` days, per component,
and each component's state: ``disrupted`` while one of its incidents is open,
else ``operational``.

Items are plain dicts with the keys ``state``, ``component``, ``detected_at``
and ``resolved_at`` (naive UTC datetimes or ``None``), as the model's cached
snapshot gives them.
"""

from datetime import timedelta

INVESTIGATING = "investigating"
FIXING = "fixing"
FIXED = "fixed"
PHASES = (INVESTIGATING, FIXING, FIXED)

_PHASE_OF_STATE = {
    "new": INVESTIGATING,
    "handed_to_it": INVESTIGATING,
    "in_progress": FIXING,
    "resolved": FIXED,
    "closed": FIXED,
}

OPERATIONAL = "operational"
DISRUPTED = "disrupted"

# How long a fixed incident stays on the status page.
RECENT_DAYS = 7


def phase(state):
    """The public phase of an incident ``state``; ``ValueError`` for a state
    that is not an incident's."""
    try:
        return _PHASE_OF_STATE[state]
    except KeyError:
        raise ValueError(f"unknown_state: {state!r}") from None


def is_open(item):
    return phase(item["state"]) != FIXED


def open_items(items):
    """The open items, in the given order (the notices)."""
    return [item for item in items if is_open(item)]


def recent_items(items, now, days=RECENT_DAYS):
    """The items the status page shows at ``now`` (naive UTC): the open ones
    and those fixed within the last ``days`` days, in the given order. A fixed
    item without a resolution time is not shown."""
    since = now - timedelta(days=days)
    return [
        item
        for item in items
        if is_open(item) or (item["resolved_at"] and item["resolved_at"] >= since)
    ]


def by_component(items, components):
    """The status page's sections: ``(component, status, items)`` for each
    component of ``components`` (the codes, in display order), with the items
    of that component in the given order. An item of a component not listed
    goes to the last listed one (the catch-all «other»)."""
    known = set(components)
    fallback = components[-1]
    grouped = {component: [] for component in components}
    for item in items:
        component = item["component"] if item["component"] in known else fallback
        grouped[component].append(item)
    return [
        (
            component,
            DISRUPTED if any(is_open(i) for i in grouped[component]) else OPERATIONAL,
            grouped[component],
        )
        for component in components
    ]

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Spike detection: find bursts of events in a list of timestamps.

A *dense window* is a run of at least ``threshold`` events whose first and last
timestamps are at most ``window`` apart. A *burst* is the union of dense
windows that share events: it starts at the first event of its first dense
window and ends at the last event of its last one. So a spike that goes on for
an hour at a steady high rate is one burst, while a slow trickle of events
(never ``threshold`` of them within ``window``) is no burst at all, however
long it lasts.
"""

from datetime import timedelta
from typing import NamedTuple


class Burst(NamedTuple):
    """A burst: its first and last timestamps and its ``(timestamp, payload)``
    events in time order."""

    start: object
    end: object
    events: tuple


def _check_parameters(threshold, window):
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise ValueError("threshold must be an integer")
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    if not isinstance(window, timedelta):
        raise ValueError("window must be a timedelta")
    if window < timedelta(0):
        raise ValueError("window must not be negative")


def find_bursts(events, threshold, window):
    """Group ``events`` into bursts.

    :param events: iterable of ``(timestamp, payload)`` pairs in any order;
        timestamps are ``datetime`` objects that compare with each other (all
        naive or all aware) and payloads are never compared
    :param int threshold: how many events make a window dense (N)
    :param timedelta window: the longest span of a dense window (M)
    :return: list of :class:`Burst`, earliest first
    :raises ValueError: on a threshold below 1, a window that is not a
        non-negative ``timedelta``, or an event that is not a pair
    """
    _check_parameters(threshold, window)
    ordered = []
    for event in events:
        if not isinstance(event, tuple | list) or len(event) != 2:
            raise ValueError("each event must be a (timestamp, payload) pair")
        ordered.append((event[0], event[1]))
    ordered.sort(key=lambda event: event[0])

    spans = []  # [first index, last index] of each burst
    first = 0
    for last, (timestamp, _payload) in enumerate(ordered):
        while timestamp - ordered[first][0] > window:
            first += 1
        if last - first + 1 < threshold:
            continue
        if spans and first <= spans[-1][1]:
            spans[-1][1] = last  # shares events with the current burst
        else:
            spans.append([first, last])
    return [
        Burst(ordered[i][0], ordered[j][0], tuple(ordered[i : j + 1])) for i, j in spans
    ]

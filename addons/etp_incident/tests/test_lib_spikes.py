# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta, timezone

from odoo.tests import BaseCase, tagged

from odoo.addons.etp_helpdesk.tests.rules import parametrize
from odoo.addons.etp_incident.lib.spikes import Burst, find_bursts

T0 = datetime(2026, 11, 24, 10, 0)
WINDOW = timedelta(minutes=15)


def _events(*minutes):
    return [(T0 + timedelta(minutes=m), f"#{i}") for i, m in enumerate(minutes)]


@tagged("post_install", "-at_install", "etp_rules")
class TestSpikeRules(BaseCase):
    def test_threshold_within_window_is_one_burst(self):
        bursts = find_bursts(_events(0, 1, 2, 3, 14), 5, WINDOW)
        self.assertEqual(len(bursts), 1)
        self.assertEqual(bursts[0].start, T0)
        self.assertEqual(bursts[0].end, T0 + timedelta(minutes=14))
        self.assertEqual(
            [payload for _ts, payload in bursts[0].events],
            ["#0", "#1", "#2", "#3", "#4"],
        )

    def test_one_event_short_of_threshold_is_no_burst(self):
        self.assertEqual(find_bursts(_events(0, 1, 2, 3), 5, WINDOW), [])

    def test_threshold_spread_over_more_than_window_is_no_burst(self):
        # five events over 16 minutes: no 15-minute window holds five of them
        self.assertEqual(find_bursts(_events(0, 4, 8, 12, 16), 5, WINDOW), [])

    def test_window_bounds_are_inclusive(self):
        self.assertEqual(len(find_bursts(_events(0, 5, 15), 3, WINDOW)), 1)
        self.assertEqual(find_bursts(_events(0, 5, 15.01), 3, WINDOW), [])

    def test_unordered_input_is_sorted_and_payloads_never_compared(self):
        events = [(T0 + timedelta(minutes=m), object()) for m in (9, 1, 5)]
        (burst,) = find_bursts(events, 3, WINDOW)
        self.assertEqual(
            [ts for ts, _payload in burst.events], sorted(ts for ts, _p in events)
        )

    def test_steady_spike_is_one_burst_and_trickle_is_none(self):
        # every minute for an hour: one burst covering the whole hour
        steady = find_bursts(_events(*range(61)), 10, WINDOW)
        self.assertEqual(len(steady), 1)
        self.assertEqual(len(steady[0].events), 61)
        # one event every 5 minutes for hours: never 10 within 15 minutes
        self.assertEqual(find_bursts(_events(*range(0, 600, 5)), 10, WINDOW), [])

    def test_two_separate_spikes_are_two_bursts_without_the_noise_between(self):
        minutes = [0, 1, 2] + [30] + [60, 61, 62]
        bursts = find_bursts(_events(*minutes), 3, WINDOW)
        self.assertEqual([len(b.events) for b in bursts], [3, 3])
        self.assertEqual(bursts[1].start, T0 + timedelta(minutes=60))

    def test_events_between_dense_windows_that_share_events_belong_to_the_burst(self):
        window = timedelta(minutes=5)
        minutes = [0, 1, 2, 3, 4, 6, 7, 8, 9, 10]
        bursts = find_bursts(_events(*minutes), 5, window)
        # windows [0..4], [1..6], [2..7], ... overlap step by step: one burst
        self.assertEqual(len(bursts), 1)
        self.assertEqual(len(bursts[0].events), 10)

    def test_threshold_one_makes_every_event_a_burst_of_its_own_when_apart(self):
        bursts = find_bursts(_events(0, 20, 40), 1, WINDOW)
        self.assertEqual([len(b.events) for b in bursts], [1, 1, 1])

    def test_aware_timestamps_work_too(self):
        events = [
            (datetime(2026, 1, 1, 9, m, tzinfo=timezone.utc), m) for m in (0, 1, 2)
        ]
        self.assertEqual(
            find_bursts(events, 3, WINDOW),
            [Burst(events[0][0], events[2][0], tuple(events))],
        )

    def test_empty_input(self):
        self.assertEqual(find_bursts([], 3, WINDOW), [])

    @parametrize(
        "threshold, window, message",
        [
            (0, WINDOW, "at least 1"),
            (-3, WINDOW, "at least 1"),
            (2.5, WINDOW, "integer"),
            (True, WINDOW, "integer"),
            ("10", WINDOW, "integer"),
            (3, 15, "timedelta"),
            (3, timedelta(minutes=-1), "negative"),
        ],
    )
    def test_bad_parameters_are_refused(self, threshold, window, message):
        with self.assertRaisesRegex(ValueError, message):
            find_bursts(_events(0, 1, 2), threshold, window)

    def test_bad_event_is_refused(self):
        with self.assertRaisesRegex(ValueError, "pair"):
            find_bursts([T0, T0], 2, WINDOW)

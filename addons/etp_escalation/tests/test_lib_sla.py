# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from odoo.tests import BaseCase, tagged

from odoo.addons.etp_escalation.lib import sla, sla_queue
from odoo.addons.etp_helpdesk.tests.rules import parametrize

NOW = datetime(2026, 11, 23, 23, 10)  # 24.11.2026 02:10 MSK


def _policy(pid, **kw):
    return sla.PolicyFacts(id=pid, **kw)


# «Заявки» / «Ценовые предложения»
CATEGORY_PATH = (20, 22)


# ----------------------------------------------------------------------
# Which of the policies that apply wins (which apply: _get_sla_ticket_domain,
# tested in test_sla.py)
# ----------------------------------------------------------------------


@tagged("post_install", "-at_install", "etp_rules")
class TestSlaRules(BaseCase):
    def test_most_specific_policy_wins(self):
        generic = _policy(1)
        audience = _policy(2, audience="supplier")
        audience_line = _policy(3, audience="supplier", support_line="1")
        urgent = _policy(4, priority="3")
        self.assertEqual(
            sla.best_policies([generic, audience, audience_line]), [audience_line]
        )
        # the priority beats audience and line together
        self.assertEqual(
            sla.best_policies([generic, audience, audience_line, urgent]), [urgent]
        )

    def test_sub_category_beats_its_parent_and_the_line(self):
        parent = _policy(1, category_ids=frozenset({20}))
        child = _policy(2, category_ids=frozenset({22}))
        line = _policy(3, support_line="1", audience="supplier")
        self.assertEqual(
            sla.best_policies([parent, child, line], CATEGORY_PATH), [child]
        )
        self.assertEqual(sla.best_policies([parent, line], CATEGORY_PATH), [parent])

    def test_tie_goes_to_lower_sequence_else_both_apply(self):
        first = _policy(5, audience="supplier", sequence=20)
        second = _policy(6, audience="supplier", sequence=10)
        self.assertEqual(sla.best_policies([first, second]), [second])
        # equal in specificity and sequence: both apply, as in helpdesk_mgmt_sla
        other = _policy(7, audience="supplier", sequence=10)
        self.assertEqual(sla.best_policies([first, second, other]), [second, other])

    def test_no_policy_gives_none(self):
        self.assertEqual(sla.best_policies([], CATEGORY_PATH), [])

    @parametrize(
        "kind, answered, reached, hold, expected",
        [
            ("first_response", False, False, False, "in_progress"),
            ("first_response", True, False, True, "accomplished"),
            ("resolution", True, False, False, "in_progress"),
            ("resolution", False, True, True, "accomplished"),
            ("resolution", False, False, True, "on_hold"),
        ],
    )
    def test_initial_state(self, kind, answered, reached, hold, expected):
        state = sla.initial_state(kind, answered=answered, reached=reached, hold=hold)
        self.assertEqual(state, expected)

    def test_stage_reached(self):
        self.assertTrue(sla.stage_reached(4, False, expected_sequence=4))
        self.assertFalse(sla.stage_reached(3, True, expected_sequence=4))
        # no stage in the policy: a closing stage
        self.assertTrue(sla.stage_reached(1, True))
        self.assertFalse(sla.stage_reached(9, False))

    # ----------------------------------------------------------------------
    # The clock
    # ----------------------------------------------------------------------

    def test_round_the_clock_calendar(self):
        full = [(str(day), 0, 24) for day in range(7)]
        self.assertTrue(sla.is_round_the_clock(full))
        self.assertFalse(sla.is_round_the_clock(full[:6]))
        office = [(str(day), 9, 18) for day in range(5)]
        self.assertFalse(sla.is_round_the_clock(office))
        split = [(str(d), 0, 12) for d in range(7)] + [
            (str(d), 12, 24) for d in range(7)
        ]
        self.assertTrue(sla.is_round_the_clock(split))
        overlapping = [(str(d), 0, 20) for d in range(7)] + [
            (str(d), 10, 20) for d in range(7)
        ]
        self.assertFalse(sla.is_round_the_clock(overlapping))

    def test_hours_between_and_add_hours(self):
        self.assertEqual(sla.hours_between(NOW, NOW + timedelta(minutes=90)), 1.5)
        self.assertEqual(sla.hours_between(NOW, NOW - timedelta(hours=1)), 0.0)
        self.assertEqual(sla.hours_between(None, NOW), 0.0)
        self.assertEqual(sla.add_hours(NOW, 0.25), NOW + timedelta(minutes=15))

    def test_cap_deadline_by_procedure_deadline(self):
        opened = NOW
        deadline = NOW + timedelta(hours=2)
        window = NOW + timedelta(minutes=10)
        self.assertEqual(sla.cap_deadline(deadline, window, opened), window)
        # a later procedure deadline does not extend the target
        self.assertEqual(
            sla.cap_deadline(deadline, NOW + timedelta(days=1), opened), deadline
        )
        # a procedure deadline already gone when the ticket opened caps nothing
        self.assertEqual(
            sla.cap_deadline(deadline, NOW - timedelta(hours=1), opened), deadline
        )
        self.assertEqual(sla.cap_deadline(deadline, None, opened), deadline)

    def test_capped_warning_at_share_of_the_window(self):
        opened = NOW
        cap = NOW + timedelta(minutes=10)
        late_warning = NOW + timedelta(hours=1)
        self.assertEqual(
            sla.capped_warning(late_warning, cap, opened, 0.8),
            NOW + timedelta(minutes=8),
        )
        early = NOW + timedelta(minutes=2)
        self.assertEqual(sla.capped_warning(early, cap, opened, 0.8), early)

    @parametrize(
        "state, kind, deadline_delta, reached, hold, expected",
        [
            ("in_progress", "resolution", 60, False, True, "on_hold"),
            ("on_hold", "resolution", -60, False, False, "in_progress"),
            ("in_progress", "resolution", 60, True, False, "accomplished"),
            ("in_progress", "resolution", -1, True, False, "expired"),
            ("in_progress", "resolution", -1, False, False, "expired"),
            # a paused target's deadline is stale: closing it is on time
            ("on_hold", "resolution", -60, True, True, "accomplished"),
            ("expired", "resolution", 60, True, False, "expired"),
            ("accomplished", "resolution", 60, False, False, "in_progress"),
            ("accomplished", "resolution", 60, False, True, "on_hold"),
            ("accomplished", "first_response", 60, False, False, "accomplished"),
        ],
    )
    def test_stage_transition(
        self, state, kind, deadline_delta, reached, hold, expected
    ):
        result = sla.stage_transition(
            state,
            kind=kind,
            deadline=NOW + timedelta(minutes=deadline_delta),
            now=NOW,
            reached=reached,
            hold=hold,
        )
        self.assertEqual(result, expected)

    def test_response_state(self):
        self.assertEqual(
            sla.response_state(NOW + timedelta(minutes=1), NOW), "accomplished"
        )
        self.assertEqual(sla.response_state(NOW - timedelta(minutes=1), NOW), "expired")
        self.assertEqual(sla.response_state(None, NOW), "accomplished")

    # ----------------------------------------------------------------------
    # Deadline-aware priority
    # ----------------------------------------------------------------------

    @parametrize(
        "minutes_left, expected",
        [
            (10, "3"),
            (60, "3"),
            (61, "2"),
            (24 * 60, "2"),
            (24 * 60 + 1, None),
            (0, None),
            (-5, None),
        ],
    )
    def test_deadline_priority(self, minutes_left, expected):
        deadline = NOW + timedelta(minutes=minutes_left)
        self.assertEqual(sla.deadline_priority(deadline, NOW), expected)

    def test_deadline_priority_without_deadline(self):
        self.assertIsNone(sla.deadline_priority(None, NOW))

    def test_custom_thresholds(self):
        thresholds = sla.normalise_thresholds([(48, "2"), (2, "3")])
        self.assertEqual(thresholds, ((2.0, "3"), (48.0, "2")))
        self.assertEqual(
            sla.deadline_priority(NOW + timedelta(hours=30), NOW, thresholds), "2"
        )
        self.assertEqual(
            sla.deadline_priority(NOW + timedelta(hours=2), NOW, thresholds), "3"
        )

    @parametrize(
        "thresholds",
        [[(0, "3")], [(-1, "3")], [(1, "9")], [(1, "2"), (24, "3")]],
    )
    def test_bad_thresholds_are_refused(self, thresholds):
        with self.assertRaises(ValueError):
            sla.normalise_thresholds(thresholds)

    @parametrize(
        "manual, computed, expected",
        [
            ("1", "3", "3"),
            ("3", "2", "3"),  # never below the manual priority
            ("2", None, "2"),
            ("0", "2", "2"),
        ],
    )
    def test_automatic_priority(self, manual, computed, expected):
        self.assertEqual(sla.automatic_priority(manual, computed), expected)

    def test_priority_rank_and_higher(self):
        self.assertGreater(sla.priority_rank("3"), sla.priority_rank("0"))
        self.assertEqual(sla.priority_rank("bogus"), 0)
        self.assertEqual(sla.higher_priority("1", None, "2"), "2")
        self.assertIsNone(sla.higher_priority(None))


# ----------------------------------------------------------------------
# The operator's queue: the nearest deadline
# ----------------------------------------------------------------------


def _target(kind, state, deadline=None, warning=None, hours=1.0, consumed=0.0):
    return sla_queue.TargetFacts(
        kind=kind,
        state=state,
        deadline=deadline,
        warning_date=warning,
        hours=hours,
        consumed_time=consumed,
    )


@tagged("post_install", "-at_install", "etp_rules")
class TestQueueRules(BaseCase):
    def test_next_deadline_is_the_nearest_running_target(self):
        response = _target(
            sla.FIRST_RESPONSE,
            sla.IN_PROGRESS,
            NOW + timedelta(minutes=15),
            NOW + timedelta(minutes=12),
        )
        resolution = _target(
            sla.RESOLUTION, sla.IN_PROGRESS, NOW + timedelta(hours=2), NOW
        )
        found = sla_queue.next_deadline(
            [resolution, response], closed=False, answered=False
        )
        self.assertEqual(
            found,
            sla_queue.NextDeadline(
                deadline=NOW + timedelta(minutes=15),
                warning=NOW + timedelta(minutes=12),
                kind=sla.FIRST_RESPONSE,
            ),
        )
        self.assertEqual(sla_queue.queue_state(found, NOW), "on_track")
        self.assertEqual(
            sla_queue.queue_state(found, NOW + timedelta(minutes=13)), "warning"
        )
        self.assertEqual(
            sla_queue.queue_state(found, NOW + timedelta(minutes=15)), "breached"
        )

    def test_procedure_deadline_wins_when_it_comes_first(self):
        resolution = _target(sla.RESOLUTION, sla.IN_PROGRESS, NOW + timedelta(hours=8))
        procedure = NOW + timedelta(hours=3)
        found = sla_queue.next_deadline(
            [resolution],
            closed=False,
            answered=True,
            procedure_deadline=procedure,
            opened_at=NOW - timedelta(hours=1),
        )
        self.assertEqual(found.kind, sla_queue.PROCEDURE)
        self.assertEqual(found.deadline, procedure)
        # a day before it, capped at the ticket's own opening: warning now
        self.assertEqual(found.warning, procedure - timedelta(hours=24))
        self.assertEqual(sla_queue.queue_state(found, NOW), "warning")
        # a resolution capped at the procedure deadline: the procedure is named
        capped = _target(sla.RESOLUTION, sla.IN_PROGRESS, procedure, NOW)
        found = sla_queue.next_deadline(
            [capped], closed=False, answered=True, procedure_deadline=procedure
        )
        self.assertEqual(found.kind, sla_queue.PROCEDURE)

    def test_procedure_deadline_gone_before_the_ticket_tells_nothing(self):
        found = sla_queue.next_deadline(
            [],
            closed=False,
            answered=False,
            procedure_deadline=NOW - timedelta(days=2),
            opened_at=NOW - timedelta(days=1),
        )
        self.assertEqual(found, sla_queue.NextDeadline())
        self.assertIsNone(sla_queue.queue_state(found, NOW))

    def test_missed_targets_burn_until_done(self):
        late_response = _target(
            sla.FIRST_RESPONSE, sla.EXPIRED, NOW - timedelta(minutes=5)
        )
        late_resolution = _target(sla.RESOLUTION, sla.EXPIRED, NOW - timedelta(hours=1))
        # not answered yet: the missed first response is the most urgent
        found = sla_queue.next_deadline(
            [late_response, late_resolution], closed=False, answered=False
        )
        self.assertEqual(found.deadline, NOW - timedelta(hours=1))
        self.assertEqual(sla_queue.queue_state(found, NOW), "breached")
        # answered late: the first response is over, the resolution still burns
        found = sla_queue.next_deadline([late_response], closed=False, answered=True)
        self.assertEqual(found, sla_queue.NextDeadline())
        found = sla_queue.next_deadline(
            [late_response, late_resolution], closed=False, answered=True
        )
        self.assertEqual(found.kind, sla.RESOLUTION)
        # met targets never count
        met = _target(sla.RESOLUTION, sla.ACCOMPLISHED, NOW + timedelta(hours=1))
        self.assertEqual(
            sla_queue.next_deadline([met], closed=False, answered=True),
            sla_queue.NextDeadline(),
        )

    @parametrize(
        "kind, answered",
        [
            (sla.FIRST_RESPONSE, False),
            (sla.FIRST_RESPONSE, True),
            (sla.RESOLUTION, False),
            (sla.RESOLUTION, True),
        ],
    )
    def test_expiry_keeps_next_deadline_tells_the_truth(self, kind, answered):
        """The SLA cron skips recomputing a ticket's nearest deadline when a
        target expires and this rule says nothing changes: check it against
        ``next_deadline`` itself, before and after the expiry."""
        other = sla.FIRST_RESPONSE if kind == sla.RESOLUTION else sla.RESOLUTION
        later = _target(other, sla.IN_PROGRESS, NOW + timedelta(hours=3), NOW)
        for neighbours in ([], [later]):
            running = _target(kind, sla.IN_PROGRESS, NOW, NOW - timedelta(minutes=3))
            expired = _target(kind, sla.EXPIRED, NOW, NOW - timedelta(minutes=3))
            before = sla_queue.next_deadline(
                [running, *neighbours], closed=False, answered=answered
            )
            after = sla_queue.next_deadline(
                [expired, *neighbours], closed=False, answered=answered
            )
            self.assertEqual(
                sla_queue.expiry_keeps_next_deadline(kind, answered), before == after
            )
        # only a first response missed on an answered ticket changes anything
        self.assertEqual(
            sla_queue.expiry_keeps_next_deadline(kind, answered),
            kind == sla.RESOLUTION or not answered,
        )

    def test_closed_ticket_has_no_deadline(self):
        running = _target(sla.RESOLUTION, sla.IN_PROGRESS, NOW + timedelta(hours=1))
        found = sla_queue.next_deadline(
            [running], closed=True, answered=True, procedure_deadline=NOW
        )
        self.assertEqual(found, sla_queue.NextDeadline())

    def test_paused_ticket_keeps_its_time_left(self):
        paused = _target(
            sla.RESOLUTION,
            sla.ON_HOLD,
            NOW + timedelta(hours=5),
            hours=2.0,
            consumed=0.75,
        )
        found = sla_queue.next_deadline([paused], closed=False, answered=True)
        self.assertEqual(found, sla_queue.NextDeadline(paused=True, paused_left=1.25))
        self.assertEqual(sla_queue.queue_state(found, NOW), "paused")
        # the procedure deadline keeps running while the SLA waits
        procedure = NOW + timedelta(days=3)
        found = sla_queue.next_deadline(
            [paused], closed=False, answered=True, procedure_deadline=procedure
        )
        self.assertEqual(
            (found.kind, found.paused, found.paused_left),
            (sla_queue.PROCEDURE, True, 1.25),
        )
        self.assertEqual(sla_queue.queue_state(found, NOW), "on_track")

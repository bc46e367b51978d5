# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from odoo.tests import BaseCase, tagged

from odoo.addons.etp_helpdesk.tests.rules import parametrize
from odoo.addons.etp_incident.lib import public_status

NOW = datetime(2026, 12, 5, 9, 0)


def _item(state, component="signature", resolved_days_ago=None):
    resolved = NOW - timedelta(days=resolved_days_ago) if resolved_days_ago else None
    return {
        "state": state,
        "component": component,
        "detected_at": NOW - timedelta(days=10),
        "resolved_at": resolved,
    }


@tagged("post_install", "-at_install", "etp_rules")
class TestPublicStatusRules(BaseCase):
    @parametrize(
        "state, phase",
        [
            ("new", "investigating"),
            ("handed_to_it", "investigating"),
            ("in_progress", "fixing"),
            ("resolved", "fixed"),
            ("closed", "fixed"),
        ],
    )
    def test_phase(self, state, phase):
        self.assertEqual(public_status.phase(state), phase)

    def test_unknown_state_is_refused(self):
        with self.assertRaisesRegex(ValueError, "unknown_state"):
            public_status.phase("draft")

    def test_open_items_keep_their_order(self):
        items = [
            _item("in_progress"),
            _item("resolved", resolved_days_ago=1),
            _item("new"),
        ]
        self.assertEqual(public_status.open_items(items), [items[0], items[2]])

    def test_recent_items_window(self):
        fixing = _item("in_progress")
        yesterday = _item("resolved", resolved_days_ago=1)
        week = _item("closed", resolved_days_ago=6.9)
        older = _item("resolved", resolved_days_ago=7.1)
        no_time = _item("resolved")
        items = [fixing, yesterday, week, older, no_time]
        self.assertEqual(
            public_status.recent_items(items, NOW), [fixing, yesterday, week]
        )
        self.assertEqual(
            public_status.recent_items(items, NOW, days=2), [fixing, yesterday]
        )

    def test_by_component(self):
        signature = _item("in_progress", "signature")
        eis_fixed = _item("resolved", "eis", resolved_days_ago=1)
        unknown = _item("new", "billing")
        sections = public_status.by_component(
            [signature, eis_fixed, unknown], ["login", "signature", "eis", "other"]
        )
        self.assertEqual(
            sections,
            [
                ("login", "operational", []),
                ("signature", "disrupted", [signature]),
                ("eis", "operational", [eis_fixed]),
                # a component not listed goes to the last one
                ("other", "disrupted", [unknown]),
            ],
        )

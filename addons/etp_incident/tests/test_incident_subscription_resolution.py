# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""«Tell me when it is fixed» on resolution: each subscriber gets one email, a
subscriber who also has a linked ticket only the ticket's; unconfirmed
addresses are forgotten; the incident counts the tickets avoided."""

import ast
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.mail.tests.common import MockEmail

from ..models.helpdesk_incident_subscription import CONFIRMATION_HOURS
from .subscription_common import NOTIFY_QUERY_COUNT, VISITOR, SubscriptionCommon
from .test_public_incidents import PUBLIC_TITLE


@tagged("post_install", "-at_install")
class TestSubscriptionResolution(SubscriptionCommon, MockEmail):
    def _told(self, incident):
        """The emails of the resolution, per address."""
        told = {}
        for mail in self._new_mails.filtered(
            lambda m: m.model == "helpdesk.incident.subscription"
            and m.subject.startswith("Fixed:")
        ):
            told.setdefault(mail.email_to, []).append(mail)
        return told

    def test_each_subscriber_is_told_once(self):
        subscribers = self._subscribers(self.public_incident, 3)
        with self.mock_mail_gateway():
            self.public_incident.action_resolve()
            self.public_incident.action_close()
        told = self._told(self.public_incident)
        self.assertEqual(sorted(told), sorted(subscribers.mapped("email")))
        self.assertTrue(all(len(mails) == 1 for mails in told.values()))
        mail = next(iter(told.values()))[0]
        self.assertIn(PUBLIC_TITLE, mail.subject)
        self.assertNothingInternal(mail.subject + str(mail.body_html))
        self.assertEqual(set(subscribers.mapped("state")), {"notified"})
        # the incident keeps the count, and says it in its chatter
        self.assertEqual(self.public_incident.subscriber_count, 3)
        self.assertIn(
            "Told 3 subscribers",
            " ".join(self.public_incident.message_ids.mapped("body")),
        )

    def test_a_subscriber_with_a_linked_ticket_gets_one_message(self):
        both = self.Subscription.create(
            {
                "incident_id": self.public_incident.id,
                "email": self.contact_customer.email,
                "state": "subscribed",
                "token": self.Subscription._etp_new_token(),
            }
        )
        both._etp_refresh_deflection()
        self.assertTrue(both.deflected)
        ticket = self._ticket(
            name="Не подписывается заявка",
            partner_id=self.contact_customer.id,
            incident_id=self.public_incident.id,
        )
        # they wrote after all: no ticket avoided
        self.assertFalse(both.deflected)
        self.assertEqual(self.public_incident.deflected_count, 0)
        self.assertEqual(self.public_incident.subscriber_count, 1)
        only_mail = self._subscribers(self.public_incident, 1)
        with self.mock_mail_gateway():
            self.public_incident.action_resolve()
        self.assertEqual(len(self._resolution_messages(ticket)), 1)
        self.assertEqual(list(self._told(self.public_incident)), [only_mail.email])
        self.assertEqual(both.state, "notified")
        self.assertTrue(both.notified_by_ticket)

    def test_withdrawal_of_consent_stops_the_subscription(self):
        subscription = self._subscribers(self.public_incident, 1)
        person = self.env["res.partner"].create(
            {"name": "Подписчик", "email": subscription.email}
        )
        self.env["helpdesk.personal.data"]._etp_withdraw_consent(person)
        self.assertEqual(subscription.state, "cancelled")
        self.assertFalse(subscription.email)
        with self.mock_mail_gateway():
            self.public_incident.action_resolve()
        self.assertFalse(self._told(self.public_incident))

    def test_unconfirmed_addresses_are_forgotten(self):
        self.Subscription._etp_request(self.public_incident, VISITOR)
        old = self.Subscription.search([("email", "=", VISITOR)])
        old.requested_at = fields.Datetime.now() - timedelta(
            hours=CONFIRMATION_HOURS + 1
        )
        fresh = self.Subscription._etp_request(self.public_incident, "fresh@example.ru")
        self.Subscription._cron_purge_unconfirmed()
        self.assertFalse(old.exists())
        self.assertTrue(fresh.exists())

    def test_dashboard_shows_the_tickets_avoided_per_incident(self):
        self._subscribers(self.public_incident, 3)._etp_refresh_deflection()
        wrote = self._subscribers(self.public_incident, 1, prefix="wrote")
        self._ticket(
            name="Не подписывается",
            partner_email=wrote.email,
            incident_id=self.public_incident.id,
        )
        supervisor = new_test_user(
            self.env,
            login="etp-deflection-supervisor",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "etp_incident.helpdesk_incident_action_deflection"
        )
        Incident = self.Incident.with_user(supervisor)
        rows = Incident.search_read(
            ast.literal_eval(action["domain"]),
            ["name", "subscriber_count", "deflected_count"],
        )
        row = next(r for r in rows if r["name"] == self.public_incident.name)
        self.assertEqual((row["subscriber_count"], row["deflected_count"]), (4, 3))
        # a report per incident: the pivot sums the avoided tickets
        groups = Incident.read_group(
            [("id", "=", self.public_incident.id)], ["deflected_count:sum"], ["name"]
        )
        self.assertEqual(groups[0]["deflected_count"], 3)
        menus = self.env["ir.ui.menu"].with_user(supervisor).load_menus(debug=False)
        self.assertIn("Tickets Avoided", [m["name"] for m in menus.values()])

    def test_operators_read_subscriptions_portal_users_do_not(self):
        self._subscribers(self.public_incident, 1)
        self.assertEqual(
            self.Subscription.with_user(self.operator_own).search_count([]), 1
        )
        for user in (self.portal_user, self.env.ref("base.public_user")):
            with self.assertRaises(AccessError):
                self.Subscription.with_user(user).search([])

    def test_resolution_costs_the_same_for_3_and_15_subscribers(self):
        for count in (3, 15):
            incident = self.Incident.create(
                {
                    "title": f"Сбой {count}",
                    "is_public": True,
                    "public_title": f"Неполадка {count}",
                }
            )
            self._subscribers(incident, count, prefix=f"s{count}-")
            ticket = self._ticket(
                name="Вопрос",
                partner_id=self.contact_supplier.id,
                incident_id=incident.id,
            )
            # the tickets' part is measured by test_incident.py
            incident._etp_solve_linked_tickets()
            self.env.flush_all()
            with self.assertQueryCount(NOTIFY_QUERY_COUNT):
                incident._etp_notify_subscribers()
                self.env.flush_all()
            self.assertEqual(incident.subscriber_count, count)
            self.assertEqual(
                self.Subscription.search_count(
                    [("incident_id", "=", incident.id), ("state", "=", "notified")]
                ),
                count,
            )
            self.assertTrue(ticket.incident_notified_id)

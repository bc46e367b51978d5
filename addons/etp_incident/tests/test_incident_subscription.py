# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""«Tell me when it is fixed»: a visitor subscribes with an address they
confirm (double opt-in, consent, the form's rate limit and honeypot), a
portal user in one click; on resolution each subscriber gets one email, a
subscriber who also has a linked ticket only the ticket's; the incident
counts the tickets avoided (test_incident_subscription_resolution.py).
Over HTTP, as the visitor and as the attacker."""

from datetime import timedelta

from lxml import html

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import MockEmail

from ..models.helpdesk_incident_subscription import CONFIRMATION_HOURS
from .subscription_common import LINK_RE, VISITOR, SubscriptionCommon
from .test_public_incidents import PUBLIC_TITLE


@tagged("post_install", "-at_install")
class TestSubscriptionHttp(HttpCase, SubscriptionCommon, MockEmail):
    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def _page(self, incident=None, user=None):
        if user:
            self.authenticate(user.login, user.login)
        incident = incident or self.public_incident
        response = self.url_open(f"/status/incident/{incident.id}")
        self.assertEqual(response.status_code, 200)
        return response

    def _csrf(self, response):
        return html.fromstring(response.content).xpath(
            "//input[@name='csrf_token']/@value"
        )[0]

    def _any_csrf(self):
        """A CSRF token of the visitor's session (from the web form)."""
        return self._csrf(self.url_open("/support"))

    def _subscribe(self, email=VISITOR, consent="1", incident=None, **extra):
        incident = incident or self.public_incident
        data = {"csrf_token": self._csrf(self._page()), "email": email, **extra}
        if consent:
            data["consent"] = consent
        return self.url_open(f"/status/incident/{incident.id}/subscribe", data=data)

    def _emails(self, email=None):
        """The emails queued (``mail.mail``), to ``email`` if given."""
        return self._new_mails.filtered(lambda m: not email or m.email_to == email)

    def _confirmation_token(self):
        mails = self._emails(VISITOR)
        self.assertEqual(len(mails), 1, "one confirmation email")
        return LINK_RE.search(str(mails.body_html)).group(1)

    # --- the visitor ------------------------------------------------------

    def test_visitor_confirms_the_address_then_is_subscribed(self):
        with self.mock_mail_gateway():
            response = self._subscribe()
        self.assertEqual(response.status_code, 200)
        self.assertIn("Check your mailbox", response.text)
        subscription = self.Subscription.search([("email", "=", VISITOR)])
        self.assertEqual(subscription.state, "pending")
        self.assertFalse(subscription.consent_id)
        self.assertEqual(self.public_incident.subscriber_count, 0)
        # the email names the incident by its public title only
        mail = self._emails(VISITOR)
        self.assertIn(PUBLIC_TITLE, mail.subject)
        self.assertNothingInternal(str(mail.body_html) + mail.subject)
        token = self._confirmation_token()
        # opening the link (a person, or a mail scanner) changes nothing
        page = self.url_open(f"/status/subscription/{token}/confirm")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_etp_subscription_confirm", page.text)
        self.assertEqual(subscription.state, "pending")
        # the owner of the address confirms
        response = self.url_open(
            f"/status/subscription/{token}/confirm",
            data={"csrf_token": self._csrf(page)},
        )
        self.assertIn("o_etp_subscription_confirmed", response.text)
        self.assertEqual(subscription.state, "subscribed")
        consent = subscription.consent_id
        self.assertEqual(consent.source, "incident_subscription")
        self.assertEqual(consent.email, VISITOR)
        self.assertEqual(consent.ip_address, "127.0.0.1")
        self.assertFalse(consent.ticket_id)
        self.assertEqual(self.public_incident.subscriber_count, 1)
        self.assertEqual(self.public_incident.deflected_count, 1)
        # the link says so again, and can stop it
        page = self.url_open(f"/status/subscription/{token}/cancel")
        self.url_open(
            f"/status/subscription/{token}/cancel",
            data={"csrf_token": self._csrf(page)},
        )
        self.assertEqual(subscription.state, "cancelled")
        self.assertEqual(self.public_incident.subscriber_count, 0)

    def test_bad_input_keeps_what_was_typed(self):
        with self.mock_mail_gateway():
            response = self._subscribe(email="anna.petrova@", consent=None)
        self.assertEqual(response.status_code, 400)
        doc = html.fromstring(response.content)
        self.assertIn(
            "anna.petrova@",
            doc.xpath("//*[@id='etp_subscription_email_error']")[0].text,
        )
        self.assertTrue(doc.xpath("//*[@id='etp_subscription_consent_error']"))
        self.assertEqual(doc.xpath("//input[@name='email']/@value"), ["anna.petrova@"])
        self.assertFalse(self.Subscription.search([]))
        self.assertFalse(self._emails())

    def test_consent_is_required(self):
        with self.mock_mail_gateway():
            response = self._subscribe(consent=None)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.Subscription.search([("email", "=", VISITOR)]))
        self.assertFalse(self._emails())

    def test_csrf_token_required(self):
        for token in (None, "forged"):
            data = {"email": VISITOR, "consent": "1"}
            if token:
                data["csrf_token"] = token
            with mute_logger("odoo.http"):
                response = self.url_open(
                    f"/status/incident/{self.public_incident.id}/subscribe", data=data
                )
            self.assertEqual(response.status_code, 400)
        self.assertFalse(self.Subscription.search([("email", "=", VISITOR)]))

    def test_honeypot(self):
        with self.mock_mail_gateway():
            response = self._subscribe(website_url="http://spam.example.com")
        # answered as if all went well, nothing kept, nobody emailed
        self.assertEqual(response.status_code, 200)
        self.assertIn("Check your mailbox", response.text)
        self.assertFalse(self.Subscription.search([("email", "=", VISITOR)]))
        self.assertFalse(self._emails())

    def test_rate_limit_is_the_forms(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "etp_helpdesk.form_rate_limit_per_hour", "3"
        )
        with self.mock_mail_gateway():
            for i in range(3):
                self.assertEqual(
                    self._subscribe(email=f"victim{i}@example.ru").status_code, 200
                )
            response = self._subscribe(email="victim9@example.ru")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.headers.get("Retry-After"), "3600")
        self.assertFalse(
            self.Subscription.search([("email", "=", "victim9@example.ru")])
        )
        self.assertEqual(len(self._emails()), 3)
        # the same budget as /support: its form is refused too
        self.assertEqual(
            self.url_open(
                "/support",
                data={
                    "csrf_token": self._csrf(self.url_open("/support")),
                    "description": "x",
                },
            ).status_code,
            429,
        )
        # requests older than an hour do not count
        self.Subscription.search([]).requested_at = fields.Datetime.now() - timedelta(
            minutes=61
        )
        with self.mock_mail_gateway():
            self.assertEqual(
                self._subscribe(email="victim9@example.ru").status_code, 200
            )

    def test_no_one_learns_who_is_subscribed(self):
        """The answer is the same for a new, a waiting and a subscribed
        address; asking again within minutes sends no second email."""
        self._subscribers(self.public_incident, 1, prefix="known")
        answers = []
        with self.mock_mail_gateway():
            for email in ("known0@example.ru", VISITOR, VISITOR):
                response = self._subscribe(email=email)
                self.assertEqual(response.status_code, 200)
                doc = html.fromstring(response.content)
                answers.append(doc.xpath("//div[@id='wrap']")[0].text_content())
        self.assertEqual(answers[0], answers[1])
        self.assertEqual(answers[1], answers[2])
        # one email: the new address, once
        self.assertEqual(self._emails().mapped("email_to"), [VISITOR])

    def test_nobody_subscribes_someone_else(self):
        """An address typed by someone else is never told about the
        incident, nor recorded as consenting, without its owner's click."""
        with self.mock_mail_gateway():
            self._subscribe(email="someone.else@example.ru")
        subscription = self.Subscription.search(
            [("email", "=", "someone.else@example.ru")]
        )
        self.assertEqual(subscription.state, "pending")
        self.assertFalse(
            self.Consent.search([("email", "=", "someone.else@example.ru")])
        )
        with self.mock_mail_gateway():
            self.public_incident.action_resolve()
        self.assertFalse(subscription.exists(), "never confirmed: forgotten")
        self.assertFalse(
            [m for m in self._new_mails if "someone.else" in (m.email_to or "")]
        )

    def test_links_cannot_be_guessed_or_reused(self):
        with self.mock_mail_gateway():
            self._subscribe()
        token = self._confirmation_token()
        with mute_logger("odoo.http"):
            for path in (
                "/status/subscription/forged/confirm",
                f"/status/subscription/{token[:-1]}x/confirm",
                f"/status/subscription/{token[:-1]}x/cancel",
                "/status/subscription/%27%20OR%201=1--/confirm",
            ):
                self.assertEqual(self.url_open(path).status_code, 404, path)
        # a link past its time no longer confirms
        subscription = self.Subscription.search([("email", "=", VISITOR)])
        subscription.requested_at = fields.Datetime.now() - timedelta(
            hours=CONFIRMATION_HOURS + 1
        )
        page = self.url_open(f"/status/subscription/{token}/confirm")
        self.assertIn("o_etp_subscription_expired", page.text)
        self.url_open(
            f"/status/subscription/{token}/confirm",
            data={"csrf_token": self._any_csrf()},
        )
        self.assertEqual(subscription.state, "pending")

    def test_no_subscription_to_a_hidden_or_fixed_incident(self):
        for incident in (self.hidden_incident, self.public_incident):
            if incident == self.public_incident:
                incident.action_resolve()
            with mute_logger("odoo.http"):
                response = self.url_open(
                    f"/status/incident/{incident.id}/subscribe",
                    data={
                        "csrf_token": self._any_csrf(),
                        "email": VISITOR,
                        "consent": "1",
                    },
                )
            self.assertEqual(response.status_code, 404)
            self.assertNothingInternal(response.text)
        self.assertFalse(self.Subscription.search([]))

    # --- the portal user ----------------------------------------------------

    def test_portal_user_subscribes_in_one_click(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open("/my")
        form = html.fromstring(page.content).xpath(
            "//*[hasclass('o_etp_incident_card')]//form"
        )[0]
        response = self.url_open(
            form.get("action"),
            data={"csrf_token": self._csrf(page), "redirect": "/my"},
        )
        self.assertTrue(response.url.endswith("/my"))
        subscription = self.Subscription.search(
            [("partner_id", "=", self.contact_supplier.id)]
        )
        self.assertEqual(subscription.state, "subscribed")
        self.assertEqual(subscription.email_normalized, self.contact_supplier.email)
        self.assertIn("o_etp_incident_subscribed", response.text)
        # and stops in one click
        form = html.fromstring(response.content).xpath(
            "//form[contains(@action, '/unsubscribe')]"
        )[0]
        self.url_open(form.get("action"), data={"csrf_token": self._csrf(response)})
        self.assertEqual(subscription.state, "cancelled")

    def test_signed_in_user_subscribes_only_themselves(self):
        other = self._subscribers(self.public_incident, 1, prefix="other")
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open("/my")
        # an address in the post is ignored: the user's own is taken
        self.url_open(
            f"/status/incident/{self.public_incident.id}/subscribe",
            data={"csrf_token": self._csrf(page), "email": VISITOR},
        )
        self.assertFalse(self.Subscription.search([("email", "=", VISITOR)]))
        mine = self.Subscription.search([("partner_id", "=", self.contact_supplier.id)])
        self.assertEqual(mine.email, self.contact_supplier.email)
        # and stops only their own
        self.url_open(
            f"/status/incident/{self.public_incident.id}/unsubscribe",
            data={"csrf_token": self._csrf(page)},
        )
        self.assertEqual(mine.state, "cancelled")
        self.assertEqual(other.state, "subscribed")

    def test_one_click_never_leaves_the_site(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open("/my")
        response = self.url_open(
            f"/status/incident/{self.public_incident.id}/subscribe",
            data={
                "csrf_token": self._csrf(page),
                "redirect": "https://evil.example.com/x",
            },
            allow_redirects=False,
        )
        self.assertNotIn("evil.example.com", response.headers["Location"])

    def test_portal_user_who_withdrew_consent_gives_it_again(self):
        self.env["helpdesk.personal.data"]._etp_withdraw_consent(
            self.portal_user.partner_id, channel="portal"
        )
        self.portal_user.partner_id.email = "kuznetsov@postavka.example.ru"
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self._page(user=None)
        response = self.url_open(
            f"/status/incident/{self.public_incident.id}/subscribe",
            data={"csrf_token": self._csrf(page)},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.Subscription.search([]))
        self.url_open(
            f"/status/incident/{self.public_incident.id}/subscribe",
            data={"csrf_token": self._csrf(page), "consent": "1"},
        )
        subscription = self.Subscription.search([])
        self.assertEqual(subscription.state, "subscribed")
        self.assertEqual(subscription.consent_id.source, "incident_subscription")
        self.assertFalse(self.portal_user.partner_id.etp_consent_withdrawn_at)

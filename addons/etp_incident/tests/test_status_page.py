# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""/status: current and recent public incidents per component, in Moscow
time and the visitor's, served from a cache that any change of a public
incident clears, with HTTP cache headers and no session saved."""

import re
from datetime import timedelta

from lxml import html

from odoo import fields
from odoo.tests import HttpCase, tagged

from .test_public_incidents import (
    PUBLIC_TITLE,
    PUBLIC_UPDATE,
    PublicIncidentCommon,
)

CSRF_RE = re.compile(r'csrf_token: "[^"]*"')


@tagged("post_install", "-at_install")
class TestStatusPage(HttpCase, PublicIncidentCommon):
    def _status(self, tz=None, user=None):
        if user:
            self.authenticate(user.login, user.login)
        else:
            # a visitor without any session: the cookie jar is emptied
            self.opener.cookies.clear()
        if tz:
            self.opener.cookies.set("tz", tz)
        response = self.url_open("/status")
        self.assertEqual(response.status_code, 200)
        return response

    def _sections(self, response):
        doc = html.fromstring(response.content)
        return {
            section.get("class").split("o_etp_status_component_")[1].split()[0]: section
            for section in doc.xpath("//section[hasclass('o_etp_status_component')]")
        }

    def test_per_component_in_moscow_and_local_time(self):
        detected = fields.Datetime.now() - timedelta(hours=3)
        self.public_incident.detected_at = detected
        response = self._status(tz="Asia/Vladivostok")
        sections = self._sections(response)
        # every component of the platform, «other» only when it has something
        self.assertEqual(
            list(sections),
            [
                "login",
                "signature",
                "applications",
                "auction",
                "contracts",
                "eis",
                "esia",
            ],
        )
        signature = sections["signature"]
        self.assertTrue(signature.xpath(".//*[hasclass('o_etp_status_disrupted')]"))
        self.assertTrue(
            sections["eis"].xpath(".//*[hasclass('o_etp_status_operational')]")
        )
        text = " ".join(signature.text_content().split())
        self.assertIn(PUBLIC_TITLE, text)
        self.assertIn(PUBLIC_UPDATE, text)
        both = self.env["helpdesk.ticket"]._etp_format_deadline(
            detected, "Asia/Vladivostok"
        )
        self.assertIn("your time", both)
        self.assertIn(f"Since {both}", text)
        self.assertIn("Some parts of the platform have problems", response.text)
        self.assertNothingInternal(response.text)
        # a visitor of Moscow's zone (or without a zone) reads Moscow time only
        msk = self.env["helpdesk.ticket"]._etp_format_msk(detected)
        for tz in ("Europe/Moscow", None, "Not/AZone"):
            text = self._sections(self._status(tz=tz))["signature"].text_content()
            self.assertIn(f"Since {msk}", " ".join(text.split()), tz)
            self.assertNotIn("your time", text, tz)

    def test_recent_days_only(self):
        now = fields.Datetime.now()
        yesterday = self.Incident.create(
            {
                "title": "Сбой входа через ЕСИА (внутр.)",
                "component": "esia",
                "is_public": True,
                "public_title": "Не работал вход через Госуслуги",
            }
        )
        yesterday.action_resolve()
        yesterday.resolved_at = now - timedelta(days=1)
        last_month = self.Incident.create(
            {
                "title": "Сбой аукционов (внутр.)",
                "component": "auction",
                "is_public": True,
                "public_title": "Не проводились аукционы",
            }
        )
        last_month.action_resolve()
        last_month.resolved_at = now - timedelta(days=8)
        response = self._status()
        sections = self._sections(response)
        esia = sections["esia"].text_content()
        self.assertIn("Не работал вход через Госуслуги", esia)
        self.assertIn("Fixed at", esia)
        self.assertTrue(
            sections["esia"].xpath(".//*[hasclass('o_etp_status_operational')]")
        )
        self.assertNotIn("Не проводились аукционы", response.text)
        self.assertIn(
            "No problems in the last 7 days", sections["auction"].text_content()
        )
        # fixed ones get no subscription link
        self.assertFalse(
            sections["esia"].xpath(".//a[hasclass('o_etp_incident_subscribe_link')]")
        )

    def test_all_works(self):
        self.public_incident.is_public = False
        response = self._status()
        self.assertIn("The platform works normally", response.text)
        self.assertFalse(
            html.fromstring(response.content).xpath(
                "//*[hasclass('o_etp_incident_card')]"
            )
        )
        self.assertNothingInternal(response.text)

    def test_cached_for_visitors_without_a_session_saved(self):
        first = self._status(tz="Asia/Yekaterinburg")
        self.assertEqual(first.headers["Cache-Control"], "public, max-age=30")
        self.assertIn("Cookie", first.headers["Vary"])
        self.assertNotIn("session_id", first.headers.get("Set-Cookie", ""))
        second = self._status(tz="Asia/Yekaterinburg")
        # the same page but for the visitor's own CSRF token
        self.assertEqual(CSRF_RE.sub("", first.text), CSRF_RE.sub("", second.text))
        self.assertNotIn("etp-csrf-", second.text)
        # any change of a public incident shows at once
        self.public_incident.public_title = "Не работает подписание договоров"
        third = self._status(tz="Asia/Yekaterinburg")
        self.assertIn("Не работает подписание договоров", third.text)
        self.assertNotIn(PUBLIC_TITLE, third.text)

    def test_csrf_token_is_the_visitors_own(self):
        self.authenticate(None, None)  # a visitor with a session
        self.url_open("/status")  # fills the cache
        response = self.url_open("/status")
        token = re.search(r'csrf_token: "([^"]*)"', response.text).group(1)
        # it validates with the visitor's own session
        self.assertTrue(self._csrf_valid(token))

    def _csrf_valid(self, token):
        """Post the token to a form that checks it: a refused token gets
        Odoo's «invalid CSRF token» answer, a valid one the form's own
        error (no address given)."""
        response = self.url_open(
            f"/status/incident/{self.public_incident.id}/subscribe",
            data={"csrf_token": token, "email": "", "consent": ""},
        )
        return "etp_subscription_email_error" in response.text

    def test_signed_in_users_get_a_private_page(self):
        response = self._status(user=self.portal_user)
        self.assertIn("private", response.headers["Cache-Control"])
        self.assertIn(PUBLIC_TITLE, response.text)
        self.assertNothingInternal(response.text)

    def test_public_data_is_read_once_then_cached(self):
        Incident = self.env["helpdesk.incident"]
        company = self.env.company
        for count in (1, 12):
            self.Incident.search([("is_public", "=", True)]).is_public = False
            self.Incident.create(
                [
                    {
                        "title": f"Сбой {i}",
                        "component": "applications",
                        "is_public": True,
                        "public_title": f"Не подаются заявки ({i})",
                    }
                    for i in range(count)
                ]
            )
            self.env.flush_all()
            self.env.registry.clear_cache()
            with self.assertQueryCount(1):
                cards = Incident._etp_public_cards(company, "Asia/Omsk")
            self.assertEqual(len(cards), count)
            with self.assertQueryCount(0):
                Incident._etp_public_cards(company, "Asia/Omsk")

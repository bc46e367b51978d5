# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The support site's pages tell every open incident in plain words: its
public title (or the affected part of the platform) and its state, never
its internal title, description or IT's words."""

from odoo.tests import HttpCase, tagged

from .incident_common import IncidentCommon

INTERNAL_TITLE = "Откат релиза 4.12: cadesplugin_api.js"
INTERNAL_DESCRIPTION = "Внутреннее: сервер подписи srv-sign-02 перегружен"
PUBLIC_TITLE = "Не работает подписание заявок"


@tagged("post_install", "-at_install")
class TestSupportSiteStatus(HttpCase, IncidentCommon):
    def _notices(self, path="/"):
        self.authenticate(None, None)
        response = self.url_open(path)
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_no_open_incident(self):
        self.Incident.create(
            {
                "title": INTERNAL_TITLE,
                "public_title": PUBLIC_TITLE,
                "is_public": True,
                "state": "resolved",
            }
        )
        page = self._notices()
        self.assertIn("The platform works normally", page)
        self.assertNotIn("o_etp_public_incidents", page)
        self.assertNotIn(PUBLIC_TITLE, page)

    def test_public_incidents_in_plain_words(self):
        fixing = self.Incident.create(
            {
                "title": INTERNAL_TITLE,
                "public_title": PUBLIC_TITLE,
                "is_public": True,
                "description": f"<p>{INTERNAL_DESCRIPTION}</p>",
                "component": "signature",
            }
        )
        fixing.action_hand_to_it()
        fixing.action_start()
        # operators decide what is public: an incident they did not publish
        # stays off the site
        hidden = self.Incident.create(
            {"title": "ЕСИА: таймауты SAML", "component": "esia"}
        )
        for path in ("/", "/customers", "/suppliers"):
            with self.subTest(path=path):
                page = self._notices(path)
                self.assertIn("o_etp_public_incidents", page)
                self.assertIn(PUBLIC_TITLE, page)
                self.assertNotIn("The platform works normally", page)
                for secret in (INTERNAL_TITLE, INTERNAL_DESCRIPTION, "SAML"):
                    self.assertNotIn(secret, page)
                self.assertNotIn(f'data-etp-incident="{hidden.id}"', page)
        # once resolved, the notice goes from the pages
        fixing.action_resolve()
        page = self._notices()
        self.assertNotIn(PUBLIC_TITLE, page)
        self.assertIn("The platform works normally", page)

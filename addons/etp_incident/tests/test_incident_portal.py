# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The requester's ticket page shows the public status of its incident, and
nothing else of it; nobody else sees it."""

from odoo.tests import HttpCase, new_test_user, tagged

from .incident_common import IncidentCommon

STATUS = "Known technical problem:"
INTERNAL_TITLE = "Откат релиза 4.12: cadesplugin_api.js"
INTERNAL_DESCRIPTION = "Внутреннее: сервер подписи srv-sign-02 перегружен"
IT_WORDS = "ИТ: перезапустили srv-sign-02, смотрим логи"


@tagged("post_install", "-at_install")
class TestIncidentPortal(HttpCase, IncidentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_customer = cls._portal_user(
            "etp-incident-portal-customer", cls.contact_customer
        )
        cls.portal_supplier = cls._portal_user(
            "etp-incident-portal-supplier", cls.contact_supplier
        )
        cls.incident = cls.Incident.create(
            {
                "title": INTERNAL_TITLE,
                "description": f"<p>{INTERNAL_DESCRIPTION}</p>",
                "component": "signature",
            }
        )
        cls.incident.action_hand_to_it()
        cls.incident.message_post(body=IT_WORDS, message_type="comment")
        cls.ticket = cls._ticket(
            name="Не подписывается извещение",
            partner_id=cls.contact_customer.id,
            incident_id=cls.incident.id,
        )
        cls.plain_ticket = cls._ticket(
            name="Вопрос по тарифу", partner_id=cls.contact_customer.id
        )

    @classmethod
    def _portal_user(cls, login, contact):
        return new_test_user(
            cls.env,
            login=login,
            groups="base.group_portal",
            partner_id=contact.id,
            name=contact.name,
            email=contact.email,
        )

    def _page(self, user, ticket, **params):
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return self.url_open(
            f"/my/ticket/{ticket.id}" + (f"?{query}" if query else ""),
            allow_redirects=False,
        )

    def assertNothingInternal(self, text):
        for secret in (
            INTERNAL_TITLE,
            INTERNAL_DESCRIPTION,
            IT_WORDS,
            self.incident.name,
        ):
            self.assertNotIn(secret, text)

    def test_requester_sees_the_public_status_as_it_moves(self):
        for action, status in (
            (None, "reported"),
            ("action_start", "fixing"),
            ("action_resolve", "fixed"),
            ("action_close", "fixed"),
        ):
            if action:
                getattr(self.incident, action)()
            response = self._page(self.portal_customer, self.ticket)
            self.assertEqual(response.status_code, 200, action)
            text = response.text
            self.assertIn(STATUS, text, action)
            self.assertIn(f'data-etp-incident-status="{status}"', text, action)
            self.assertNothingInternal(text)
        # resolved: the ticket was solved and its requester told, in a
        # message of the ticket that the portal chatter shows
        self.assertEqual(self.ticket.stage_id, self.stage_done)
        told = self._resolution_messages(self.ticket)
        self.assertEqual(len(told), 1)
        self.assertFalse(told.is_internal or told.subtype_id.internal)

    def test_ticket_without_incident_shows_no_status(self):
        response = self._page(self.portal_customer, self.plain_ticket)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(STATUS, response.text)

    def test_a_stranger_sees_nothing(self):
        response = self._page(self.portal_supplier, self.ticket)
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertNotIn(STATUS, response.text)
        self.assertNothingInternal(response.text)
        # a forged token does not open the page either
        response = self._page(None, self.ticket, access_token="forged-token")
        self.assertIn(response.status_code, (302, 303))
        self.assertNotIn(STATUS, response.text)

    def test_shared_link_shows_the_public_status(self):
        self.ticket._portal_ensure_token()
        response = self._page(None, self.ticket, access_token=self.ticket.access_token)
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-etp-incident-status="reported"', response.text)
        self.assertNothingInternal(response.text)

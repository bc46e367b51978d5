# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from lxml import html

from odoo import http
from odoo.tests import tagged
from odoo.tools import mute_logger

from .personal_data_common import EtpPersonalDataCase


@tagged("post_install", "-at_install")
class TestPortalWithdrawal(EtpPersonalDataCase):
    def test_page_shows_the_consents_and_the_terms(self):
        self._login(self.portal_user)
        response = self.url_open("/my/personal-data")
        self.assertEqual(response.status_code, 200)
        doc = html.fromstring(response.content)
        self.assertIn(
            self.closed_ticket.number,
            doc.xpath("string(//table[hasclass('o_etp_consents')])"),
        )
        self.assertTrue(doc.xpath("//form[@action='/my/personal-data/withdraw']"))
        self.assertIn("36", response.text)
        # the card on /my
        self.assertIn('href="/my/personal-data"', self.url_open("/my").text)

    def test_portal_user_withdraws_their_consent(self):
        self._login(self.portal_user)
        response = self._withdraw(confirm="1")
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].endswith("/my/personal-data?withdrawn=1")
        )
        self.env.invalidate_all()
        # processing stops: consents withdrawn, the person marked
        consent = self.closed_ticket.consent_ids
        self.assertTrue(consent.withdrawn_at)
        self.assertTrue(self.person.etp_consent_withdrawn_at)
        # closed tickets are anonymised now, open ones are answered first
        self.assertTrue(self.closed_ticket.etp_anonymised_at)
        self.assertFalse(self.closed_ticket.partner_email)
        self.assertNotIn("500100732259", self.closed_ticket.description)
        self.assertFalse(consent.ip_address)
        self.assertFalse(self.open_ticket.etp_anonymised_at)
        # the account stays
        self.assertTrue(self.portal_user.active)
        self.assertEqual(self.person.email, "smirnova@hospital1.example.ru")
        # nobody else is touched
        self.assertUntouched(self.other_ticket, self.contact_supplier.email)
        # logged for the supervisor
        log = self.Log.search([("action", "=", "withdrawal")])
        self.assertEqual(len(log), 1)
        self.assertEqual(log.channel, "portal")
        self.assertEqual(log.user_id, self.portal_user)
        self.assertEqual(log.partner_id, self.person)
        self.assertEqual(log.ticket_count, 1)
        self.assertIn("1", log.note)
        page = self.url_open("/my/personal-data?withdrawn=1").text
        self.assertIn("Your consent is withdrawn", page)
        self.assertNotIn('action="/my/personal-data/withdraw"', page)

    def test_open_ticket_is_anonymised_once_closed(self):
        self._login(self.portal_user)
        self._withdraw(confirm="1")
        self.open_ticket.stage_id = self.stage_done
        self.env.flush_all()
        # well within the 36 months: the withdrawal decides
        self.Service._cron_anonymise_expired()
        self.env.invalidate_all()
        self.assertTrue(self.open_ticket.etp_anonymised_at)
        self.assertFalse(self.open_ticket.partner_email)

    def test_withdrawal_needs_the_confirmation(self):
        self._login(self.portal_user)
        response = self._withdraw()
        self.assertEqual(response.status_code, 400)
        self.assertIn("Tick the box", response.text)
        self.assertUntouched(self.closed_ticket, self.person.email)
        self.assertFalse(self.Log.search([("action", "=", "withdrawal")]))

    @mute_logger("odoo.http")
    def test_withdrawal_needs_the_csrf_token(self):
        self._login(self.portal_user)
        response = self._withdraw(csrf=False, confirm="1")
        self.assertEqual(response.status_code, 400)
        self.assertUntouched(self.closed_ticket, self.person.email)

    def test_a_get_changes_nothing(self):
        self._login(self.portal_user)
        response = self.url_open(
            "/my/personal-data/withdraw?confirm=1", allow_redirects=False
        )
        self.assertEqual(response.status_code, 405)
        self.assertUntouched(self.closed_ticket, self.person.email)

    @mute_logger("odoo.http")
    def test_a_stranger_is_refused(self):
        # not signed in: sent to the login page, nothing changes
        self.authenticate(None, None)
        response = self._withdraw(confirm="1")
        self.assertIn(response.status_code, (303, 400))
        if response.status_code == 303:
            self.assertIn("/web/login", response.headers["Location"])
        self.assertUntouched(self.closed_ticket, self.person.email)
        # another portal user naming Ирина withdraws their own consent only
        self._login(self.stranger)
        self._withdraw(
            confirm="1", partner_id=str(self.person.id), email=self.person.email
        )
        self.assertUntouched(self.closed_ticket, self.person.email)
        self.assertFalse(self.person.etp_consent_withdrawn_at)
        self.assertTrue(self.other_ticket.etp_anonymised_at)
        # nor can they read Ирина's page
        page = self.url_open("/my/personal-data").text
        self.assertNotIn(self.closed_ticket.number, page)

    def test_internal_users_use_the_backend(self):
        self._login(self.supervisor)
        response = self.url_open("/my/personal-data", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        response = self._withdraw(confirm="1")
        self.assertEqual(response.status_code, 303)
        self.assertFalse(self.supervisor.partner_id.etp_consent_withdrawn_at)


@tagged("post_install", "-at_install")
class TestNoNewTicketWithoutConsent(EtpPersonalDataCase):
    def setUp(self):
        super().setUp()
        self.Service._etp_withdraw_consent(self.person)
        self.env.flush_all()
        self.before = self.env["helpdesk.ticket"].search([])

    def _new_tickets(self):
        return self.env["helpdesk.ticket"].search([("id", "not in", self.before.ids)])

    def _portal_submit(self, **values):
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "subject": "Снова не подписывается",
            "description": "Ошибка подписи при подаче заявки.",
            **values,
        }
        return self.url_open("/submitted/ticket", data=data, allow_redirects=False)

    def test_portal_form_asks_for_the_consent_again(self):
        self._login(self.portal_user)
        page = html.fromstring(self.url_open("/new/ticket").content)
        self.assertTrue(page.xpath("//input[@name='etp_consent'][@required]"))
        response = self._portal_submit()
        self.assertEqual(response.status_code, 200)
        self.assertIn("You withdrew your consent", response.text)
        self.assertFalse(self._new_tickets())
        self.assertTrue(self.person.etp_consent_withdrawn_at)

    def test_a_new_consent_on_the_portal_form_resumes_processing(self):
        self._login(self.portal_user)
        response = self._portal_submit(etp_consent="1")
        self.assertIn(response.status_code, (302, 303), response.text[:300])
        ticket = self._new_tickets()
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.partner_id, self.person)
        consent = ticket.consent_ids
        self.assertEqual(consent.source, "portal")
        self.assertEqual(consent.state, "given")
        self.assertEqual(consent.user_id, self.portal_user)
        self.assertEqual(consent.ip_address, "127.0.0.1")
        self.env.invalidate_all()
        self.assertFalse(self.person.etp_consent_withdrawn_at)
        log = self.Log.search([("action", "=", "consent_renewed")])
        self.assertEqual(log.partner_id, self.person)

    def test_a_person_with_consent_sees_no_box(self):
        self._login(self.stranger)
        page = html.fromstring(self.url_open("/new/ticket").content)
        self.assertFalse(page.xpath("//input[@name='etp_consent']"))

    def test_support_form_needs_the_consent_ticked(self):
        self._login(self.portal_user)
        payload = {
            "audience": "customer",
            "contact_name": self.person.name,
            "email": self.person.email,
            "subject": "Снова вопрос",
            "description": "Не подписывается протокол.",
        }
        response = self._post_support_form(payload)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._new_tickets())
        response = self._post_support_form(dict(payload, consent="1"))
        self.assertEqual(response.status_code, 200)
        ticket = self._new_tickets()
        self.assertEqual(ticket.partner_id, self.person)
        self.assertEqual(ticket.consent_ids.partner_id, self.person)
        self.env.invalidate_all()
        self.assertFalse(self.person.etp_consent_withdrawn_at)

    def test_an_anonymised_contact_gets_no_new_ticket(self):
        """A contact without an account is anonymised at withdrawal: a form
        sent later with the same address is not linked to that record."""
        contact = self.env["res.partner"].create(
            {"name": "Сергей Орлов", "email": "orlov@zavod.example.ru"}
        )
        self._closed_ticket(contact)
        self.Service._etp_withdraw_consent(contact)
        self.before = self.env["helpdesk.ticket"].search([])
        contact = contact.with_context(active_test=False)
        self.assertTrue(contact.etp_anonymised_at)
        self.authenticate(None, None)
        self._post_support_form(
            {
                "audience": "supplier",
                "contact_name": "Сергей Орлов",
                "email": "orlov@zavod.example.ru",
                "description": "Снова я: не подписывается заявка.",
                "consent": "1",
            },
        )
        ticket = self._new_tickets()
        self.assertEqual(len(ticket), 1)
        self.assertNotEqual(ticket.partner_id, contact)
        self.assertEqual(ticket.partner_email, "orlov@zavod.example.ru")

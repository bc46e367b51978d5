# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""/support is idempotent: each page of the form carries a one-time token, and
the same page sent again (a retry after an error that came once the request
was saved, a double click) shows the first ticket's confirmation and creates
nothing. Exercised over HTTP as an anonymous visitor."""

from lxml import html
from psycopg2 import IntegrityError

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import EtpHelpdeskCommon


@tagged("post_install", "-at_install")
class TestSupportFormToken(EtpHelpdeskCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "etp_helpdesk.form_rate_limit_per_hour", 0
        )

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)
        self.before = self.env["helpdesk.ticket"].search([])

    def _page(self):
        """Open the form; return its hidden fields (CSRF and submission
        tokens)."""
        response = self.url_open("/support")
        self.assertEqual(response.status_code, 200)
        return self._hidden(response)

    @staticmethod
    def _hidden(response):
        form = html.fromstring(response.content).xpath(
            "//form[hasclass('o_etp_support_form')]"
        )[0]
        return {
            name: form.xpath(f".//input[@name='{name}']/@value")[0]
            for name in ("csrf_token", "submission_token")
        }

    def _send(self, hidden, **values):
        data = {
            "audience": "customer",
            "contact_name": "Мария Петрова",
            "email": "petrova@school12.example.ru",
            "subject": "Не отправляется извещение",
            "description": "Кнопка «Разместить» выдаёт ошибку 500.",
            "consent": "1",
            **hidden,
            **values,
        }
        return self.url_open("/support", data=data)

    def _new_tickets(self):
        return self.env["helpdesk.ticket"].search([("id", "not in", self.before.ids)])

    def _confirmed_number(self, response):
        self.assertTrue(response.url.endswith("/support/thanks"), response.url)
        return (
            html.fromstring(response.content)
            .xpath("//*[hasclass('o_etp_support_ticket_number')]")[0]
            .text_content()
            .strip()
        )

    def test_same_page_sent_again_shows_the_first_ticket(self):
        hidden = self._page()
        self.assertRegex(hidden["submission_token"], r"^[A-Za-z0-9_-]{32}$")
        first = self._send(hidden)
        ticket = self._new_tickets()
        self.assertEqual(len(ticket), 1)
        self.assertEqual(self._confirmed_number(first), ticket.number)
        # the answer was lost: the visitor sends the same page again, even
        # with another text (the browser form as it is now)
        with self.assertLogs("odoo.addons.etp_helpdesk.controllers.support_form"):
            again = self._send(hidden, description="Повторяю: ошибка 500.")
        self.assertEqual(self._confirmed_number(again), ticket.number)
        self.assertEqual(self._new_tickets(), ticket)
        self.assertEqual(
            self.env["helpdesk.ticket.consent"].search_count(
                [("ticket_id", "=", ticket.id)]
            ),
            1,
        )

    def test_each_page_makes_its_own_request(self):
        first = self._page()
        second = self._page()
        self.assertNotEqual(first["submission_token"], second["submission_token"])
        self._send(first)
        self._send(second, subject="Второй вопрос")
        self.assertEqual(len(self._new_tickets()), 2)

    def test_refused_page_keeps_its_token(self):
        hidden = self._page()
        response = self._send(hidden, description="")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            self._hidden(response)["submission_token"], hidden["submission_token"]
        )
        self.assertFalse(self._new_tickets())
        self._send(hidden)
        self._send(hidden)
        self.assertEqual(len(self._new_tickets()), 1)

    def test_page_without_a_token_is_sent_back_with_what_was_typed(self):
        for token in ("", "short", "<script>alert(1)</script>" * 3):
            with self.subTest(token=token):
                hidden = self._page()
                response = self._send(hidden, submission_token=token)
                self.assertEqual(response.status_code, 400)
                self.assertIn("This page of the form has expired", response.text)
                self.assertNotIn("<script>alert(1)", response.text)
                self.assertIn("Кнопка «Разместить» выдаёт ошибку 500.", response.text)
                self.assertFalse(self._new_tickets())
                # the page sent back carries a new token: it goes through
                fresh = self._hidden(response)
                self.assertRegex(fresh["submission_token"], r"^[A-Za-z0-9_-]{32}$")
        self._send(fresh)
        self.assertEqual(len(self._new_tickets()), 1)

    def test_one_ticket_per_token_in_the_database(self):
        """The last guard against two requests sent at the very same time."""
        ticket = self._ticket(name="Первое обращение")
        Consent = self.env["helpdesk.ticket.consent"]
        values = {
            "ticket_id": ticket.id,
            "version": "test",
            "accepted_at": "2026-11-24 09:00:00",
            "submission_token": "X" * 32,
        }
        Consent.create(values)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                Consent.create(values)

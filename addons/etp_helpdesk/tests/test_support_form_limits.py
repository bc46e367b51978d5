# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The public web form /support, continued: attachments and their caps, the
honeypot, the rate limit, and the fixed query count of a POST."""

import secrets
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.etp_helpdesk.models.helpdesk_ticket_consent import CONSENT_VERSION

from .support_form_common import SupportFormCase

# Measured on the anonymous POST of a valid form without attachments: rate
# limit count, contact by email, intake (team, category, sequence, stage),
# ticket insert and its creation message, requester note (with the INN
# look-up, whose author address is the desk's), consent insert, then the flush
# of the stored computes; the lock and look-up of the page's submission token
# (2); in the suite's database, where etp_escalation and etp_incident add their
# hooks (etp_escalation's SLA reads the policies, their teams, tags and
# categories with the batch: 7 of them on this cold cache).
QUERIES_FORM_POST = 47


@tagged("post_install", "-at_install")
class TestSupportForm(SupportFormCase):
    """The public web form /support, exercised over HTTP: its limits."""

    # ------------------------------------------------------------------
    # Attachments
    # ------------------------------------------------------------------

    def test_attachments(self):
        before = self.Ticket.search([])
        files = [
            ("attachments", ("screen.png", b"\x89PNG" + b"0" * 100, "image/png")),
            ("attachments", ("log.txt", "ошибка".encode(), "text/plain")),
        ]
        self._post(files=files)
        ticket = self._new_tickets(before)
        self.assertEqual(
            sorted(ticket.attachment_ids.mapped("name")), ["log.txt", "screen.png"]
        )

    def test_oversized_attachment_refused(self):
        self._set_param("etp_helpdesk.form_max_upload_mb", "0.001")  # 1048 bytes
        before = self.Ticket.search([])
        files = [("attachments", ("big.pdf", b"0" * 2000, "application/pdf"))]
        response = self._post(files=files)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._new_tickets(before))
        self.assertFalse(
            self.Consent.search([("email", "=", "petr.ivanov@zavod.example.ru")])
        )
        doc = self._doc(response)
        self.assertIn("big.pdf", self._error(doc, "attachments"))
        self.assertIn("attach them again", response.text)
        self.assertEqual(self._value(doc, "email"), "petr.ivanov@zavod.example.ru")

    def test_total_upload_cap(self):
        self._set_param("etp_helpdesk.form_max_upload_mb", "0.001")
        self._set_param("etp_helpdesk.form_max_upload_total_mb", "0.0015")  # 1572 bytes
        before = self.Ticket.search([])
        files = [
            ("attachments", ("a.txt", b"a" * 1000, "text/plain")),
            ("attachments", ("b.txt", b"b" * 1000, "text/plain")),
        ]
        response = self._post(files=files)
        self.assertEqual(response.status_code, 400)
        self.assertIn("together", self._error(self._doc(response), "attachments"))
        self.assertFalse(self._new_tickets(before))

    # ------------------------------------------------------------------
    # Anti-spam
    # ------------------------------------------------------------------

    def test_honeypot(self):
        before = self.Ticket.search([])
        before_consents = self.Consent.search_count([])
        response = self._post(website_url="http://spam.example.com")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/support/thanks"))
        self.assertIn("o_etp_support_form_thanks", response.text)
        self.assertFalse(self._new_tickets(before))
        self.assertEqual(self.Consent.search_count([]), before_consents)

    def test_rate_limit(self):
        ticket = self._ticket(audience="supplier")
        consents = self.Consent.create(
            [
                {
                    "ticket_id": ticket.id,
                    "version": CONSENT_VERSION,
                    "accepted_at": fields.Datetime.now() - timedelta(minutes=10 + i),
                    "ip_address": "127.0.0.1",
                }
                for i in range(5)
            ]
        )
        before = self.Ticket.search([])
        response = self._post(description="Срочно: не открывается извещение")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.headers.get("Retry-After"), "3600")
        self.assertIn("Too many requests", response.text)
        self.assertIn("Срочно: не открывается извещение", response.text)
        self.assertFalse(self._new_tickets(before))
        self.assertEqual(
            self.Consent.search_count([("ip_address", "=", "127.0.0.1")]), 5
        )
        # Consents older than an hour do not count.
        consents.accepted_at = fields.Datetime.now() - timedelta(minutes=61)
        response = self._post()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._new_tickets(before)), 1)
        # The limit is a system parameter.
        self._set_param("etp_helpdesk.form_rate_limit_per_hour", "1")
        response = self._post()
        self.assertEqual(response.status_code, 429)
        self.assertEqual(len(self._new_tickets(before)), 1)

    # ------------------------------------------------------------------
    # Performance
    # ------------------------------------------------------------------

    def test_query_count(self):
        """The POST costs a fixed number of queries, whatever the number of
        tickets already in the database."""
        self._set_param("etp_helpdesk.form_rate_limit_per_hour", "1000")
        token = self._form_token()

        def data():
            # each POST from a new page of the form
            return self._payload(
                csrf_token=token, submission_token=secrets.token_urlsafe(24)
            )

        self.url_open("/support", data=data(), allow_redirects=False)  # warm-up
        self.env.invalidate_all()
        with self.assertQueryCount(QUERIES_FORM_POST):
            response = self.url_open("/support", data=data(), allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        for i in range(30):
            self._ticket(
                name=f"Обращение {i}",
                audience="supplier",
                partner_email="petr.ivanov@zavod.example.ru",
            )
        self.env.invalidate_all()
        with self.assertQueryCount(QUERIES_FORM_POST):
            response = self.url_open("/support", data=data(), allow_redirects=False)
        self.assertEqual(response.status_code, 303)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from lxml import html

from odoo.tests import tagged
from odoo.tools import mute_logger

from .portal_common import SUPPLIER_TICKET, EtpPortalCase


@tagged("post_install", "-at_install")
class TestPortalClose(EtpPortalCase):
    def test_owner_closes_own_ticket_by_post(self):
        self._login(self.portal_supplier)
        page = self.url_open(f"/my/ticket/{self.ticket_supplier.id}").text
        # The close buttons are POST forms with a CSRF token.
        self.assertIn('<form method="POST" action="/ticket/close"', page)
        self.assertNotIn('method="GET" action="/ticket/close"', page)
        self.assertRegex(
            page,
            r'action="/ticket/close"[^>]*>\s*<input type="hidden" name="csrf_token"',
        )
        response = self._close(self.ticket_supplier, self.stage_done)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/my/ticket/{self.ticket_supplier.id}"
            )
        )
        self.assertEqual(self.ticket_supplier.stage_id, self.stage_done)
        self.assertTrue(self.ticket_supplier.closed)
        # Closed by the visitor, not by OdooBot.
        tracking = self.ticket_supplier.message_ids.filtered("tracking_value_ids")[:1]
        self.assertEqual(tracking.author_id, self.contact_supplier)
        page = self.url_open(f"/my/ticket/{self.ticket_supplier.id}").text
        self.assertNotIn('action="/ticket/close"', page)

    def test_close_asks_for_confirmation_with_worded_choices(self):
        """Each way of closing is a button that opens a confirmation saying
        what happens; only the confirmation posts (with the CSRF token)."""
        self._login(self.portal_supplier)
        page = self.url_open(f"/my/ticket/{self.ticket_supplier.id}").text
        tree = html.fromstring(page)
        cancelled = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_cancelled")
        for stage, label, explanation in (
            (self.stage_done, "My question is solved", "closed as solved"),
            (cancelled, "Withdraw my request", "You no longer need an answer"),
        ):
            with self.subTest(stage=stage.name):
                opener = tree.xpath(
                    f"//button[@data-stage-id='{stage.id}']"
                    "[contains(@class, 'o_etp_ticket_close_open')]"
                )
                self.assertEqual(len(opener), 1)
                self.assertEqual(opener[0].get("type"), "button")
                self.assertEqual(opener[0].text_content().strip(), label)
                # The opener itself sends nothing.
                self.assertFalse(opener[0].xpath("ancestor::form"))
                modal = tree.xpath(f"//*[@id='o_etp_ticket_close_{stage.id}']")
                self.assertEqual(len(modal), 1)
                self.assertEqual(
                    opener[0].get("data-bs-target"), f"#o_etp_ticket_close_{stage.id}"
                )
                text = " ".join(modal[0].text_content().split())
                self.assertIn(label, text)
                self.assertIn(explanation, text)
                self.assertIn("Keep the request open", text)
                form = modal[0].xpath(".//form[@action='/ticket/close']")[0]
                self.assertEqual(form.get("method"), "POST")
                self.assertEqual(
                    form.xpath(".//input[@name='stage_id']/@value"), [str(stage.id)]
                )
                self.assertTrue(form.xpath(".//input[@name='csrf_token']/@value")[0])
                self.assertTrue(form.xpath(".//button[@type='submit']"))
        self.assertFalse(self.ticket_supplier.closed)

    def test_forged_close_of_another_organisation_ticket_is_refused(self):
        self._login(self.portal_customer)
        own_token = self.ticket_customer._portal_ensure_token()
        for extra in ({}, {"access_token": "wrong"}, {"access_token": own_token}):
            with self.subTest(extra=extra):
                response = self._close(self.ticket_supplier, self.stage_done, **extra)
                self.assertRefusedToMy(response, SUPPLIER_TICKET)
        for ticket_id in ("999999999", "abc", ""):
            with self.subTest(ticket_id=ticket_id):
                response = self.url_open(
                    "/ticket/close",
                    data={
                        "csrf_token": self._csrf(),
                        "ticket_id": ticket_id,
                        "stage_id": self.stage_done.id,
                    },
                    allow_redirects=False,
                )
                self.assertRefusedToMy(response)
        self.assertFalse(self.ticket_supplier.closed)
        self.assertEqual(self.ticket_supplier.stage_id, self.stage_new)

    def test_close_by_get_is_refused(self):
        self._login(self.portal_supplier)
        url = (
            f"/ticket/close?ticket_id={self.ticket_supplier.id}"
            f"&stage_id={self.stage_done.id}&csrf_token={self._csrf()}"
        )
        response = self.url_open(url, allow_redirects=False)
        self.assertRefusedToMy(response, SUPPLIER_TICKET)
        self.assertFalse(self.ticket_supplier.closed)
        # Nor through a HEAD.
        response = self.url_open(url, head=True)
        self.assertFalse(self.ticket_supplier.closed)

    def test_close_without_csrf_token_is_refused(self):
        self._login(self.portal_supplier)
        with mute_logger("odoo.http"):
            response = self._close(self.ticket_supplier, self.stage_done, csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertNotIn(SUPPLIER_TICKET, response.text)
        self.assertFalse(self.ticket_supplier.closed)

    def test_close_to_a_stage_not_offered_is_refused(self):
        customer_only = self.env["helpdesk.ticket.stage"].create(
            {
                "name": "Закрыто заказчиком",
                "closed": True,
                "close_from_portal": True,
                "team_ids": [(6, 0, self.team_customer_l1.ids)],
            }
        )
        self._login(self.portal_supplier)
        own_page = f"/my/ticket/{self.ticket_supplier.id}"
        for stage in (self.stage_rejected, customer_only):
            with self.subTest(stage=stage.name):
                response = self._close(self.ticket_supplier, stage)
                # back to the visitor's own ticket, unchanged
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response.headers["Location"].endswith(own_page))
        response = self.url_open(
            "/ticket/close",
            data={"csrf_token": self._csrf(), "ticket_id": self.ticket_supplier.id},
            allow_redirects=False,
        )
        self.assertTrue(response.headers["Location"].endswith(own_page))
        self.assertFalse(self.ticket_supplier.closed)
        self.assertEqual(self.ticket_supplier.stage_id, self.stage_new)

    def test_shared_link_holder_closes_with_the_token(self):
        """A logged-in visitor of another organisation with the ticket's own
        share link (access token) may act on it, like on any portal document."""
        token = self.ticket_third._portal_ensure_token()
        self._login(self.portal_customer)
        page = self.url_open(f"/my/ticket/{self.ticket_third.id}?access_token={token}")
        self.assertIn(f'name="access_token" value="{token}"', page.text)
        response = self._close(self.ticket_third, self.stage_done, access_token=token)
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/my/ticket/{self.ticket_third.id}?access_token={token}"
            )
        )
        self.assertTrue(self.ticket_third.closed)

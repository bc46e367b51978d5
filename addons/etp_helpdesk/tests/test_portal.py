# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .portal_common import (
    CUSTOMER_TICKET,
    EMAIL,
    SUPPLIER_TICKET,
    THIRD_TICKET,
    EtpPortalCase,
)


@tagged("post_install", "-at_install")
class TestPortalIsolation(EtpPortalCase):
    def test_list_shows_own_organisation_only(self):
        cases = [
            (self.portal_customer, CUSTOMER_TICKET, [SUPPLIER_TICKET, THIRD_TICKET]),
            (self.portal_supplier, SUPPLIER_TICKET, [CUSTOMER_TICKET, THIRD_TICKET]),
            (self.portal_third, THIRD_TICKET, [CUSTOMER_TICKET, SUPPLIER_TICKET]),
        ]
        for user, own, foreign in cases:
            with self.subTest(user=user.login):
                self._login(user)
                response = self.url_open("/my/tickets")
                self.assertEqual(response.status_code, 200)
                self.assertIn(own, response.text)
                for title in foreign:
                    self.assertNotIn(title, response.text)

    def test_colleague_sees_the_organisation_tickets(self):
        colleague = self.env["res.partner"].create(
            {"name": "Анна Петрова", "parent_id": self.org_supplier.id}
        )
        user = self._portal_user("etp-portal-supplier-2", colleague)
        self._login(user)
        response = self.url_open("/my/tickets")
        self.assertIn(SUPPLIER_TICKET, response.text)
        self.assertNotIn(CUSTOMER_TICKET, response.text)

    def test_list_shows_procurement_fields(self):
        self._login(self.portal_customer)
        text = self.url_open("/my/tickets").text
        self.assertIn("0373100000124000001", text)
        self.assertIn("44-FZ", text)
        self.assertIn("Lot <span>2</span>", text)
        self.assertIn("10.03.2026 10:00 MSK (12:00 your time)", text)

    def test_search_by_procedure_number(self):
        other = self._ticket(
            name="Другая закупка заказчика",
            partner_id=self.contact_customer.id,
            procedure_number="0373100000124000777",
        )
        self._login(self.portal_customer)
        for search_in in ("procedure", "all"):
            with self.subTest(search_in=search_in):
                text = self.url_open(
                    f"/my/tickets?search=0373100000124000001&search_in={search_in}"
                ).text
                self.assertIn(CUSTOMER_TICKET, text)
                self.assertNotIn(other.name, text)
        text = self.url_open("/my/tickets").text
        self.assertIn("Search in Procedure Number", text)
        # The search never widens the list beyond the organisation.
        text = self.url_open("/my/tickets?search=32412345678&search_in=procedure").text
        self.assertNotIn(SUPPLIER_TICKET, text)

    def test_detail_shows_procurement_fields(self):
        self._login(self.portal_customer)
        response = self.url_open(f"/my/ticket/{self.ticket_customer.id}")
        self.assertEqual(response.status_code, 200)
        text = response.text
        self.assertIn(CUSTOMER_TICKET, text)
        self.assertIn("0373100000124000001", text)
        self.assertIn("44-FZ", text)
        self.assertIn("10.03.2026 10:00 MSK (12:00 your time)", text)

    def test_detail_of_another_organisation_is_refused(self):
        pairs = [
            (self.portal_customer, self.ticket_supplier),
            (self.portal_customer, self.ticket_third),
            (self.portal_supplier, self.ticket_customer),
            (self.portal_third, self.ticket_supplier),
        ]
        for user, ticket in pairs:
            with self.subTest(user=user.login, ticket=ticket.name):
                self._login(user)
                response = self.url_open(
                    f"/my/ticket/{ticket.id}", allow_redirects=False
                )
                self.assertRefusedToMy(response, ticket.name)
                # Followed to its end, the redirect shows nothing of it either.
                self.assertNotIn(
                    ticket.name, self.url_open(f"/my/ticket/{ticket.id}").text
                )

    def test_detail_with_a_wrong_token_is_refused(self):
        self.ticket_supplier._portal_ensure_token()
        own_token = self.ticket_customer._portal_ensure_token()
        self._login(self.portal_customer)
        for token in ("wrong", own_token, ""):
            with self.subTest(token=token):
                response = self.url_open(
                    f"/my/ticket/{self.ticket_supplier.id}?access_token={token}",
                    allow_redirects=False,
                )
                self.assertRefusedToMy(response, SUPPLIER_TICKET)

    def test_detail_of_a_missing_ticket_is_refused(self):
        self._login(self.portal_customer)
        response = self.url_open("/my/ticket/999999999", allow_redirects=False)
        self.assertRefusedToMy(response)

    def test_attachment_of_another_organisation_is_refused(self):
        self._login(self.portal_customer)
        own = self.url_open(
            f"/web/content/{self.attachment_customer.id}?download=true"
            f"&access_token={self.attachment_customer.access_token}"
        )
        self.assertEqual(own.status_code, 200)
        self.assertEqual(own.content, b"CUSTOMER-OWN")
        urls = [
            f"/web/content/{self.attachment_supplier.id}?download=true",
            f"/web/content/{self.attachment_supplier.id}?download=true"
            f"&access_token={self.attachment_customer.access_token}",
            f"/web/content/{self.attachment_supplier.id}?download=true"
            f"&access_token={self.ticket_customer._portal_ensure_token()}",
            f"/web/content/{self.attachment_supplier.id}?download=true&access_token=x",
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn(b"SUPPLIER-SECRET", response.content)

    def test_chatter_of_another_organisation_ticket_is_not_readable(self):
        self.ticket_supplier.with_user(self.operator).message_post(
            body="Ответ оператора поставщику: перевыпустите подпись",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        params = {"thread_model": "helpdesk.ticket", "thread_id": None}
        self._login(self.portal_customer)
        params["thread_id"] = self.ticket_supplier.id
        result = self.make_jsonrpc_request("/mail/thread/messages", params)
        self.assertFalse(result["messages"])
        self.assertNotIn("перевыпустите подпись", str(result))
        self._login(self.portal_supplier)
        result = self.make_jsonrpc_request("/mail/thread/messages", params)
        self.assertIn("перевыпустите подпись", str(result))

    def test_chatter_post_on_another_organisation_ticket_is_refused(self):
        self._login(self.portal_customer)
        params = {
            "thread_model": "helpdesk.ticket",
            "thread_id": self.ticket_supplier.id,
            "post_data": {"body": "Чужой комментарий", "message_type": "comment"},
        }
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request("/mail/message/post", params)
        self.assertNotIn(
            "Чужой комментарий",
            "".join(self.ticket_supplier.message_ids.mapped("body")),
        )
        # The same post on the own ticket goes through.
        params["thread_id"] = self.ticket_customer.id
        self.make_jsonrpc_request("/mail/message/post", params)
        message = self.ticket_customer.message_ids[:1]
        self.assertIn("Чужой комментарий", message.body)
        self.assertEqual(message.author_id, self.contact_customer)

    def test_cc_of_another_organisation_does_not_open_the_ticket(self):
        """An email of the supplier with the customer's contact in CC: the
        mail gateway keeps CC addresses out of the followers, so the
        customer's portal (whose rule also admits followers) stays closed."""
        raw = EMAIL.format(
            email_from="Олег Кузнецов <kuznetsov@postavka.example.ru>",
            cc="smirnova@hospital1.example.ru",
            subject="Заявка с копией заказчику",
            msg_id="portal-cc-1",
            body="Прошу проверить заявку, копия заказчику.",
        )
        ticket = self.env["helpdesk.ticket"].browse(
            self.env["mail.thread"].message_process("helpdesk.ticket", raw)
        )
        self.assertEqual(ticket.partner_id, self.contact_supplier)
        self.assertNotIn(self.contact_customer, ticket.message_partner_ids)
        self._login(self.portal_customer)
        self.assertNotIn("Заявка с копией заказчику", self.url_open("/my/tickets").text)
        response = self.url_open(f"/my/ticket/{ticket.id}", allow_redirects=False)
        self.assertRefusedToMy(response, "Заявка с копией заказчику")
        self._login(self.portal_supplier)
        self.assertIn("Заявка с копией заказчику", self.url_open("/my/tickets").text)

    def test_anonymous_visitor_is_refused_everywhere(self):
        self.authenticate(None, None)
        self.ticket_supplier._portal_ensure_token()
        response = self.url_open("/my/tickets", allow_redirects=False)
        self.assertRefusedToMy(response, SUPPLIER_TICKET, CUSTOMER_TICKET)
        for url in (
            f"/my/ticket/{self.ticket_supplier.id}",
            f"/my/ticket/{self.ticket_supplier.id}?access_token=wrong",
            f"/my/ticket/{self.ticket_supplier.id}"
            f"?access_token={self.ticket_customer._portal_ensure_token()}",
        ):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertRefusedToMy(response, SUPPLIER_TICKET)
                self.assertNotIn(SUPPLIER_TICKET, self.url_open(url).text)
        response = self.url_open(f"/web/content/{self.attachment_supplier.id}")
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"SUPPLIER-SECRET", response.content)
        response = self._close(self.ticket_supplier, self.stage_done)
        self.assertRefusedToMy(response)
        self.assertFalse(self.ticket_supplier.closed)
        for url in ("/new/ticket", "/my"):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertRefusedToMy(response)
        tickets_before = self.env["helpdesk.ticket"].search_count([])
        response = self.url_open(
            "/submitted/ticket",
            data={"csrf_token": self._csrf(), "subject": "Аноним", "description": "x"},
            allow_redirects=False,
        )
        self.assertRefusedToMy(response)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), tickets_before)

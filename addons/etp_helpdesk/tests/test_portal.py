# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import re
from datetime import datetime

from lxml import html

from odoo import Command, http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import EtpHelpdeskCommon

# Queries of one /my/tickets request of a portal user, measured with 5 and with
# 30 tickets of the organisation (the same count: it does not grow with the
# number of tickets). Measured in test mode, so it includes the savepoints of
# the test cursor, in the suite's database (all three addons installed), with
# the company's name in the footer and the short date format of the list.
# The tickets' categories (with their parents) and the desks' live chat rules
# come from caches: no query for them.
MY_TICKETS_QUERY_COUNT = 36

SUPPLIER_TICKET = "Не подписывается заявка на участие"
CUSTOMER_TICKET = "Не публикуется извещение о закупке"
THIRD_TICKET = "Вопрос по тарифу третьей организации"

EMAIL = """\
From: {email_from}
To: support-suppliers@etp-support.example.ru
Cc: {cc}
Subject: {subject}
Message-ID: <{msg_id}@mail.example.ru>
Date: Tue, 24 Nov 2026 09:12:00 +0300
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{body}
"""


class EtpPortalCase(HttpCase, EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_rejected = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_rejected")
        cls.org_third = cls.env["res.partner"].create(
            {
                "name": "АО «Третья организация»",
                "is_company": True,
                "procurement_role": "supplier",
            }
        )
        cls.contact_third = cls.env["res.partner"].create(
            {
                "name": "Пётр Иванов",
                "parent_id": cls.org_third.id,
                "email": "ivanov@third.example.ru",
            }
        )
        cls.portal_customer = cls._portal_user(
            "etp-portal-customer", cls.contact_customer
        )
        cls.portal_supplier = cls._portal_user(
            "etp-portal-supplier", cls.contact_supplier
        )
        cls.portal_third = cls._portal_user("etp-portal-third", cls.contact_third)
        cls.ticket_customer = cls._ticket(
            name=CUSTOMER_TICKET,
            partner_id=cls.contact_customer.id,
            procedure_number="0373100000124000001",
            procurement_regime="44fz",
            lot_number="2",
            procedure_deadline=datetime(2026, 3, 10, 7, 0),
            requester_tz="Asia/Yekaterinburg",
        )
        cls.ticket_supplier = cls._ticket(
            name=SUPPLIER_TICKET,
            partner_id=cls.contact_supplier.id,
            procedure_number="32412345678",
            procurement_regime="223fz",
        )
        cls.ticket_third = cls._ticket(
            name=THIRD_TICKET, partner_id=cls.contact_third.id
        )
        cls.attachment_supplier = cls._attachment(
            cls.ticket_supplier, b"SUPPLIER-SECRET"
        )
        cls.attachment_customer = cls._attachment(cls.ticket_customer, b"CUSTOMER-OWN")

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

    @classmethod
    def _attachment(cls, ticket, content):
        attachment = cls.env["ir.attachment"].create(
            {
                "name": "protocol.txt",
                "datas": base64.b64encode(content),
                "res_model": "helpdesk.ticket",
                "res_id": ticket.id,
            }
        )
        attachment.generate_access_token()
        return attachment

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _csrf(self):
        return http.Request.csrf_token(self)

    def _close(self, ticket, stage, csrf=True, **extra):
        data = {"ticket_id": ticket.id, "stage_id": stage.id, **extra}
        if csrf:
            data["csrf_token"] = self._csrf()
        return self.url_open("/ticket/close", data=data, allow_redirects=False)

    def assertRefusedToMy(self, response, *secrets):
        """A refusal: a redirect to /my (or the login page) and nothing of
        the record in the answer."""
        self.assertIn(response.status_code, (302, 303), response.text[:300])
        location = response.headers["Location"]
        self.assertTrue(location.endswith("/my") or "/web/login" in location, location)
        for secret in secrets:
            self.assertNotIn(secret, response.text)


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


@tagged("post_install", "-at_install")
class TestPortalNewTicket(EtpPortalCase):
    def _submit(self, **values):
        data = {
            "csrf_token": self._csrf(),
            "subject": "Ошибка при подаче ценового предложения",
            "description": "Кнопка «Подать» неактивна.\nАукцион через час.",
            **values,
        }
        return self.url_open("/submitted/ticket", data=data, allow_redirects=False)

    def _new_tickets(self, before):
        return self.env["helpdesk.ticket"].search([("id", "not in", before.ids)])

    def test_new_ticket_lands_in_line_1_of_the_audience(self):
        before = self.env["helpdesk.ticket"].search([])
        self._login(self.portal_supplier)
        response = self._submit(
            procedure_number="0373100000124000002",
            procurement_regime="44fz",
            lot_number="3",
        )
        ticket = self._new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(
            response.headers["Location"].endswith(f"/my/ticket/{ticket.id}")
        )
        self.assertRecordValues(
            ticket,
            [
                {
                    "partner_id": self.contact_supplier.id,
                    "audience": "supplier",
                    "team_id": self.team_supplier_l1.id,
                    "stage_id": self.stage_new.id,
                    "procedure_number": "0373100000124000002",
                    "procurement_regime": "44fz",
                    "lot_number": "3",
                    "channel_id": self.env.ref(
                        "helpdesk_mgmt.helpdesk_ticket_channel_web"
                    ).id,
                    "requester_tz": "Asia/Vladivostok",
                }
            ],
        )
        before = self.env["helpdesk.ticket"].search([])
        self._login(self.portal_customer)
        self._submit()
        ticket = self._new_tickets(before)
        self.assertEqual(ticket.audience, "customer")
        self.assertEqual(ticket.team_id, self.team_customer_l1)

    def test_form_offers_a_description_and_the_categories_of_the_audience(self):
        supplier_only = self.env.ref(
            "etp_helpdesk.helpdesk_ticket_category_applications_submission"
        )
        customer_only = self.env.ref(
            "etp_helpdesk.helpdesk_ticket_category_notices_publication"
        )
        common = self.env.ref("etp_helpdesk.helpdesk_ticket_category_access_login")
        for user, offered, hidden in (
            (self.portal_supplier, supplier_only, customer_only),
            (self.portal_customer, customer_only, supplier_only),
        ):
            with self.subTest(user=user.login):
                self._login(user)
                tree = html.fromstring(self.url_open("/new/ticket").content)
                form = tree.xpath("//form[@action='/submitted/ticket']")[0]
                self.assertEqual(len(form.xpath(".//textarea[@name='description']")), 1)
                self.assertEqual(len(form.xpath(".//input[@name='attachment']")), 1)
                self.assertEqual(
                    len(form.xpath(".//input[@name='procedure_number']")), 1
                )
                options = form.xpath(".//select[@name='category']/option/@value")
                self.assertIn(str(offered.id), options)
                self.assertIn(str(common.id), options)
                self.assertNotIn(str(hidden.id), options)

    def test_both_audiences_open_a_request_with_category_and_file(self):
        cases = (
            (
                self.portal_supplier,
                "etp_helpdesk.helpdesk_ticket_category_applications_price_offers",
                self.team_supplier_l1,
            ),
            (
                self.portal_customer,
                "etp_helpdesk.helpdesk_ticket_category_notices_publication",
                self.team_customer_l1,
            ),
        )
        for user, category_xmlid, team in cases:
            with self.subTest(user=user.login):
                category = self.env.ref(category_xmlid)
                before = self.env["helpdesk.ticket"].search([])
                self._login(user)
                response = self.url_open(
                    "/submitted/ticket",
                    data={
                        "csrf_token": self._csrf(),
                        "subject": "Ошибка на площадке",
                        "description": "Первая строка\nвторая строка <b>не тег</b>",
                        "category": category.id,
                        "procedure_number": "0373100000124000002",
                    },
                    files=[
                        ("attachment", ("скриншот.png", b"\x89PNG shot", "image/png"))
                    ],
                    allow_redirects=False,
                )
                self.assertIn(response.status_code, (302, 303))
                ticket = self._new_tickets(before)
                self.assertEqual(len(ticket), 1)
                self.assertEqual(ticket.team_id, team)
                self.assertEqual(ticket.category_id, category)
                self.assertEqual(ticket.procedure_number, "0373100000124000002")
                self.assertEqual(
                    str(ticket.description),
                    "<p>Первая строка<br>вторая строка &lt;b&gt;не тег&lt;/b&gt;</p>",
                )
                self.assertEqual(ticket.attachment_ids.mapped("name"), ["скриншот.png"])
                self.assertEqual(ticket.attachment_ids.raw, b"\x89PNG shot")

    def test_form_offers_procedure_fields(self):
        self._login(self.portal_supplier)
        text = self.url_open("/new/ticket").text
        self.assertIn('name="procedure_number"', text)
        self.assertIn('<option value="223fz">223-FZ</option>', text)
        self.assertIn('name="lot_number"', text)

    def test_invalid_notice_number_is_refused_and_typed_values_kept(self):
        before = self.env["helpdesk.ticket"].search([])
        self._login(self.portal_supplier)
        with mute_logger("odoo.http"):
            response = self._submit(
                procedure_number="12345678901",
                procurement_regime="223fz",
                lot_number="7",
            )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self._new_tickets(before))
        text = response.text
        self.assertIn("12345678901 is not an EIS notice number", text)
        self.assertIn('value="Ошибка при подаче ценового предложения"', text)
        self.assertIn("Кнопка «Подать» неактивна.\nАукцион через час.</textarea>", text)
        # the field keeps the typed number and is marked invalid
        field = re.search(r'<input[^>]*name="procedure_number"[^>]*>', text)[0]
        self.assertIn('value="12345678901"', field)
        self.assertRegex(field, r'class="[^"]*is-invalid')
        self.assertRegex(text, r'<option value="223fz" selected="[^"]+">')
        self.assertIn('value="7"', text)
        # Corrected, the same submission goes through.
        response = self._submit(procedure_number="32412345679")
        self.assertIn(response.status_code, (302, 303))
        self.assertEqual(self._new_tickets(before).procedure_number, "32412345679")

    def test_missing_subject_is_refused_with_a_message(self):
        before = self.env["helpdesk.ticket"].search([])
        self._login(self.portal_supplier)
        response = self._submit(subject="  ")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Please give your request a subject.", response.text)
        self.assertIn("Аукцион через час.", response.text)
        self.assertFalse(self._new_tickets(before))

    def test_forged_team_category_and_company_are_dropped(self):
        company = self.env.company
        company.write(
            {
                "helpdesk_mgmt_portal_select_team": True,
                "helpdesk_mgmt_portal_select_category": True,
            }
        )
        Team = self.env["helpdesk.ticket.team"]
        customer_portal_team = Team.create(
            {
                "name": "Заказчики — портал",
                "audience": "customer",
                "support_line": "1",
                "sequence": 100,
                "show_in_portal": True,
            }
        )
        supplier_portal_team = Team.create(
            {
                "name": "Поставщики — портал",
                "audience": "supplier",
                "support_line": "1",
                "sequence": 100,
                "show_in_portal": True,
            }
        )
        other_company = self.env["res.company"].create({"name": "ООО «Другая ЭТП»"})
        foreign_team = Team.create(
            {
                "name": "Чужая площадка",
                "audience": "supplier",
                "show_in_portal": True,
                "company_id": other_company.id,
            }
        )
        Category = self.env["helpdesk.ticket.category"]
        foreign_category = Category.create(
            {"name": "Чужая категория", "company_id": other_company.id}
        )
        hidden_category = Category.create(
            {"name": "Скрытая категория", "show_in_portal": False}
        )
        offered_category = Category.create({"name": "Подача заявки (портал)"})
        self._login(self.portal_supplier)
        form = self.url_open("/new/ticket").text
        self.assertIn(supplier_portal_team.name, form)
        self.assertNotIn(customer_portal_team.name, form)
        self.assertNotIn(foreign_team.name, form)
        self.assertNotIn(foreign_category.name, form)
        self.assertIn(offered_category.name, form)
        forged = [
            {"team": customer_portal_team.id},
            {"team": foreign_team.id},
            {"team": "1 OR 1=1"},
            {"category": foreign_category.id},
            {"category": hidden_category.id},
            {"category": "x"},
        ]
        for values in forged:
            with self.subTest(values=values):
                before = self.env["helpdesk.ticket"].search([])
                response = self._submit(**values)
                self.assertIn(response.status_code, (302, 303))
                ticket = self._new_tickets(before)
                self.assertEqual(ticket.team_id, self.team_supplier_l1)
                # Never the forged one (the text may still categorise it).
                self.assertNotIn(ticket.category_id, foreign_category | hidden_category)
                self.assertEqual(ticket.company_id, company)
                self.assertEqual(ticket.audience, "supplier")
        before = self.env["helpdesk.ticket"].search([])
        self._submit(team=supplier_portal_team.id, category=offered_category.id)
        ticket = self._new_tickets(before)
        self.assertEqual(ticket.team_id, supplier_portal_team)
        self.assertEqual(ticket.category_id, offered_category)


@tagged("post_install", "-at_install")
class TestPortalReadsWell(EtpPortalCase):
    """Operators appear by name with the desk's address, and the list keeps
    what matters on a phone."""

    PERSONAL = "anna.volkova.personal@staff.example.ru"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        domain = cls.env["mail.alias.domain"].create({"name": "etp.example.ru"})
        cls.team_supplier_l1.alias_domain_id = domain
        cls.desk_operator = new_test_user(
            cls.env,
            login="etp-desk-operator",
            name="Анна Волкова",
            email=cls.PERSONAL,
            phone="+7 999 111-22-33",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.team_supplier_l1.user_ids = [Command.link(cls.desk_operator.id)]
        cls.ticket_supplier.write(
            {"team_id": cls.team_supplier_l1.id, "user_id": cls.desk_operator.id}
        )

    def test_operator_by_name_with_the_desk_address(self):
        message = self.ticket_supplier.with_user(self.desk_operator).message_post(
            body="Перевыпустите, пожалуйста, подпись",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        # The message (and the email sent from it) carries the desk's address.
        self.assertEqual(
            message.email_from, '"Анна Волкова" <support-suppliers@etp.example.ru>'
        )
        self._login(self.portal_supplier)
        page = self.url_open(f"/my/ticket/{self.ticket_supplier.id}").text
        tree = html.fromstring(page)
        desk = tree.xpath("//*[@name='etp_ticket_desk']")[0]
        self.assertIn("Анна Волкова", desk.text_content())
        self.assertEqual(
            desk.xpath(".//a[@name='etp_ticket_desk_email']/@href"),
            ["mailto:support-suppliers@etp.example.ru"],
        )
        params = {
            "thread_model": "helpdesk.ticket",
            "thread_id": self.ticket_supplier.id,
        }
        chatter = str(self.make_jsonrpc_request("/portal/chatter_init", params))
        chatter += str(self.make_jsonrpc_request("/mail/chatter_fetch", params))
        self.assertIn("Перевыпустите, пожалуйста, подпись", chatter)
        for text in (page, chatter):
            self.assertNotIn(self.PERSONAL, text)
            self.assertNotIn("+7 999 111-22-33", text)

    def test_list_on_a_phone(self):
        """Below the md breakpoint only the reference and the title cell
        stay; the title cell then shows the stage and the last update."""
        self._login(self.portal_supplier)
        tree = html.fromstring(self.url_open("/my/tickets").content)
        row = tree.xpath(
            f"//tr[.//a[contains(@href, '/my/ticket/{self.ticket_supplier.id}')]]"
        )[0]
        visible = [
            cell for cell in row.xpath("./td") if "d-none" not in cell.get("class", "")
        ]
        self.assertEqual(len(visible), 2)
        number, title = visible
        self.assertEqual(number.text_content().strip(), self.ticket_supplier.number)
        self.assertIn(SUPPLIER_TICKET, title.text_content())
        meta = title.xpath(".//*[contains(@class, 'o_etp_ticket_list_phone_meta')]")[0]
        self.assertIn("d-md-none", meta.get("class"))
        self.assertIn(self.ticket_supplier.stage_id.name, meta.text_content())
        self.assertRegex(meta.text_content(), r"\d\d\.\d\d\.\d{4} \d\d:\d\d")
        # The requester's organisation is not repeated on every row.
        self.assertNotIn(self.org_supplier.name, title.text_content())
        headers = tree.xpath("//thead/tr")[0]
        visible_headers = [
            th.text_content().strip()
            for th in headers.xpath("./th")
            if "d-none" not in th.get("class", "")
        ]
        self.assertEqual(visible_headers, ["Number", "Title"])


@tagged("post_install", "-at_install", "is_query_count")
class TestPortalQueryCount(EtpPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["helpdesk.ticket.category"]
        cls.category_signature = Category.create({"name": "Электронная подпись"})
        cls.subcategories = Category.create(
            [
                {"name": "Подписание заявки", "parent_id": cls.category_signature.id},
                {"name": "Сертификат", "parent_id": cls.category_signature.id},
            ]
        )

    def _make_tickets(self, partner, count, start):
        for index in range(start, start + count):
            self._ticket(
                name=f"Обращение № {index}",
                partner_id=partner.id,
                procedure_number=f"03731000001240{index:05d}",
                procurement_regime="44fz",
                lot_number=str(index),
                procedure_deadline=datetime(2026, 3, 10, 7, index % 60),
                category_id=self.subcategories[index % 2].id,
            )

    def test_category_names_are_cached_and_follow_changes(self):
        """The list names each ticket's category with its parents, from
        cached names (no query for the categories at all); a rename, a
        translation or a move shows at once."""
        self._login(self.portal_supplier)

        def categories_shown():
            self.env.flush_all()  # the request reads the database
            tree = html.fromstring(self.url_open("/my/tickets").content)
            return {
                cell.text_content().strip()
                for cell in tree.xpath(
                    "//td[contains(@class, 'o_etp_ticket_category')]"
                )
            } - {"", *others}

        others = set()
        others = categories_shown()  # of the user's other tickets
        self._make_tickets(self.contact_supplier, 2, 0)

        self.assertEqual(
            categories_shown(),
            {
                "Электронная подпись / Подписание заявки",
                "Электронная подпись / Сертификат",
            },
        )
        Category = self.env["helpdesk.ticket.category"]
        Category._etp_complete_names("en_US")
        with self.assertQueryCount(0):
            Category._etp_complete_names("en_US")
        self.category_signature.name = "ЭП"
        self.assertEqual(
            categories_shown(), {"ЭП / Подписание заявки", "ЭП / Сертификат"}
        )
        self.category_signature.update_field_translations("name", {"en_US": "Подпись"})
        self.assertEqual(
            categories_shown(), {"Подпись / Подписание заявки", "Подпись / Сертификат"}
        )
        self.subcategories[1].parent_id = False
        self.assertEqual(
            categories_shown(), {"Подпись / Подписание заявки", "Сертификат"}
        )

    def _queries_of(self, url):
        for _warmup in range(3):
            self.url_open(url)
        with self._count_queries() as queries:
            response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return queries.count, response

    def test_my_tickets_query_count_is_flat(self):
        org = self.env["res.partner"].create(
            {
                "name": "ООО «Много заявок»",
                "is_company": True,
                "procurement_role": "supplier",
            }
        )
        contact = self.env["res.partner"].create(
            {"name": "Мария Орлова", "parent_id": org.id, "tz": "Asia/Omsk"}
        )
        colleague = self.env["res.partner"].create(
            {"name": "Игорь Орлов", "parent_id": org.id}
        )
        user = self._portal_user("etp-portal-many", contact)
        # Both batches hold tickets of two contacts of the organisation.
        self._make_tickets(contact, 3, 0)
        self._make_tickets(colleague, 2, 3)
        self._login(user)
        count_5, response = self._queries_of("/my/tickets")
        self.assertEqual(response.text.count('href="/my/ticket/'), 5)
        self._make_tickets(contact, 12, 5)
        self._make_tickets(colleague, 13, 17)
        count_30, response = self._queries_of("/my/tickets")
        self.assertEqual(response.text.count('href="/my/ticket/'), 30)
        self.assertEqual(count_5, count_30)
        self.assertLessEqual(count_30, MY_TICKETS_QUERY_COUNT)
        with self.assertQueryCount(MY_TICKETS_QUERY_COUNT):
            self.url_open("/my/tickets")


@tagged("post_install", "-at_install", "is_tour")
class TestPortalTour(EtpPortalCase):
    """A customer and a supplier, in Russian: create a request, reply,
    close it as solved."""

    def test_portal_tour(self):
        self._etp_speak_russian(self.portal_supplier | self.portal_customer)
        for user, team in (
            (self.portal_supplier, self.team_supplier_l1),
            (self.portal_customer, self.team_customer_l1),
        ):
            with self.subTest(user=user.login):
                before = self.env["helpdesk.ticket"].search([])
                self.start_tour(
                    "/my/tickets", "etp_helpdesk_portal_tour", login=user.login
                )
                ticket = self.env["helpdesk.ticket"].search(
                    [("id", "not in", before.ids)]
                )
                self.assertEqual(len(ticket), 1)
                role = user.partner_id.commercial_partner_id.procurement_role
                self.assertRecordValues(
                    ticket,
                    [
                        {
                            "name": "Не подаётся ценовое предложение",
                            "partner_id": user.partner_id.id,
                            "team_id": team.id,
                            "audience": role,
                            "procedure_number": "0373100000124000123",
                            "stage_id": self.stage_done.id,
                        }
                    ],
                )
                self.assertIn(ticket.category_id.audience, (role, "both"))
                self.assertIn("аукцион через час", str(ticket.description))
                self.assertEqual(ticket.attachment_ids.mapped("name"), ["скриншот.png"])
                reply = ticket.message_ids.filtered(
                    lambda m: "другой браузер" in (m.body or "")
                )
                self.assertEqual(reply.author_id, user.partner_id)
                self.assertEqual(reply.message_type, "comment")
                # Closed by the requester, not by OdooBot.
                tracking = ticket.message_ids.filtered("tracking_value_ids")[:1]
                self.assertEqual(tracking.author_id, user.partner_id)

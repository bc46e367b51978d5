# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from lxml import html

from odoo.tests import tagged
from odoo.tools import mute_logger

from .portal_common import EtpPortalCase


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

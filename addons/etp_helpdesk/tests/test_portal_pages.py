# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from lxml import html

from odoo import Command
from odoo.tests import new_test_user, tagged

from .portal_common import SUPPLIER_TICKET, EtpPortalCase

# Queries of one /my/tickets request of a portal user, measured with 5 and with
# 30 tickets of the organisation (the same count: it does not grow with the
# number of tickets). Measured in test mode, so it includes the savepoints of
# the test cursor, in the suite's database (all three addons installed), with
# the company's name in the footer and the short date format of the list.
# The tickets' categories (with their parents) and the desks' live chat rules
# come from caches: no query for them.
MY_TICKETS_QUERY_COUNT = 36


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

    def test_list_dates_in_the_reader_zone(self):
        """The list's dates are the reader's clock (their zone), as Odoo's
        datetime widget prints them; no closed-date column."""
        self.portal_supplier.tz = "Asia/Vladivostok"  # MSK+7, UTC+10
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = %s, last_stage_update = %s "
            "WHERE id = %s",
            [
                datetime(2026, 11, 23, 23, 10),
                datetime(2026, 11, 24, 1, 5),
                self.ticket_supplier.id,
            ],
        )
        self.ticket_supplier.invalidate_recordset()
        self._login(self.portal_supplier)
        tree = html.fromstring(self.url_open("/my/tickets").content)
        row = tree.xpath(
            f"//tr[.//a[contains(@href, '/my/ticket/{self.ticket_supplier.id}')]]"
        )[0]
        text = row.text_content()
        self.assertIn("24.11.2026 09:10", text)  # created, Vladivostok time
        self.assertEqual(text.count("24.11.2026 11:05"), 2)  # updated: column, phone
        headers = tree.xpath("//thead/tr/th/@name")
        self.assertNotIn("th_closed_date", headers)
        self.assertEqual(len(row.xpath("./td")), len(headers))


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

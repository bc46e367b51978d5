# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The support site: its home page says how to reach each desk, each
audience has its own page with its own live chat, and nothing of Odoo's
sample website is left."""

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import EtpHelpdeskCommon

# Sample text of Odoo's default website (header, footer, contact page) and of
# its branding, in the English source.
PLACEHOLDERS = (
    "YourCompany",
    "yourcompany",
    "Your Logo",
    "website_logo.svg",
    "We are a team of passionate people",
    "Products",
    "Services",
    "Useful Links",
    "Contact us",
    "Contact Us",
    "Powered by",
    "odoo.com",
    "+1 555-555-5556",
    "Company name",
)


@tagged("post_install", "-at_install")
class TestSupportSite(HttpCase, EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        cls.website.company_id.write(
            {"phone": "8 800 100-24-07", "email": "support@etp.example.ru"}
        )
        domain = cls.env["mail.alias.domain"].create({"name": "etp.example.ru"})
        (cls.team_customer_l1 | cls.team_supplier_l1).alias_domain_id = domain
        cls.livechat_customer = cls.env.ref("etp_helpdesk.im_livechat_channel_customer")
        cls.livechat_supplier = cls.env.ref("etp_helpdesk.im_livechat_channel_supplier")

    def _online(self, user):
        self.env["bus.presence"].create(
            {"user_id": user.id, "status": "online", "last_poll": fields.Datetime.now()}
        )

    def test_home_page_tells_how_to_reach_each_desk(self):
        response = self.url_open("/")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn("o_etp_support_home", page)
        self.assertIn("8 800 100-24-07", page)
        self.assertIn('href="tel:8 800 100-24-07"', page)
        for email in (
            "support-customers@etp.example.ru",
            "support-suppliers@etp.example.ru",
        ):
            self.assertIn(f'href="mailto:{email}"', page)
        for url in (
            "/support?audience=customer",
            "/support?audience=supplier",
            "/customers",
            "/suppliers",
            "/my/tickets",
        ):
            self.assertIn(f'href="{url}"', page.replace("&amp;", "&"))
        # No operator online: the chat says so.
        self.assertIn("no operator is online right now", page)
        self.assertEqual(self.website.homepage_url, "/helpdesk")

    def test_no_sample_text_of_odoo(self):
        for path in ("/", "/customers", "/suppliers", "/support"):
            with self.subTest(path=path):
                page = self.url_open(path).text
                for text in PLACEHOLDERS:
                    self.assertNotIn(text, page)
        self.assertNotEqual(self.website.name, "My Website")
        # Odoo's sample contact page is withdrawn and leads to the desk.
        response = self.url_open("/contactus", allow_redirects=False)
        self.assertIn(response.status_code, (301, 308))
        self.assertTrue(response.headers["Location"].endswith("/helpdesk"))
        menu_urls = self.website.menu_id.child_id.mapped("url")
        self.assertNotIn("/contactus", menu_urls)
        for url in ("/customers", "/suppliers", "/support"):
            self.assertIn(url, menu_urls)

    def test_each_audience_page_offers_its_chat(self):
        """/customers offers the customers' chat and /suppliers the
        suppliers' one, to an anonymous visitor, as soon as an operator of
        that desk is online."""
        operator_c = new_test_user(
            self.env,
            login="etp-chat-customers",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        operator_s = new_test_user(
            self.env,
            login="etp-chat-suppliers",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        self.team_customer_l1.user_ids = [Command.link(operator_c.id)]
        self.team_supplier_l1.user_ids = [Command.link(operator_s.id)]
        marker = '"channel_id": %d'
        for path, own in (
            ("/customers", self.livechat_customer),
            ("/suppliers", self.livechat_supplier),
        ):
            with self.subTest(path=path):
                page = self.url_open(path)
                self.assertEqual(page.status_code, 200)
                # Nobody online: no chat button.
                self.assertIn("isAvailable: false", page.text)
                self.assertNotIn(marker % own.id, page.text)
        self._online(operator_s)
        page = self.url_open("/suppliers").text
        self.assertIn("isAvailable: true", page)
        self.assertIn(marker % self.livechat_supplier.id, page)
        self.assertNotIn(marker % self.livechat_customer.id, page)
        self.assertIn("An operator is online", page)
        # The customers' desk has nobody online yet.
        page = self.url_open("/customers").text
        self.assertIn("isAvailable: false", page)
        self._online(operator_c)
        page = self.url_open("/customers").text
        self.assertIn(marker % self.livechat_customer.id, page)
        self.assertNotIn(marker % self.livechat_supplier.id, page)
        home = self.url_open("/").text
        self.assertEqual(home.count("o_etp_support_desk_chat"), 2)
        self.assertNotIn("no operator is online right now", home)

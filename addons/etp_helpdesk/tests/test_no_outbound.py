# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Nothing leaves the server for third parties by default: no module of an
outside service is installed, no background call, and the pages the site,
the portal and the back office render load nothing from another host."""

import re
from unittest.mock import patch
from urllib.parse import urljoin, urlsplit

from lxml import html

from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from ..hooks import OUTBOUND_MODULES
from .common import EtpHelpdeskCommon

# Attributes through which a page makes the browser fetch or point elsewhere.
URL_ATTRIBUTES = ("src", "href", "srcset", "data-src", "action", "poster", "formaction")
# url(...) and @import in style sheets: fetched by the browser when used.
CSS_URL_RE = re.compile(
    r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I
)


@tagged("post_install", "-at_install")
class TestNoOutboundSetting(TransactionCase):
    def test_no_third_party_service_module_is_installed(self):
        installed = (
            self.env["ir.module.module"]
            .search([("name", "in", OUTBOUND_MODULES), ("state", "=", "installed")])
            .mapped("name")
        )
        self.assertFalse(installed, "modules calling third-party services")

    def test_no_background_call(self):
        # Odoo's weekly report to odoo.com
        cron = self.env.ref("mail.ir_cron_module_update_notification")
        self.assertFalse(cron.active)
        # Discuss fetching any URL written in a message or a chat
        self.assertFalse(self.env["mail.link.preview"]._is_link_preview_enabled())

    def test_contact_email_is_not_sent_to_gravatar(self):
        with patch(
            "odoo.addons.base.models.res_partner.requests.get",
            side_effect=AssertionError("gravatar.com was called"),
        ):
            partner = (
                self.env["res.partner"]
                .with_context(gravatar_image=True)
                .new({"name": "Ирина Смирнова"})
            )
            partner.email = "smirnova@hospital1.example.ru"
            partner.onchange_email()
        self.assertFalse(partner.image_1920)


@tagged("post_install", "-at_install")
class TestNoExternalHostInPages(HttpCase, EtpHelpdeskCommon):
    """Every page a role opens, and the style sheets it loads, name no host
    but this server: no font CDN, no analytics, no link to odoo.com."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            login="etp-portal-outbound",
            groups="base.group_portal",
            partner_id=cls.contact_supplier.id,
        )
        cls.ticket = cls._ticket(
            name="Не подписывается заявка",
            partner_id=cls.contact_supplier.id,
            user_id=cls.operator.id,
        )

    def _own_hosts(self):
        hosts = {urlsplit(self.base_url()).netloc}
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        hosts.add(urlsplit(base or "").netloc)
        hosts.update(
            urlsplit(w.domain if "//" in w.domain else "//" + w.domain).netloc
            for w in self.env["website"].search([("domain", "!=", False)])
        )
        return hosts

    def _external(self, url, hosts):
        url = url.strip()
        if url.startswith(("mailto:", "tel:", "data:", "#", "javascript:")):
            return False
        netloc = urlsplit(url).netloc
        return bool(netloc) and netloc not in hosts

    def _check_page(self, path, hosts, seen_css):
        response = self.url_open(path)
        self.assertEqual(response.status_code, 200, path)
        tree = html.fromstring(response.content)
        found = []
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in URL_ATTRIBUTES:
                value = element.get(attribute)
                if not value:
                    continue
                urls = (
                    [part.split()[0] for part in value.split(",") if part.strip()]
                    if attribute == "srcset"
                    else [value]
                )
                found += [url for url in urls if self._external(url, hosts)]
        for style in tree.iter("style"):
            found += CSS_URL_RE.findall(style.text or "")
        self.assertFalse(found, f"{path} references other hosts")
        for link in tree.xpath("//link[@rel='stylesheet']/@href"):
            css_url = urljoin(response.url, link)
            if css_url in seen_css:
                continue
            seen_css.add(css_url)
            css = self.url_open(css_url).text
            self.assertFalse(
                CSS_URL_RE.findall(css), f"{css_url} (of {path}) loads from other hosts"
            )

    def test_pages_of_every_role(self):
        hosts = self._own_hosts()
        seen_css = set()
        for path in (
            "/",
            "/helpdesk",
            "/customers",
            "/suppliers",
            "/support",
            "/web/login",
            "/contactus",
        ):
            with self.subTest(role="anonymous", path=path):
                self._check_page(path, hosts, seen_css)
        self.authenticate(self.portal_user.login, self.portal_user.login)
        for path in (
            "/my",
            "/my/tickets",
            f"/my/ticket/{self.ticket.id}",
            "/new/ticket",
        ):
            with self.subTest(role="portal", path=path):
                self._check_page(path, hosts, seen_css)
        self.authenticate(self.operator.login, self.operator.login)
        with self.subTest(role="operator", path="/odoo"):
            self._check_page("/odoo", hosts, seen_css)
        self.assertTrue(seen_css)

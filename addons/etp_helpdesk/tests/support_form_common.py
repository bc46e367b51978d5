# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The web form tests' shared case: the settings, the page's tokens and the
posting and reading helpers of TestSupportForm (test_support_form*.py)."""

from lxml import html

from odoo.tests import HttpCase

from .common import EtpHelpdeskCommon

NOTICE_44 = "0373100000124000123"


class SupportFormCase(EtpHelpdeskCommon, HttpCase):
    """The public web form /support, exercised over HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ticket = cls.env["helpdesk.ticket"]
        cls.Consent = cls.env["helpdesk.ticket.consent"]
        cls.channel_web = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web")
        Category = cls.env["helpdesk.ticket.category"]
        cls.category = Category.create({"name": "Подача заявки"})
        cls.category_hidden = Category.create(
            {"name": "Внутренняя категория", "show_in_portal": False}
        )
        cls.category_archived = Category.create(
            {"name": "Старая категория", "active": False}
        )
        Param = cls.env["ir.config_parameter"].sudo()
        for key in (
            "etp_helpdesk.form_rate_limit_per_hour",
            "etp_helpdesk.form_max_upload_mb",
            "etp_helpdesk.form_max_upload_total_mb",
        ):
            Param.search([("key", "=", key)]).unlink()
        # Every request of the tests comes from 127.0.0.1: start with no
        # consent from there, whatever the database holds.
        cls.Consent.search([("ip_address", "=", "127.0.0.1")]).unlink()

    def setUp(self):
        super().setUp()
        # An anonymous visitor's session, bound to the test database.
        self.authenticate(None, None)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _set_param(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(key, value)

    def _form_tokens(self):
        """Open the form like a browser and return its CSRF token and its
        one-time submission token."""
        response = self.url_open("/support")
        self.assertEqual(response.status_code, 200)
        form = html.fromstring(response.content).xpath(
            "//form[hasclass('o_etp_support_form')]"
        )[0]
        return (
            form.xpath(".//input[@name='csrf_token']/@value")[0],
            form.xpath(".//input[@name='submission_token']/@value")[0],
        )

    def _form_token(self):
        """Open the form like a browser and return its CSRF token."""
        return self._form_tokens()[0]

    def _payload(self, **values):
        payload = {
            "audience": "supplier",
            "contact_name": "Пётр Иванов",
            "email": "petr.ivanov@zavod.example.ru",
            "phone": "+7 495 123-45-67",
            "inn": "7736050003",
            "procedure_number": NOTICE_44,
            "subject": "Не подаётся заявка",
            "description": "При подаче заявки на участие появляется ошибка подписи.",
            "consent": "1",
        }
        payload.update(values)
        return {key: value for key, value in payload.items() if value is not None}

    def _post(self, files=None, allow_redirects=True, csrf_token=True, **values):
        data = self._payload(**values)
        page_csrf, page_submission = self._form_tokens()
        data.setdefault("submission_token", page_submission)
        if csrf_token is True:
            csrf_token = page_csrf
        if csrf_token:
            data["csrf_token"] = csrf_token
        return self.url_open(
            "/support", data=data, files=files, allow_redirects=allow_redirects
        )

    def _new_tickets(self, before):
        return self.Ticket.search([("id", "not in", before.ids)])

    def _doc(self, response):
        return html.fromstring(response.content)

    def _error(self, doc, field):
        nodes = doc.xpath(f"//*[@id='etp_support_{field}_error']")
        return nodes[0].text_content().strip() if nodes else ""

    def _value(self, doc, name):
        return doc.xpath(f"//form//*[@name='{name}']/@value")[0]

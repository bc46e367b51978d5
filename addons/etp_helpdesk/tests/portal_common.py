# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The portal tests' shared case: two organisations, their tickets and the
checks of a refused answer (test_portal*.py)."""

import base64
from datetime import datetime

from odoo import http
from odoo.tests import HttpCase, new_test_user

from .common import EtpHelpdeskCommon

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

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The personal data requests' shared case (test_personal_data_*.py)."""

from odoo import http
from odoo.tests import HttpCase, new_test_user

from .common import SupportFormMixin
from .retention_common import EtpRetentionCommon


class EtpPersonalDataCase(SupportFormMixin, HttpCase, EtpRetentionCommon):
    """Ирина Смирнова (a portal user) with a closed and an open request and
    the consent she gave on the form; Олег Кузнецов (another portal user)
    with a closed request; a supervisor and a line-1 operator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            login="etp-pd-portal",
            groups="base.group_portal",
            partner_id=cls.person.id,
            name=cls.person.name,
            email=cls.person.email,
        )
        cls.stranger = new_test_user(
            cls.env,
            login="etp-pd-stranger",
            groups="base.group_portal",
            partner_id=cls.contact_supplier.id,
            name=cls.contact_supplier.name,
            email=cls.contact_supplier.email,
        )
        cls.supervisor = new_test_user(
            cls.env,
            login="etp-pd-supervisor",
            name="Старший смены Анна",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.line_operator = new_test_user(
            cls.env,
            login="etp-pd-line1",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.Log = cls.env["helpdesk.personal.data.log"]
        cls.env["helpdesk.ticket.consent"].search(
            [("ip_address", "=", "127.0.0.1")]
        ).unlink()

    def setUp(self):
        super().setUp()
        self.closed_ticket = self._closed_ticket(self.person)
        with self._at(self.closed_ticket.create_date, flush=True):
            self.open_ticket = self._ticket(
                name="Не приходит уведомление",
                partner_id=self.person.id,
                partner_email=self.person.email,
                team_id=self.team_customer_l1.id,
            )
        self.other_ticket = self._closed_ticket(
            self.contact_supplier, name="Вопрос поставщика Кузнецова"
        )

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _withdraw(self, csrf=True, **data):
        if csrf:
            data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(
            "/my/personal-data/withdraw", data=data, allow_redirects=False
        )

    def assertUntouched(self, ticket, email):
        ticket.invalidate_recordset()
        self.assertFalse(ticket.etp_anonymised_at)
        self.assertEqual(ticket.partner_email, email)

"""Story: a supplier asks on the portal where to find a signed contract.

The supplier's contact asks on the portal where the signed contract for notice
0373100000124000123 is. The ticket gets the procedure number and reaches the
suppliers' line 1; the operator answers with the canned response; the ticket
is closed from the portal by its owner, and by nobody else.
"""

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

NOTICE = "0373100000124000123"


@tagged("post_install", "-at_install")
class TestStorySignedContractPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.supplier_org = Partner.create(
            {
                "name": "ООО «МедТехСнаб»",
                "is_company": True,
                "vat": "7736050003",
                "procurement_role": "supplier",
            }
        )
        cls.customer_org = Partner.create(
            {
                "name": "ГБУЗ «ГКБ № 7»",
                "is_company": True,
                "vat": "7707083893",
                "procurement_role": "customer",
            }
        )
        cls.owner = cls._portal("oleg.supplier", "Олег Кузнецов", cls.supplier_org)
        cls.stranger = cls._portal("irina.customer", "Ирина Смирнова", cls.customer_org)
        cls.operator = new_test_user(
            cls.env,
            login="dmitry.l1",
            name="Дмитрий Соколов",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.team = cls.env.ref("etp_helpdesk.helpdesk_ticket_team_supplier_l1")
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    @classmethod
    def _portal(cls, login, name, org):
        contact = cls.env["res.partner"].create(
            {"name": name, "parent_id": org.id, "email": f"{login}@example.ru"}
        )
        return new_test_user(
            cls.env, login=login, partner_id=contact.id, groups="base.group_portal"
        )

    def _post(self, url, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(url, data=data, allow_redirects=False)

    def test_supplier_finds_the_signed_contract_and_closes_the_ticket(self):
        # The supplier asks on the portal.
        self.authenticate(self.owner.login, self.owner.login)
        before = self.env["helpdesk.ticket"].search([])
        response = self._post(
            "/submitted/ticket",
            subject="Где найти подписанный контракт?",
            description=f"Заказчик подписал контракт по закупке {NOTICE}, а в "
            "личном кабинете мы его не видим. Где его найти?",
        )
        self.assertIn(response.status_code, (302, 303))
        ticket = self.env["helpdesk.ticket"].search([]) - before
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.procedure_number, NOTICE)
        self.assertEqual(ticket.procedure_kind, "eis_44")
        self.assertEqual(ticket.audience, "supplier")
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(
            ticket.category_id,
            self.env.ref("etp_helpdesk.helpdesk_ticket_category_contracts_find_signed"),
        )

        # Line 1 answers with the canned response.
        canned = self.env.ref("etp_helpdesk.mail_canned_response_find_signed_contract")
        ticket.with_user(self.operator).message_post(
            body=canned.substitution,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        self.assertTrue(NOTICE in page, "the procedure number on the portal page")
        answer = (
            self.env["mail.message"]
            .with_user(self.owner)
            .search(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "=", ticket.id),
                    ("body", "ilike", "Заключённые"),
                ]
            )
        )
        self.assertEqual(len(answer), 1, "the answer is visible to the requester")
        self.assertIn(self.owner.partner_id, answer.sudo().notified_partner_ids)

        # Somebody from another organisation cannot close it, nor see it.
        self.authenticate(self.stranger.login, self.stranger.login)
        response = self._post(
            "/ticket/close", ticket_id=ticket.id, stage_id=self.stage_done.id
        )
        self.assertFalse("подписанный контракт" in response.text)
        self.assertFalse(ticket.closed)

        # The owner closes it.
        self.authenticate(self.owner.login, self.owner.login)
        response = self._post(
            "/ticket/close", ticket_id=ticket.id, stage_id=self.stage_done.id
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.stage_id, self.stage_done)

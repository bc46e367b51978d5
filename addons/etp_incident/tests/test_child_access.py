# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

# the records that belong to a ticket and follow its access through
# helpdesk.ticket.child.mixin (helpdesk_mgmt_sla's SLA rows too)
CHILDREN = (
    "helpdesk.ticket.checklist",
    "helpdesk.ticket.escalation",
    "helpdesk.external.escalation",
    "helpdesk.ticket.sla",
)


class TestChildAccess(EtpHelpdeskCommon):
    """Every record that belongs to a ticket is open to whoever may read the
    ticket, and to nobody else: the ticket's rules decide, one mechanism."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, groups, **values):
            return new_test_user(cls.env, login=login, groups=groups, **values)

        cls.colleague = user("etp-child-c1a", "etp_escalation.group_etp_line1_customer")
        cls.op_customer_l1 = user(
            "etp-child-c1b", "etp_escalation.group_etp_line1_customer"
        )
        cls.op_supplier_l1 = user(
            "etp-child-s1", "etp_escalation.group_etp_line1_supplier"
        )
        cls.foreign_portal = user(
            "etp-child-portal", "base.group_portal", partner_id=cls.contact_supplier.id
        )
        category = cls.env.ref("etp_helpdesk.helpdesk_ticket_category_access_signature")
        cls.env["helpdesk.playbook.step"].create(
            {"category_id": category.id, "name": "Проверить сертификат"}
        )
        # a customer ticket of line 1, assigned to a colleague
        cls.ticket = cls._ticket(
            name="Не подписывается заявка",
            partner_id=cls.contact_customer.id,
            category_id=category.id,
            user_id=cls.colleague.id,
        )
        cls.env["helpdesk.ticket.escalation"].create(
            {
                "ticket_id": cls.ticket.id,
                "from_team_id": cls.team_customer_l1.id,
                "to_team_id": cls.team_customer_l2.id,
                "reason": "Нужна проверка журнала подписи",
                "user_id": cls.op_customer_l1.id,
            }
        )
        cls.env["helpdesk.external.escalation"].create(
            {
                "ticket_id": cls.ticket.id,
                "party_id": cls.env.ref("etp_incident.helpdesk_external_party_eis").id,
                "external_ref": "ЕИС-2026-000777",
                "user_id": cls.colleague.id,
            }
        )

    def _children(self, model):
        records = self.env[model].search([("ticket_id", "=", self.ticket.id)])
        self.assertTrue(records, model)
        return records

    def test_child_models_have_no_record_rules_of_their_own(self):
        rules = self.env["ir.rule"].search([("model_id.model", "in", CHILDREN)])
        self.assertFalse(rules.mapped("name"))
        for model in CHILDREN:
            self.assertIn("helpdesk.ticket.child.mixin", self.env[model]._inherit)

    def test_line_operator_sees_every_child_of_a_ticket_of_their_line(self):
        self.assertTrue(self.ticket.with_user(self.op_customer_l1).has_access("read"))
        for model in CHILDREN:
            with self.subTest(model=model):
                records = self._children(model)
                found = (
                    self.env[model]
                    .with_user(self.op_customer_l1)
                    .search([("ticket_id", "=", self.ticket.id)])
                )
                self.assertEqual(found, records)
                found.read(["ticket_id"])

    def test_operator_of_another_line_is_refused(self):
        self.assertFalse(self.ticket.with_user(self.op_supplier_l1).has_access("read"))
        for model in CHILDREN:
            with self.subTest(model=model):
                records = self._children(model).with_user(self.op_supplier_l1)
                self.assertFalse(
                    self.env[model]
                    .with_user(self.op_supplier_l1)
                    .search([("ticket_id", "=", self.ticket.id)])
                )
                with self.assertRaises(AccessError):
                    records.read(["ticket_id"])
                with self.assertRaises(AccessError):
                    records.write({"ticket_id": self.ticket.id})

    def test_portal_user_of_another_organisation_is_refused(self):
        for model in CHILDREN:
            with self.subTest(model=model):
                records = self._children(model).with_user(self.foreign_portal)
                with self.assertRaises(AccessError):
                    records.read(["ticket_id"])
                with self.assertRaises(AccessError):
                    records.write({"ticket_id": self.ticket.id})

    def test_our_contact_keeps_the_external_escalation_of_a_moved_ticket(self):
        # line 2 takes the ticket over; the colleague neither holds nor follows it
        self.ticket.write({"team_id": self.team_customer_l2.id, "user_id": False})
        self.ticket.message_unsubscribe(partner_ids=self.colleague.partner_id.ids)
        self.assertFalse(self.ticket.with_user(self.colleague).has_access("read"))
        escalation = self._children("helpdesk.external.escalation")
        self.assertEqual(
            escalation.with_user(self.colleague).external_ref, "ЕИС-2026-000777"
        )
        with self.assertRaises(AccessError):
            self._children("helpdesk.ticket.checklist").with_user(self.colleague).read(
                ["name"]
            )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon


class TestEscalation(EtpHelpdeskCommon):
    def _wizard(self, ticket, direction="escalate"):
        action = (
            ticket.action_escalate()
            if direction == "escalate"
            else ticket.action_send_back()
        )
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    def test_escalation_follows_the_path_and_is_recorded(self):
        ticket = self._ticket(partner_id=self.contact_supplier.id)
        wizard = self._wizard(ticket)
        self.assertEqual(wizard.team_id, self.team_supplier_l2)
        wizard.reason = "Нужен доступ к журналу событий аукциона"
        wizard.tried = "Проверили сертификат и плагин"
        wizard.save().action_confirm()
        self.assertEqual(ticket.team_id, self.team_supplier_l2)
        self.assertEqual(ticket.support_line, "2")
        history = ticket.escalation_ids
        self.assertEqual(len(history), 1)
        self.assertRecordValues(
            history,
            [
                {
                    "from_team_id": self.team_supplier_l1.id,
                    "from_line": "1",
                    "to_team_id": self.team_supplier_l2.id,
                    "to_line": "2",
                    "kind": "manual",
                    "tried": "Проверили сертификат и плагин",
                    "user_id": self.env.user.id,
                }
            ],
        )

    def test_send_back_returns_to_the_previous_line(self):
        ticket = self._ticket(partner_id=self.contact_customer.id)
        ticket._etp_move_to_team(self.team_customer_l2, "Сложный случай")
        wizard = self._wizard(ticket, "return")
        self.assertEqual(wizard.team_id, self.team_customer_l1)
        wizard.reason = "Типовой вопрос, ответ в базе знаний"
        wizard.save().action_confirm()
        self.assertEqual(ticket.team_id, self.team_customer_l1)
        self.assertEqual(ticket.escalation_ids[0].kind, "return")

    def test_reason_is_required(self):
        ticket = self._ticket(partner_id=self.contact_customer.id)
        with self.assertRaises(UserError):
            ticket._etp_move_to_team(self.team_customer_l2, "  ")
        self.assertEqual(ticket.team_id, self.team_customer_l1)
        self.assertFalse(ticket.escalation_ids)

    def test_team_cannot_escalate_to_itself(self):
        with self.assertRaises(ValidationError):
            self.team_l3.escalation_team_id = self.team_l3

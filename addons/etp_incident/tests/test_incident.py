# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon


class TestIncident(EtpHelpdeskCommon):
    def test_register_from_ticket_and_resolve_solves_linked_tickets(self):
        tickets = self._ticket(
            name="Не могу подписать заявку", partner_id=self.contact_supplier.id
        ) | self._ticket(name="Ошибка подписи", partner_id=self.contact_customer.id)
        action = tickets.with_context(
            default_component="signature"
        ).action_register_incident()
        incident = self.env["helpdesk.incident"].browse(action["res_id"])
        self.assertEqual(incident.ticket_ids, tickets)
        self.assertEqual(incident.component, "signature")
        self.assertTrue(incident.name.startswith("INC-"))
        self.assertEqual(tickets.mapped("incident_state"), ["new", "new"])

        incident.action_hand_to_it()
        incident.action_start()
        incident.action_resolve()
        self.assertEqual(incident.state, "resolved")
        self.assertTrue(incident.resolved_at)
        self.assertEqual(tickets.stage_id, self.stage_done)

    def test_state_machine_refuses_jumps(self):
        incident = self.env["helpdesk.incident"].create({"title": "Сбой входа"})
        with self.assertRaisesRegex(UserError, "cannot become"):
            incident.action_close()
        self.assertEqual(incident.state, "new")

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .helpdesk_incident import COMPONENTS


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    incident_id = fields.Many2one("helpdesk.incident", index=True, tracking=True)
    incident_state = fields.Selection(
        related="incident_id.state", string="Incident Status"
    )

    def action_register_incident(self):
        """Register an incident from the selected tickets, or link them to the
        open incident of the same component, and open it."""
        tickets = self.filtered(lambda t: not t.incident_id)
        component = self.env.context.get("default_component", "other")
        incident = self.env["helpdesk.incident"].create(
            {
                "title": self[:1].name,
                "description": self[:1].description,
                "component": component if component in dict(COMPONENTS) else "other",
            }
        )
        tickets.write({"incident_id": incident.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.incident",
            "res_id": incident.id,
            "view_mode": "form",
        }

    # --- incident hand-off and linked tickets (helper "it") ---

    # --- spike detection and external escalations (helper "ext") ---

    # --- emergency cases (helper "case") ---

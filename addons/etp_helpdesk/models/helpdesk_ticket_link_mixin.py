# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class HelpdeskTicketLinkMixin(models.AbstractModel):
    """A record that names a ticket (``ticket_id``) and opens it from its
    list or form (the external escalations, the organisations of an emergency
    case, the rows of the ticket analysis)."""

    _name = "helpdesk.ticket.link.mixin"
    _description = "Record Opening Its Ticket"

    def action_open_ticket(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": self.ticket_id.id,
            "view_mode": "form",
        }

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from odoo.addons.etp_helpdesk.models.helpdesk_ticket_team import SUPPORT_LINES

ESCALATION_KINDS = [
    ("manual", "Manual"),
    ("return", "Sent back"),
    ("sla_breach", "SLA breach"),
    ("deadline", "Deadline"),
]


class HelpdeskTicketEscalation(models.Model):
    _name = "helpdesk.ticket.escalation"
    _inherit = ["helpdesk.ticket.child.mixin"]
    _description = "Ticket Escalation"
    _order = "create_date desc, id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    from_team_id = fields.Many2one(
        "helpdesk.ticket.team",
    )
    from_line = fields.Selection(SUPPORT_LINES)
    to_team_id = fields.Many2one("helpdesk.ticket.team", required=True)
    to_line = fields.Selection(SUPPORT_LINES)
    kind = fields.Selection(ESCALATION_KINDS, required=True, default="manual")
    reason = fields.Text(required=True)
    tried = fields.Text(string="Already Tried")
    user_id = fields.Many2one(
        "res.users", string="By", default=lambda self: self.env.user, index=True
    )
    audience = fields.Selection(related="ticket_id.audience", store=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)

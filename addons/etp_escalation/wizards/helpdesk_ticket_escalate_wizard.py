# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskTicketEscalateWizard(models.TransientModel):
    _name = "helpdesk.ticket.escalate.wizard"
    _description = "Escalate or Send Back a Ticket"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade")
    direction = fields.Selection(
        [("escalate", "Escalate"), ("return", "Send back")],
        required=True,
        default="escalate",
    )
    current_team_id = fields.Many2one(related="ticket_id.team_id")
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="To Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        required=True,
    )
    reason = fields.Text(required=True)
    tried = fields.Text(
        string="Already Tried",
        help="What the current line has already checked or done, so that the "
        "next line does not start from scratch.",
    )

    @api.depends("ticket_id", "direction")
    def _compute_team_id(self):
        for wizard in self:
            ticket = wizard.ticket_id
            if not ticket:
                wizard.team_id = False
            elif wizard.direction == "escalate":
                wizard.team_id = ticket._etp_escalation_target()
            else:
                wizard.team_id = ticket._etp_send_back_target()

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id._etp_move_to_team(
            self.team_id,
            self.reason,
            kind="manual" if self.direction == "escalate" else "return",
            tried=self.tried,
        )
        return {"type": "ir.actions.act_window_close"}

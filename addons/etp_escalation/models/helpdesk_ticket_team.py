# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    escalation_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Escalates To",
        help="The team a ticket goes to when this team escalates it.",
    )

    @api.constrains("escalation_team_id")
    def _check_escalation_team_id(self):
        for team in self:
            if team.escalation_team_id == team:
                raise ValidationError(
                    self.env._("Team %s cannot escalate to itself.", team.name)
                )

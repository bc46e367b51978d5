# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.etp_helpdesk.tools import set_column_defaults


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    escalation_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Escalates To",
        help="The team a ticket goes to when this team escalates it.",
    )
    duty_enabled = fields.Boolean(
        string="Assign by Duty Roster",
        help="New and escalated tickets without a user go to a member of the "
        "team on duty at that moment; when nobody is on duty they stay "
        "unassigned and the team leader is notified.",
    )
    assignment_method = fields.Selection(
        [("round_robin", "Round robin"), ("least_loaded", "Least loaded")],
        required=True,
        default="round_robin",
        help="Round robin: the member on duty who got a ticket longest ago. "
        "Least loaded: the member on duty with the fewest open tickets.",
    )
    duty_user_ids = fields.Many2many(
        "res.users",
        string="On Duty Now",
        compute="_compute_duty_user_ids",
    )

    def init(self):
        result = super().init()
        set_column_defaults(self, "etp_escalation")
        return result

    def _compute_duty_user_ids(self):
        on_duty = self.env["helpdesk.duty.shift"]._etp_on_duty(self._origin)
        for team in self:
            shifts = on_duty.get(team._origin.id)
            team.duty_user_ids = shifts.user_id if shifts else False

    @api.constrains("escalation_team_id")
    def _check_escalation_team_id(self):
        for team in self:
            if team.escalation_team_id == team:
                raise ValidationError(
                    self.env._("Team %s cannot escalate to itself.", team.name)
                )

    def action_view_duty_roster(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "etp_escalation.helpdesk_duty_shift_action"
        )
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id}
        return action

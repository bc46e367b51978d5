# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from odoo.addons.etp_helpdesk.tools import set_column_defaults

# what decides whether a ticket without a team has an SLA clock (see
# _etp_sla_intake_company_ids)
SLA_INTAKE_FIELDS = {"use_sla", "support_line", "company_id", "active"}


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

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        self.env.registry.clear_cache()  # _etp_sla_intake_company_ids
        return teams

    def write(self, vals):
        result = super().write(vals)
        if SLA_INTAKE_FIELDS.intersection(vals):
            self.env.registry.clear_cache()  # _etp_sla_intake_company_ids
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # _etp_sla_intake_company_ids
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

    @api.model
    @tools.ormcache()
    def _etp_sla_intake_company_ids(self):
        """The companies whose line-1 desks use SLA: a ticket of theirs that
        no desk holds yet has an SLA clock. Cached (every new ticket asks);
        a change of a team's SLA, line, company or archiving clears it."""
        teams = self.sudo().search([("support_line", "=", "1"), ("use_sla", "=", True)])
        return frozenset(teams.company_id.ids)

    def action_view_duty_roster(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "etp_escalation.helpdesk_duty_shift_action"
        )
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id}
        return action

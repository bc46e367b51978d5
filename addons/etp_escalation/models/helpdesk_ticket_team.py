# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import statistics
from datetime import datetime, time, timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from odoo.addons.etp_helpdesk.lib import deadlines
from odoo.addons.etp_helpdesk.tools import set_column_defaults

# what decides whether a ticket without a team has an SLA clock (see
# _etp_sla_intake_company_ids)
SLA_INTAKE_FIELDS = {"use_sla", "support_line", "company_id", "active"}
# the dashboard's figures: what each number counts, what its list shows
DASHBOARD_METRICS = ("open", "unassigned", "at_risk", "breached", "answered_today")
BREACHED_WINDOW = timedelta(hours=24)


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
    is_my_desk = fields.Boolean(
        string="My Desks",
        compute="_compute_is_my_desk",
        search="_search_is_my_desk",
        help="The desks the user works on, as a member or the leader; a "
        "supervisor's desks are all desks.",
    )
    # The dashboard (one card per desk, i.e. per line and audience)
    dashboard_open_count = fields.Integer(
        string="Open Requests", compute="_compute_dashboard"
    )
    dashboard_unassigned_count = fields.Integer(
        string="Unassigned", compute="_compute_dashboard"
    )
    dashboard_at_risk_count = fields.Integer(
        string="At Risk",
        compute="_compute_dashboard",
        help="Open requests close to their nearest deadline (within the warning).",
    )
    dashboard_breached_count = fields.Integer(
        string="Breached in 24 h",
        compute="_compute_dashboard",
        help="Requests with an SLA target missed in the last 24 hours.",
    )
    dashboard_answered_count = fields.Integer(
        string="Answered Today", compute="_compute_dashboard"
    )
    dashboard_first_response_median = fields.Float(
        string="First Response Today, Median",
        compute="_compute_dashboard",
        help="Median time from the request to the operator's first public "
        "reply, of the requests first answered today (Moscow time), in hours.",
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

    @api.depends_context("uid")
    def _compute_is_my_desk(self):
        desks = self._etp_my_desks()
        for team in self:
            team.is_my_desk = desks is None or team._origin in desks

    def _search_is_my_desk(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._(
                    "The filter on my desks accepts only 'is set' and 'is not set'."
                )
            )
        desks = self._etp_my_desks()
        domain = expression.TRUE_DOMAIN if desks is None else [("id", "in", desks.ids)]
        if (operator == "=") == value:
            return domain
        return ["!", *domain]

    @api.depends_context("uid")
    def _compute_dashboard(self):
        """The dashboard's figures of the desks, as the user may see them:
        one grouped count per figure for all desks, and the first-response
        times of the requests answered today in one more."""
        now = fields.Datetime.now()
        domains = self._etp_dashboard_domains(now)
        Ticket = self.env["helpdesk.ticket"]
        teams = [("team_id", "in", self._origin.ids)]
        counts = {}
        for metric in ("open", "unassigned", "at_risk", "breached"):
            counts[metric] = dict(
                Ticket._read_group(
                    expression.AND([teams, domains[metric]]), ["team_id"], ["__count"]
                )
            )
        answered = {
            team: (created, responded)
            for team, created, responded in Ticket._read_group(
                expression.AND([teams, domains["answered_today"]]),
                ["team_id"],
                ["create_date:array_agg", "first_response_date:array_agg"],
            )
        }
        for team in self:
            origin = team._origin
            team.dashboard_open_count = counts["open"].get(origin, 0)
            team.dashboard_unassigned_count = counts["unassigned"].get(origin, 0)
            team.dashboard_at_risk_count = counts["at_risk"].get(origin, 0)
            team.dashboard_breached_count = counts["breached"].get(origin, 0)
            created, responded = answered.get(origin, ((), ()))
            team.dashboard_answered_count = len(responded)
            team.dashboard_first_response_median = (
                statistics.median(
                    (answer - start).total_seconds() / 3600.0
                    for start, answer in zip(created, responded, strict=True)
                )
                if responded
                else 0.0
            )

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

    def action_open_dashboard_tickets(self):
        """The list behind a number of the dashboard: the desk's requests the
        figure counts (``dashboard_metric`` in the context; the card itself
        opens the open requests)."""
        self.ensure_one()
        metric = self.env.context.get("dashboard_metric") or "open"
        if metric not in DASHBOARD_METRICS:
            raise UserError(self.env._("Unknown dashboard figure: %s", metric))
        domain = self._etp_dashboard_domains(fields.Datetime.now())[metric]
        titles = {
            "open": self.env._("%(desk)s: open requests"),
            "unassigned": self.env._("%(desk)s: unassigned"),
            "at_risk": self.env._("%(desk)s: at risk"),
            "breached": self.env._("%(desk)s: SLA breached in 24 h"),
            "answered_today": self.env._("%(desk)s: first answered today"),
        }
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action.pop("path", None)
        name = titles[metric] % {"desk": self.name}
        action.update(
            {
                "name": name,
                "display_name": name,
                "domain": expression.AND([[("team_id", "=", self.id)], domain]),
                "context": {"default_team_id": self.id},
            }
        )
        return action

    @api.model
    def _etp_my_desks(self):
        """The desks of the user (member or leader); ``None`` for a
        supervisor, whose desks are all desks."""
        if self.env.user.has_group("etp_escalation.group_etp_supervisor"):
            return None
        uid = self.env.uid
        return self.search(["|", ("user_ids", "in", uid), ("user_id", "=", uid)])

    @api.model
    def _etp_dashboard_domains(self, now):
        """``{figure: ticket domain}`` of the dashboard's figures at ``now``."""
        today_start = deadlines.to_utc_naive(
            datetime.combine(deadlines.from_utc_naive(now, "").date(), time.min), ""
        )
        open_ = [("stage_id.closed", "=", False)]
        return {
            "open": open_,
            "unassigned": open_ + [("user_id", "=", False)],
            "at_risk": open_ + [("sla_queue_state", "=", "warning")],
            "breached": [
                (
                    "ticket_sla_ids",
                    "any",
                    [
                        ("deadline", ">", now - BREACHED_WINDOW),
                        ("deadline", "<=", now),
                        ("expired", "=", True),
                    ],
                )
            ],
            "answered_today": [
                ("first_response_date", ">=", today_start),
                ("first_response_date", "<=", now),
            ],
        }

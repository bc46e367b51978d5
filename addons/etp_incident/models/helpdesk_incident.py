# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

INCIDENT_STATES = [
    ("new", "New"),
    ("handed_to_it", "Handed to IT"),
    ("in_progress", "In progress"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
]
COMPONENTS = [
    ("login", "Login"),
    ("signature", "Electronic signature"),
    ("applications", "Applications"),
    ("auction", "Auction"),
    ("contracts", "Contracts"),
    ("eis", "EIS integration"),
    ("esia", "ESIA integration"),
    ("other", "Other"),
]
SEVERITIES = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
]


class HelpdeskIncident(models.Model):
    _name = "helpdesk.incident"
    _description = "Incident"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "detected_at desc, id desc"

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    title = fields.Char(required=True, tracking=True)
    description = fields.Html()
    severity = fields.Selection(
        SEVERITIES, required=True, default="high", tracking=True
    )
    component = fields.Selection(
        COMPONENTS, required=True, default="other", tracking=True
    )
    state = fields.Selection(
        INCIDENT_STATES, required=True, default="new", tracking=True, index=True
    )
    detected_at = fields.Datetime(required=True, default=fields.Datetime.now)
    started_at = fields.Datetime()
    resolved_at = fields.Datetime(readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        domain=[("share", "=", False)],
    )
    ticket_ids = fields.One2many("helpdesk.ticket", "incident_id", string="Tickets")
    ticket_count = fields.Integer(compute="_compute_ticket_count")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    @api.depends("ticket_ids")
    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("incident_id", "in", self.ids)], ["incident_id"], ["__count"]
            )
        )
        for incident in self:
            incident.ticket_count = counts.get(incident._origin, 0)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("helpdesk.incident")
        return super().create(vals_list)

    def action_hand_to_it(self):
        self._etp_set_state("handed_to_it", ["new"])

    def action_start(self):
        self._etp_set_state("in_progress", ["new", "handed_to_it"])

    def action_resolve(self):
        self._etp_set_state("resolved", ["new", "handed_to_it", "in_progress"])

    def action_close(self):
        self._etp_set_state("closed", ["resolved"])

    def _etp_set_state(self, state, allowed_from):
        wrong = self.filtered(lambda i: i.state not in allowed_from)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Incident %(name)s is %(state)s and cannot become %(target)s.",
                    name=wrong[0].name,
                    state=labels[wrong[0].state],
                    target=labels[state],
                )
            )
        vals = {"state": state}
        if state == "in_progress":
            vals["started_at"] = fields.Datetime.now()
        if state == "resolved":
            vals["resolved_at"] = fields.Datetime.now()
        self.write(vals)
        if state == "resolved":
            self._etp_solve_linked_tickets()

    def _etp_solve_linked_tickets(self):
        """Move the open linked tickets to the solved stage of their team."""
        solved_stage = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        tickets = self.ticket_ids.filtered(lambda t: not t.closed)
        tickets.write({"stage_id": solved_stage.id})

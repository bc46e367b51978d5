# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import split_every

from ..lib import sla as sla_rules

# ticket fields that decide which SLA policies apply
MATCH_FIELDS = {
    "team_id",
    "priority",
    "category_id",
    "tag_ids",
    "audience",
    "company_id",
}


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    # moves between teams, the priority by the procedure deadline, the
    # operator's queue and the SLA targets each ticket should have:
    # helpdesk_ticket_team_move.py, helpdesk_ticket_deadline_priority.py,
    # helpdesk_ticket_sla_queue.py, helpdesk_ticket_sla_plan.py
    _inherit = [
        "helpdesk.ticket",
        "helpdesk.ticket.team.move",
        "helpdesk.ticket.deadline.priority",
        "helpdesk.ticket.sla.queue",
        "helpdesk.ticket.sla.plan",
    ]

    support_line = fields.Selection(related="team_id.support_line", store=True)
    first_response_date = fields.Datetime(
        copy=False,
        readonly=True,
        index=True,
        help="When an operator first answered the requester publicly.",
    )
    duty_shift_id = fields.Many2one(
        "helpdesk.duty.shift",
        string="Assigned by Duty Shift",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The duty shift under which the ticket was assigned automatically.",
    )
    duty_alert_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        readonly=True,
        copy=False,
        help="The team whose leader was told that nobody was on duty for "
        "this ticket (told once per ticket and team).",
    )
    # SLA: the deadline-priority cron searches open tickets by deadline
    procedure_deadline = fields.Datetime(index="btree_not_null")
    sla_deadline_display = fields.Char(
        string="Next SLA Deadline",
        compute="_compute_sla_deadline_display",
        help="The nearest deadline of the open SLA targets, in Moscow time and "
        "in the requester's time.",
    )
    sla_time_left = fields.Char(
        string="SLA Time Left",
        compute="_compute_sla_deadline_display",
        help="Time left until the nearest deadline of the open SLA targets.",
    )
    # precomputed: a new ticket has no rating yet, and rating's and
    # helpdesk_mgmt_rating's computes give it their "none" values before it
    # is inserted, without asking the database
    rating_last_value = fields.Float(
        compute="_compute_rating_last_value", store=True, precompute=True
    )
    positive_rate_percentage = fields.Integer(
        compute="_compute_percentage", store=True, precompute=True
    )
    stage_sla_pause = fields.Selection(
        related="stage_id.sla_pause", string="SLA Clock in This Stage"
    )
    stage_sla_pause_note = fields.Char(related="stage_id.sla_pause_note")

    def _compute_percentage(self):
        """helpdesk_mgmt_rating counts the ratings one ticket at a time: the
        tickets without a rating (every new ticket) are found with one query
        for the batch and get its "no rating" value, the others are counted
        as before. A ticket not yet inserted has none."""
        rated = set()
        if self._origin:
            rated = {
                res_id
                for [res_id] in self.env["rating.rating"]
                .sudo()
                ._read_group(
                    expression.AND(
                        [self._origin._rating_domain(), [("rating", ">=", 1)]]
                    ),
                    ["res_id"],
                )
            }
        unrated = self.filtered(lambda t: t._origin.id not in rated)
        unrated.positive_rate_percentage = -1
        return super(HelpdeskTicket, self - unrated)._compute_percentage()

    @api.model_create_multi
    def create(self, vals_list):
        raised = self._etp_prepare_priority_vals(vals_list)  # SLA: deadline priority
        tickets = super().create(vals_list)
        tickets._etp_log_priority_raise(raised)  # SLA
        self.env["helpdesk.duty.shift"]._etp_assign_tickets(tickets)
        return tickets

    def write(self, vals):
        # SLA: a priority written by a person (not by the deadline rule) is
        # the manual one, never lowered automatically
        if "priority" in vals and not self.env.context.get("etp_auto_priority"):
            vals = dict(vals, priority_manual=vals["priority"])
        result = super().write(vals)
        self._etp_sla_after_write(vals)
        return result

    # ------------------------------------------------------------------
    # SLA (helpdesk_mgmt_sla's rows, first response, deadline priority)
    # ------------------------------------------------------------------

    @api.depends("sla_deadline", "requester_tz")
    @api.depends_context("lang")
    def _compute_sla_deadline_display(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket.sla_deadline_display = self._etp_format_deadline(
                ticket.sla_deadline, ticket.requester_tz, reader="operator"
            )
            ticket.sla_time_left = self._etp_format_time_left(ticket.sla_deadline, now)

    @api.depends("ticket_sla_ids.sla_id", "ticket_sla_ids.state")
    def _compute_sla_fits(self):
        """Whether the ticket's targets are those of the policies that apply:
        a refresh would change nothing. (Upstream compares the policies of
        every row, met and expired ones included, with ``_get_sla()``.)"""
        plan = self._origin._etp_sla_plan()
        for ticket in self:
            ticket.sla_fits = ticket._origin.id not in plan

    def _get_sla_ticket_domain(self):
        """Upstream's criteria (team, tags, category), and ours: company,
        audience, support line, priority; a policy of a category covers its
        sub-categories too (upstream: the category itself)."""
        domain = super()._get_sla_ticket_domain()
        category = self.category_id
        if category.parent_id:
            own = ("category_ids", "=", category.id)
            path = [int(cid) for cid in category.parent_path.split("/") if cid]
            domain = [
                ("category_ids", "in", path) if leaf == own else leaf for leaf in domain
            ]
        return expression.AND(
            [
                domain,
                [
                    ("company_id", "in", [False, self.company_id.id]),
                    ("audience", "in", [sla_rules.ANY, self.audience]),
                    ("support_line", "in", [sla_rules.ANY, self._etp_sla_line()]),
                    ("priority", "in", [sla_rules.ANY, self.priority]),
                ],
            ]
        )

    def _get_sla(self):
        """Of the policies upstream finds (it applies them all), the most
        specific; none when the team does not use SLA."""
        if not self._etp_counts_sla()[self.id]:
            return self.env["helpdesk.sla"]
        return self._etp_most_specific(super()._get_sla())

    def set_sla(self):
        """Upstream deletes and creates the targets ticket by ticket (one
        search and one insert each): new tickets get theirs in one batch."""
        self._etp_sync_sla()

    def refresh_sla(self):
        """Upstream's refresh (one ticket) deletes the met and expired targets
        of a policy that no longer applies: ours keeps them as history."""
        self._etp_sync_sla()

    def action_view_ticket_rating(self):
        action = super().action_view_ticket_rating()
        # Upstream names the action in Python, without Russian.
        action["name"] = self.env._("Ticket Rating")
        return action

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        if not self.first_response_date and self._etp_is_operator_reply(msg_values):
            now = fields.Datetime.now()
            self.sudo().first_response_date = now
            self.sudo().ticket_sla_ids._etp_mark_first_response(now)
        return result

    def _etp_is_operator_reply(self, msg_values):
        """A public reply (not an internal note) whose author is an internal
        user other than OdooBot."""
        if msg_values.get("message_type") not in ("comment", "email"):
            return False
        if msg_values.get("is_internal"):
            return False
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        if msg_values.get("subtype_id") != comment:
            return False
        author_id = msg_values.get("author_id")
        if not author_id:
            return False
        if author_id == self.env.user.partner_id.id:
            return self.env.user._is_internal() and not self.env.user._is_superuser()
        author = self.env["res.partner"].sudo().browse(author_id)
        if author == self.env.ref("base.partner_root", raise_if_not_found=False):
            return False
        return any(not user.share for user in author.user_ids)

    def _etp_sla_after_write(self, vals):
        """Keep the SLA targets and the priority in line after a write."""
        if "procedure_deadline" in vals or (
            "priority" in vals and not self.env.context.get("etp_auto_priority")
        ):
            self._etp_apply_deadline_priority(allow_lower="procedure_deadline" in vals)
        if MATCH_FIELDS.intersection(vals):
            self._etp_sync_sla()

    # ------------------------------------------------------------------
    # Install: the open tickets that were there before
    # ------------------------------------------------------------------

    @api.model
    def _etp_adopt_open_tickets(self, batch_size=1000):
        """Give the open tickets that exist when this addon is installed what
        a new ticket gets: the date of their first operator reply, the
        priority their procedure deadline calls for, SLA targets and an
        operator on duty. Their SLA clock starts now: the desk counted no
        time before, and a clock started at their creation would breach (and
        escalate) them all at once. Batched; called by the install hook.

        :return: the number of tickets adopted
        """
        Ticket = self.sudo()
        ids = Ticket.search([("stage_id.closed", "=", False)], order="id").ids
        for batch_ids in split_every(batch_size, ids):
            tickets = Ticket.browse(batch_ids)
            tickets._etp_keep_priority_as_manual()
            tickets._etp_find_first_responses()
            tickets._etp_apply_deadline_priority()
            tickets._etp_sync_sla()
            self.env["helpdesk.duty.shift"]._etp_assign_tickets(tickets)
            self.env.flush_all()
        return len(ids)

    def _etp_find_first_responses(self):
        """Set the first response date of the tickets from the first public
        reply an operator already wrote on them (one read group)."""
        todo = self.filtered(lambda t: not t.first_response_date)
        if not todo:
            return
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        root = self.env["ir.model.data"]._xmlid_to_res_id("base.partner_root")
        replies = (
            self.env["mail.message"]
            .sudo()
            ._read_group(
                [
                    ("model", "=", self._name),
                    ("res_id", "in", todo.ids),
                    ("message_type", "in", ("comment", "email")),
                    ("subtype_id", "=", comment),
                    ("author_id", "!=", root),
                    ("author_id.user_ids.share", "=", False),
                ],
                ["res_id"],
                ["date:min"],
            )
        )
        for ticket_id, first in replies:
            self.browse(ticket_id).first_response_date = first

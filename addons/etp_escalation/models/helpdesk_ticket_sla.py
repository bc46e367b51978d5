# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import sql

from odoo.addons.etp_helpdesk.tools import set_column_defaults

from ..lib import sla as sla_rules
from ..lib import sla_queue
from .resource_calendar import SLA_CLOCK

TARGET_KINDS = [
    (sla_rules.FIRST_RESPONSE, "First response"),
    (sla_rules.RESOLUTION, "Resolution"),
]


class HelpdeskTicketSla(models.Model):
    """helpdesk_mgmt_sla's targets, and on top: a first-response target next
    to the resolution one (``target_kind``), our policies' targets in hours,
    a clock that starts when the target is set, the procedure deadline as a
    cap, a warning moment, and the cron that warns and escalates.

    A row follows its ticket's access for searches too
    (helpdesk.ticket.child.mixin): upstream's delegation alone lets anyone
    with the access right read the stored fields of any row.

    The computes and the stage-change clock are upstream's, extended through
    ``super()``; on round-the-clock calendars they count plain time (see
    ``resource.calendar._etp_plain_clock``)."""

    _name = "helpdesk.ticket.sla"
    # the cron that warns, handles breaches and escalates:
    # helpdesk_ticket_sla_cron.py
    _inherit = [
        "helpdesk.ticket.sla",
        "helpdesk.ticket.child.mixin",
        "helpdesk.ticket.sla.cron",
    ]
    _order = "ticket_id, target_kind, id"

    target_kind = fields.Selection(
        TARGET_KINDS,
        default=sla_rules.RESOLUTION,
        required=True,
        index=True,
    )
    # Upstream's computes, run when the target is set (in the row's INSERT):
    # its ticket may change stage or get its first answer before a flush.
    hours = fields.Float(compute="_compute_sla_data", store=True, precompute=True)
    expected_stage_id = fields.Many2one(
        compute="_compute_sla_data", store=True, precompute=True
    )
    last_state_date = fields.Datetime(
        compute="_compute_sla_data", store=True, precompute=True
    )
    state = fields.Selection(compute="_compute_sla_data", store=True, precompute=True)
    deadline = fields.Datetime(compute="_compute_deadline", store=True, precompute=True)
    warning_date = fields.Datetime(
        compute="_compute_deadline",
        store=True,
        precompute=True,
        help="When the team leader is warned: the company's share of the "
        "target is used up.",
    )
    deadline_display = fields.Char(
        string="Deadline (MSK / requester)",
        compute="_compute_deadline_display",
    )
    paused_hours = fields.Float(
        string="Paused Before",
        readonly=True,
        copy=False,
        help="Hours this target spent paused before its current state.",
    )
    paused_total = fields.Float(
        string="Paused",
        compute="_compute_paused_total",
        help="Hours this target has been paused (the ticket waited for the "
        "requester or a third party), the current pause included.",
    )

    def init(self):
        result = super().init()
        set_column_defaults(self, "etp_escalation")
        # the cron's two searches: open targets by deadline and by warning
        # date, in the order they are read (a batch of thousands of targets
        # due at the same moment is read without sorting them all)
        for old in ("deadline", "warning"):
            sql.drop_index(
                self.env.cr, f"helpdesk_ticket_sla_etp_due_{old}_idx", self._table
            )
        tools.create_index(
            self.env.cr,
            "helpdesk_ticket_sla_etp_breach_order_idx",
            self._table,
            ["deadline", "id"],
            where="state = 'in_progress' AND breached_at IS NULL",
        )
        tools.create_index(
            self.env.cr,
            "helpdesk_ticket_sla_etp_warning_order_idx",
            self._table,
            ["warning_date", "id"],
            where="state = 'in_progress' AND warned_at IS NULL",
        )
        tools.create_index(
            self.env.cr,
            "helpdesk_ticket_sla_ticket_id_idx",
            self._table,
            ["ticket_id"],
        )
        return result

    @api.depends("target_kind")
    def _compute_sla_data(self):
        """Upstream's target, then ours: the hours of the target's kind, the
        state by our rule (a ticket already answered meets its first
        response), and the clock starting when the target is set (upstream:
        at the ticket's creation), i.e. when the row is created or handed
        over to another policy."""
        # the stages of the tickets and of the policies (target and pause
        # stages), read at once (the pause stages unfiltered: filtering them
        # by "active" would read them first, on their own)
        policies = self.sla_id
        pauses = policies.with_context(active_test=False).ignore_stage_ids
        (self.ticket_id.stage_id | policies.stage_id | pauses).mapped("sequence")
        result = super()._compute_sla_data()
        for row in self:
            ticket, policy = row.ticket_id, row.sla_id
            calendar = ticket.team_id.resource_calendar_id
            row.hours = policy._etp_target_hours(
                row.target_kind, calendar.hours_per_day
            )
            row.state = sla_rules.initial_state(
                row.target_kind,
                answered=bool(ticket.first_response_date),
                reached=row._etp_reached(ticket.stage_id),
                hold=ticket.stage_id in policy.ignore_stage_ids,
            )
            row.last_state_date = self.env.cr.now()
        return result

    @api.depends("target_kind", "ticket_id.procedure_deadline")
    def _compute_deadline(self):
        """Upstream's deadline, then ours: the resolution deadline never later
        than the procedure deadline, and the warning moment."""
        closed = self.filtered(
            lambda r: r.state in (sla_rules.ACCOMPLISHED, sla_rules.EXPIRED)
            and r.deadline
        )
        clock = self.with_context(**{SLA_CLOCK: True})
        result = super(HelpdeskTicketSla, clock)._compute_deadline()
        for row in self - closed:  # a closed target keeps both for history
            ticket = row.ticket_id
            opened_at = ticket.create_date
            start = row.last_state_date or opened_at
            share = ticket.company_id._etp_sla_warning_ratio()
            warn_left = row.hours * share - row.consumed_time
            calendar = ticket.team_id.resource_calendar_id.with_context(
                **{SLA_CLOCK: True}
            )
            warning = (
                calendar.plan_hours(warn_left, start, compute_leaves=True)
                if warn_left > 0
                else start
            )
            if row.target_kind == sla_rules.RESOLUTION:
                capped = sla_rules.cap_deadline(
                    row.deadline, ticket.procedure_deadline, opened_at
                )
                if capped != row.deadline:
                    warning = sla_rules.capped_warning(
                        warning, capped, opened_at, share
                    )
                    row.deadline = capped
            row.warning_date = warning
        return result

    def _search_expired(self, operator, value):
        # Upstream's error, in words an operator can read in Russian.
        if operator not in ("=", "!="):
            raise UserError(
                self.env._(
                    "The filter on breached SLA targets accepts only 'is' and 'is not'."
                )
            )
        return super()._search_expired(operator, value)

    @api.depends("sla_id.name", "target_kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["target_kind"]._description_selection(self.env))
        for row in self:
            row.display_name = f"{row.sla_id.name or ''} · {kinds[row.target_kind]}"

    @api.depends("deadline", "ticket_id.requester_tz")
    @api.depends_context("lang")
    def _compute_deadline_display(self):
        Ticket = self.env["helpdesk.ticket"]
        formatted = {}  # each moment in each zone formatted once
        for row in self:
            key = (row.deadline, row.ticket_id.requester_tz)
            if key not in formatted:
                formatted[key] = Ticket._etp_format_deadline(*key, reader="operator")
            row.deadline_display = formatted[key]

    def _etp_reached(self, stage):
        """Whether ``stage`` fulfils this target (see ``stage_reached``)."""
        self.ensure_one()
        expected = self.expected_stage_id
        return sla_rules.stage_reached(
            stage.sequence, stage.closed, expected.sequence if expected else None
        )

    def _stage_recompute(self):
        """Upstream's clock after a stage change (the time used is added up,
        as superuser: the ticket's write was checked), then the new state by
        our rule: a met first response stays met, a paused target met in time
        is met, a reopened target is warned again."""
        row = self.sudo().with_context(**{SLA_CLOCK: True})
        before, deadline = row.state, row.deadline
        paused_since = row.last_state_date if before == sla_rules.ON_HOLD else None
        super(HelpdeskTicketSla, row)._stage_recompute()
        if paused_since:  # the pause that ends now counts as paused time
            row.paused_hours += sla_rules.hours_between(
                paused_since, fields.Datetime.now()
            )
        if before == sla_rules.EXPIRED:
            return
        stage = row.ticket_id.stage_id
        state = sla_rules.stage_transition(
            before,
            kind=row.target_kind,
            deadline=deadline,
            now=fields.Datetime.now(),
            reached=row._etp_reached(stage),
            hold=stage in row.sla_id.ignore_stage_ids,
        )
        if row.state != state:
            row.state = state
        if before == sla_rules.ACCOMPLISHED and state != before:
            row.warned_at = False  # reopened: a new target, a new warning

    def _etp_mark_first_response(self, now):
        """The first public reply of an operator: the open first-response
        targets are met, or expired if their deadline has passed."""
        rows = self.filtered(
            lambda r: r.target_kind == sla_rules.FIRST_RESPONSE
            and r.state in sla_rules.OPEN_STATES
        )
        late = rows.filtered(
            lambda r: r.state == sla_rules.IN_PROGRESS
            and sla_rules.response_state(r.deadline, now) == sla_rules.EXPIRED
        )
        if late:
            late.write({"state": sla_rules.EXPIRED, "last_state_date": now})
        if rows - late:
            (rows - late).write(
                {"state": sla_rules.ACCOMPLISHED, "last_state_date": now}
            )

    # ------------------------------------------------------------------
    # The operator's queue and the ticket form
    # ------------------------------------------------------------------

    @api.depends("paused_hours", "state", "last_state_date")
    def _compute_paused_total(self):
        now = fields.Datetime.now()
        for row in self:
            current = (
                sla_rules.hours_between(row.last_state_date, now)
                if row.state == sla_rules.ON_HOLD
                else 0.0
            )
            row.paused_total = row.paused_hours + current

    def _etp_target_facts(self):
        """This target as the queue's rules see it (``sla.TargetFacts``)."""
        self.ensure_one()
        return sla_queue.TargetFacts(
            kind=self.target_kind,
            state=self.state,
            deadline=self.deadline or None,
            warning_date=self.warning_date or None,
            hours=self.hours,
            consumed_time=self.consumed_time,
        )

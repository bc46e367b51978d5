# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import sql

from odoo.addons.etp_helpdesk.lib import deadlines
from odoo.addons.etp_helpdesk.tools import set_column_defaults

from ..lib import sla as sla_rules
from .resource_calendar import SLA_CLOCK

_logger = logging.getLogger(__name__)

TARGET_KINDS = [
    (sla_rules.FIRST_RESPONSE, "First response"),
    (sla_rules.RESOLUTION, "Resolution"),
]
CRON_BATCH_SIZE = 500
# what the cron reports about a due target (the leader's digest)
WARNING = "warning"
BREACH = "breach"
ESCALATED = "escalated"


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
    _inherit = ["helpdesk.ticket.sla", "helpdesk.ticket.child.mixin"]
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
    warned_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the team leader was warned that this target is close.",
    )
    breached_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the breach of this target was handled (notification, escalation).",
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
        return sla_rules.TargetFacts(
            kind=self.target_kind,
            state=self.state,
            deadline=self.deadline or None,
            warning_date=self.warning_date or None,
            hours=self.hours,
            consumed_time=self.consumed_time,
        )

    # ------------------------------------------------------------------
    # Cron: warnings, breaches, escalation
    # ------------------------------------------------------------------

    @api.model
    def _etp_breach_domain(self, now):
        return [
            ("state", "=", sla_rules.IN_PROGRESS),
            ("breached_at", "=", False),
            ("deadline", "<=", now),
        ]

    @api.model
    def _etp_warning_domain(self, now):
        return [
            ("state", "=", sla_rules.IN_PROGRESS),
            ("warned_at", "=", False),
            ("breached_at", "=", False),
            ("warning_date", "<=", now),
            ("deadline", ">", now),
        ]

    @api.model
    def _cron_check_sla(self, batch_size=CRON_BATCH_SIZE):
        """Warn team leaders of targets close to their deadline, and handle
        breached targets (notify, escalate to the next line).

        One batch per call: one search for breaches, one for warnings, bulk
        writes, one chatter log for all tickets, one activity create, one
        digest per team leader. The cron worker commits after each call and
        calls again while :meth:`ir.cron._notify_progress` reports work left.
        Each target is handled once: ``breached_at`` and ``warned_at`` are set
        in the same transaction as the notifications.

        :return: ``(done, remaining)``
        """
        # Crons run without a language: write in the company's.
        self = self.with_context(lang=self.env.lang or self.env.company._etp_lang())
        now = fields.Datetime.now()
        Rows = self.sudo()
        breached = Rows.search(
            self._etp_breach_domain(now), limit=batch_size, order="deadline, id"
        )
        warned = Rows.browse()
        if len(breached) < batch_size:
            warned = Rows.search(
                self._etp_warning_domain(now),
                limit=batch_size - len(breached),
                order="warning_date, id",
            )
        digests = defaultdict(list)
        breached._etp_handle_due(BREACH, now, digests)
        warned._etp_handle_due(WARNING, now, digests)
        self._etp_send_digests(digests)
        done = len(breached) + len(warned)
        remaining = 0
        if done >= batch_size:
            # counted up to ten batches ahead: enough for the cron worker
            # (it calls again while something remains) and its log, without
            # counting a hundred thousand due targets after every batch
            cap = 10 * batch_size
            remaining = Rows.search_count(self._etp_breach_domain(now), limit=cap)
            if remaining < cap:
                remaining += Rows.search_count(
                    self._etp_warning_domain(now), limit=cap - remaining
                )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    def _etp_descriptions(self, lang_env):
        """``{row id: «First response: 05.03.2026 14:05 МСК»}``, the kind
        in the reader's language (its labels read once for all the rows)."""
        kinds = dict(self._fields["target_kind"]._description_selection(lang_env))
        return {
            row.id: f"{kinds[row.target_kind]}: {row.deadline_display}" for row in self
        }

    def _etp_handle_due(self, event, now, digests):
        """The cron's one rule for due targets, ``event`` being a warning
        (the company's share of the target is used up) or a breach (the
        deadline passed).

        The targets are marked once (``warned_at``; expired and
        ``breached_at``). A breached ticket whose policy escalates and whose
        team has a next line moves there, its move's note naming the missed
        targets; any other open ticket gets a note naming them, and the team
        leader an activity. The leader's digest names every ticket. In
        batches whatever the number of tickets: one write of the targets,
        one move of all the escalated tickets
        (``helpdesk.ticket._etp_move_to_teams``), one chatter log, one
        activity create.
        """
        if not self:
            return
        if event == BREACH:
            self._etp_expire(now)
        else:
            self.write({"warned_at": now})
        self._etp_prefetch()
        title = {
            WARNING: self.env._("SLA warning: a target is close to its deadline."),
            BREACH: self.env._("SLA breach: a target was missed."),
        }[event]
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        described = self._etp_descriptions(self.env)
        notes, activity_vals, escalations = {}, [], []
        for ticket, rows in self.grouped("ticket_id").items():
            if not ticket.active or ticket.closed:
                continue
            leader = ticket.team_id.user_id
            lines = [described[row.id] for row in rows]
            notes[ticket.id] = Markup("<p>%s</p><ul>%s</ul>") % (
                title,
                Markup().join(Markup("<li>%s</li>") % line for line in lines),
            )
            target = rows._etp_escalation_team(ticket) if event == BREACH else None
            if target:
                reason = self.env._(
                    "SLA breach, escalated automatically: %(targets)s",
                    targets="; ".join(lines),
                )
                escalations.append((ticket, target, reason))
            elif leader:
                activity_vals.append(
                    rows._etp_activity_vals(event, ticket, now, todo, described)
                )
            if leader:
                digests[leader].append((ESCALATED if target else event, ticket, rows))
        failed = self._etp_run_isolated(
            escalations,
            lambda items: self.env["helpdesk.ticket"]._etp_move_to_teams(
                items, kind="sla_breach"
            ),
            "SLA escalation of ticket %s",
        )
        moved = {ticket.id for ticket, _team, _reason in escalations} - {
            ticket.id for ticket, _team, _reason in failed
        }
        bodies = {
            ticket_id: body
            for ticket_id, body in notes.items()
            if ticket_id not in moved
        }
        if bodies:
            self.env["helpdesk.ticket"].browse(bodies)._etp_log_notes(bodies)
        if activity_vals:
            self.env["mail.activity"].with_context(
                mail_activity_quick_update=True
            ).create(activity_vals)

    def _etp_expire(self, now):
        """Mark these running targets missed (expired, ``breached_at``).

        What does not change is not recomputed: a batch of hundreds of
        breaches would otherwise recompute it all to the values it had. The
        targets keep their deadline and warning (a closed target keeps both,
        see ``_compute_deadline``), and their tickets' nearest deadline (the
        queue's stored fields) stays where the expiry changes nothing
        (``sla.expiry_keeps_next_deadline``: the missed target still binds,
        with the same deadline)."""
        computed = self.env.registry.field_computed
        Ticket = self.env["helpdesk.ticket"]
        queue_fields = computed[Ticket._fields["sla_next_deadline"]]
        changed = self.filtered(
            lambda row: not sla_rules.expiry_keeps_next_deadline(
                row.target_kind, bool(row.ticket_id.first_response_date)
            )
        )
        keep = [
            (computed[self._fields["deadline"]], self.filtered("deadline")),
            (queue_fields, self.ticket_id - changed.ticket_id),
        ]
        with self.env.protecting(keep):
            self.write({"state": sla_rules.EXPIRED, "breached_at": now})

    def _etp_escalation_team(self, ticket):
        """The team ``ticket`` escalates to for these breached targets: its
        team's next line, when a policy of the targets escalates."""
        target = ticket.team_id.escalation_team_id
        if target and any(self.sla_id.mapped("escalate_on_breach")):
            return target
        return None

    def _etp_activity_vals(self, event, ticket, now, activity_type, described):
        """The team leader's to-do for these targets of ``ticket``: a warning
        is due on the Moscow day of the nearest deadline, a breach today."""
        if event == WARNING:
            first = min(self, key=lambda r: r.deadline)
            summary = self.env._("SLA: %(target)s", target=described[first.id])
            due = first.deadline
        else:
            lines = [described[row.id] for row in self]
            summary = self.env._("SLA breached: %(targets)s", targets="; ".join(lines))
            due = now
        return {
            "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
            "res_id": ticket.id,
            "user_id": ticket.team_id.user_id.id,
            "activity_type_id": activity_type.id,
            "summary": summary,
            "date_deadline": deadlines.from_utc_naive(due, "Europe/Moscow").date(),
        }

    def _etp_prefetch(self):
        """Read what the notifications need for the whole batch at once."""
        tickets = self.ticket_id
        tickets.mapped("number")
        tickets.team_id.user_id.partner_id.mapped("lang")
        tickets.team_id.escalation_team_id.mapped("name")
        self.sla_id.mapped("escalate_on_breach")

    @api.model
    def _etp_run_isolated(self, items, func, label):
        """Run ``func`` on all the items at once; when that fails, roll back,
        redo them one by one (``func`` on a list of one) in savepoints, and
        log the failing ones (the others go on).

        :return: the items that failed
        """
        if not items:
            return []
        try:
            with self.env.cr.savepoint():
                func(items)
            return []
        except Exception:  # isolate the failing item, then log it
            failed = []
            for item in items:
                try:
                    with self.env.cr.savepoint():
                        func([item])
                except Exception:
                    _logger.exception(label, getattr(item[0], "display_name", item))
                    failed.append(item)
            return failed

    @api.model
    def _etp_send_digests(self, digests):
        """One notification per team leader for the whole batch."""
        for leader, events in digests.items():
            env = self.with_context(lang=leader.lang or self.env.lang).env
            titles = {
                WARNING: env._("close to the deadline"),
                BREACH: env._("breached"),
                ESCALATED: env._("breached, escalated to the next line"),
            }
            described = self.browse(
                [row_id for _event, _ticket, rows in events for row_id in rows.ids]
            )._etp_descriptions(env)
            items = Markup().join(
                Markup('<li><a href="/odoo/helpdesk.ticket/%s">%s</a> %s — %s: %s</li>')
                % (
                    ticket.id,
                    ticket.number,
                    ticket.name,
                    titles[event],
                    "; ".join(described[row_id] for row_id in rows.ids),
                )
                for event, ticket, rows in events
            )
            env["mail.thread"].message_notify(
                partner_ids=leader.partner_id.ids,
                subject=env._(
                    "SLA: %(count)s ticket(s) need attention", count=len(events)
                ),
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (env._("SLA targets of your team's tickets:"), items),
            )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.tools.safe_eval import safe_eval

from odoo.addons.etp_helpdesk.lib import deadlines
from odoo.addons.etp_helpdesk.tools import set_column_defaults

from ..lib import sla as sla_rules

_logger = logging.getLogger(__name__)

TARGET_KINDS = [
    (sla_rules.FIRST_RESPONSE, "First response"),
    (sla_rules.RESOLUTION, "Resolution"),
]
# ticket fields that decide which policy applies
MATCH_FIELDS = {
    "team_id",
    "priority",
    "category_id",
    "tag_ids",
    "audience",
    "company_id",
}
CRON_BATCH_SIZE = 500


class HelpdeskTicketSla(models.Model):
    _inherit = "helpdesk.ticket.sla"
    _order = "ticket_id, target_kind, id"

    target_kind = fields.Selection(
        TARGET_KINDS,
        default=sla_rules.RESOLUTION,
        required=True,
        index=True,
    )
    # Editable computes: the values given at creation or on a change of policy
    # are kept, not computed again (readonly in the views).
    hours = fields.Float(readonly=False)
    expected_stage_id = fields.Many2one(readonly=False)
    last_state_date = fields.Datetime(readonly=False)
    state = fields.Selection(readonly=False)
    deadline = fields.Datetime(readonly=False)
    warning_date = fields.Datetime(
        compute="_compute_deadline",
        store=True,
        readonly=False,
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

    def init(self):
        result = super().init()
        set_column_defaults(self, "etp_escalation")
        # the cron's two searches: open targets by deadline and by warning date
        tools.create_index(
            self.env.cr,
            "helpdesk_ticket_sla_etp_due_deadline_idx",
            self._table,
            ["deadline"],
            where="state = 'in_progress' AND breached_at IS NULL",
        )
        tools.create_index(
            self.env.cr,
            "helpdesk_ticket_sla_etp_due_warning_idx",
            self._table,
            ["warning_date"],
            where="state = 'in_progress' AND warned_at IS NULL",
        )
        tools.create_index(
            self.env.cr,
            "helpdesk_ticket_sla_ticket_id_idx",
            self._table,
            ["ticket_id"],
        )
        return result

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("target_kind")
    def _compute_sla_data(self):
        """Target hours by kind; a target keeps its state and clock once it
        has one (helpdesk_mgmt_sla restarted them from the ticket's creation
        on every change of policy)."""
        now = fields.Datetime.now()
        for row in self:
            policy = row.sla_id
            ticket = row.ticket_id
            calendar = ticket.team_id.resource_calendar_id
            row.hours = (
                policy._etp_target_hours(row.target_kind, calendar.hours_per_day)
                if policy
                else 0.0
            )
            row.expected_stage_id = policy.stage_id
            if row.last_state_date:
                row.state = row.state
                row.last_state_date = row.last_state_date
                continue
            row.state = row._etp_initial_state(
                ticket, policy._etp_policy_facts_by_id().get(policy.id), row.target_kind
            )
            row.last_state_date = ticket.create_date or now

    @api.depends("target_kind", "ticket_id.procedure_deadline")
    def _compute_deadline(self):
        """Deadline and warning moment of each open target, in one pass.

        Round-the-clock calendars (and teams without one) use plain time
        arithmetic; other calendars plan working hours (with their leaves).
        The resolution deadline is never later than the procedure deadline.
        """
        clocks = self._etp_round_the_clock(self.ticket_id.team_id.resource_calendar_id)
        for row in self:
            if (
                row.state in (sla_rules.ACCOMPLISHED, sla_rules.EXPIRED)
                and row.deadline
            ):
                # a closed target keeps its deadline for history
                row.deadline = row.deadline
                row.warning_date = row.warning_date
                continue
            row.deadline, row.warning_date = self._etp_times(
                row.ticket_id,
                row.target_kind,
                row.hours,
                row.consumed_time,
                row.last_state_date,
                clocks,
            )

    @api.model
    def _etp_times(self, ticket, kind, hours, consumed, start, clocks):
        """``(deadline, warning moment)`` of a target of ``hours`` of which
        ``consumed`` were used before ``start``."""
        opened_at = ticket.create_date or fields.Datetime.now()
        start = start or opened_at
        share = ticket.company_id._etp_sla_warning_ratio()
        calendar = ticket.team_id.resource_calendar_id
        left = hours - consumed
        warn_left = hours * share - consumed
        if not calendar or clocks.get(calendar.id):
            deadline = sla_rules.add_hours(start, left)
            warning = sla_rules.add_hours(start, warn_left)
        else:
            deadline = calendar.plan_hours(left, start, compute_leaves=True)
            warning = (
                calendar.plan_hours(warn_left, start, compute_leaves=True)
                if warn_left > 0
                else start
            )
        if kind == sla_rules.RESOLUTION:
            capped = sla_rules.cap_deadline(
                deadline, ticket.procedure_deadline, opened_at
            )
            if capped != deadline:
                warning = sla_rules.capped_warning(warning, capped, opened_at, share)
                deadline = capped
        return deadline, warning

    @api.depends("sla_id.name", "target_kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["target_kind"]._description_selection(self.env))
        for row in self:
            row.display_name = f"{row.sla_id.name or ''} · {kinds[row.target_kind]}"

    @api.depends("deadline", "ticket_id.requester_tz")
    def _compute_deadline_display(self):
        for row in self:
            row.deadline_display = deadlines.format_deadline(
                row.deadline, row.ticket_id.requester_tz
            )

    # ------------------------------------------------------------------
    # Clock helpers
    # ------------------------------------------------------------------

    @api.model
    def _etp_round_the_clock(self, calendars):
        """``{calendar id: True}`` for the calendars that cover every hour of
        the week (cached per calendar version)."""
        return {
            calendar.id: self._etp_calendar_round_the_clock(
                calendar.id, calendar.write_date
            )
            for calendar in calendars.sudo()
        }

    @api.model
    @tools.ormcache("calendar_id", "write_date")
    def _etp_calendar_round_the_clock(self, calendar_id, write_date):
        calendar = self.env["resource.calendar"].sudo().browse(calendar_id)
        if calendar.two_weeks_calendar or calendar.flexible_hours:
            return False
        return sla_rules.is_round_the_clock(
            (attendance.dayofweek, attendance.hour_from, attendance.hour_to)
            for attendance in calendar.attendance_ids
            if not attendance.display_type and not attendance.resource_id
        )

    @api.model
    def _etp_elapsed(self, calendar, clocks, start, end):
        """Working hours of ``calendar`` from ``start`` to ``end``."""
        if not start or not end or end <= start:
            return 0.0
        if not calendar or clocks.get(calendar.id):
            return sla_rules.hours_between(start, end)
        return calendar.get_work_hours_count(start, end, compute_leaves=True)

    @api.model
    def _etp_stage_reached(self, stage, expected_stage):
        """Whether ``stage`` fulfils a target: the policy's stage or a later
        one; without a policy stage, a closing stage."""
        if expected_stage:
            return stage.sequence >= expected_stage.sequence
        return bool(stage.closed)

    @api.model
    def _etp_initial_state(self, ticket, policy, kind):
        """State of a new target of ``policy`` (facts) on ``ticket``."""
        if kind == sla_rules.FIRST_RESPONSE and ticket.first_response_date:
            return sla_rules.ACCOMPLISHED
        expected = self.env["helpdesk.ticket.stage"].browse(
            policy.stage_id if policy else []
        )
        if self._etp_stage_reached(ticket.stage_id, expected):
            return sla_rules.ACCOMPLISHED
        if policy and ticket.stage_id.id in policy.ignore_stage_ids:
            return sla_rules.ON_HOLD
        return sla_rules.IN_PROGRESS

    # ------------------------------------------------------------------
    # Stage changes and first response
    # ------------------------------------------------------------------

    def _stage_recompute(self):
        """helpdesk_mgmt_sla calls this row by row after a stage change; the
        ticket's ``write`` runs :meth:`_etp_apply_stage` on all rows at once."""
        if self.env.context.get("etp_sla_stage_batch"):
            return
        self._etp_apply_stage()

    def _etp_apply_stage(self, now=None):
        """Move the clocks of the targets after their tickets changed stage:
        the time spent in progress is added up, targets pause in the
        policy's ignored stages and end in its stage."""
        now = now or fields.Datetime.now()
        rows = self.filtered(lambda r: r.state != sla_rules.EXPIRED)
        clocks = self._etp_round_the_clock(rows.ticket_id.team_id.resource_calendar_id)
        for row in rows:
            ticket = row.ticket_id
            policy = row.sla_id
            consumed = row.consumed_time
            if row.state == sla_rules.IN_PROGRESS:
                consumed += self._etp_elapsed(
                    ticket.team_id.resource_calendar_id,
                    clocks,
                    row.last_state_date,
                    now,
                )
            state = sla_rules.stage_transition(
                row.state,
                kind=row.target_kind,
                deadline=row.deadline,
                now=now,
                reached=self._etp_stage_reached(ticket.stage_id, policy.stage_id),
                hold=ticket.stage_id in policy.ignore_stage_ids,
            )
            vals = {"consumed_time": consumed, "last_state_date": now, "state": state}
            if row.state == sla_rules.ACCOMPLISHED and state != row.state:
                vals["warned_at"] = False  # reopened: a new target, a new warning
            row.write(vals)

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
    # Policy matching
    # ------------------------------------------------------------------

    @api.model
    def _etp_ticket_facts(self, ticket, policies):
        """What matching needs of ``ticket``; its tags and category are read
        only when some policy looks at them."""
        category_path = ()
        if ticket.category_id and any(p.category_ids for p in policies):
            category_path = tuple(
                int(cid)
                for cid in (ticket.category_id.parent_path or "").split("/")
                if cid
            )
        tag_ids = frozenset()
        if any(p.tag_ids for p in policies):
            tag_ids = frozenset(ticket.tag_ids.ids)
        return sla_rules.TicketFacts(
            company_id=ticket.company_id.id or None,
            audience=ticket.audience or None,
            support_line=ticket.team_id.support_line or None,
            priority=ticket.priority or None,
            team_id=ticket.team_id.id or None,
            category_path=category_path,
            tag_ids=tag_ids,
        )

    @api.model
    def _etp_best_policies(self, tickets):
        """``{ticket id: policy facts or None}``: the most specific active
        policy for each ticket of a team that uses SLA."""
        Policy = self.env["helpdesk.sla"].sudo()
        facts = Policy._etp_policy_facts()
        allowed = {}
        with_domain = [f for f in facts if f.has_domain]
        if with_domain and tickets:
            for policy in Policy.browse([f.id for f in with_domain]):
                allowed[policy.id] = set(
                    tickets.filtered_domain(safe_eval(policy.domain or "[]")).ids
                )
        result = {}
        for ticket in tickets:
            best = None
            if facts and ticket.team_id.use_sla:
                candidates = [
                    f for f in facts if not f.has_domain or ticket.id in allowed[f.id]
                ]
                best = sla_rules.most_specific(
                    candidates, self._etp_ticket_facts(ticket, candidates)
                )
            result[ticket.id] = best
        return result

    @api.model
    def _etp_sync_tickets(self, tickets, from_creation=False, now=None):
        """Give each ticket the targets of its most specific policy.

        A met or expired target stays as history. An open target of another
        policy (the ticket changed team, priority, category…) takes the new
        policy's target, its clock restarting at the change; a new target's
        clock starts at the ticket's creation (``from_creation``) or now.
        Deadlines are computed here, so the rows are written once.
        """
        tickets = tickets.sudo()
        if not tickets:
            return
        now = now or fields.Datetime.now()
        best_by_ticket = self._etp_best_policies(tickets)
        if not any(best_by_ticket.values()) and from_creation:
            return  # new tickets, no policy: nothing to read or write
        expected_ids = {f.stage_id for f in best_by_ticket.values() if f and f.stage_id}
        # one read for the tickets' stages and the policies' stages
        (
            tickets.stage_id | self.env["helpdesk.ticket.stage"].browse(expected_ids)
        ).mapped("sequence")
        calendars = tickets.team_id.resource_calendar_id
        clocks = self._etp_round_the_clock(calendars)
        stale = self.browse()
        vals_list = []
        for ticket in tickets:
            policy = best_by_ticket[ticket.id]
            rows = ticket.ticket_sla_ids
            hours_per_day = ticket.team_id.resource_calendar_id.hours_per_day
            for kind, _label in TARGET_KINDS:
                of_kind = rows.filtered(lambda r, kind=kind: r.target_kind == kind)
                open_rows = of_kind.filtered(lambda r: r.state in sla_rules.OPEN_STATES)
                hours = (
                    sla_rules.target_hours(policy, kind, hours_per_day)
                    if policy
                    else 0.0
                )
                if not hours:
                    stale |= open_rows
                    continue
                if open_rows and set(open_rows.sla_id.ids) == {policy.id}:
                    continue
                if of_kind and not open_rows:
                    continue  # this target is over (met or expired)
                start = (ticket.create_date or now) if from_creation else now
                deadline, warning = self._etp_times(
                    ticket, kind, hours, 0.0, start, clocks
                )
                vals = {
                    "sla_id": policy.id,
                    "hours": hours,
                    "expected_stage_id": policy.stage_id or False,
                    "consumed_time": 0.0,
                    "state": self._etp_initial_state(ticket, policy, kind),
                    "last_state_date": start,
                    "deadline": deadline,
                    "warning_date": warning,
                }
                if open_rows:
                    # the open target takes the new policy (an update, not a
                    # delete and an insert)
                    open_rows[0].write(dict(vals, warned_at=False))
                    stale |= open_rows[1:]
                else:
                    vals_list.append(dict(vals, ticket_id=ticket.id, target_kind=kind))
        if stale:
            stale.unlink()
        if vals_list:
            self.sudo().create(vals_list)

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
        breached._etp_handle_breaches(now, digests)
        warned._etp_handle_warnings(now, digests)
        self._etp_send_digests(digests)
        done = len(breached) + len(warned)
        remaining = 0
        if done >= batch_size:
            remaining = Rows.search_count(
                self._etp_breach_domain(now)
            ) + Rows.search_count(self._etp_warning_domain(now))
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    def _etp_describe(self, lang_env):
        """«First response: 05.03.2026 14:05 МСК» in the reader's language."""
        kind = dict(self._fields["target_kind"]._description_selection(lang_env))[
            self.target_kind
        ]
        return f"{kind}: {self.deadline_display}"

    def _etp_handle_warnings(self, now, digests):
        if not self:
            return
        self.write({"warned_at": now})
        self._etp_prefetch()
        by_ticket = self.grouped("ticket_id")
        bodies = {}
        activity_vals = []
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        ticket_model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        for ticket, rows in by_ticket.items():
            leader = ticket.team_id.user_id
            lines = [row._etp_describe(self.env) for row in rows]
            bodies[ticket.id] = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("SLA warning: a target is close to its deadline."),
                Markup().join(Markup("<li>%s</li>") % line for line in lines),
            )
            if leader:
                digests[leader].append(("warning", ticket, rows))
                first = min(rows, key=lambda r: r.deadline)
                activity_vals.append(
                    {
                        "res_model_id": ticket_model_id,
                        "res_id": ticket.id,
                        "user_id": leader.id,
                        "activity_type_id": todo.id if todo else False,
                        "summary": self.env._(
                            "SLA: %(target)s", target=first._etp_describe(self.env)
                        ),
                        "date_deadline": deadlines.from_utc_naive(
                            first.deadline, "Europe/Moscow"
                        ).date(),
                    }
                )
        self.env["helpdesk.ticket"].browse(bodies)._message_log_batch(bodies=bodies)
        if activity_vals:
            self.env["mail.activity"].with_context(
                mail_activity_quick_update=True
            ).create(activity_vals)

    def _etp_handle_breaches(self, now, digests):
        if not self:
            return
        self.write({"state": sla_rules.EXPIRED, "breached_at": now})
        self._etp_prefetch()
        by_ticket = self.grouped("ticket_id")
        bodies = {}
        activity_vals = []
        escalations = []
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        ticket_model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        for ticket, rows in by_ticket.items():
            if not ticket.active or ticket.closed:
                continue
            team = ticket.team_id
            leader = team.user_id
            lines = [row._etp_describe(self.env) for row in rows]
            target = team.escalation_team_id
            escalate = bool(target) and any(rows.sla_id.mapped("escalate_on_breach"))
            bodies[ticket.id] = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("SLA breach: a target was missed."),
                Markup().join(Markup("<li>%s</li>") % line for line in lines),
            )
            if escalate:
                escalations.append(
                    (
                        ticket,
                        target,
                        self.env._(
                            "SLA breach, escalated automatically: %(targets)s",
                            targets="; ".join(lines),
                        ),
                    )
                )
            elif leader:
                activity_vals.append(
                    {
                        "res_model_id": ticket_model_id,
                        "res_id": ticket.id,
                        "user_id": leader.id,
                        "activity_type_id": todo.id if todo else False,
                        "summary": self.env._(
                            "SLA breached: %(targets)s", targets="; ".join(lines)
                        ),
                        "date_deadline": deadlines.from_utc_naive(
                            now, "Europe/Moscow"
                        ).date(),
                    }
                )
            if leader:
                digests[leader].append(
                    ("escalated" if escalate else "breach", ticket, rows)
                )
        if bodies:
            self.env["helpdesk.ticket"].browse(bodies)._message_log_batch(bodies=bodies)
        if activity_vals:
            self.env["mail.activity"].with_context(
                mail_activity_quick_update=True
            ).create(activity_vals)
        self._etp_run_isolated(
            escalations,
            lambda item: item[0]._etp_move_to_team(item[1], item[2], kind="sla_breach"),
            "SLA escalation of ticket %s",
        )

    def _etp_prefetch(self):
        """Read what the notifications need for the whole batch at once."""
        tickets = self.ticket_id
        tickets.mapped("display_name")
        tickets.team_id.user_id.partner_id.mapped("lang")
        tickets.team_id.escalation_team_id.mapped("name")
        self.sla_id.mapped("escalate_on_breach")

    @api.model
    def _etp_run_isolated(self, items, func, label):
        """Run ``func`` on every item; when one fails, roll back, redo them one
        by one in savepoints, and log the failing ones (the others go on)."""
        if not items:
            return
        try:
            with self.env.cr.savepoint():
                for item in items:
                    func(item)
        except Exception:  # isolate the failing item, then log it
            for item in items:
                try:
                    with self.env.cr.savepoint():
                        func(item)
                except Exception:
                    _logger.exception(label, getattr(item[0], "display_name", item))

    @api.model
    def _etp_send_digests(self, digests):
        """One notification per team leader for the whole batch."""
        for leader, events in digests.items():
            env = self.with_context(lang=leader.lang or self.env.lang).env
            titles = {
                "warning": env._("close to the deadline"),
                "breach": env._("breached"),
                "escalated": env._("breached, escalated to the next line"),
            }
            items = Markup().join(
                Markup('<li><a href="/odoo/helpdesk.ticket/%s">%s</a> %s — %s: %s</li>')
                % (
                    ticket.id,
                    ticket.number,
                    ticket.name,
                    titles[event],
                    "; ".join(row._etp_describe(env) for row in rows),
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

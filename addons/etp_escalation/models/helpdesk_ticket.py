# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, split_every
from odoo.tools.mail import generate_tracking_message_id
from odoo.tools.safe_eval import safe_eval

from odoo.addons.etp_helpdesk.tools import ticket_priorities

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
    _inherit = "helpdesk.ticket"

    support_line = fields.Selection(related="team_id.support_line", store=True)
    first_response_date = fields.Datetime(
        copy=False,
        readonly=True,
        index=True,
        help="When an operator first answered the requester publicly.",
    )
    escalation_ids = fields.One2many("helpdesk.ticket.escalation", "ticket_id")
    escalation_count = fields.Integer(compute="_compute_escalation_count")
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
    # SLA: the priority a person gave; the deadline rule never goes below it
    priority_manual = fields.Selection(
        lambda self: ticket_priorities(self.env),
        string="Priority Set by Hand",
        readonly=True,
        copy=False,
        help="The priority given at creation or by an operator. A near "
        "procedure deadline raises the priority above it, never below.",
    )
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
    # The operator's queue: the nearest deadline (see _compute_sla_next),
    # stored and indexed so that the queue is sorted by it in SQL
    sla_next_deadline = fields.Datetime(
        string="Nearest Deadline",
        compute="_compute_sla_next",
        store=True,
        index="btree_not_null",
        help="The deadline to beat next: of the SLA targets still due or of "
        "the procedure deadline, whichever comes first. Empty when the "
        "ticket is closed or its SLA is paused.",
    )
    sla_next_warning = fields.Datetime(
        string="Nearest Deadline Warning",
        compute="_compute_sla_next",
        store=True,
        help="From this moment the nearest deadline is shown as close.",
    )
    sla_next_kind = fields.Selection(
        [
            (sla_rules.FIRST_RESPONSE, "First response"),
            (sla_rules.RESOLUTION, "Resolution"),
            (sla_rules.PROCEDURE, "Procedure deadline"),
        ],
        string="Nearest Deadline Of",
        compute="_compute_sla_next",
        store=True,
    )
    sla_paused = fields.Boolean(
        string="SLA Paused",
        compute="_compute_sla_next",
        store=True,
        help="The SLA clock stands still (the ticket waits for the requester "
        "or a third party) and no other deadline runs.",
    )
    sla_paused_left = fields.Float(
        string="SLA Time Left When Paused",
        compute="_compute_sla_next",
        store=True,
        help="Hours the paused SLA target has left when the clock starts again.",
    )
    sla_queue_state = fields.Selection(
        [
            ("on_track", "On track"),
            ("warning", "Close to the deadline"),
            ("breached", "Breached"),
            ("paused", "Paused"),
        ],
        string="Deadline State",
        compute="_compute_sla_queue_state",
        search="_search_sla_queue_state",
        help="On track, close to the nearest deadline (within the warning), "
        "breached, or paused, at this moment.",
    )
    stage_sla_pause = fields.Selection(
        related="stage_id.sla_pause", string="SLA Clock in This Stage"
    )
    stage_sla_pause_note = fields.Char(related="stage_id.sla_pause_note")
    is_my_desk = fields.Boolean(
        string="My Desks",
        compute="_compute_is_my_desk",
        search="_search_is_my_desk",
        help="Tickets of the desks the user works on (as a member or the "
        "leader), assigned to them, or not sorted to a desk yet if they work "
        "on line 1. A supervisor's desks are all desks.",
    )

    @api.depends("escalation_ids")
    def _compute_escalation_count(self):
        counts = dict(
            self.env["helpdesk.ticket.escalation"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.escalation_count = counts.get(ticket._origin, 0)

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

    def action_escalate(self):
        self.ensure_one()
        return self._etp_open_escalate_wizard("escalate")

    def action_send_back(self):
        self.ensure_one()
        return self._etp_open_escalate_wizard("return")

    def _etp_open_escalate_wizard(self, direction):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Escalate")
            if direction == "escalate"
            else self.env._("Send back"),
            "res_model": "helpdesk.ticket.escalate.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id, "default_direction": direction},
        }

    def _etp_escalation_target(self):
        """The team this ticket escalates to along the configured path."""
        self.ensure_one()
        return self.team_id.escalation_team_id

    def _etp_send_back_target(self):
        """The team the ticket came from at its last escalation."""
        self.ensure_one()
        last = self.escalation_ids.filtered(
            lambda e: e.kind != "return" and e.to_team_id == self.team_id
        )[:1]
        return last.from_team_id

    def _etp_move_to_team(self, team, reason, kind="manual", tried=False):
        """Move the ticket to ``team`` and record it in the escalation history."""
        self.ensure_one()
        return self._etp_move_to_teams([(self, team, reason, tried)], kind=kind)

    # ------------------------------------------------------------------
    # Moving tickets between teams, in batches (escalation, SLA breaches)
    # ------------------------------------------------------------------

    @api.model
    def _etp_move_to_teams(self, moves, kind="manual"):
        """Move tickets to other teams and record it in their escalation
        history: ``moves`` is a list of ``(ticket, team, reason[, tried])``.

        The same for one ticket (an operator's escalation) and for hundreds
        (the SLA cron): one insert of the history rows, one write per target
        team, one chatter note per ticket logged in one batch, then one duty
        assignment for all the tickets moved (``etp_duty_defer`` is set while
        they move). Checks every move first: nothing moves when one is wrong.

        :return: the history rows, in the order of ``moves``
        """
        Escalation = self.env["helpdesk.ticket.escalation"]
        if not moves:
            return Escalation
        moves = [(move + (False,))[:4] for move in moves]
        for ticket, team, reason, _tried in moves:
            ticket._etp_check_move(team, reason)
        kinds = dict(Escalation._fields["kind"]._description_selection(self.env))
        vals_list, bodies, by_team = [], {}, defaultdict(list)
        for ticket, team, reason, tried in moves:
            from_team = ticket.team_id
            vals_list.append(
                {
                    "ticket_id": ticket.id,
                    "from_team_id": from_team.id,
                    "from_line": from_team.support_line,
                    "to_team_id": team.id,
                    "to_line": team.support_line,
                    "kind": kind,
                    "reason": reason,
                    "tried": tried,
                    # the ticket's (the related fields' values): in the
                    # INSERT, not in an UPDATE of every row after it
                    "audience": ticket.audience,
                    "company_id": ticket.company_id.id,
                }
            )
            bodies[ticket.id] = Markup("<p>%s</p><p>%s</p>") % (
                self.env._(
                    "%(kind)s: %(from)s → %(to)s",
                    kind=kinds[kind],
                    **{"from": from_team.name or "—", "to": team.name},
                ),
                reason,
            )
            by_team[team].append(ticket.id)
        history = Escalation.create(vals_list)
        deferred = self.with_context(etp_duty_defer=True)
        for team, ticket_ids in by_team.items():
            deferred.browse(ticket_ids).write({"team_id": team.id, "user_id": False})
        moved = self.browse(list(bodies))
        moved._etp_log_notes(bodies)
        self.env["helpdesk.duty.shift"]._etp_assign_tickets(moved)
        return history

    def _etp_check_move(self, team, reason):
        """Whether the ticket may move to ``team`` for ``reason``."""
        self.ensure_one()
        if not team:
            raise UserError(self.env._("Choose the team the ticket goes to."))
        if team == self.team_id:
            raise UserError(
                self.env._(
                    "Ticket %(number)s is already with %(team)s.",
                    number=self.number,
                    team=team.name,
                )
            )
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for the escalation."))

    def _etp_log_notes(self, bodies):
        """Log ``bodies`` (``{ticket id: Markup}``, text we escaped
        ourselves) on the tickets as internal notes: what
        ``_message_log_batch`` writes (same author, subtype, type and
        addresses), in one INSERT. The ORM's create sanitises and
        post-processes each body, about a millisecond a note, which a cron
        call escalating hundreds of tickets would pay hundreds of times.

        :return: the notes (``mail.message``, as superuser)
        """
        Message = self.env["mail.message"].sudo()
        if not bodies:
            return Message
        author_id, email_from = self._message_compute_author(raise_on_email=False)
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=email_from)[
            False
        ]
        now, uid = self.env.cr.now(), self.env.uid
        ids = list(bodies)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_message (
                    model, res_id, body, message_type, subtype_id, is_internal,
                    author_id, email_from, reply_to, message_id,
                    email_add_signature, date,
                    create_uid, create_date, write_uid, write_date)
                SELECT %(model)s, note.res_id, note.body, 'notification',
                    %(subtype)s, TRUE, %(author)s, %(email_from)s, %(reply_to)s,
                    %(message_id)s, FALSE, %(date)s, %(uid)s, %(now)s, %(uid)s,
                    %(now)s
                FROM unnest(%(ids)s::int[], %(bodies)s::text[])
                    WITH ORDINALITY AS note(res_id, body, position)
                ORDER BY note.position
                RETURNING id
                """,
                model=self._name,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                author=author_id or None,
                email_from=email_from or None,
                reply_to=reply_to or None,
                message_id=generate_tracking_message_id("message-notify"),
                date=fields.Datetime.now(),
                uid=uid,
                now=now,
                ids=ids,
                bodies=[str(escape(bodies[ticket_id])) for ticket_id in ids],
            )
        )
        notes = Message.browse([row[0] for row in self.env.cr.fetchall()])
        self.browse(ids).invalidate_recordset(
            ["message_ids", "message_needaction", "message_needaction_counter"]
        )
        return notes

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

    def _etp_sla_line(self):
        """The support line whose policies apply: the desk's; a ticket no desk
        holds yet (no audience, no team) counts as line 1, as for access."""
        self.ensure_one()
        return self.team_id.support_line if self.team_id else "1"

    def _etp_counts_sla(self):
        """``{ticket id: bool}``: whether the ticket's SLA clock runs: its
        team uses SLA; a ticket without a team is not left without a clock
        when the line-1 desks of its company use SLA (cached)."""
        companies = frozenset()
        if any(not ticket.team_id for ticket in self):
            companies = self.env["helpdesk.ticket.team"]._etp_sla_intake_company_ids()
        return {
            ticket.id: ticket.team_id.use_sla
            if ticket.team_id
            else ticket.company_id.id in companies
            for ticket in self
        }

    def _etp_most_specific(self, policies):
        """The policies of ``policies`` (all applying to this ticket) that set
        its targets (see ``best_policies``)."""
        self.ensure_one()
        facts = {policy._etp_facts(): policy for policy in policies}
        best = sla_rules.best_policies(list(facts), self._etp_sla_facts().category_path)
        return policies.browse([policy.id for policy in best])

    def _etp_sla_facts(self):
        """The ticket as the rule choosing its SLA policies sees it
        (``sla_rules.applies``)."""
        self.ensure_one()
        return sla_rules.TicketFacts(
            team_id=self.team_id.id or 0,
            tag_ids=frozenset(self.tag_ids.ids),
            category_path=self.env["helpdesk.ticket.category"]._etp_category_path(
                self.category_id.id
            ),
            company_id=self.company_id.id or 0,
            audience=self.audience or "",
            support_line=self._etp_sla_line(),
            priority=self.priority or "",
        )

    def _etp_slas_by_ticket(self):
        """``{ticket id: policies}``: what ``_get_sla()`` gives each ticket,
        for many tickets at once and from the cached policies
        (``helpdesk.sla._etp_policy_table``): no query but the domain filters
        of the policies that have one, one per policy for all the tickets
        (upstream searches the policies per ticket)."""
        Policy = self.env["helpdesk.sla"].sudo()
        table = Policy._etp_policy_table()
        if not table:
            return dict.fromkeys(self.ids, Policy)
        filtered = {
            policy.id: self.filtered_domain(safe_eval(policy.domain))
            for policy in table
            if policy.has_domain
        }
        counts = self._etp_counts_sla()
        result = {}
        for ticket in self:
            best = []
            if counts[ticket.id]:
                facts = ticket._etp_sla_facts()
                found = [
                    policy
                    for policy in table
                    if sla_rules.applies(policy, facts)
                    and (not policy.has_domain or ticket in filtered[policy.id])
                ]
                best = sla_rules.best_policies(found, facts.category_path)
            result[ticket.id] = Policy.browse([policy.id for policy in best])
        prefetch = [policy.id for policy in table]
        return {
            ticket_id: policies.with_prefetch(prefetch)
            for ticket_id, policies in result.items()
        }

    def _etp_sla_plan(self):
        """``{ticket id: (rows to drop, [(row, policy)] to hand over,
        [(policy, kind)] to add)}`` for the tickets whose targets are not
        those of the policies that apply.

        A met or expired target stays as history, and a kind whose targets
        are all over gets no new one. An open target of a policy that no
        longer applies (the ticket changed team, priority, category…) is
        handed over to the new policy, its clock starting then. Tickets
        whose targets are all over are not matched against the policies."""
        pending = self.filtered(lambda t: not t._etp_sla_over())
        best = pending._etp_slas_by_ticket()
        table = {
            facts.id: facts for facts in self.env["helpdesk.sla"]._etp_policy_table()
        }
        plan = {}
        for ticket in pending:
            hours_per_day = ticket.team_id.resource_calendar_id.hours_per_day
            drop, hand_over, add = self.env["helpdesk.ticket.sla"], [], []
            for kind in (sla_rules.FIRST_RESPONSE, sla_rules.RESOLUTION):
                rows = ticket.ticket_sla_ids.filtered(
                    lambda r, k=kind: r.target_kind == k
                )
                open_rows = rows.filtered(lambda r: r.state in sla_rules.OPEN_STATES)
                if rows and not open_rows:
                    continue  # this target is over (met or expired)
                wanted = [
                    policy
                    for policy in best[ticket.id]
                    if sla_rules.target_hours(table[policy.id], kind, hours_per_day)
                ]
                stale = open_rows.filtered(lambda r, w=wanted: r.sla_id not in w)
                missing = [policy for policy in wanted if policy not in rows.sla_id]
                hand_over += zip(stale, missing, strict=False)
                drop |= stale[len(missing) :]
                add += [(policy, kind) for policy in missing[len(stale) :]]
            if drop or hand_over or add:
                plan[ticket.id] = (drop, hand_over, add)
        return plan

    def _etp_sla_over(self):
        """Whether both targets of the ticket are over (met or expired): no
        policy gives it a new one."""
        self.ensure_one()
        states = defaultdict(set)
        for row in self.ticket_sla_ids:
            states[row.target_kind].add(row.state)
        return all(
            states[kind] and not states[kind].intersection(sla_rules.OPEN_STATES)
            for kind in (sla_rules.FIRST_RESPONSE, sla_rules.RESOLUTION)
        )

    def _etp_sync_sla(self):
        """Give the tickets the targets of the policies that apply, in one
        batch (see ``_etp_sla_plan``)."""
        plan = self.sudo()._etp_sla_plan()
        Rows = self.env["helpdesk.ticket.sla"].sudo()
        handed_over = Rows
        for _drop, hand_over, _add in plan.values():
            for row, policy in hand_over:
                # upstream's computes start the target again (see
                # HelpdeskTicketSla._compute_sla_data)
                row.write(
                    {
                        "sla_id": policy.id,
                        "consumed_time": 0.0,
                        "paused_hours": 0.0,
                        "warned_at": False,
                    }
                )
                handed_over |= row
        # compute them now, from the ticket as it is (a later change of stage
        # would otherwise decide their first state)
        handed_over.mapped("deadline")
        Rows.union(*(drop for drop, _hand_over, _add in plan.values())).unlink()
        Rows.create(
            [
                {"ticket_id": ticket_id, "sla_id": policy.id, "target_kind": kind}
                for ticket_id, (_drop, _hand_over, add) in plan.items()
                for policy, kind in add
            ]
        )

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

    @api.model
    def _etp_prepare_priority_vals(self, vals_list):
        """Raise the priority of new tickets whose procedure deadline is near,
        before they are stored; return the indexes of those raised."""
        now = fields.Datetime.now()
        default_priority = None
        raised = []
        for index, vals in enumerate(vals_list):
            manual = vals.get("priority")
            if not manual:
                if default_priority is None:
                    default_priority = (
                        self.default_get(["priority"]).get("priority") or "1"
                    )
                manual = default_priority
            vals.setdefault("priority_manual", manual)
            deadline = fields.Datetime.to_datetime(vals.get("procedure_deadline"))
            if not deadline:
                continue
            team = self.env["helpdesk.ticket.team"].browse(vals.get("team_id"))
            company = (
                self.env["res.company"].browse(vals.get("company_id"))
                or team.company_id
                or self.env.company
            )
            target = sla_rules.automatic_priority(
                manual,
                sla_rules.deadline_priority(
                    deadline, now, company.sudo()._etp_priority_thresholds()
                ),
            )
            if target != manual:
                vals["priority"] = target
                raised.append(index)
        return raised

    def _etp_log_priority_raise(self, indexes):
        if indexes:
            tickets = self.browse([self[index].id for index in indexes])
            tickets._etp_log_priority_change()

    def _etp_apply_deadline_priority(self, allow_lower=False, now=None):
        """Set the priority the procedure deadline calls for, never below the
        manual one. ``allow_lower`` (a changed deadline) may bring an automatic
        raise back down; the cron only raises.

        :return: ``{priority: tickets}`` of the tickets changed
        """
        now = now or fields.Datetime.now()
        changes = {}
        for ticket in self:
            if ticket.closed:
                continue
            computed = sla_rules.deadline_priority(
                ticket.procedure_deadline,
                now,
                ticket.company_id.sudo()._etp_priority_thresholds(),
            )
            target = sla_rules.automatic_priority(
                ticket.priority_manual or ticket.priority, computed
            )
            if target == ticket.priority:
                continue
            if not allow_lower and sla_rules.priority_rank(
                target
            ) < sla_rules.priority_rank(ticket.priority):
                continue
            changes[target] = changes.get(target, self.browse()) | ticket
        for priority, tickets in changes.items():
            tickets.with_context(etp_auto_priority=True).write({"priority": priority})
        if changes:
            self.browse().union(*changes.values())._etp_log_priority_change()
        return changes

    def _etp_log_priority_change(self):
        """One chatter note per ticket, written in one batch."""
        labels = dict(self._fields["priority"]._description_selection(self.env))
        bodies = {}
        for ticket in self:
            bodies[ticket.id] = Markup("<p>%s</p>") % self.env._(
                "Priority set to %(priority)s automatically: the procedure "
                "deadline is %(deadline)s.",
                priority=labels.get(ticket.priority, ticket.priority),
                deadline=ticket.procedure_deadline_display or self.env._("not set"),
            )
        self.sudo()._message_log_batch(bodies=bodies)

    @api.model
    def _cron_raise_deadline_priority(self, batch_size=500):
        """Raise the priority of open tickets whose procedure deadline came
        near: one search for the batch, one write per priority value.

        :return: ``(done, remaining)``
        """
        # Crons run without a language: write in the company's.
        self = self.with_context(lang=self.env.lang or self.env.company._etp_lang())
        now = fields.Datetime.now()
        branches = []
        companies = self.env["res.company"].sudo().search([("active", "=", True)])
        for company in companies:
            for hours, priority in company._etp_priority_thresholds():
                lower = [
                    value
                    for value in sla_rules.PRIORITIES
                    if sla_rules.priority_rank(value)
                    < sla_rules.priority_rank(priority)
                ]
                branches.append(
                    [
                        ("company_id", "=", company.id),
                        ("procedure_deadline", "<=", now + timedelta(hours=hours)),
                        ("priority", "in", lower),
                    ]
                )
        if not branches:
            return 0, 0
        domain = expression.AND(
            [
                [("procedure_deadline", ">", now), ("stage_id.closed", "=", False)],
                expression.OR(branches),
            ]
        )
        Ticket = self.sudo()
        tickets = Ticket.search(
            domain, limit=batch_size, order="procedure_deadline, id"
        )
        tickets._etp_apply_deadline_priority(now=now)
        done = len(tickets)
        remaining = Ticket.search_count(domain) if done >= batch_size else 0
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

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

    def _etp_keep_priority_as_manual(self):
        """The priority the tickets had is the one a person gave."""
        for priority, tickets in (
            self.filtered(lambda t: not t.priority_manual).grouped("priority").items()
        ):
            tickets.write({"priority_manual": priority or "1"})

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

    # ------------------------------------------------------------------
    # The operator's queue: the nearest deadline, my desks
    # ------------------------------------------------------------------

    @api.depends(
        "ticket_sla_ids.target_kind",
        "ticket_sla_ids.state",
        "ticket_sla_ids.deadline",
        "ticket_sla_ids.warning_date",
        "ticket_sla_ids.hours",
        "ticket_sla_ids.consumed_time",
        "procedure_deadline",
        "stage_id.closed",
        "first_response_date",
    )
    def _compute_sla_next(self):
        """The nearest deadline of each ticket (see ``sla.next_deadline``):
        one pass over the batch, its SLA targets read together."""
        for ticket in self:
            found = sla_rules.next_deadline(
                [row._etp_target_facts() for row in ticket.ticket_sla_ids],
                closed=ticket.stage_id.closed,
                answered=bool(ticket.first_response_date),
                procedure_deadline=ticket.procedure_deadline,
                opened_at=ticket.create_date,
            )
            ticket.sla_next_deadline = found.deadline or False
            ticket.sla_next_warning = found.warning or False
            ticket.sla_next_kind = found.kind or False
            ticket.sla_paused = found.paused
            ticket.sla_paused_left = found.paused_left

    @api.depends("sla_next_deadline", "sla_next_warning", "sla_paused")
    def _compute_sla_queue_state(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket.sla_queue_state = sla_rules.queue_state(
                sla_rules.NextDeadline(
                    deadline=ticket.sla_next_deadline or None,
                    warning=ticket.sla_next_warning or None,
                    paused=ticket.sla_paused,
                ),
                now,
            )

    def _search_sla_queue_state(self, operator, value):
        """The tickets in a deadline state at this moment, from the stored
        nearest deadline (no search per ticket)."""
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(
                self.env._(
                    "The filter on the deadline state accepts only 'is' and 'is in'."
                )
            )
        values = [value] if isinstance(value, str) or not value else list(value)
        now = fields.Datetime.now()
        branches = {
            "breached": [("sla_next_deadline", "<=", now)],
            "warning": [
                ("sla_next_deadline", ">", now),
                ("sla_next_warning", "<=", now),
            ],
            "on_track": [
                ("sla_next_deadline", ">", now),
                ("sla_next_warning", ">", now),
            ],
            "paused": [("sla_next_deadline", "=", False), ("sla_paused", "=", True)],
        }
        domain = expression.OR(
            [branches[v] for v in values if v in branches] or [expression.FALSE_DOMAIN]
        )
        if operator in ("!=", "not in"):
            return ["!", *expression.normalize_domain(domain)]
        return domain

    @api.depends_context("uid")
    def _compute_is_my_desk(self):
        desks = self.env["helpdesk.ticket.team"]._etp_my_desks()
        mine = self.filtered_domain(self._etp_my_desk_domain(desks))
        for ticket in self:
            ticket.is_my_desk = ticket in mine

    def _search_is_my_desk(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._(
                    "The filter on my desks accepts only 'is set' and 'is not set'."
                )
            )
        domain = self._etp_my_desk_domain(
            self.env["helpdesk.ticket.team"]._etp_my_desks()
        )
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    @api.model
    def _etp_my_desk_domain(self, desks):
        """Tickets of ``desks`` (None: every desk), assigned to the user, or,
        for a line-1 desk's people, not sorted to a desk yet."""
        if desks is None:
            return expression.TRUE_DOMAIN
        branches = [
            [("team_id", "in", desks.ids)],
            [("user_id", "=", self.env.uid)],
        ]
        if "1" in desks.mapped("support_line"):
            branches.append([("team_id", "=", False)])
        return expression.OR(branches)

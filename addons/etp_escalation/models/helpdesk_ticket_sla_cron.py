# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The SLA cron of ``helpdesk.ticket.sla`` (a mixin it inherits): targets
close to their deadline warn the team leader, breached ones are marked
missed, noted on their ticket and escalated to the team's next line when the
policy says so; each leader gets one digest per run of the cron."""

import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

from odoo.addons.etp_helpdesk.lib import deadlines

from ..lib import sla as sla_rules
from ..lib import sla_queue

_logger = logging.getLogger(__name__)

# targets per call (the cron worker commits after each and calls again while
# some are left): a thousand is where each call's fixed cost (the searches,
# the leaders' digests, the commit) stops mattering, and the most one IN list
# of the ORM holds
CRON_BATCH_SIZE = 1000
# tickets a team leader's digest names (the others are counted)
DIGEST_LIMIT = 20
# a run of the cron that goes on longer (targets fall due as fast as they are
# handled) still sends its digests this often
DIGEST_MAX_DELAY = timedelta(minutes=10)
# pending digests read per call (one per team leader with news: a desk has
# tens); more are sent at once, the rest at the next call
DIGEST_PENDING_LIMIT = 1000
# what the cron reports about a due target (the leader's digest)
WARNING = "warning"
BREACH = "breach"
ESCALATED = "escalated"
# the order a digest names them in
SEVERITY = {ESCALATED: 0, BREACH: 1, WARNING: 2}


class HelpdeskTicketSlaCron(models.AbstractModel):
    _name = "helpdesk.ticket.sla.cron"
    _description = "SLA Warnings and Breaches"

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
        writes, one chatter log for all tickets, one activity create. The
        cron worker commits after each call and calls again while
        :meth:`ir.cron._notify_progress` reports work left; each team leader
        gets one digest when no work is left (``_etp_dispatch_digests``).
        Each target is handled once: ``breached_at`` and ``warned_at`` are set
        in the same transaction as the notes, the activities and the pending
        digests.

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
        self._etp_dispatch_digests(digests, now, run_over=not remaining)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    def _etp_descriptions(self, lang_env):
        """``{row id: «First response: 05.03.2026 14:05 МСК»}``, in the
        reader's language (the labels read once for all the rows). Moscow
        time only: the operators' clock (the ticket shows the requester's
        own time), without working out each requester's zone."""
        kinds = dict(self._fields["target_kind"]._description_selection(lang_env))
        Ticket = lang_env["helpdesk.ticket"]
        return {
            row.id: f"{kinds[row.target_kind]}: {Ticket._etp_format_msk(row.deadline)}"
            for row in self
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
            lambda row: not sla_queue.expiry_keeps_next_deadline(
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
    def _etp_dispatch_digests(self, digests, now, run_over):
        """Add this call's news for the team leaders (``digests``:
        ``{leader: [(event, ticket, targets)]}``) to their pending digests
        (``helpdesk.ticket.sla.digest``), and send the digests when the run
        is over, or when their oldest news has waited ``DIGEST_MAX_DELAY``.
        A run of one call (the usual minute) sends at once; the hundreds of
        calls of a platform failure send each leader one digest, not one per
        call."""
        Pending = self.env["helpdesk.ticket.sla.digest"].sudo()
        pending = Pending.search([], order="id", limit=DIGEST_PENDING_LIMIT)
        if not digests and not pending:
            return
        merged = pending._etp_digests()
        for leader, events in digests.items():
            count, named = merged.get(leader, (0, []))
            merged[leader] = (
                count + len(events),
                self._etp_digest_named(
                    named
                    + [
                        [event, ticket.id, rows.ids]
                        for event, ticket, rows in events[:DIGEST_LIMIT]
                    ]
                ),
            )
        since = min(pending.mapped("since"), default=now)
        full = len(pending) >= DIGEST_PENDING_LIMIT
        if run_over or full or since <= now - DIGEST_MAX_DELAY:
            self._etp_send_digests(merged)
            pending.unlink()
            return
        rows = {row.user_id: row for row in pending}
        new = []
        for leader in digests:
            count, named = merged[leader]
            if leader in rows:
                rows[leader].write({"count": count, "events": named})
            else:
                new.append(
                    {
                        "user_id": leader.id,
                        "since": now,
                        "count": count,
                        "events": named,
                    }
                )
        Pending.create(new)

    @api.model
    def _etp_digest_named(self, events):
        """The ``DIGEST_LIMIT`` reports of ``events`` (``[event, ticket id,
        target ids]``, in the order they came) a digest names: one per ticket
        (its targets together, under its most serious event), escalations,
        then breaches, then warnings."""
        by_ticket = {}
        for event, ticket_id, row_ids in events:
            if ticket_id not in by_ticket:
                by_ticket[ticket_id] = [event, ticket_id, list(row_ids)]
                continue
            named = by_ticket[ticket_id]
            if SEVERITY[event] < SEVERITY[named[0]]:
                named[0] = event
            named[2] += [row_id for row_id in row_ids if row_id not in named[2]]
        ranked = sorted(by_ticket.values(), key=lambda named: SEVERITY[named[0]])
        return ranked[:DIGEST_LIMIT]

    @api.model
    def _etp_send_digests(self, digests):
        """One notification per team leader: ``digests`` maps each to
        ``(count, events)``, the number of reports (a ticket reported by two
        calls of a run counts twice) and the ones to name
        (``_etp_digest_named``). The digest names those and counts the
        others, which the queue lists (a platform failure breaches hundreds
        at once: a list of hundreds is read by nobody). A leader whose
        digest fails is logged; the others still get theirs."""
        named = [event for _count, events in digests.values() for event in events]
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .browse(list(dict.fromkeys(ticket_id for _e, ticket_id, _r in named)))
        )
        tickets.fetch(["number", "name"])
        targets = self.sudo().browse(
            list(dict.fromkeys(r for _e, _t, row_ids in named for r in row_ids))
        )
        targets.fetch(["target_kind", "deadline"])
        tickets = {ticket.id: ticket for ticket in tickets}
        targets = {row.id: row for row in targets}
        for leader, (count, events) in digests.items():
            env = self.with_context(lang=leader.lang or self.env.lang).env
            titles = {
                WARNING: env._("close to the deadline"),
                BREACH: env._("breached"),
                ESCALATED: env._("breached, escalated to the next line"),
            }
            rows = self.browse().union(
                *(targets[r] for _e, _t, row_ids in events for r in row_ids)
            )
            described = rows._etp_descriptions(env)
            items = Markup().join(
                Markup('<li><a href="/odoo/helpdesk.ticket/%s">%s</a> %s — %s: %s</li>')
                % (
                    ticket_id,
                    tickets[ticket_id].number,
                    tickets[ticket_id].name,
                    titles[event],
                    "; ".join(described[row_id] for row_id in row_ids),
                )
                for event, ticket_id, row_ids in events
            )
            more = Markup()
            if count > len(events):
                more = Markup('<p><a href="/odoo/helpdesk">%s</a></p>') % env._(
                    "… and %(count)s more: see the queue",
                    count=count - len(events),
                )
            try:
                with self.env.cr.savepoint():
                    env["mail.thread"].message_notify(
                        partner_ids=leader.partner_id.ids,
                        subject=env._(
                            "SLA: %(count)s ticket(s) need attention", count=count
                        ),
                        body=Markup("<p>%s</p><ul>%s</ul>%s")
                        % (env._("SLA targets of your team's tickets:"), items, more),
                    )
            except Exception:  # one leader's digest does not stop the others
                _logger.exception("SLA digest to %s", leader.display_name)

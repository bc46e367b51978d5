# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The priority of ``helpdesk.ticket`` by its procedure deadline (a mixin it
inherits): a near deadline raises the priority above the one a person gave
(``priority_manual``), never below it (``lib/sla.py``), at creation, on a
change and by the cron, with a chatter note."""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.osv import expression

from odoo.addons.etp_helpdesk.tools import ticket_priorities

from ..lib import sla as sla_rules


class HelpdeskTicketDeadlinePriority(models.AbstractModel):
    _name = "helpdesk.ticket.deadline.priority"
    _description = "Ticket Priority by Procedure Deadline"

    # SLA: the priority a person gave; the deadline rule never goes below it
    priority_manual = fields.Selection(
        lambda self: ticket_priorities(self.env),
        string="Priority Set by Hand",
        readonly=True,
        copy=False,
        help="The priority given at creation or by an operator. A near "
        "procedure deadline raises the priority above it, never below.",
    )

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

    def _etp_keep_priority_as_manual(self):
        """The priority the tickets had is the one a person gave."""
        for priority, tickets in (
            self.filtered(lambda t: not t.priority_manual).grouped("priority").items()
        ):
            tickets.write({"priority_manual": priority or "1"})

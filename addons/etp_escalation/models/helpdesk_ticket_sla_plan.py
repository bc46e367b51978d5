# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which SLA targets each ``helpdesk.ticket`` should have (a mixin it
inherits): the most specific policies that apply (``lib/sla.py``), found
for many tickets at once from the cached policies, and the rows to add,
hand over or drop to bring the tickets' targets in line with them. The
ticket's overrides of helpdesk_mgmt_sla (``_get_sla``, ``set_sla``…) call
these methods."""

from collections import defaultdict

from odoo import models
from odoo.tools.safe_eval import safe_eval

from ..lib import sla as sla_rules


class HelpdeskTicketSlaPlan(models.AbstractModel):
    _name = "helpdesk.ticket.sla.plan"
    _description = "SLA Targets Plan of Tickets"

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
        if any(add for _drop, _hand_over, add in plan.values()):
            self.env["helpdesk.sla"].sudo()._etp_cache_facts()
        Rows.create(
            [
                {"ticket_id": ticket_id, "sla_id": policy.id, "target_kind": kind}
                for ticket_id, (_drop, _hand_over, add) in plan.items()
                for policy, kind in add
            ]
        )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The playbook of ``helpdesk.ticket`` (a mixin it inherits): the steps of
its category's playbook as lines the operator ticks, kept in line with the
category, and the share of them done."""

from collections import defaultdict

from odoo import api, fields, models


class HelpdeskTicketPlaybook(models.AbstractModel):
    _name = "helpdesk.ticket.playbook"
    _description = "Playbook of Tickets"

    checklist_ids = fields.One2many(
        "helpdesk.ticket.checklist",
        "ticket_id",
        string="Playbook Steps",
        copy=False,
    )
    # precomputed: a new ticket starts at 0 without a query; its playbook
    # lines, created right after, trigger the recomputation
    checklist_done_count = fields.Integer(
        string="Steps Done",
        compute="_compute_checklist_progress",
        store=True,
        precompute=True,
    )
    checklist_total_count = fields.Integer(
        string="Steps",
        compute="_compute_checklist_progress",
        store=True,
        precompute=True,
    )
    checklist_progress = fields.Float(
        string="Playbook Progress",
        compute="_compute_checklist_progress",
        store=True,
        precompute=True,
        aggregator="avg",
        help="Share of the playbook steps done, in percent.",
    )

    @api.depends("checklist_ids.done")
    def _compute_checklist_progress(self):
        counts = defaultdict(lambda: [0, 0])
        saved = self.filtered(lambda t: isinstance(t.id, int))
        if saved:
            for ticket, done, count in (
                self.env["helpdesk.ticket.checklist"]
                .sudo()
                ._read_group(
                    [("ticket_id", "in", saved.ids)],
                    ["ticket_id", "done"],
                    ["__count"],
                )
            ):
                counts[ticket.id][1] += count
                if done:
                    counts[ticket.id][0] += count
        saved_ids = set(saved.ids)
        for ticket in self:
            if ticket.id in saved_ids:
                done, total = counts[ticket.id]
            else:  # a form being edited: count what the operator sees
                total = len(ticket.checklist_ids)
                done = len(ticket.checklist_ids.filtered("done"))
            ticket.checklist_done_count = done
            ticket.checklist_total_count = total
            ticket.checklist_progress = 100.0 * done / total if total else 0.0

    def _etp_sync_checklist(self, new=False):
        """Bring the playbook lines of the tickets in line with their category:
        lines of steps still in the playbook stay as they are (ticked or not),
        lines of other steps go, missing steps are added. Lines an operator
        added by hand stay. ``new`` tells that the tickets have no lines yet.
        """
        if not self:
            return
        Checklist = self.env["helpdesk.ticket.checklist"].sudo()
        playbooks = self.category_id._etp_playbook_steps()
        lines_by_ticket = defaultdict(list)
        if not new:
            for line in Checklist.search_fetch(
                [("ticket_id", "in", self.ids), ("step_id", "!=", False)],
                ["ticket_id", "step_id"],
                order="id",
            ):
                lines_by_ticket[line.ticket_id.id].append(line)
        stale_ids = []
        vals_list = []
        for ticket in self:
            steps = playbooks.get(ticket.category_id.id, [])
            wanted = {step.id for step in steps}
            present = set()
            for line in lines_by_ticket[ticket.id]:
                if line.step_id.id in wanted:
                    present.add(line.step_id.id)
                else:
                    stale_ids.append(line.id)
            vals_list.extend(
                {
                    "ticket_id": ticket.id,
                    "step_id": step.id,
                    "sequence": position,
                    "name": step.name,
                    "description": step.description,
                }
                for position, step in enumerate(steps, start=1)
                if step.id not in present
            )
        if stale_ids:
            Checklist.browse(stale_ids).unlink()
        if vals_list:
            Checklist.create(vals_list)

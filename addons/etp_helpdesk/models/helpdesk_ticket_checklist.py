# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.osv import expression


class HelpdeskTicketChecklist(models.Model):
    """One step of the playbook of a ticket's category, ticked by the operator.

    The lines are copied from the playbook when the ticket gets its category,
    so that later edits of the playbook do not rewrite the history of a
    ticket. A line belongs to its ticket: whoever may read (or change) the
    ticket may read (or change) its lines, no one else.
    """

    _name = "helpdesk.ticket.checklist"
    _description = "Ticket Playbook Step"
    _order = "ticket_id, sequence, id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade"
    )
    step_id = fields.Many2one(
        "helpdesk.playbook.step",
        string="Playbook Step",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    sequence = fields.Integer(
        default=1000,
        help="Steps of the playbook come first, lines added by hand after.",
    )
    name = fields.Char(string="Step", required=True)
    description = fields.Text(string="Hint")
    done = fields.Boolean()
    done_by = fields.Many2one("res.users", readonly=True)
    done_date = fields.Datetime(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._etp_stamp_done(vals)
        return super().create(vals_list)

    def write(self, vals):
        if "done" in vals:
            vals = self._etp_stamp_done(dict(vals))
        return super().write(vals)

    def _etp_stamp_done(self, vals):
        """Who ticked the step and when; unticking forgets both."""
        if vals.get("done"):
            vals["done_by"] = self.env.uid
            vals["done_date"] = fields.Datetime.now()
        elif "done" in vals:
            vals["done_by"] = False
            vals["done_date"] = False
        return vals

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """Only the lines of the tickets the user may read; ``fetch`` and
        ``read`` go through here too."""
        if self.env.su:
            return super()._search(domain, offset, limit, order)
        tickets = (
            self.env["helpdesk.ticket"].with_context(active_test=False)._search([])
        )
        return super()._search(
            expression.AND([domain, [("ticket_id", "in", tickets)]]),
            offset,
            limit,
            order,
        )

    def _check_access(self, operation):
        """On top of the access rights, a line is open to whoever may read its
        ticket (for ``read``) or change it (for the other operations)."""
        result = super()._check_access(operation)
        if not self or self.env.su:
            return result
        allowed = self - result[0] if result else self
        lines_by_ticket = {}
        for line in allowed.sudo():
            lines_by_ticket.setdefault(line.ticket_id.id, []).append(line.id)
        tickets = self.env["helpdesk.ticket"].browse(lines_by_ticket)
        ticket_result = tickets._check_access(
            "read" if operation == "read" else "write"
        )
        if not ticket_result:
            return result
        forbidden = self.browse(
            line_id
            for ticket in ticket_result[0]
            for line_id in lines_by_ticket[ticket.id]
        )
        if result:
            return result[0] | forbidden, result[1]
        return forbidden, ticket_result[1]

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskTicketChecklist(models.Model):
    """One step of the playbook of a ticket's category, ticked by the operator.

    The lines are copied from the playbook when the ticket gets its category,
    so that later edits of the playbook do not rewrite the history of a
    ticket. A line follows its ticket's access (helpdesk.ticket.child.mixin).
    """

    _name = "helpdesk.ticket.checklist"
    _inherit = ["helpdesk.ticket.child.mixin"]
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

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskPlaybookStep(models.Model):
    _name = "helpdesk.playbook.step"
    _description = "Playbook Step"
    _order = "category_id, sequence, id"

    category_id = fields.Many2one(
        "helpdesk.ticket.category",
        required=True,
        index=True,
        ondelete="cascade",
        help="The playbook of a category is made of the steps of its parent "
        "categories, then its own.",
    )
    company_id = fields.Many2one(related="category_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Step", required=True)
    description = fields.Text(
        string="Hint",
        help="How to do the step: where to look, what to ask the requester, "
        "what to answer.",
    )
    active = fields.Boolean(default=True)

    # the playbooks are cached (helpdesk.ticket.category._etp_playbook)
    @api.model_create_multi
    def create(self, vals_list):
        steps = super().create(vals_list)
        self.env.registry.clear_cache()
        return steps

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

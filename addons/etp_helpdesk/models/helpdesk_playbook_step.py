# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskPlaybookStep(models.Model):
    _name = "helpdesk.playbook.step"
    # the playbooks are cached (helpdesk.ticket.category._etp_playbook)
    _inherit = ["etp.cache.source"]
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

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    portal_close_label = fields.Char(
        string="Portal Button",
        translate=True,
        help="What the requester's button on the portal says, e.g. «Вопрос "
        "решён» or «Отозвать обращение». Empty: the stage name.",
    )
    portal_close_help = fields.Text(
        string="Portal Explanation",
        translate=True,
        help="Shown to the requester before the ticket is closed in this stage: "
        "what happens to it.",
    )

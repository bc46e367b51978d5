# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketSla(models.Model):
    _inherit = "helpdesk.ticket.sla"

    target_kind = fields.Selection(
        [("first_response", "First response"), ("resolution", "Resolution")],
        default="resolution",
        required=True,
        index=True,
    )

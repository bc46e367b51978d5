# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class HelpdeskTicketDuplicateWizard(models.TransientModel):
    _inherit = "helpdesk.ticket.duplicate.wizard"

    def action_confirm(self):
        """Upstream's check, with an error the operator can read in Russian
        (upstream's Python terms have no Russian)."""
        for wizard in self:
            if (
                not wizard.duplicate_of_id
                or wizard.ticket_id == wizard.duplicate_of_id
                or wizard.duplicate_of_id.duplicate_id
            ):
                raise UserError(
                    self.env._(
                        "Choose another ticket: a ticket cannot duplicate itself "
                        "or a ticket that is itself a duplicate."
                    )
                )
        return super().action_confirm()

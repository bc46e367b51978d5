# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class HelpdeskPersonalData(models.AbstractModel):
    _inherit = "helpdesk.personal.data"

    def _etp_anonymise_ticket_related(self, tickets, redactors):
        """Escalations keep why and what was tried, in the operators' words:
        the requester's name, phone or email quoted there goes too. Their
        lines, teams, kinds and dates stay for the escalation report."""
        result = super()._etp_anonymise_ticket_related(tickets, redactors)
        escalations = (
            self.env["helpdesk.ticket.escalation"]
            .sudo()
            .search_fetch(
                [("ticket_id", "in", tickets.ids)], ["ticket_id", "reason", "tried"]
            )
        )
        for escalation in escalations:
            redactor = redactors[escalation.ticket_id.id]
            escalation.write(
                {
                    "reason": redactor.text(escalation.reason),
                    "tried": redactor.text(escalation.tried),
                }
            )
        return result

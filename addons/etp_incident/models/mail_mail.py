# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        """After each sending attempt, the incident whose IT hand-off email
        this is records the outcome (sent, or failed and retried)."""
        handoffs = self.filtered(lambda mail: mail.model == "helpdesk.incident")
        if handoffs:
            incidents = (
                self.env["helpdesk.incident"]
                .sudo()
                .search([("it_mail_id", "in", handoffs.ids)])
            )
            for incident in incidents:
                incident._etp_it_mail_outcome(incident.it_mail_id)
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

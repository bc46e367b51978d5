# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models

from .helpdesk_incident_subscription import CONSENT_SOURCE


class HelpdeskTicketConsent(models.Model):
    _inherit = "helpdesk.ticket.consent"

    source = fields.Selection(
        selection_add=[(CONSENT_SOURCE, "Incident notice")],
        ondelete={CONSENT_SOURCE: "cascade"},
    )

    @api.model
    def _etp_count_recent(self, ip_address, hours=1):
        """The web form's hourly limit per network address counts the
        requests to be told about an incident too: the consents (confirmed)
        and the addresses still waiting for their confirmation."""
        count = super()._etp_count_recent(ip_address, hours=hours)
        if not ip_address:
            return count
        since = fields.Datetime.now() - timedelta(hours=hours)
        return count + self.env["helpdesk.incident.subscription"].sudo().search_count(
            [
                ("ip_address", "=", ip_address),
                ("requested_at", ">=", since),
                ("consent_id", "=", False),
                ("partner_id", "=", False),
            ]
        )

    def _etp_anonymise(self):
        """The subscriptions given with these consents lose their address."""
        result = super()._etp_anonymise()
        self.env["helpdesk.incident.subscription"].sudo().search(
            [("consent_id", "in", self.ids)]
        )._etp_anonymise()
        return result

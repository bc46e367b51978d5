# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from .helpdesk_incident_subscription import CONSENT_SOURCE


class HelpdeskPersonalDataExport(models.AbstractModel):
    _inherit = "helpdesk.personal.data.export"

    def _etp_export_consent(self, consent):
        """A consent to be told about an incident names the incident (its
        public title, as the person saw it)."""
        document = super()._etp_export_consent(consent)
        if consent.source == CONSENT_SOURCE:
            subscription = (
                self.env["helpdesk.incident.subscription"]
                .sudo()
                .search([("consent_id", "=", consent.id)], limit=1)
            )
            document["incident"] = (
                subscription._etp_public_title() if subscription else None
            )
        return document

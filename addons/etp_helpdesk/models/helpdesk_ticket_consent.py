# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models

# Version of the personal data consent text shown on the web form
# (views/support_form_templates.xml, template ``support_form_consent_text``).
# Change it whenever that text changes: every consent record keeps the version
# the requester accepted.
CONSENT_VERSION = "2026-11-01"


class HelpdeskTicketConsent(models.Model):
    _name = "helpdesk.ticket.consent"
    _description = "Personal Data Processing Consent"
    _order = "accepted_at desc, id desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id",
        store=True,
        index=True,
    )
    version = fields.Char(
        string="Consent Text Version",
        required=True,
        readonly=True,
        help="Version of the consent text the requester accepted.",
    )
    accepted_at = fields.Datetime(
        required=True,
        readonly=True,
        index=True,
        help="When the requester ticked the consent box (stored in UTC).",
    )
    ip_address = fields.Char(
        string="IP Address",
        readonly=True,
        index=True,
        help="Address of the requester as seen by the server (the client "
        "address forwarded by the reverse proxy when proxy mode is on).",
    )
    email = fields.Char(readonly=True)
    user_agent = fields.Char(readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Signed-in User",
        readonly=True,
        ondelete="set null",
        help="Portal user who submitted the form; empty for an anonymous visitor.",
    )

    @api.model
    def _etp_count_recent(self, ip_address, hours=1):
        """Consents given from ``ip_address`` within the last ``hours``."""
        if not ip_address:
            return 0
        since = fields.Datetime.now() - timedelta(hours=hours)
        return self.search_count(
            [("ip_address", "=", ip_address), ("accepted_at", ">=", since)]
        )

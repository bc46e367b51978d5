# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models

# Version of the personal data consent text shown on the web form
# (views/support_form_templates.xml, template ``support_form_consent_text``).
# Change it whenever that text changes: every consent record keeps the version
# the requester accepted.
CONSENT_VERSION = "2026-11-01"
# First key of the advisory lock taken per form submission token.
SUBMISSION_LOCK_NAMESPACE = 0x45545031  # "ETP1"


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
    submission_token = fields.Char(
        readonly=True,
        copy=False,
        help="One-time token of the form page the request was sent from: the "
        "same page sent again (a retry after an error, a double click) shows "
        "this ticket instead of creating another.",
    )

    _sql_constraints = [
        (
            "submission_token_unique",
            "unique (submission_token)",
            "This form was already sent.",
        )
    ]

    @api.model
    def _etp_count_recent(self, ip_address, hours=1):
        """Consents given from ``ip_address`` within the last ``hours``."""
        if not ip_address:
            return 0
        since = fields.Datetime.now() - timedelta(hours=hours)
        return self.search_count(
            [("ip_address", "=", ip_address), ("accepted_at", ">=", since)]
        )

    @api.model
    def _etp_submitted_ticket(self, token):
        """The ticket already created from the form page of ``token``, if any.

        A submission of the same page still running (a double click, a
        browser retry) is waited for: the advisory lock is held by the first
        one until it commits. What it committed is then read through a fresh
        cursor, since this transaction's snapshot may be older.
        """
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
            [SUBMISSION_LOCK_NAMESPACE, token],
        )
        with self.env.registry.cursor() as cr:
            consent = self.with_env(self.env(cr=cr, su=True)).search(
                [("submission_token", "=", token)], limit=1
            )
            ticket_id = consent.ticket_id.id
        return self.env["helpdesk.ticket"].browse(ticket_id).sudo()

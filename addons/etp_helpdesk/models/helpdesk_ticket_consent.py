# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import email_normalize

# Version of the personal data consent text shown on the web form
# (views/support_form_templates.xml, template ``support_form_consent_text``).
# Change it whenever that text changes: every consent record keeps the version
# the requester accepted.
CONSENT_VERSION = "2026-12-01"

CONSENT_SOURCES = [
    ("support_form", "Web form"),
    ("portal", "Portal"),
]
CONSENT_STATES = [
    ("given", "Given"),
    ("withdrawn", "Withdrawn"),
    ("anonymised", "Anonymised"),
]
# First key of the advisory lock taken per form submission token.
SUBMISSION_LOCK_NAMESPACE = 0x45545031  # "ETP1"


class HelpdeskTicketConsent(models.Model):
    """A person's consent to the processing of their personal data, given
    with a request (``ticket_id``) or without one (e.g. to be told when an
    incident is fixed: other modules add their ``source``).

    The person is the contact (``partner_id``) and the email. Withdrawing
    the consent (:meth:`helpdesk.personal.data._etp_withdraw_consent`) keeps
    the record as proof of what was given and when it ended; the retention
    cron later removes its email, IP address and browser.
    """

    _name = "helpdesk.ticket.consent"
    _description = "Personal Data Processing Consent"
    _order = "accepted_at desc, id desc"
    _rec_name = "ticket_id"
    _rec_names_search = ["ticket_id", "email"]

    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="Contact the consent belongs to: the signed-in user, or the "
        "contact the request was linked to.",
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
    )
    source = fields.Selection(
        CONSENT_SOURCES,
        required=True,
        readonly=True,
        default="support_form",
        help="Where the consent was given.",
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
    email_normalized = fields.Char(
        compute="_compute_email_normalized",
        store=True,
        index="btree_not_null",
    )
    user_agent = fields.Char(readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Signed-in User",
        readonly=True,
        ondelete="set null",
        help="Portal user who submitted the form; empty for an anonymous visitor.",
    )
    withdrawn_at = fields.Datetime(
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="When the person withdrew the consent (stored in UTC).",
    )
    anonymised_at = fields.Datetime(
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="When the email, IP address and browser of the person were removed "
        "(stored in UTC).",
    )
    state = fields.Selection(
        CONSENT_STATES,
        string="Status",
        compute="_compute_state",
        store=True,
    )

    @api.depends("ticket_id.company_id")
    def _compute_company_id(self):
        for consent in self:
            if consent.ticket_id:
                consent.company_id = consent.ticket_id.company_id
            elif not consent.company_id:
                consent.company_id = self.env.company

    @api.depends("email")
    def _compute_email_normalized(self):
        for consent in self:
            consent.email_normalized = email_normalize(consent.email or "") or False

    @api.depends("withdrawn_at", "anonymised_at")
    def _compute_state(self):
        for consent in self:
            if consent.anonymised_at:
                consent.state = "anonymised"
            elif consent.withdrawn_at:
                consent.state = "withdrawn"
            else:
                consent.state = "given"

    @api.depends("ticket_id", "email", "accepted_at")
    def _compute_display_name(self):
        for consent in self:
            if consent.ticket_id:
                consent.display_name = consent.ticket_id.display_name
            else:
                consent.display_name = " · ".join(
                    filter(
                        None,
                        [
                            consent.email,
                            consent.accepted_at
                            and fields.Date.to_string(consent.accepted_at),
                        ],
                    )
                ) or self.env._("Consent #%(id)s", id=consent.id)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("partner_id"):
                user = self.env["res.users"].browse(vals.get("user_id"))
                ticket = self.env["helpdesk.ticket"].browse(vals.get("ticket_id"))
                partner = user.partner_id or ticket.partner_id
                if partner:
                    vals["partner_id"] = partner.id
        consents = super().create(vals_list)
        # A new consent of someone who had withdrawn theirs: processing of
        # their data resumes from here (what was anonymised stays so).
        renewed = consents.partner_id.filtered("etp_consent_withdrawn_at")
        if renewed:
            renewed.sudo().etp_consent_withdrawn_at = False
            self.env["helpdesk.personal.data.log"].sudo()._etp_log(
                "consent_renewed",
                renewed,
                consents=consents.filtered(lambda c: c.partner_id in renewed),
            )
        return consents

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
    def _etp_person_domain(self, partners, emails):
        """Consents of a person known by their contacts and email addresses."""
        domains = []
        if partners:
            domains += [
                [("partner_id", "in", partners.ids)],
                [("user_id.partner_id", "in", partners.ids)],
            ]
        if emails:
            domains.append([("email_normalized", "in", list(emails))])
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    def _etp_anonymise(self):
        """Remove what identifies the person; the version and the dates stay
        as the record of a consent given (and withdrawn)."""
        self.sudo().write(
            {
                "ip_address": False,
                "email": False,
                "user_agent": False,
                "user_id": False,
                "partner_id": False,
                "anonymised_at": fields.Datetime.now(),
            }
        )

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

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

# Longest term a setting accepts: 50 years.
MAX_RETENTION_MONTHS = 600


class ResCompany(models.Model):
    _inherit = "res.company"

    etp_retention_ticket_months = fields.Integer(
        string="Keep Closed Tickets (months)",
        default=36,
        help="Personal data of a closed ticket (requester, contact details, "
        "personal details in the texts, attachments) is anonymised this many "
        "months after the ticket was closed.",
    )
    etp_retention_chat_months = fields.Integer(
        string="Keep Chat Transcripts (months)",
        default=12,
        help="Messages of a finished live chat conversation are anonymised "
        "this many months after its last message.",
    )
    etp_retention_consent_months = fields.Integer(
        string="Keep Consents Without Ticket (months)",
        default=12,
        help="A consent given without a ticket (e.g. to be told when an "
        "incident is fixed) loses its email and IP address this many months "
        "after it was given.",
    )

    @api.constrains(
        "etp_retention_ticket_months",
        "etp_retention_chat_months",
        "etp_retention_consent_months",
    )
    def _check_etp_retention_months(self):
        for company in self:
            terms = (
                company.etp_retention_ticket_months,
                company.etp_retention_chat_months,
                company.etp_retention_consent_months,
            )
            if not all(0 < months <= MAX_RETENTION_MONTHS for months in terms):
                raise ValidationError(
                    self.env._(
                        "Retention terms of personal data are whole months, from "
                        "1 to %(max)s.",
                        max=MAX_RETENTION_MONTHS,
                    )
                )

    def _etp_lang(self):
        """The language the company's people read: its partner's language,
        else the default language of new contacts, else English (cached: the
        mail gateway and the crons ask for every message and batch)."""
        return self._etp_lang_of((self[:1] or self.env.company).id)

    @api.model
    @tools.ormcache("company_id")
    def _etp_lang_of(self, company_id):
        # cleared when a company's partner or its language changes (see
        # cache_invalidation_fields and res.partner's write), when a default
        # changes (ir.default) and when a language is (de)activated (res.lang)
        lang = self.sudo().browse(company_id).partner_id.lang
        if not lang:
            lang = self.env["ir.default"].sudo()._get("res.partner", "lang")
        if not lang or not self.env["res.lang"]._get_data(code=lang).code:
            return "en_US"
        return lang

    def cache_invalidation_fields(self):
        return super().cache_invalidation_fields() | {"partner_id"}

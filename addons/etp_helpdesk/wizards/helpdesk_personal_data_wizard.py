# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize

# Who handles a person's request about their data: supervisors (helpdesk_mgmt's
# "User" group sees every ticket) and managers.
GROUP = "helpdesk_mgmt.group_helpdesk_user"


class HelpdeskPersonalDataWizard(models.TransientModel):
    """A person's request about their personal data, handled by a supervisor:
    a copy of everything the desk holds about them (subject access, 152-FZ
    art. 14), or the withdrawal of their consent (art. 9 part 2). Both are
    written to the personal data log."""

    _name = "helpdesk.personal.data.wizard"
    _description = "Personal Data Request"

    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        help="Contact of the person. Leave empty for someone who wrote from an "
        "address that is not a contact: give the email instead.",
    )
    email = fields.Char(
        compute="_compute_email",
        store=True,
        readonly=False,
        precompute=True,
        help="Requests and consents sent from this address are the person's too.",
    )
    reference = fields.Char(
        string="Request",
        help="How and when the person asked, e.g. «email of 12.03.2026» or "
        "«letter, incoming no. 45»: kept in the log.",
    )
    ticket_count = fields.Integer(string="Tickets", compute="_compute_counts")
    open_ticket_count = fields.Integer(string="Open Tickets", compute="_compute_counts")
    chat_count = fields.Integer(string="Live Chats", compute="_compute_counts")
    consent_count = fields.Integer(string="Consents", compute="_compute_counts")
    consent_withdrawn_at = fields.Datetime(
        related="partner_id.etp_consent_withdrawn_at", string="Consent Withdrawn On"
    )
    confirm_withdrawal = fields.Boolean(
        string="The person asked to withdraw their consent",
        help="Their closed tickets and finished chats lose their personal data "
        "now, for good.",
    )
    export_file = fields.Binary(string="File", readonly=True, attachment=False)
    export_filename = fields.Char(readonly=True)
    done_message = fields.Char(readonly=True)

    @api.depends("partner_id")
    def _compute_email(self):
        for wizard in self:
            if wizard.partner_id.email:
                wizard.email = wizard.partner_id.email

    @api.depends("partner_id", "email")
    def _compute_counts(self):
        Service = self.env["helpdesk.personal.data"]
        for wizard in self:
            partners, emails = Service._etp_person(wizard.partner_id, wizard.email)
            tickets, consents, chats = Service._etp_person_records(partners, emails)
            wizard.ticket_count = len(tickets)
            wizard.open_ticket_count = len(tickets.filtered(lambda t: not t.closed))
            wizard.chat_count = len(chats)
            wizard.consent_count = len(consents)

    def action_export(self):
        """Write the person's data into one ZIP file and offer it."""
        self.ensure_one()
        self._etp_check_request()
        name, content, _log = self.env["helpdesk.personal.data.export"]._etp_export(
            self.partner_id, self.email, self.reference
        )
        self.write(
            {
                "export_file": base64.b64encode(content),
                "export_filename": name,
                "done_message": self.env._(
                    "The file is ready: send it to the person through a channel "
                    "where their identity is confirmed."
                ),
            }
        )
        return self._etp_reopen()

    def action_withdraw(self):
        """Withdraw the person's consent on their request."""
        self.ensure_one()
        self._etp_check_request()
        if not self.confirm_withdrawal:
            raise UserError(
                self.env._(
                    "Tick «The person asked to withdraw their consent» first: the "
                    "personal data of their closed tickets is removed for good."
                )
            )
        log = self.env["helpdesk.personal.data"]._etp_withdraw_consent(
            self.partner_id, self.email, channel="operator", reference=self.reference
        )
        self.write(
            {
                "confirm_withdrawal": False,
                "done_message": self.env._(
                    "Consent withdrawn: %(tickets)s closed tickets and %(chats)s "
                    "chats anonymised. %(note)s",
                    tickets=log.ticket_count,
                    chats=log.chat_count,
                    note=log.note or "",
                ).strip(),
            }
        )
        return self._etp_reopen()

    def _etp_check_rights(self):
        if not self.env.user.has_group(GROUP):
            raise AccessError(
                self.env._(
                    "Only supervisors handle requests about personal data: pass "
                    "the request on to the supervisor on duty."
                )
            )

    def _etp_check_request(self):
        self._etp_check_rights()
        if not self.partner_id and not email_normalize(self.email or ""):
            raise UserError(
                self.env._("Choose the person's contact or give their email address.")
            )
        if not (self.reference or "").strip():
            raise UserError(
                self.env._(
                    "Note the person's request (how and when they asked): the log "
                    "must show what the action answered."
                )
            )

    def _etp_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Personal Data Request"),
        }

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from ..lib import phones
from ..models.helpdesk_ticket_team import AUDIENCES


class HelpdeskTicketCallWizard(models.TransientModel):
    """What an operator fills in while on the phone: who calls, what about,
    and whether it continues an open request of the caller or starts one."""

    _name = "helpdesk.ticket.call.wizard"
    _description = "Register a Phone Call"

    phone = fields.Char(
        string="Phone Number",
        help="Number shown by the telephone, in any usual form: "
        "+7 (916) 123-45-67, 8 916 1234567 ...",
    )
    phone_normalized = fields.Char(
        string="Recognised Number", compute="_compute_phone_normalized"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Caller",
        compute="_compute_partner_id",
        store=True,
        precompute=True,
        readonly=False,
        help="The contact whose phone or mobile is this number. Choose the "
        "contact yourself when the number is unknown or shared.",
    )
    call_date = fields.Datetime(
        string="Call Time", required=True, default=fields.Datetime.now
    )
    notes = fields.Text(help="What the caller asked and what you answered.")
    audience = fields.Selection(
        AUDIENCES,
        compute="_compute_audience",
        store=True,
        precompute=True,
        readonly=False,
        help="Desk of a new ticket: from the procurement role of the caller's "
        "organisation.",
    )
    mode = fields.Selection(
        [("existing", "Add to an open ticket"), ("new", "New ticket")],
        string="Register In",
        compute="_compute_mode",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Open Ticket",
        compute="_compute_ticket_id",
        store=True,
        precompute=True,
        readonly=False,
        help="The caller's most recent open ticket is proposed.",
    )
    name = fields.Char(
        string="Title", help="Title of the new ticket; by default the caller's."
    )
    category_id = fields.Many2one(
        "helpdesk.ticket.category",
        help="Left empty, the category comes from the words of the notes.",
    )

    @api.depends("phone")
    def _compute_phone_normalized(self):
        for wizard in self:
            wizard.phone_normalized = phones.format_phone(
                phones.normalize_phone(wizard.phone)
            )

    @api.depends("phone")
    def _compute_partner_id(self):
        Partner = self.env["res.partner"]
        for wizard in self:
            wizard.partner_id = Partner._etp_find_by_phone(wizard.phone)[:1]

    @api.depends("partner_id")
    def _compute_audience(self):
        for wizard in self:
            wizard.audience = wizard.partner_id.commercial_partner_id.procurement_role

    @api.depends("partner_id")
    def _compute_ticket_id(self):
        Ticket = self.env["helpdesk.ticket"]
        for wizard in self:
            wizard.ticket_id = (
                Ticket.search(
                    [
                        ("partner_id", "=", wizard.partner_id.id),
                        ("stage_id.closed", "=", False),
                    ],
                    order="create_date desc, id desc",
                    limit=1,
                )
                if wizard.partner_id
                else Ticket
            )

    @api.depends("ticket_id")
    def _compute_mode(self):
        for wizard in self:
            wizard.mode = "existing" if wizard.ticket_id else "new"

    def action_confirm(self):
        """Register the call: a chatter note on the open ticket, or a new
        ticket on the Phone channel. Opens the ticket."""
        self.ensure_one()
        notes = (self.notes or "").strip()
        if not notes:
            raise UserError(
                self.env._(
                    "Write in Notes what the caller asked: a call is registered "
                    "with what was said."
                )
            )
        if self.mode == "existing":
            if not self.ticket_id:
                raise UserError(
                    self.env._(
                        "Choose the open ticket this call continues, or "
                        "register the call as a new ticket."
                    )
                )
            ticket = self.ticket_id
            ticket.message_post(
                body=self._etp_call_summary(notes),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        else:
            ticket = self.env["helpdesk.ticket"].create(
                self._etp_prepare_ticket_vals(notes)
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": ticket.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def _etp_caller_label(self):
        number = (
            phones.format_phone(phones.normalize_phone(self.phone))
            or (self.phone or "").strip()
        )
        if self.partner_id and number:
            return f"{self.partner_id.display_name} ({number})"
        return self.partner_id.display_name or number or self.env._("unknown number")

    def _etp_call_summary(self, notes):
        """The call as HTML: a title line, then the notes."""
        title = self.env._(
            "Phone call on %(time)s from %(caller)s",
            # Moscow time, and the caller's (by the desk's rule) when it differs
            time=self.env["helpdesk.ticket"]._etp_format_deadline(
                self.call_date,
                self.partner_id._etp_requester_tz()[0],
                reader="operator",
            ),
            caller=self._etp_caller_label(),
        )
        return Markup("<p><strong>%s</strong></p>%s") % (title, plaintext2html(notes))

    def _etp_prepare_ticket_vals(self, notes):
        partner = self.partner_id
        number = (
            phones.format_phone(phones.normalize_phone(self.phone))
            or (self.phone or "").strip()
        )
        vals = {
            "name": (self.name or "").strip()
            or self.env._(
                "Phone call from %(caller)s", caller=self._etp_caller_label()
            ),
            "description": self._etp_call_summary(notes),
            "channel_id": self.env.ref(
                "helpdesk_mgmt.helpdesk_ticket_channel_phone"
            ).id,
            "partner_id": partner.id,
            "partner_name": partner.name or number,
            "partner_email": partner.email,
            # the operator who took the call owns the request
            "user_id": self.env.uid,
        }
        if self.audience:
            vals["audience"] = self.audience
        if self.category_id:
            vals["category_id"] = self.category_id.id
        return vals

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The suggested requester of ``helpdesk.ticket`` (a mixin it inherits): the
organisation whose INN a request gives, or the contact whose email a chat
visitor typed, is only suggested; an operator links it or dismisses it."""

from odoo import api, fields, models
from odoo.exceptions import UserError

SUGGESTION_SOURCES = [
    ("inn", "INN given in the request"),
    ("email", "Email typed by the chat visitor"),
]


class HelpdeskTicketSuggestion(models.AbstractModel):
    _name = "helpdesk.ticket.suggestion"
    _description = "Suggested Requester of Tickets"

    # A typed INN or email is a claim anyone can make: the contact it finds
    # is only suggested, an operator links it (then its portal sees the ticket)
    suggested_partner_id = fields.Many2one(
        "res.partner",
        string="Suggested Requester",
        readonly=True,
        copy=False,
        help="The organisation whose INN the request gives, or the contact whose "
        "email a chat visitor typed. Not linked to the ticket until an operator "
        "confirms it: anyone can type an INN or an address.",
    )
    suggestion_source = fields.Selection(
        SUGGESTION_SOURCES, string="Suggested By", readonly=True, copy=False
    )
    suggestion_hint = fields.Char(
        string="Suggested From",
        readonly=True,
        copy=False,
        help="The INN or the email the suggestion was found by.",
    )

    def action_link_suggested_partner(self):
        """Make the suggested contact or organisation the ticket's requester,
        as the operator confirmed: from now on its portal users see the ticket
        and a suggested person follows it."""
        self.ensure_one()
        partner = self.suggested_partner_id
        if not partner:
            raise UserError(self.env._("This ticket has no suggested requester."))
        reason = self._etp_suggestion_reason()
        self.write(
            {
                "partner_id": partner.id,
                "suggested_partner_id": False,
                "suggestion_source": False,
                "suggestion_hint": False,
            }
        )
        if not partner.is_company and partner.email:
            self.message_subscribe(partner_ids=partner.ids)
        self.message_post(
            body=self.env._(
                "Requester linked: %(partner)s (%(reason)s).",
                partner=partner.display_name,
                reason=reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def action_dismiss_suggested_partner(self):
        """Drop the suggestion: the requester stays unknown."""
        self.ensure_one()
        if not self.suggested_partner_id:
            return True
        body = self.env._(
            "Suggested requester dismissed: %(partner)s (%(reason)s).",
            partner=self.suggested_partner_id.display_name,
            reason=self._etp_suggestion_reason(),
        )
        self.write(
            {
                "suggested_partner_id": False,
                "suggestion_source": False,
                "suggestion_hint": False,
            }
        )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        return True

    @api.model
    def _etp_suggestion_vals(self, partner, source, hint):
        """Ticket values that suggest ``partner`` as the requester."""
        return {
            "suggested_partner_id": partner.id,
            "suggestion_source": source,
            "suggestion_hint": hint,
        }

    def _etp_suggestion_reason(self):
        self.ensure_one()
        sources = dict(
            self._fields["suggestion_source"]._description_selection(self.env)
        )
        source = sources.get(self.suggestion_source, "")
        return f"{source}: {self.suggestion_hint}" if self.suggestion_hint else source

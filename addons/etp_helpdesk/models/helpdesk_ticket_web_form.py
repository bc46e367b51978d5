# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Requests sent with the public web form (``/support``).

The controller (``controllers/support_form.py``) reads the request and calls
:meth:`~HelpdeskTicketWebForm._etp_check`, then
:meth:`~HelpdeskTicketWebForm._etp_create`. The ticket
values are built from the checked values alone, so keys such as ``team_id``,
``user_id``, ``stage_id`` or ``partner_id`` in a forged POST have no effect;
the ticket is created with superuser rights only after the check.
"""

import re

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize, formataddr, plaintext2html

from ..lib import identifiers
from .helpdesk_ticket_consent import CONSENT_VERSION
from .helpdesk_ticket_team import AUDIENCES

# Fields of the form; anything else posted is ignored.
FORM_FIELDS = (
    "audience",
    "contact_name",
    "email",
    "phone",
    "inn",
    "procedure_number",
    "category_id",
    "subject",
    "description",
    "consent",
)
MAX_LENGTHS = {
    "contact_name": 128,
    "email": 254,
    "phone": 40,
    "inn": 32,
    "procedure_number": 64,
    "subject": 200,
    "description": 20000,
}
MAX_EMAIL_LENGTH = MAX_LENGTHS["email"]
SUBJECT_FROM_DESCRIPTION = 80

_EMAIL_SHAPE_RE = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"'.]+")
_PHONE_RE = re.compile(
    r"\+?[0-9][0-9 ()\-.]*[0-9](?:\s*(?:ext\.?|доб\.?|x)\s*[0-9]{1,6})?",
    re.IGNORECASE,
)


def normalize_email(email):
    """The normalized address if ``email`` is one address, else ``False``."""
    return email_normalize(email) if _EMAIL_SHAPE_RE.fullmatch(email or "") else False


def subject_from(description):
    """The first line of ``description``, cut to a subject's length."""
    first_line = next(
        (line.strip() for line in description.splitlines() if line.strip()), ""
    )
    if len(first_line) > SUBJECT_FROM_DESCRIPTION:
        first_line = first_line[: SUBJECT_FROM_DESCRIPTION - 1].rstrip() + "…"
    return first_line


class HelpdeskTicketWebForm(models.AbstractModel):
    """The rules of the public forms: what a visitor typed is checked here,
    and a request of the web form becomes a ticket here."""

    _name = "helpdesk.ticket.web.form"
    _description = "Support Web Form"

    # ------------------------------------------------------------------
    # Checking what was typed
    # ------------------------------------------------------------------

    @api.model
    def _etp_form_email(self, email, errors, missing_message):
        """The normalized address typed on a public form, or ``False`` with
        a message in ``errors["email"]`` (``missing_message`` when empty)."""
        normalized = normalize_email(email) if len(email) <= MAX_EMAIL_LENGTH else False
        if not email:
            errors["email"] = missing_message
        elif not normalized and "email" not in errors:
            errors["email"] = self.env._(
                "%(email)s is not a valid email address (example: name@company.ru).",
                email=email[:MAX_EMAIL_LENGTH],
            )
        return normalized

    @api.model
    def _etp_check(self, values, organisation):
        """Check the ``values`` typed on the form (``FORM_FIELDS``, stripped
        text; ``consent`` a boolean) of a visitor of ``organisation`` (the
        signed-in user's, or empty). Return the cleaned values the ticket is
        built from and the errors (field → message)."""
        env = self.env
        errors = {}
        for name, limit in MAX_LENGTHS.items():
            if len(values[name]) > limit:
                errors[name] = env._(
                    "Please keep this field under %(limit)s characters.", limit=limit
                )
        clean = {
            "audience": values["audience"],
            "contact_name": values["contact_name"],
            "email": values["email"],
            "email_normalized": self._etp_form_email(
                values["email"],
                errors,
                env._("Please enter your email address: we answer by email."),
            ),
            "phone": values["phone"],
            "inn": organisation.vat or self._etp_check_inn(values["inn"], errors),
            "procedure_number": self._etp_check_procedure_number(
                values["procedure_number"], errors
            ),
            "category": self._etp_check_category(values["category_id"], errors),
            "description": values["description"],
            "subject": values["subject"] or subject_from(values["description"]),
        }
        if not values["audience"]:
            errors["audience"] = env._(
                "Please tell us whether you are a customer or a supplier."
            )
        elif values["audience"] not in dict(AUDIENCES):
            errors["audience"] = env._("Please choose one of the options.")
        phone = values["phone"]
        if phone and "phone" not in errors and not _PHONE_RE.fullmatch(phone):
            errors["phone"] = env._(
                "Please enter a phone number with digits, spaces, +, - and brackets "
                "(example: +7 495 123-45-67)."
            )
        if not values["description"]:
            errors["description"] = env._("Please describe your question or problem.")
        if not values["consent"]:
            errors["consent"] = env._(
                "We can only handle your request with your consent to the processing "
                "of your personal data."
            )
        return clean, errors

    @api.model
    def _etp_check_inn(self, value, errors):
        """The typed organisation INN, digits only, checked."""
        inn = identifiers.normalize_digits(value)
        if inn and "inn" not in errors and not identifiers.is_valid_inn(inn):
            errors["inn"] = self.env._(
                "INN %(inn)s is invalid: it has 10 digits for an organisation or 12 "
                "digits for an individual, with correct check digits.",
                inn=value,
            )
        return inn

    @api.model
    def _etp_check_procedure_number(self, value, errors):
        """The procedure number, with separators removed when it is a
        number, checked as on the ticket (``_etp_check_notice_number``)."""
        digits = identifiers.normalize_digits(value)
        if not (digits.isascii() and digits.isdigit()):
            return value
        try:
            self.env["helpdesk.ticket"]._etp_check_notice_number(digits)
        except ValidationError as error:
            errors["procedure_number"] = error.args[0]
        return digits

    @api.model
    def _etp_check_category(self, value, errors):
        """The chosen category if the visitor may choose it (active, shown
        in the portal, of the website's company)."""
        category = self.env["helpdesk.ticket.category"]
        if not value:
            return category
        category_id = int(value) if value.isascii() and value.isdigit() else 0
        if 0 < category_id < 2**31:
            category = category.search(
                [("id", "=", category_id), ("show_in_portal", "=", True)], limit=1
            )
        if not category:
            errors["category_id"] = self.env._(
                "Please choose a category from the list."
            )
        return category

    # ------------------------------------------------------------------
    # Creating the ticket
    # ------------------------------------------------------------------

    @api.model
    def _etp_create(self, clean, files, origin):
        """Create the ticket, its attachments and its consent record from the
        checked values ``clean`` and the ``files`` (``(name, content)``
        pairs). ``origin`` tells where the form was sent from:
        ``company`` (the website's), ``ip_address``, ``user_agent``,
        ``browser_tz`` and ``submission_token``."""
        user = self.env.user
        is_public = user._is_public()
        partner = self.env["res.partner"].sudo()
        if not is_public:
            partner = user.partner_id.sudo()
        elif clean["email_normalized"]:
            # The address is checked; the search needs sudo because public
            # users cannot read contacts.
            partner = partner.search(
                [("email_normalized", "=", clean["email_normalized"])],
                order="is_company, id",
                limit=1,
            )
        # the organisation of the typed INN, for the note and the suggestion
        clean = dict(clean, organisation=self.env["res.partner"].sudo())
        if clean["inn"] and clean["inn"] != partner.commercial_partner_id.vat:
            clean["organisation"] = clean["organisation"]._etp_find_by_inn(
                [clean["inn"]]
            )[:1]
        ticket = (
            self.env["helpdesk.ticket"]
            .sudo()
            .with_context(mail_create_nosubscribe=True, mail_create_nolog=is_public)
            .create(self._etp_ticket_vals(clean, partner, origin))
        )
        if is_public:
            self._etp_log_creation(ticket, clean, partner)
        if files:
            self.env["ir.attachment"].sudo().create(
                [
                    {
                        "name": name,
                        "raw": content,
                        "res_model": "helpdesk.ticket",
                        "res_id": ticket.id,
                    }
                    for name, content in files
                ]
            )
        if partner:
            ticket.message_subscribe(partner_ids=partner.ids)
        note = self._etp_requester_note(clean, partner)
        if note:
            ticket._message_log(
                body=note, author_id=self.env.ref("base.partner_root").id
            )
        self.env["helpdesk.ticket.consent"].sudo().create(
            {
                "ticket_id": ticket.id,
                "version": CONSENT_VERSION,
                "accepted_at": fields.Datetime.now(),
                "ip_address": origin["ip_address"],
                "email": clean["email"],
                "user_agent": (origin["user_agent"] or "")[:512],
                "user_id": False if is_public else user.id,
                "submission_token": origin.get("submission_token") or False,
            }
        )
        return ticket

    @api.model
    def _etp_log_creation(self, ticket, clean, partner):
        """The creation message of a ticket sent by a visitor who is not
        logged in, as mail.thread posts it, but by the requester (their contact
        if the address is known, else their name and address) rather than by
        the website's public user."""
        subtype = ticket._creation_subtype()
        name = clean["contact_name"] or partner.name or ""
        ticket.message_post(
            author_id=partner.id,  # False for an unknown address: email_from speaks
            email_from=formataddr((name, clean["email"])),
            subtype_id=(subtype or self.env.ref("mail.mt_note")).id,
            # summary="o_mail_notification" hides the body in the chatter, as
            # for every creation message.
            body=Markup('<div summary="o_mail_notification"><p>%s</p></div>')
            % ticket._creation_message(),
        )

    @api.model
    def _etp_ticket_vals(self, clean, partner, origin):
        """Ticket values from the cleaned form values only.

        The team is left to the intake rules (line-1 team of the audience),
        the stage to the team and the assignee to the desk. The organisation
        of a typed INN is only suggested to the operator (see
        ``_etp_requester_note``).
        """
        Ticket = self.env["helpdesk.ticket"]
        vals = {
            "name": clean["subject"],
            "description": plaintext2html(clean["description"]),
            "audience": clean["audience"],
            "channel_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web").id,
            "company_id": origin["company"].id,
            "category_id": clean["category"].id,
            "procedure_number": clean["procedure_number"] or False,
            "partner_id": partner.id,
            "partner_name": clean["contact_name"] or partner.name or clean["email"],
            "partner_email": clean["email"],
            "user_id": False,
            "requester_browser_tz": Ticket._etp_browser_tz(origin["browser_tz"]),
        }
        organisation = clean.get("organisation")
        if organisation and not partner:
            vals.update(Ticket._etp_suggestion_vals(organisation, "inn", clean["inn"]))
        return vals

    @api.model
    def _etp_requester_note(self, clean, partner):
        """Internal note with what the form tells about the requester and is
        not a ticket field: phone and organisation INN.

        The INN is not matched to an organisation here: anyone can type any
        INN, and making that organisation the ticket's contact would show the
        visitor's request to its portal users and send the notifications to
        it instead of the visitor. The organisation is suggested on the
        ticket; the operator links it in one click after checking.
        """
        env = self.env
        lines = []
        if clean["phone"]:
            lines.append(env._("Phone: %(phone)s", phone=clean["phone"]))
        inn = clean["inn"]
        if inn and inn != partner.commercial_partner_id.vat:
            organisation = clean.get("organisation")
            if organisation:
                lines.append(
                    env._(
                        "Organisation INN: %(inn)s (%(organisation)s in the contacts, "
                        "not linked: check before linking it to the ticket)",
                        inn=inn,
                        organisation=organisation.display_name,
                    )
                )
            else:
                lines.append(
                    env._("Organisation INN: %(inn)s (not in the contacts)", inn=inn)
                )
        if not lines:
            return False
        return Markup("<p>%s</p><ul>%s</ul>") % (
            env._("Given on the web form:"),
            Markup().join(Markup("<li>%s</li>") % escape(line) for line in lines),
        )

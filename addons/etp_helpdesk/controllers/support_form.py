# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Public web form of the support desk (``/support``).

The form is open to anonymous visitors and to signed-in portal users. Only the
allow-listed form fields below are read from the request; the ticket values are
built from the cleaned values alone, so keys such as ``team_id``, ``user_id``,
``stage_id`` or ``partner_id`` in a forged POST have no effect. The ticket is
created with ``sudo()`` only after validation.
"""

import logging
import re
import secrets

from markupsafe import Markup, escape

from odoo import fields, http
from odoo.http import request
from odoo.tools import email_normalize, formataddr, plaintext2html

from ..lib import identifiers
from ..models.helpdesk_ticket_consent import CONSENT_VERSION
from ..models.helpdesk_ticket_team import AUDIENCES
from . import uploads

_logger = logging.getLogger(__name__)

# Fields read from the POST; anything else is ignored.
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
ATTACHMENT_FIELD = "attachments"
# One-time token of each form page: the same page sent twice makes one ticket.
SUBMISSION_TOKEN_FIELD = "submission_token"
_SUBMISSION_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
# Hidden by CSS: people leave it empty, form-filling robots do not.
HONEYPOT_FIELD = "website_url"
SESSION_KEY = "etp_support_form_ticket_id"

PARAM_RATE_LIMIT = "etp_helpdesk.form_rate_limit_per_hour"
DEFAULT_RATE_LIMIT = 5

MAX_LENGTHS = {
    "contact_name": 128,
    "email": 254,
    "phone": 40,
    "inn": 32,
    "procedure_number": 64,
    "subject": 200,
    "description": 20000,
}
SUBJECT_FROM_DESCRIPTION = 80

_EMAIL_SHAPE_RE = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"'.]+")
_PHONE_RE = re.compile(
    r"\+?[0-9][0-9 ()\-.]*[0-9](?:\s*(?:ext\.?|доб\.?|x)\s*[0-9]{1,6})?",
    re.IGNORECASE,
)


# ----------------------------------------------------------------------
# Anti-abuse of the public forms: the web form and the other forms that
# record a consent (e.g. etp_incident's «tell me when it is fixed») share
# the honeypot, the hourly limit per network address and the address check.
# ----------------------------------------------------------------------


def honeypot_filled(post, origin="Support form"):
    """True when the field hidden from people (``HONEYPOT_FIELD``) was
    filled, as robots do: the caller answers as if all went well and keeps
    nothing."""
    if not post.get(HONEYPOT_FIELD):
        return False
    _logger.info(
        "%s: honeypot filled from %s, nothing created",
        origin,
        request.httprequest.remote_addr,
    )
    return True


def rate_limit_reached(ip_address, origin="Support form"):
    """The limit of consents given per hour from ``ip_address``
    (``PARAM_RATE_LIMIT``, counted by ``helpdesk.ticket.consent.
    _etp_count_recent`` over every public form), if reached; else 0."""
    limit = uploads.param_number(PARAM_RATE_LIMIT, DEFAULT_RATE_LIMIT)
    if limit <= 0:
        return 0
    recent = request.env["helpdesk.ticket.consent"].sudo()._etp_count_recent(ip_address)
    if recent < limit:
        return 0
    _logger.info(
        "%s: rate limit (%s per hour) reached by %s", origin, limit, ip_address
    )
    return int(limit)


def normalize_email(email):
    """The normalized address if ``email`` is one address, else ``False``."""
    return email_normalize(email) if _EMAIL_SHAPE_RE.fullmatch(email or "") else False


class SupportFormController(http.Controller):
    @http.route(
        "/support",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
    )
    def support_form(self, **post):
        if request.httprequest.method == "POST":
            return self._etp_submit(post)
        values = self._etp_form_defaults()
        if not values["audience"] and post.get("audience") in dict(AUDIENCES):
            # A link from the suppliers' or customers' pages: /support?audience=…
            values["audience"] = post["audience"]
        return self._etp_render_form(values, {})

    @http.route(
        "/support/thanks",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def support_form_thanks(self, **kw):
        if SESSION_KEY not in request.session:
            return request.redirect("/support")
        ticket_id = request.session.get(SESSION_KEY)
        ticket = request.env["helpdesk.ticket"].sudo()
        if ticket_id:
            ticket = ticket.browse(ticket_id).exists()
        portal_url = False
        # Only a signed-in user who can read the ticket gets a link; an
        # anonymous visitor gets the number and the email notifications.
        if (
            ticket
            and not request.env.user._is_public()
            and ticket.sudo(False).has_access("read")
        ):
            portal_url = f"/my/ticket/{ticket.id}"
        return request.render(
            "etp_helpdesk.support_form_thanks",
            {"ticket_number": ticket.number, "portal_url": portal_url},
        )

    # ------------------------------------------------------------------
    # Submission
    # ------------------------------------------------------------------

    def _etp_submit(self, post):
        token = self._etp_text(post, SUBMISSION_TOKEN_FIELD)
        if not _SUBMISSION_TOKEN_RE.fullmatch(token):
            token = ""
        if token:
            first = (
                request.env["helpdesk.ticket.consent"]
                .sudo()
                ._etp_submitted_ticket(token)
            )
            if first:
                # The page was sent again (a double click, or a retry after
                # an error that came once the request was saved): show the
                # confirmation of the first ticket and create nothing.
                _logger.info("Support form: page sent again, ticket %s shown", first.id)
                request.session[SESSION_KEY] = first.id
                return request.redirect("/support/thanks")
        if honeypot_filled(post):
            request.session[SESSION_KEY] = False
            return request.redirect("/support/thanks")
        ip_address = request.httprequest.remote_addr
        limit = rate_limit_reached(ip_address)
        if limit:
            return request.render(
                "etp_helpdesk.support_form_rate_limited",
                {"limit": limit, "description": self._etp_text(post, "description")},
                status=429,
                headers=[("Retry-After", "3600")],
            )
        values = {name: self._etp_text(post, name) for name in FORM_FIELDS}
        values["consent"] = bool(values["consent"])
        values[SUBMISSION_TOKEN_FIELD] = token
        errors = {}
        clean = self._etp_validate(values, errors)
        files, had_files = self._etp_read_files(errors)
        if not token:
            # a page without a token (an old copy of the form, or not the
            # form at all) cannot be recognised when sent again
            errors[SUBMISSION_TOKEN_FIELD] = request.env._(
                "This page of the form has expired: please check your request "
                "and send it again."
            )
        if errors:
            return self._etp_render_form(
                values, errors, files_dropped=had_files, status=400
            )
        clean["submission_token"] = token
        ticket = self._etp_create_ticket(clean, files, ip_address)
        request.session[SESSION_KEY] = ticket.id
        return request.redirect("/support/thanks")

    def _etp_validate(self, values, errors):
        """Check the typed ``values``; fill ``errors`` (field → message) and
        return the cleaned values the ticket is built from."""
        env = request.env
        for name, limit in MAX_LENGTHS.items():
            if len(values[name]) > limit:
                errors[name] = env._(
                    "Please keep this field under %(limit)s characters.", limit=limit
                )
        clean = {
            "audience": values["audience"],
            "contact_name": values["contact_name"],
            "email": values["email"],
            "email_normalized": self._etp_check_email(values["email"], errors),
            "phone": values["phone"],
            "inn": self._etp_check_inn(values["inn"], errors),
            "procedure_number": self._etp_check_procedure_number(
                values["procedure_number"], errors
            ),
            "category": self._etp_check_category(values["category_id"], errors),
            "description": values["description"],
            "subject": values["subject"]
            or self._etp_subject_from(values["description"]),
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
        return clean

    def _etp_check_email(self, email, errors):
        """Return the normalized address, or ``False`` with an error."""
        normalized = normalize_email(email)
        if not email:
            errors["email"] = request.env._(
                "Please enter your email address: we answer by email."
            )
        elif not normalized and "email" not in errors:
            errors["email"] = request.env._(
                "%(email)s is not a valid email address (example: name@company.ru).",
                email=email,
            )
        return normalized

    def _etp_check_inn(self, value, errors):
        """Return the organisation INN: the signed-in user's organisation's
        when it has one (the typed value is then ignored), else the typed one,
        checked."""
        organisation = self._etp_user_organisation()
        if organisation.vat:
            return organisation.vat
        inn = identifiers.normalize_digits(value)
        if inn and "inn" not in errors and not identifiers.is_valid_inn(inn):
            errors["inn"] = request.env._(
                "INN %(inn)s is invalid: it has 10 digits for an organisation or 12 "
                "digits for an individual, with correct check digits.",
                inn=value,
            )
        return inn

    def _etp_check_procedure_number(self, value, errors):
        """Return the procedure number, with separators removed when it is a
        number; 11 or 19 digits must make an EIS notice number, as on the
        ticket."""
        digits = identifiers.normalize_digits(value)
        if not (digits.isascii() and digits.isdigit()):
            return value
        if len(digits) in (11, 19) and not identifiers.classify_notice_number(digits):
            errors["procedure_number"] = request.env._(
                "%(number)s is not an EIS notice number: a 44-FZ notice has 19 "
                "digits, a 223-FZ notice 11 digits starting with 3.",
                number=value,
            )
        return digits

    def _etp_check_category(self, value, errors):
        """Return the chosen category if the visitor may choose it (active,
        shown in the portal, of the website's company)."""
        category = request.env["helpdesk.ticket.category"]
        if not value:
            return category
        category_id = int(value) if value.isascii() and value.isdigit() else 0
        if 0 < category_id < 2**31:
            category = category.search(
                [("id", "=", category_id), ("show_in_portal", "=", True)], limit=1
            )
        if not category:
            errors["category_id"] = request.env._(
                "Please choose a category from the list."
            )
        return category

    def _etp_read_files(self, errors):
        """Return the uploaded files as ``(name, content)`` pairs and whether
        any file was sent, reading no more than the limits allow; files over
        the limits (count, size, type) fill ``errors``."""
        files, messages, had_files = uploads.read_uploads(ATTACHMENT_FIELD)
        if messages:
            errors[ATTACHMENT_FIELD] = " ".join(messages)
        return files, had_files

    def _etp_create_ticket(self, clean, files, ip_address):
        """Create the ticket, its attachments and its consent record from the
        validated values."""
        user = request.env.user
        is_public = user._is_public()
        partner = request.env["res.partner"].sudo()
        if not is_public:
            partner = user.partner_id.sudo()
        elif clean["email_normalized"]:
            # The address is validated; the search needs sudo because public
            # users cannot read contacts.
            partner = partner.search(
                [("email_normalized", "=", clean["email_normalized"])],
                order="is_company, id",
                limit=1,
            )
        # the organisation of the typed INN, for the note and the suggestion
        clean = dict(clean, organisation=request.env["res.partner"].sudo())
        if clean["inn"] and clean["inn"] != partner.commercial_partner_id.vat:
            clean["organisation"] = clean["organisation"]._etp_find_by_inn(
                [clean["inn"]]
            )[:1]
        vals = self._etp_prepare_ticket_vals(clean, partner)
        ticket = (
            request.env["helpdesk.ticket"]
            .sudo()
            .with_context(mail_create_nosubscribe=True, mail_create_nolog=is_public)
            .create(vals)
        )
        if is_public:
            self._etp_log_creation(ticket, clean, partner)
        if files:
            request.env["ir.attachment"].sudo().create(
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
                body=note,
                author_id=request.env.ref("base.partner_root").id,
            )
        request.env["helpdesk.ticket.consent"].sudo().create(
            {
                "ticket_id": ticket.id,
                "version": CONSENT_VERSION,
                "accepted_at": fields.Datetime.now(),
                "ip_address": ip_address,
                "email": clean["email"],
                "user_agent": (request.httprequest.user_agent.string or "")[:512],
                "user_id": False if is_public else user.id,
                "submission_token": clean.get("submission_token") or False,
            }
        )
        return ticket

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
            subtype_id=(subtype or request.env.ref("mail.mt_note")).id,
            # summary="o_mail_notification" hides the body in the chatter, as
            # for every creation message.
            body=Markup('<div summary="o_mail_notification"><p>%s</p></div>')
            % ticket._creation_message(),
        )

    def _etp_prepare_ticket_vals(self, clean, partner):
        """Ticket values from the cleaned form values only.

        The team is left to the intake rules (line-1 team of the audience),
        the stage to the team and the assignee to the desk. The organisation
        of a typed INN is only suggested to the operator (see
        ``_etp_requester_note``).
        """
        vals = {
            "name": clean["subject"],
            "description": plaintext2html(clean["description"]),
            "audience": clean["audience"],
            "channel_id": request.env.ref(
                "helpdesk_mgmt.helpdesk_ticket_channel_web"
            ).id,
            "company_id": request.website.company_id.id,
            "category_id": clean["category"].id,
            "procedure_number": clean["procedure_number"] or False,
            "partner_id": partner.id,
            "partner_name": clean["contact_name"] or partner.name or clean["email"],
            "partner_email": clean["email"],
            "user_id": False,
            "requester_browser_tz": request.env["helpdesk.ticket"]._etp_browser_tz(
                request.httprequest.cookies.get("tz")
            ),
        }
        organisation = clean.get("organisation")
        if organisation and not partner:
            vals.update(
                request.env["helpdesk.ticket"]._etp_suggestion_vals(
                    organisation, "inn", clean["inn"]
                )
            )
        return vals

    def _etp_requester_note(self, clean, partner):
        """Internal note with what the form tells about the requester and is
        not a ticket field: phone and organisation INN.

        The INN is not matched to an organisation here: anyone can type any
        INN, and making that organisation the ticket's contact would show the
        visitor's request to its portal users and send the notifications to
        it instead of the visitor. The organisation is suggested on the
        ticket; the operator links it in one click after checking.
        """
        env = request.env
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
        header = env._("Given on the web form:")
        return Markup("<p>%s</p><ul>%s</ul>") % (
            header,
            Markup().join(Markup("<li>%s</li>") % escape(line) for line in lines),
        )

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------

    def _etp_form_defaults(self):
        values = dict.fromkeys(FORM_FIELDS, "")
        values["consent"] = False
        user = request.env.user
        if not user._is_public():
            partner = user.partner_id
            values["contact_name"] = partner.name or ""
            values["email"] = partner.email or ""
            values["phone"] = partner.phone or partner.mobile or ""
            role = partner.commercial_partner_id.sudo().procurement_role
            values["audience"] = role or ""
        return values

    def _etp_render_form(self, values, errors, files_dropped=False, status=200):
        if not values.get(SUBMISSION_TOKEN_FIELD):
            values = dict(values, **{SUBMISSION_TOKEN_FIELD: secrets.token_urlsafe(24)})
        limit = uploads.limits()
        qcontext = {
            "values": values,
            "errors": errors,
            "files_dropped": files_dropped,
            "categories": request.env["helpdesk.ticket.category"].search(
                [("show_in_portal", "=", True)]
            ),
            "organisation": self._etp_user_organisation(),
            "is_public": request.env.user._is_public(),
            "max_file_mb": uploads.format_mb(limit["max_file_mb"]),
            "max_total_mb": uploads.format_mb(limit["max_total_mb"]),
            "max_files": limit["max_files"],
            "accept": ",".join(f".{ext}" for ext in limit["extensions"]),
            "consent_version": CONSENT_VERSION,
            "honeypot_field": HONEYPOT_FIELD,
        }
        return request.render("etp_helpdesk.support_form_page", qcontext, status=status)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _etp_user_organisation(self):
        """The organisation of the signed-in user (a company partner), or an
        empty recordset for an anonymous visitor."""
        user = request.env.user
        if user._is_public():
            return request.env["res.partner"]
        commercial = user.partner_id.commercial_partner_id.sudo()
        return commercial if commercial.is_company else commercial.browse()

    @staticmethod
    def _etp_text(post, name):
        """The stripped text posted as ``name``; a file sent under a text
        field's name counts as empty."""
        value = post.get(name)
        return value.strip() if isinstance(value, str) else ""

    def _etp_param_number(self, key, default):
        return uploads.param_number(key, default)

    @staticmethod
    def _etp_subject_from(description):
        first_line = next(
            (line.strip() for line in description.splitlines() if line.strip()), ""
        )
        if len(first_line) > SUBJECT_FROM_DESCRIPTION:
            first_line = first_line[: SUBJECT_FROM_DESCRIPTION - 1].rstrip() + "…"
        return first_line

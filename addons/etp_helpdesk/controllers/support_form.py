# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Public web form of the support desk (``/support``).

The form is open to anonymous visitors and to signed-in portal users. The
controller reads the allow-listed form fields from the request, checks them
(``helpdesk.ticket.web.form._etp_check``) and has the ticket created from the
checked values alone (``helpdesk.ticket.web.form._etp_create``, see
``models/helpdesk_ticket_web_form.py``).
"""

import logging
import re
import secrets

from odoo import http
from odoo.http import request

from ..models.helpdesk_ticket_consent import CONSENT_VERSION
from ..models.helpdesk_ticket_team import AUDIENCES
from ..models.helpdesk_ticket_web_form import FORM_FIELDS
from . import uploads
from .public_form import (
    HONEYPOT_FIELD,
    honeypot_filled,
    posted_text,
    rate_limit_reached,
)

_logger = logging.getLogger(__name__)

ATTACHMENT_FIELD = "attachments"
# One-time token of each form page: the same page sent twice makes one ticket.
SUBMISSION_TOKEN_FIELD = "submission_token"
_SUBMISSION_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
SESSION_KEY = "etp_support_form_ticket_id"


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
        token = posted_text(post, SUBMISSION_TOKEN_FIELD)
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
                {"limit": limit, "description": posted_text(post, "description")},
                status=429,
                headers=[("Retry-After", "3600")],
            )
        values = {name: posted_text(post, name) for name in FORM_FIELDS}
        values["consent"] = bool(values["consent"])
        values[SUBMISSION_TOKEN_FIELD] = token
        WebForm = request.env["helpdesk.ticket.web.form"]
        clean, errors = WebForm._etp_check(values, self._etp_user_organisation())
        files, messages, had_files = uploads.read_uploads(ATTACHMENT_FIELD)
        if messages:
            # files over the limits (count, size, type)
            errors[ATTACHMENT_FIELD] = " ".join(messages)
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
        ticket = WebForm._etp_create(
            clean,
            files,
            {
                "company": request.website.company_id,
                "ip_address": ip_address,
                "user_agent": request.httprequest.user_agent.string,
                "browser_tz": request.httprequest.cookies.get("tz"),
                "submission_token": token,
            },
        )
        request.session[SESSION_KEY] = ticket.id
        return request.redirect("/support/thanks")

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

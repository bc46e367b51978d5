# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging
import time

from odoo import http
from odoo.http import request

from odoo.addons.etp_helpdesk.controllers.portal import EtpCustomerPortalHelpdesk

from ..lib import it_status, signature
from ..models.helpdesk_incident_handoff import WEBHOOK_SECRET_PARAM

_logger = logging.getLogger(__name__)

MAX_COMMENT_LENGTH = 10000


class EtpIncidentCallback(http.Controller):
    """IT's system reports an incident's status back (machine to machine).

    ``POST /etp/incident/callback`` with a JSON body
    ``{"reference": "INC-2026-0001", "state": "in_progress"|"resolved",
    "comment": "…"}``, signed like the webhook: header ``X-ETP-Timestamp``
    (Unix seconds, within 5 minutes of now) and ``X-ETP-Signature:
    sha256=<HMAC-SHA256 of "<timestamp>.<body>" with the shared secret>``.
    No session and no CSRF token: the signature is the authentication.

    Answers: 403 for a missing, wrong or stale signature (nothing is read or
    changed), 400 for a body that is not such a document, 404 for an unknown
    reference, 200 with the incident's state otherwise. The state only moves
    forward; a repeated callback changes nothing more.
    """

    @http.route(
        "/etp/incident/callback",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def incident_callback(self, **kwargs):
        body = request.httprequest.get_data(cache=True)
        headers = request.httprequest.headers
        secret = (
            request.env["ir.config_parameter"].sudo().get_param(WEBHOOK_SECRET_PARAM)
        )
        refused = signature.check(
            secret,
            headers.get(signature.TIMESTAMP_HEADER),
            headers.get(signature.SIGNATURE_HEADER),
            body,
            now=time.time(),
        )
        if refused:
            _logger.warning(
                "Incident callback from %s refused: %s",
                request.httprequest.remote_addr,
                refused,
            )
            return self._answer({"error": "forbidden"}, 403)
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self._answer({"error": "body is not JSON"}, 400)
        if not isinstance(document, dict):
            return self._answer({"error": "body is not a JSON object"}, 400)
        reference = document.get("reference")
        state = document.get("state")
        comment = document.get("comment") or ""
        if not isinstance(reference, str) or not reference.strip():
            return self._answer({"error": "reference is missing"}, 400)
        if state not in it_status.REPORTABLE:
            return self._answer(
                {"error": "state must be one of: " + ", ".join(it_status.REPORTABLE)},
                400,
            )
        if not isinstance(comment, str) or len(comment) > MAX_COMMENT_LENGTH:
            return self._answer({"error": "comment must be a short text"}, 400)
        # Authenticated: the incident is looked up with superuser rights.
        incident = (
            request.env["helpdesk.incident"]
            .sudo()
            .search([("name", "=", reference.strip())], limit=1)
        )
        if not incident:
            return self._answer({"error": "unknown reference"}, 404)
        # IT's system reads no language: the notes are in the company's.
        incident = incident.with_context(lang=incident.company_id._etp_lang())
        moved = incident._etp_apply_it_status(state, comment=comment.strip())
        return self._answer(
            {
                "reference": incident.name,
                "state": incident.state,
                "changed": bool(moved),
            },
            200,
        )

    @staticmethod
    def _answer(document, status):
        return request.make_json_response(document, status=status)


class EtpIncidentCustomerPortal(EtpCustomerPortalHelpdesk):
    """The ticket page tells its requester when the ticket is part of a known
    technical problem, with the incident's public status only."""

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        # ``ticket`` is the record the portal's access check returned (as
        # superuser): only the incident of that ticket is read, and only its
        # state goes to the page.
        values["etp_incident_state"] = ticket.sudo().incident_id.state or False
        return values

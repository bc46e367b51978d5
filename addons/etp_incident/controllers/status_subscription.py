# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One public incident and «tell me when it is fixed».

- ``GET /status/incident/<id>``: one public incident, with the subscription
  form (a visitor: address, consent; a signed-in user: one click).
- ``POST /status/incident/<id>/subscribe`` and ``…/unsubscribe``.
- The links of the emails are in ``status_links.py``.

Every route first checks the incident against the public snapshot
(``helpdesk.incident._etp_public_incident``: public, of the website's
company, open where it must be); only the record that
passed is read with superuser rights. A non-public incident is answered like
a missing one. The email form answers the same whatever the address (new,
pending, subscribed), so nobody learns who is subscribed; an address is
only subscribed once its owner confirms from the email.
"""

from odoo import http
from odoo.http import request

from odoo.addons.etp_helpdesk.controllers.public_form import (
    HONEYPOT_FIELD,
    honeypot_filled,
    posted_text,
    rate_limit_reached,
)
from odoo.addons.etp_helpdesk.models.helpdesk_ticket_web_form import normalize_email

from ..models.helpdesk_incident_subscription import CONSENT_VERSION
from .status_common import browser_tz, public_card, public_incident

LOG_ORIGIN = "Incident subscription"


class EtpIncidentSubscription(http.Controller):
    # ------------------------------------------------------------------
    # One incident and its subscription form
    # ------------------------------------------------------------------

    @http.route(
        "/status/incident/<int:incident_id>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def incident_page(self, incident_id, **kw):
        incident = public_incident(incident_id, open_only=False)
        if not incident:
            raise request.not_found()
        return self._etp_render_incident(incident, {"email": "", "consent": False}, {})

    @http.route(
        "/status/incident/<int:incident_id>/subscribe",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def incident_subscribe(self, incident_id, **post):
        incident = public_incident(incident_id)
        if not incident:
            raise request.not_found()
        if not request.env.user._is_public():
            return self._etp_subscribe_user(incident, post)
        if honeypot_filled(post, origin=LOG_ORIGIN):
            return self._etp_render_requested(incident)
        ip_address = request.httprequest.remote_addr
        limit = rate_limit_reached(ip_address, origin=LOG_ORIGIN)
        if limit:
            return request.render(
                "etp_incident.subscription_rate_limited",
                {"limit": limit, "card": public_card(incident)},
                status=429,
                headers=[("Retry-After", "3600")],
            )
        values = {
            "email": posted_text(post, "email"),
            "consent": bool(post.get("consent")),
        }
        errors = {}
        email = request.env["helpdesk.ticket.web.form"]._etp_form_email(
            values["email"],
            errors,
            request.env._(
                "Please enter your email address: we write to it once it is fixed."
            ),
        )
        if not values["consent"]:
            errors["consent"] = request.env._(
                "We can only tell you with your consent to the processing of your "
                "email address."
            )
        if errors:
            return self._etp_render_incident(incident, values, errors, status=400)
        request.env["helpdesk.incident.subscription"].sudo()._etp_request(
            incident,
            email,
            lang=request.env.lang,
            tz=browser_tz(),
            ip_address=ip_address,
        )
        return self._etp_render_requested(incident)

    @http.route(
        "/status/incident/<int:incident_id>/unsubscribe",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def incident_unsubscribe(self, incident_id, **post):
        incident = public_incident(incident_id, open_only=False)
        if not incident:
            raise request.not_found()
        # the signed-in user's own subscription only
        request.env["helpdesk.incident.subscription"].sudo()._etp_my_subscriptions(
            request.env.user, incident
        )._etp_cancel()
        return self._etp_back(post, incident)

    def _etp_subscribe_user(self, incident, post):
        """One click of a signed-in user: their own address, no form. A
        person who withdrew their consent gives it again with the box."""
        user = request.env.user
        partner = user.partner_id
        if not normalize_email(partner.email or ""):
            return self._etp_render_incident(
                incident,
                {},
                {
                    "email": request.env._(
                        "Your account has no email address: add it in My account, "
                        "then ask again."
                    )
                },
                status=400,
            )
        withdrawn = partner.sudo().etp_consent_withdrawn_at
        if withdrawn and not post.get("consent"):
            return self._etp_render_incident(
                incident,
                {"consent": False},
                {
                    "consent": request.env._(
                        "You withdrew your consent to the processing of your "
                        "personal data: tick the box to give it again."
                    )
                },
                status=400,
            )
        subscription = (
            request.env["helpdesk.incident.subscription"]
            .sudo()
            ._etp_subscribe_partner(
                incident, partner.sudo(), lang=request.env.lang, tz=browser_tz()
            )
        )
        if withdrawn:
            subscription._etp_record_consent(
                request.httprequest.remote_addr,
                request.httprequest.user_agent.string,
                user=user,
            )
        return self._etp_back(post, incident)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _etp_render_incident(self, incident, values, errors, status=200):
        user = request.env.user
        subscribed = False
        withdrawn = False
        if not user._is_public():
            subscribed = bool(
                request.env["helpdesk.incident.subscription"]
                .sudo()
                ._etp_my_subscriptions(user, incident)
                .filtered(lambda s: s.state == "subscribed")
            )
            withdrawn = bool(user.partner_id.sudo().etp_consent_withdrawn_at)
        return request.render(
            "etp_incident.incident_subscribe_page",
            {
                "card": public_card(incident),
                "values": values,
                "errors": errors,
                "is_public": user._is_public(),
                "subscribed": subscribed,
                "consent_withdrawn": withdrawn,
                "honeypot_field": HONEYPOT_FIELD,
                "consent_version": CONSENT_VERSION,
            },
            status=status,
        )

    def _etp_render_requested(self, incident):
        return request.render(
            "etp_incident.incident_subscribe_requested",
            {"card": public_card(incident)},
        )

    def _etp_back(self, post, incident):
        """Back where the click came from (a local path only), else the
        incident's page."""
        target = post.get("redirect") if isinstance(post.get("redirect"), str) else ""
        if not target.startswith("/") or target.startswith("//"):
            target = f"/status/incident/{incident.id}"
        return request.redirect(target, local=True)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The public side of incidents: the status page and «tell me when it is
fixed».

- ``GET /status``: every component of the platform with its current and
  recent (7 days) public incidents, times in Moscow time and in the
  visitor's (the ``tz`` cookie). Read-only, no session saved, cached (see
  ``_etp_status_html``) so that it holds the rush of a platform failure.
- ``GET /status/incident/<id>``: one public incident, with the subscription
  form (a visitor: address, consent; a signed-in user: one click).
- ``POST /status/incident/<id>/subscribe`` and ``…/unsubscribe``.
- ``GET|POST /status/subscription/<token>/confirm`` and ``…/cancel``: the
  links of the emails; a GET only shows a page (mail scanners open links),
  the POST acts.

Every route first checks the incident against the public snapshot
(``helpdesk.incident._etp_public_incident``: public, of the website's
company, open where it must be) or the token's shape; only the record that
passed is read with superuser rights. A non-public incident is answered like
a missing one. The email form answers the same whatever the address (new,
pending, subscribed), so nobody learns who is subscribed; an address is
only subscribed once its owner confirms from the email.
"""

import logging
import re
import secrets
import threading
import time
from collections import OrderedDict

from odoo import fields, http
from odoo.http import request

from odoo.addons.etp_helpdesk.controllers.support_form import (
    HONEYPOT_FIELD,
    honeypot_filled,
    normalize_email,
    rate_limit_reached,
)

from ..lib import public_status
from ..models.helpdesk_incident import COMPONENTS
from ..models.helpdesk_incident_subscription import CONSENT_VERSION

_logger = logging.getLogger(__name__)

_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{40,64}")
MAX_EMAIL_LENGTH = 254
LOG_ORIGIN = "Incident subscription"

# HTTP caching of /status for visitors who are not signed in: browsers and
# proxies may reuse the page this long.
STATUS_MAX_AGE = 30
# Rendered /status pages kept per worker process, per (database, website,
# language, time zone): reused while the incidents' public snapshot is the
# same object (any change of a public incident clears it) and for at most
# STATUS_HTML_TTL seconds (the page tells the time and the 7-day window
# moves).
STATUS_HTML_TTL = 60
STATUS_HTML_ENTRIES = 64
_status_html = OrderedDict()
_status_html_lock = threading.Lock()


def _to_id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class EtpIncidentStatus(http.Controller):
    # ------------------------------------------------------------------
    # The status page
    # ------------------------------------------------------------------

    @http.route(
        "/status",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        save_session=False,
        sitemap=True,
    )
    def status_page(self, **kw):
        is_public = request.env.user._is_public()
        if is_public and not request.httprequest.query_string:
            body = self._etp_status_html()
            headers = [
                ("Cache-Control", f"public, max-age={STATUS_MAX_AGE}"),
                ("Vary", "Accept-Language, Cookie"),
            ]
        else:
            body = request.render(
                "etp_incident.status_page", self._etp_status_values(), lazy=False
            )
            headers = [("Cache-Control", "private, no-cache")]
        return request.make_response(
            body, headers=[("Content-Type", "text/html; charset=utf-8"), *headers]
        )

    def _etp_status_values(self):
        Incident = request.env["helpdesk.incident"]
        tz_name = self._etp_tz()
        now = fields.Datetime.now()
        items = Incident._etp_public_items(
            request.website.company_id, recent=True, now=now
        )
        labels = dict(Incident._fields["component"]._description_selection(request.env))
        codes = [code for code, _label in COMPONENTS]
        sections = []
        for code, status, component_items in public_status.by_component(items, codes):
            if code == codes[-1] and not component_items:
                continue  # «other» is listed only when something happened there
            sections.append(
                {
                    "component": code,
                    "label": labels.get(code, code),
                    "disrupted": status == public_status.DISRUPTED,
                    "cards": [
                        Incident._etp_public_card(item, tz_name)
                        for item in component_items
                    ],
                }
            )
        return {
            "sections": sections,
            "open_count": len(public_status.open_items(items)),
            "as_of": request.env["helpdesk.ticket"]._etp_format_deadline(now, tz_name),
            "recent_days": public_status.RECENT_DAYS,
        }

    def _etp_status_html(self):
        """/status for a visitor who is not signed in, from this process's
        cache when it is still good, else rendered and kept.

        The page is the same for every such visitor of the website, language
        and time zone, but for the CSRF token Odoo's layout writes into every
        page: it is rendered with a placeholder, replaced on each answer by
        the token of the visitor's own session."""
        website = request.website
        tz_name = self._etp_tz() or ""
        key = (request.env.cr.dbname, website.id, request.env.lang, tz_name)
        # the website's company from its cache: no query on a cached answer
        snapshot = request.env["helpdesk.incident"]._etp_public_snapshot(
            website._get_cached("company_id")
        )
        now = time.monotonic()
        with _status_html_lock:
            entry = _status_html.get(key)
        if not entry or entry[0] is not snapshot or entry[1] < now:
            placeholder = f"etp-csrf-{secrets.token_hex(16)}"
            request.csrf_token = lambda time_limit=None: placeholder
            try:
                html = request.render(
                    "etp_incident.status_page", self._etp_status_values(), lazy=False
                )
            finally:
                del request.csrf_token
            entry = (snapshot, now + STATUS_HTML_TTL, str(html), placeholder)
            with _status_html_lock:
                _status_html[key] = entry
                _status_html.move_to_end(key)
                while len(_status_html) > STATUS_HTML_ENTRIES:
                    _status_html.popitem(last=False)
        _snapshot, _expires, html, placeholder = entry
        return html.replace(placeholder, request.csrf_token(None))

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
        incident = self._etp_incident(incident_id, open_only=False)
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
        incident = self._etp_incident(incident_id)
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
                {"limit": limit, "card": self._etp_card(incident)},
                status=429,
                headers=[("Retry-After", "3600")],
            )
        values = {
            "email": (post.get("email") or "").strip()
            if isinstance(post.get("email"), str)
            else "",
            "consent": bool(post.get("consent")),
        }
        errors = {}
        email = self._etp_check_email(values["email"], errors)
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
            tz=self._etp_tz(),
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
        incident = self._etp_incident(incident_id, open_only=False)
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
                incident, partner.sudo(), lang=request.env.lang, tz=self._etp_tz()
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
    # The links of the emails
    # ------------------------------------------------------------------

    @http.route(
        "/status/subscription/<string:token>/confirm",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def subscription_confirm(self, token, **post):
        subscription = self._etp_subscription(token)
        if not subscription:
            raise request.not_found()
        outcome = subscription._etp_confirmation_outcome()
        if request.httprequest.method == "POST" and outcome == "confirm":
            subscription._etp_confirm(
                request.httprequest.remote_addr,
                request.httprequest.user_agent.string,
            )
            outcome = "confirmed"
        return request.render(
            "etp_incident.subscription_confirm_page",
            {
                "outcome": outcome,
                "token": token,
                "card": self._etp_card(subscription.incident_id),
                "consent_version": CONSENT_VERSION,
            },
        )

    @http.route(
        "/status/subscription/<string:token>/cancel",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
    )
    def subscription_cancel(self, token, **post):
        subscription = self._etp_subscription(token)
        if not subscription:
            raise request.not_found()
        cancelled = subscription.state == "cancelled"
        if request.httprequest.method == "POST" and not cancelled:
            cancelled = bool(subscription._etp_cancel())
        return request.render(
            "etp_incident.subscription_cancel_page",
            {
                "token": token,
                "cancelled": cancelled,
                "told": subscription.state == "notified",
                "card": self._etp_card(subscription.incident_id),
            },
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _etp_incident(self, incident_id, open_only=True):
        """The public incident of the website's company, checked before it
        is read, or an empty recordset."""
        return request.env["helpdesk.incident"]._etp_public_incident(
            _to_id(incident_id), request.website.company_id, open_only=open_only
        )

    def _etp_subscription(self, token):
        """The subscription of a link's token (checked in shape first), of
        the website's company, or an empty recordset."""
        Subscription = request.env["helpdesk.incident.subscription"].sudo()
        if not isinstance(token, str) or not _TOKEN_RE.fullmatch(token):
            return Subscription
        return Subscription.search(
            [
                ("token", "=", token),
                ("company_id", "=", request.website.company_id.id),
            ],
            limit=1,
        )

    def _etp_tz(self):
        return request.env["helpdesk.ticket"]._etp_browser_tz(
            request.httprequest.cookies.get("tz")
        )

    def _etp_card(self, incident):
        """The public card of ``incident`` (a record that passed the checks):
        its public fields only, from the snapshot when it is there."""
        items = request.env["helpdesk.incident"]._etp_public_items(
            incident.company_id, recent=True
        )
        item = next((i for i in items if i["id"] == incident.id), None)
        if item is None:
            return None
        return request.env["helpdesk.incident"]._etp_public_card(item, self._etp_tz())

    def _etp_check_email(self, email, errors):
        normalized = normalize_email(email) if len(email) <= MAX_EMAIL_LENGTH else False
        if not email:
            errors["email"] = request.env._(
                "Please enter your email address: we write to it once it is fixed."
            )
        elif not normalized:
            errors["email"] = request.env._(
                "%(email)s is not a valid email address (example: name@company.ru).",
                email=email[:MAX_EMAIL_LENGTH],
            )
        return normalized

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
                "card": self._etp_card(incident),
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
            {"card": self._etp_card(incident)},
        )

    def _etp_back(self, post, incident):
        """Back where the click came from (a local path only), else the
        incident's page."""
        target = post.get("redirect") if isinstance(post.get("redirect"), str) else ""
        if not target.startswith("/") or target.startswith("//"):
            target = f"/status/incident/{incident.id}"
        return request.redirect(target, local=True)

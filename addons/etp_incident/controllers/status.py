# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The public status page, ``GET /status``: every component of the platform
with its current and recent (7 days) public incidents, times in Moscow time
and in the visitor's (the ``tz`` cookie). Read-only, no session saved, cached
(see ``_etp_status_html``) so that it holds the rush of a platform failure.
One incident's page and «tell me when it is fixed» are in
``status_subscription.py``.
"""

import secrets
import threading
import time
from collections import OrderedDict

from odoo import fields, http
from odoo.http import request

from ..lib import public_status
from ..models.helpdesk_incident import COMPONENTS
from .status_common import browser_tz

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
        tz_name = browser_tz()
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
        tz_name = browser_tz() or ""
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

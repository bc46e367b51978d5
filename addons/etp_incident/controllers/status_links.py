# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The links of the subscription emails,
``GET|POST /status/subscription/<token>/confirm`` and ``…/cancel``: a GET
only shows a page (mail scanners open links), the POST acts. The token is
checked in shape, then looked up among the website's company's
subscriptions; an unknown token is answered as a missing page.
"""

import re

from odoo import http
from odoo.http import request

from ..models.helpdesk_incident_subscription import CONSENT_VERSION
from .status_common import public_card

_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{40,64}")


class EtpIncidentSubscriptionLinks(http.Controller):
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
                "card": public_card(subscription.incident_id),
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
                "card": public_card(subscription.incident_id),
            },
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

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The support site's own pages: the home page of the desk (``/helpdesk``,
served at ``/`` through the website's homepage URL) and one page per
audience (``/customers``, ``/suppliers``), each with that desk's live chat.

They show public facts only (the phone, the desks' addresses, whether a chat
operator is online); the teams and channels are read with ``sudo()`` because
an anonymous visitor may not read them, and nothing of a visitor's input is
used to look anything up.
"""

from odoo import http
from odoo.http import request

AUDIENCE_PAGES = {"customer": "/customers", "supplier": "/suppliers"}


class SupportPagesController(http.Controller):
    @http.route("/helpdesk", type="http", auth="public", website=True, sitemap=True)
    def support_home(self, **kw):
        values = self._etp_page_values()
        values["desks"] = [self._etp_desk(audience) for audience in AUDIENCE_PAGES]
        return request.render("etp_helpdesk.support_home_page", values)

    @http.route("/customers", type="http", auth="public", website=True, sitemap=True)
    def support_customers(self, **kw):
        return self._etp_render_audience_page("customer")

    @http.route("/suppliers", type="http", auth="public", website=True, sitemap=True)
    def support_suppliers(self, **kw):
        return self._etp_render_audience_page("supplier")

    def _etp_render_audience_page(self, audience):
        values = self._etp_page_values()
        values["desk"] = self._etp_desk(audience)
        return request.render("etp_helpdesk.support_audience_page", values)

    def _etp_page_values(self):
        """Values every support page shows: the 24/7 phone and whether the
        visitor is signed in. Hook: other addons add what the pages tell
        (e.g. the platform's status)."""
        company = request.website.company_id.sudo()
        return {
            "etp_phone": company.phone,
            "etp_company_email": company.email,
            "is_public": request.env.user._is_public(),
        }

    def _etp_desk(self, audience):
        """How to reach the desk of ``audience``: its address (the alias of
        its line-1 team), the web form and its live chat."""
        team = (
            request.env["helpdesk.ticket.team"]
            .sudo()
            ._etp_intake_team(audience, request.website.company_id)
        )
        channel = team.livechat_channel_id
        return {
            "audience": audience,
            "page_url": AUDIENCE_PAGES[audience],
            "form_url": f"/support?audience={audience}",
            "email": team.alias_email,
            "has_chat": bool(channel),
            "chat_online": bool(channel.available_operator_ids),
        }

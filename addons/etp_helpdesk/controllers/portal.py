# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.http import request
from odoo.osv.expression import OR

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk


class EtpCustomerPortalHelpdesk(CustomerPortalHelpdesk):
    """Procurement fields on helpdesk_mgmt's /my/tickets and /my/ticket pages.

    The list keeps upstream's domain (the record rules of the portal user);
    only the search inputs, the labels, the desk's address and the close
    buttons are adjusted here. The labels upstream writes in its Python code
    are relabelled with ours: Odoo looks code terms up in the module's own
    i18n folder only, and helpdesk_mgmt ships no Russian.
    """

    @http.route()
    def portal_my_tickets(self, *args, **kwargs):
        response = super().portal_my_tickets(*args, **kwargs)
        filters = getattr(response, "qcontext", {}).get("searchbar_filters") or {}
        if "all" in filters:
            filters["all"]["label"] = request.env._("All")
        return response

    def _ticket_get_searchbar_sortings(self):
        values = super()._ticket_get_searchbar_sortings()
        return _relabel(
            values,
            {
                "date": request.env._("Newest"),
                "name": request.env._("Title"),
                "stage": request.env._("Stage"),
                "update": request.env._("Last Stage Update"),
            },
        )

    def _ticket_get_searchbar_groupby(self):
        values = super()._ticket_get_searchbar_groupby()
        return _relabel(
            values,
            {
                "none": request.env._("No grouping"),
                "category": request.env._("Category"),
                "stage": request.env._("Stage"),
            },
        )

    def _ticket_get_searchbar_inputs(self):
        values = _relabel(
            super()._ticket_get_searchbar_inputs(),
            {
                "all": request.env._("Search in All"),
                "number": request.env._("Search in Number"),
                "name": request.env._("Search in Title"),
            },
        )
        values["procedure"] = {
            "input": "procedure",
            "label": request.env._("Search in Procedure Number"),
            "order": 4,
        }
        return dict(sorted(values.items(), key=lambda item: item[1]["order"]))

    def _ticket_get_search_domain(self, search_in, search):
        domain = super()._ticket_get_search_domain(search_in, search)
        if search_in in ("procedure", "all"):
            procedure_domain = [("procedure_number", "ilike", search.strip())]
            domain = OR([domain, procedure_domain]) if domain else procedure_domain
        return domain

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        # The desk's address stands in for the operator's own: the page names
        # the operator and gives the address of the ticket's desk.
        values["etp_desk_email"] = ticket._etp_desk_email()
        if request.env.user._is_public():
            # Closing needs a login (the /ticket/close route is auth="user").
            values["closed_stages"] = request.env["helpdesk.ticket.stage"]
        return values


def _relabel(values, labels):
    """Upstream's searchbar entries with our labels for the keys we know."""
    for key, label in labels.items():
        if key in values:
            values[key]["label"] = label
    return values

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.http import request
from odoo.osv.expression import OR

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk


class EtpCustomerPortalHelpdesk(CustomerPortalHelpdesk):
    """Procurement fields on helpdesk_mgmt's /my/tickets and /my/ticket pages.

    The list keeps upstream's domain (the record rules of the portal user);
    only the search inputs and the close buttons are adjusted here.
    """

    def _ticket_get_searchbar_inputs(self):
        values = super()._ticket_get_searchbar_inputs()
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
        if request.env.user._is_public():
            # Closing needs a login (the /ticket/close route is auth="user").
            values["closed_stages"] = request.env["helpdesk.ticket.stage"]
        return values

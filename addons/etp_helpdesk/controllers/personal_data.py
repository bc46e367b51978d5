# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""``/my/personal-data``: a portal user sees what the desk holds about them
and may withdraw their consent to its processing (152-FZ art. 9 part 2).

The person is always the signed-in user: no route takes a record id, so there
is nothing to forge. Internal users are sent back to /my (their requests are
handled in the backend). The superuser acts only after these checks, on the
user's own contact.
"""

from odoo import http
from odoo.exceptions import ValidationError
from odoo.http import request

# Check box of the portal's /new/ticket form, shown to a person who withdrew
# their consent.
PORTAL_CONSENT_FIELD = "etp_consent"


def check_portal_consent(kw):
    """For helpdesk_mgmt's /new/ticket form of a portal user: a person who
    withdrew their consent gets no new ticket without giving it again (the
    box on the form). A given consent is recorded with the ticket (context
    ``etp_consent_given``, read by ``helpdesk.ticket.create``)."""
    partner = request.env.user.partner_id
    if not partner.sudo().etp_consent_withdrawn_at:
        return
    if not kw.get(PORTAL_CONSENT_FIELD):
        raise ValidationError(
            request.env._(
                "You withdrew your consent to the processing of your personal "
                "data. To send a new request, tick the box to give it again."
            )
        )
    request.update_context(
        etp_consent_given={
            "source": "portal",
            "ip_address": request.httprequest.remote_addr,
            "user_agent": (request.httprequest.user_agent.string or "")[:512],
        }
    )


class PersonalDataPortal(http.Controller):
    @http.route(
        "/my/personal-data",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_personal_data(self, **kw):
        if not request.env.user.share:
            return request.redirect("/my")
        values = self._etp_personal_data_values()
        values["withdrawn_now"] = kw.get("withdrawn") == "1"
        return request.render("etp_helpdesk.portal_my_personal_data", values)

    @http.route(
        "/my/personal-data/withdraw",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_personal_data_withdraw(self, **kw):
        user = request.env.user
        if not user.share:
            return request.redirect("/my")
        if not kw.get("confirm"):
            values = self._etp_personal_data_values()
            values["error"] = request.env._(
                "Tick the box to confirm that you withdraw your consent."
            )
            return request.render(
                "etp_helpdesk.portal_my_personal_data", values, status=400
            )
        # The person is the signed-in user (checked above); the superuser
        # reaches their tickets, chats and consents, whatever the portal rules.
        request.env["helpdesk.personal.data"].sudo()._etp_withdraw_consent(
            user.partner_id,
            channel="portal",
            reference=request.env._("Withdrawn on the portal"),
        )
        return request.redirect("/my/personal-data?withdrawn=1")

    def _etp_personal_data_values(self):
        """What the page shows about the signed-in user (read as superuser,
        limited to their own contact and address)."""
        partner = request.env.user.partner_id
        Service = request.env["helpdesk.personal.data"].sudo()
        partners, emails = Service._etp_person(partner)
        tickets, consents, chats = Service._etp_person_records(partners, emails)
        company = request.website.company_id.sudo()
        return {
            "page_name": "personal_data",
            "partner": partner,
            "withdrawn_at": partner.sudo().etp_consent_withdrawn_at,
            "consents": consents,
            "open_ticket_count": len(tickets.filtered(lambda t: not t.closed)),
            "closed_ticket_count": len(
                tickets.filtered(lambda t: t.closed and not t.etp_anonymised_at)
            ),
            "anonymised_ticket_count": len(tickets.filtered("etp_anonymised_at")),
            "chat_count": len(chats.filtered(lambda c: not c.etp_anonymised_at)),
            "retention": company,
            "support_email": company.email,
        }

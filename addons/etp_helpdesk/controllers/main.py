# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.portal.controllers.portal import CustomerPortal

from . import uploads
from .personal_data import check_portal_consent

# Fields of the portal form that are given back to the person when the
# submission is refused, so that nothing they typed is lost.
KEPT_FORM_FIELDS = (
    "team",
    "category",
    "subject",
    "description",
    "procedure_number",
    "procurement_regime",
    "lot_number",
)
# The file input of helpdesk_mgmt's portal form.
UPSTREAM_ATTACHMENT_FIELD = "attachment"


def _to_id(value):
    """The integer id in ``value`` (a request parameter), or 0."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


class EtpHelpdeskTicketController(HelpdeskTicketController):
    # ------------------------------------------------------------------
    # Closing a ticket from the portal
    # ------------------------------------------------------------------

    @http.route("/ticket/close", type="http", auth="user", methods=["GET", "POST"])
    def support_ticket_close(self, ticket_id=None, stage_id=None, **kw):
        """Move a ticket the visitor may read to a stage that closes it.

        Upstream closes any ticket by id with ``sudo()``, even from a GET. Here
        only a POST (whose CSRF token the framework checks) changes anything;
        the ticket goes through the portal's document check first (read access
        or its access token), the target stage must be a portal closing stage
        of the ticket's team, and only the checked record is written as
        superuser. A stage not offered changes nothing and leads back to the
        ticket; anything else (a GET, e.g. an old link of upstream's page,
        included) leads back to /my and tells nothing. Redirects are 302, as
        upstream's (its portal tests check the code and the target).
        """
        if request.httprequest.method != "POST":
            return request.redirect("/my", code=302)
        access_token = kw.get("access_token") or None
        try:
            checked = CustomerPortal._document_check_access(
                self, "helpdesk.ticket", _to_id(ticket_id), access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my", code=302)
        # Superuser rights on the checked record only, acting as the visitor
        # so that the tracking message has them as author.
        ticket_sudo = checked.with_env(request.env).sudo()
        stage = ticket_sudo.team_id._get_applicable_stages().filtered(
            lambda s: s.id == _to_id(stage_id) and s.close_from_portal
        )
        if stage and not ticket_sudo.closed:
            ticket_sudo.stage_id = stage
        url = f"/my/ticket/{ticket_sudo.id}"
        if access_token:
            url += "?" + urlencode({"access_token": access_token})
        return request.redirect(url, code=302)

    # ------------------------------------------------------------------
    # New ticket form
    # ------------------------------------------------------------------

    def _get_teams(self):
        """Teams offered on the form: those of the organisation's audience."""
        teams = super()._get_teams()
        role = request.env.user.partner_id.commercial_partner_id.procurement_role
        if role:
            teams = teams.filtered(lambda t: t.audience in (role, "both"))
        return teams

    def _get_categories(self, **kw):
        """Categories offered on the form: those of the organisation's
        audience and those for everyone."""
        categories = super()._get_categories(**kw)
        role = request.env.user.partner_id.commercial_partner_id.procurement_role
        if role:
            categories = categories.filtered(lambda c: c.audience in (role, "both"))
        return categories

    def _get_create_new_ticket_values(self, **kw):
        values = super()._get_create_new_ticket_values(**kw)
        # the form's own check of a file's size, before sending
        values["max_upload_size"] = int(uploads.limits()["max_file_mb"] * 1024 * 1024)
        Ticket = request.env["helpdesk.ticket"]
        values["procurement_regimes"] = Ticket._fields[
            "procurement_regime"
        ]._description_selection(request.env)
        return values

    def _prepare_submit_ticket_vals(self, **kw):
        """Ticket values from the portal form, with team and category taken
        only from what the form offers (an allow-list: forged ids are
        dropped), the audience of the person's organisation and the
        procurement fields. Without a team, the model routes the ticket to the
        line-1 team of its audience and picks that team's first stage."""
        if not (kw.get("subject") or "").strip():
            raise ValidationError(request.env._("Please give your request a subject."))
        if not (kw.get("description") or "").strip():
            raise ValidationError(request.env._("Please describe your request."))
        check_portal_consent(kw)
        # The files upstream stores after creating the ticket: the limits of
        # /support (count, size, type), checked before anything is created.
        _files, messages, _had_files = uploads.read_uploads(
            UPSTREAM_ATTACHMENT_FIELD, rewind=True
        )
        if messages:
            raise ValidationError(" ".join(messages))
        kw = dict(kw)
        team_id = _to_id(kw.get("team"))
        kw["team"] = team_id if team_id in self._get_teams().ids else ""
        category_id = _to_id(kw.get("category"))
        kw["category"] = (
            category_id if category_id in self._get_categories(**kw).ids else ""
        )
        vals = super()._prepare_submit_ticket_vals(**kw)
        if not vals.get("team_id"):
            # The stage upstream picks belongs to no team; let the model
            # choose the routed team's first stage.
            vals.pop("stage_id", None)
        role = request.env.user.partner_id.commercial_partner_id.procurement_role
        if role:
            vals["audience"] = role
        vals.update(self._etp_procurement_vals(kw))
        # the zone of the browser (the tz cookie of Odoo's pages)
        vals["requester_browser_tz"] = request.env["helpdesk.ticket"]._etp_browser_tz(
            request.httprequest.cookies.get("tz")
        )
        return vals

    def _etp_procurement_vals(self, kw):
        vals = {}
        number = (kw.get("procedure_number") or "").strip()
        if number:
            vals["procedure_number"] = number
        regimes = request.env["helpdesk.ticket"]._fields["procurement_regime"]
        regime = kw.get("procurement_regime")
        if regime and regime in regimes.get_values(request.env):
            vals["procurement_regime"] = regime
        lot = (kw.get("lot_number") or "").strip()
        if lot:
            vals["lot_number"] = lot
        return vals

    @http.route()
    def submit_ticket(self, **kw):
        """Refused values (e.g. a procedure number that cannot be an EIS
        notice) show the form again with the message and what was typed."""
        try:
            with request.env.cr.savepoint():
                return super().submit_ticket(**kw)
        except ValidationError as error:
            values = self._get_create_new_ticket_values(**kw)
            values["etp_error"] = error.args[0]
            values["etp_form"] = {
                name: kw[name]
                for name in KEPT_FORM_FIELDS
                if isinstance(kw.get(name), str)
            }
            return request.render("helpdesk_mgmt.portal_create_ticket", values)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import create_index

from odoo.addons.etp_helpdesk.lib import deadlines

from .helpdesk_incident import COMPONENTS

_logger = logging.getLogger(__name__)

SPIKE_STATES = [
    ("new", "New"),
    ("dismissed", "Dismissed"),
    ("incident_created", "Incident registered"),
]


class HelpdeskIncidentSpike(models.Model):
    _name = "helpdesk.incident.spike"
    _description = "Suspected Incident (Spike)"
    # the detection cron: helpdesk_incident_spike_detection.py
    _inherit = ["mail.thread", "helpdesk.incident.spike.detection"]
    _order = "window_end desc, id desc"
    _rec_names_search = ["category_id"]

    category_id = fields.Many2one(
        "helpdesk.ticket.category",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    window_start = fields.Datetime(
        required=True, readonly=True, help="When the first ticket of the spike came."
    )
    window_end = fields.Datetime(
        required=True, readonly=True, help="When the last ticket of the spike came."
    )
    ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        "helpdesk_incident_spike_ticket_rel",
        "spike_id",
        "ticket_id",
        string="Tickets",
        readonly=True,
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count", store=True)
    unlinked_ticket_count = fields.Integer(
        compute="_compute_unlinked_ticket_count",
        help="Tickets of the spike that are not linked to an incident yet.",
    )
    state = fields.Selection(
        SPIKE_STATES,
        string="Status",
        required=True,
        default="new",
        tracking=True,
        index=True,
        readonly=True,
    )
    component = fields.Selection(
        COMPONENTS,
        required=True,
        default="other",
        help="The component of the incident «Register incident» creates; "
        "guessed from the category.",
    )
    incident_id = fields.Many2one(
        "helpdesk.incident", readonly=True, ondelete="set null", tracking=True
    )
    dismiss_reason = fields.Text(tracking=True)
    dismissed_by_id = fields.Many2one("res.users", readonly=True)
    dismissed_at = fields.Datetime(readonly=True)

    def init(self):
        # the cron reads the tickets of the last hour(s) by creation time
        create_index(
            self.env.cr,
            "helpdesk_ticket_etp_spike_create_date_index",
            "helpdesk_ticket",
            ["create_date"],
            where="category_id IS NOT NULL",
        )

    @api.depends("ticket_ids")
    def _compute_ticket_count(self):
        for spike in self:
            spike.ticket_count = len(spike.ticket_ids)

    @api.depends("ticket_ids.incident_id")
    def _compute_unlinked_ticket_count(self):
        for spike in self:
            spike.unlinked_ticket_count = len(
                spike.ticket_ids.filtered(lambda t: not t.incident_id)
            )

    @api.depends("category_id", "ticket_count")
    def _compute_display_name(self):
        for spike in self:
            spike.display_name = self.env._(
                "%(category)s: %(count)s tickets",
                category=spike.category_id.display_name or "",
                count=spike.ticket_count,
            )

    def action_open_dismiss(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dismiss the spike"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "etp_incident.helpdesk_incident_spike_view_form_dismiss"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
        }

    def action_dismiss(self):
        """Dismiss the flags with the reason written in ``dismiss_reason``."""
        wrong = self.filtered(lambda s: s.state != "new")
        if wrong:
            raise UserError(
                self.env._(
                    "The spike %(name)s is no longer new and cannot be dismissed.",
                    name=wrong[0].display_name,
                )
            )
        missing = self.filtered(lambda s: not (s.dismiss_reason or "").strip())
        if missing:
            raise UserError(self.env._("Say why the spike is not an incident."))
        self.write(
            {
                "state": "dismissed",
                "dismissed_by_id": self.env.user.id,
                "dismissed_at": fields.Datetime.now(),
            }
        )
        return True

    def action_register_incident(self):
        """Create an incident from the flag, link its tickets and open it."""
        self.ensure_one()
        if self.state != "new":
            raise UserError(
                self.env._(
                    "An incident can only be registered from a new spike; "
                    "this one is already handled."
                )
            )
        incident = self.env["helpdesk.incident"].create(
            self._etp_prepare_incident_vals()
        )
        self.write({"state": "incident_created", "incident_id": incident.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.incident",
            "res_id": incident.id,
            "view_mode": "form",
        }

    def action_link_tickets(self):
        """Link the spike's tickets that joined after the incident was
        registered to that incident."""
        self.ensure_one()
        if self.state != "incident_created" or not self.incident_id:
            raise UserError(self.env._("Register an incident from the spike first."))
        self._etp_link_tickets()
        return True

    def action_view_tickets(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "helpdesk.ticket",
            "view_mode": "list,form",
            "domain": [("id", "in", self.ticket_ids.ids)],
        }

    def _etp_prepare_incident_vals(self):
        self.ensure_one()
        rows = Markup("").join(
            Markup("<li>%s</li>") % ticket.display_name for ticket in self.ticket_ids
        )
        description = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "%(count)s tickets in the category %(category)s between "
                "%(start)s and %(end)s (Moscow time):",
                count=self.ticket_count,
                category=self.category_id.display_name,
                start=self._etp_format_msk(self.window_start),
                end=self._etp_format_msk(self.window_end),
            ),
            rows,
        )
        return {
            # linked at creation, so that the hand-off to IT counts them
            "ticket_ids": [
                Command.link(ticket.id)
                for ticket in self.ticket_ids
                if not ticket.incident_id
            ],
            "title": self.env._(
                "Spike: %(category)s", category=self.category_id.display_name
            ),
            "description": description,
            "component": self.component,
            "detected_at": self.window_start,
            "company_id": self.company_id.id,
        }

    def _etp_link_tickets(self):
        tickets = self.ticket_ids.filtered(lambda t: not t.incident_id)
        if tickets:
            tickets.write({"incident_id": self.incident_id.id})

    def _etp_format_msk(self, value):
        return deadlines.format_msk(value, "%(msk)s")

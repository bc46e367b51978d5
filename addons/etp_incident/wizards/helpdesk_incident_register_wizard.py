# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.helpdesk_incident import COMPONENTS, SEVERITIES
from ..models.helpdesk_incident_public import OPEN_STATES


class HelpdeskIncidentRegisterWizard(models.TransientModel):
    _name = "helpdesk.incident.register.wizard"
    _description = "Register an Incident from Tickets"

    ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        "helpdesk_incident_register_wizard_ticket_rel",
        "wizard_id",
        "ticket_id",
        string="Tickets",
        required=True,
    )
    linked_ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        compute="_compute_linked_ticket_ids",
        string="Already Linked",
        help="Selected tickets that already belong to an incident: they stay with it.",
    )
    mode = fields.Selection(
        [
            ("create", "Create a new incident"),
            ("link", "Link to an open incident"),
        ],
        required=True,
        default="create",
    )
    title = fields.Char()
    component = fields.Selection(COMPONENTS, default="other")
    severity = fields.Selection(SEVERITIES, default="high")
    description = fields.Html()
    incident_id = fields.Many2one(
        "helpdesk.incident",
        domain=[("state", "in", OPEN_STATES)],
    )
    proposed_incident_ids = fields.Many2many(
        "helpdesk.incident",
        compute="_compute_proposed_incident_ids",
        string="Open Incidents of the Component",
        help="Open incidents of the same component, most recent first.",
    )

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        context = self.env.context
        ticket_ids = defaults.get("ticket_ids")
        if not ticket_ids and context.get("active_model") == "helpdesk.ticket":
            ticket_ids = context.get("active_ids") or []
            defaults["ticket_ids"] = [Command.set(ticket_ids)]
        tickets = self.env["helpdesk.ticket"].browse(
            self._fields["ticket_ids"].convert_to_cache(
                defaults.get("ticket_ids") or [], self.browse()
            )
        )
        if not tickets:
            return defaults
        first = tickets[:1]
        if "title" in fields_list and not defaults.get("title"):
            defaults["title"] = first.name
        if "description" in fields_list and not defaults.get("description"):
            defaults["description"] = first.description
        if "component" in fields_list and not context.get("default_component"):
            defaults["component"] = self._etp_guess_component(tickets)
        component = defaults.get("component") or "other"
        proposed = self._etp_open_incidents(component, limit=1)
        if proposed and "incident_id" in fields_list:
            defaults.setdefault("incident_id", proposed.id)
            if not context.get("default_mode"):
                defaults["mode"] = "link"
        return defaults

    @api.depends("ticket_ids")
    def _compute_linked_ticket_ids(self):
        for wizard in self:
            wizard.linked_ticket_ids = wizard.ticket_ids.filtered("incident_id")

    @api.depends("component")
    def _compute_proposed_incident_ids(self):
        for wizard in self:
            wizard.proposed_incident_ids = self._etp_open_incidents(
                wizard.component or "other", limit=10
            )

    @api.onchange("component")
    def _onchange_component(self):
        if self.mode == "link" and self.incident_id.component != self.component:
            self.incident_id = self._etp_open_incidents(self.component, limit=1)

    def action_confirm(self):
        self.ensure_one()
        tickets = self.ticket_ids - self.linked_ticket_ids
        if not tickets:
            raise UserError(
                self.env._(
                    "Every selected ticket is already linked to an incident: "
                    "unlink a ticket on its form to link it elsewhere."
                )
            )
        if self.mode == "link":
            incident = self.incident_id
            if not incident:
                raise UserError(self.env._("Choose the open incident to link to."))
            if incident.state not in OPEN_STATES:
                raise UserError(
                    self.env._(
                        "Incident %(name)s is no longer open: create a new one.",
                        name=incident.name,
                    )
                )
            tickets.write({"incident_id": incident.id})
        else:
            if not (self.title or "").strip():
                raise UserError(self.env._("Give the incident a title."))
            incident = self.env["helpdesk.incident"].create(
                {
                    "title": self.title.strip(),
                    "component": self.component or "other",
                    "severity": self.severity or "high",
                    "description": self.description,
                    # linked before the hand-off, so IT's email counts them
                    "ticket_ids": [Command.set(tickets.ids)],
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.incident",
            "res_id": incident.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _etp_open_incidents(self, component, limit):
        return self.env["helpdesk.incident"].search(
            [("state", "in", OPEN_STATES), ("component", "=", component)],
            order="detected_at desc, id desc",
            limit=limit,
        )

    @api.model
    def _etp_guess_component(self, tickets):
        """The component the tickets' categories (or their parents) point at
        (Helpdesk → Configuration → Categories), when they agree; else
        "other"."""
        by_category = tickets.category_id._etp_components()
        found = {by_category.get(t.category_id.id) or "other" for t in tickets}
        return found.pop() if len(found) == 1 else "other"

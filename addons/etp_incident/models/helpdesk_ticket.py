# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .helpdesk_external_escalation import OPEN_STATES, WAITING_STAGE_XMLID
from .helpdesk_incident import SILENT_STAGE_KEY


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    incident_id = fields.Many2one(
        "helpdesk.incident",
        index=True,
        tracking=True,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    incident_state = fields.Selection(
        related="incident_id.state",
        string="Incident Status",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    def action_register_incident(self):
        """Open the «Register incident» wizard for the selected tickets: it
        creates an incident from them or links them to an open one."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "etp_incident.helpdesk_incident_register_wizard_action"
        )
        context = {"default_ticket_ids": self.ids}
        if self.env.context.get("default_component"):
            context["default_component"] = self.env.context["default_component"]
        action["context"] = context
        return action

    # --- incident hand-off and linked tickets (helper "it") ---

    incident_notified_id = fields.Many2one(
        "helpdesk.incident",
        string="Requester Told About",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="The incident whose resolution the requester was told about: "
        "nobody is told twice.",
    )

    # etp_incident's create() and write() of tickets: hook further behaviour
    # on a ticket linked to an incident into _etp_incident_linked().
    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets.filtered("incident_id")._etp_incident_linked()
        return tickets

    def write(self, vals):
        if not vals.get("incident_id"):
            return super().write(vals)
        before = {ticket.id: ticket.incident_id.id for ticket in self}
        result = super().write(vals)
        self.filtered(lambda t: t.incident_id.id != before[t.id])._etp_incident_linked()
        return result

    def _etp_incident_linked(self):
        """The tickets were just linked to their incident: each gets its
        current status at once."""
        for incident, tickets in self.grouped("incident_id").items():
            incident._etp_on_tickets_linked(tickets)
        self.env["helpdesk.incident.subscription"]._etp_on_tickets_linked(self)

    def _etp_post_resolution(self, template, author):
        """Post the resolution message on each ticket, a public comment
        addressed to its requester (one email each), rendered in one batch."""
        if not self:
            return self.env["mail.message"]
        composer = (
            self.env["mail.compose.message"]
            .with_context(mail_create_nosubscribe=True)
            .create(
                {
                    "composition_mode": "comment",
                    "model": self._name,
                    "res_ids": self.ids,
                    "template_id": template.id,
                    "message_type": "comment",
                    "subtype_id": self.env.ref("mail.mt_comment").id,
                    "author_id": author.id,
                    "email_from": author.email_formatted,
                    "email_layout_xmlid": "mail.mail_notification_light",
                }
            )
        )
        return composer._action_send_mail()[1]

    def _track_template(self, changes):
        """A ticket solved by its incident gets the resolution message, not
        also the solved stage's "ticket closed" email."""
        res = super()._track_template(changes)
        silent = self.env.cr.precommit.data.get(SILENT_STAGE_KEY, ())
        if "stage_id" in res and self.id in silent:
            del res["stage_id"]
        return res

    # --- spike detection and external escalations (helper "ext") ---

    external_escalation_ids = fields.One2many(
        "helpdesk.external.escalation",
        "ticket_id",
        string="External Escalations",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    external_escalation_count = fields.Integer(
        compute="_compute_external_escalation_count",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    @api.depends("external_escalation_ids")
    def _compute_external_escalation_count(self):
        counts = dict(
            self.env["helpdesk.external.escalation"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.external_escalation_count = counts.get(ticket._origin, 0)

    def action_view_external_escalations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "etp_incident.helpdesk_external_escalation_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id}
        return action

    def _etp_sync_external_pause(self):
        """Keep each ticket in the waiting-for-external-party stage while one
        of its external escalations is open (its SLA clock is paused there),
        and put it back in the stage it had when the last one is answered or
        closed. A ticket an operator moved out of the waiting stage by hand is
        left where it is."""
        waiting = self.env.ref(WAITING_STAGE_XMLID, raise_if_not_found=False)
        if not waiting or not self:
            return
        escalations = self.env["helpdesk.external.escalation"].search(
            [("ticket_id", "in", self.ids)], order="write_date desc, id desc"
        )
        by_ticket = escalations.grouped("ticket_id")
        for ticket in self:
            mine = by_ticket.get(ticket, escalations.browse())
            opened = mine.filtered(lambda e: e.state in OPEN_STATES)
            if opened and ticket.stage_id != waiting:
                if ticket.closed:
                    continue  # closed since: it waits for nobody
                opened.write({"previous_stage_id": ticket.stage_id.id})
                ticket.write({"stage_id": waiting.id})
            elif opened:
                # already waiting because of another escalation: remember the
                # same stage to go back to
                previous = opened.filtered("previous_stage_id")[:1].previous_stage_id
                if previous:
                    opened.filtered(lambda e: not e.previous_stage_id).write(
                        {"previous_stage_id": previous.id}
                    )
            elif ticket.stage_id == waiting:
                previous = mine.filtered("previous_stage_id")[:1].previous_stage_id
                if previous:
                    ticket.write({"stage_id": previous.id})

    # --- emergency cases (helper "case") ---

    emergency_case_id = fields.Many2one(
        "helpdesk.emergency.case",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="The coordinated emergency case this ticket was opened for, one "
        "ticket per affected organisation.",
    )
    # The link that makes the organisation's progress follow the ticket: a
    # many2one on the ticket, so a stage change finds its line without a query.
    emergency_case_line_id = fields.Many2one(
        "helpdesk.emergency.case.line",
        string="Emergency Case Organisation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    def _etp_send_emergency_template(self, template_xmlid, author=None):
        """Post the mail template on each ticket, addressed to its requester,
        rendered in one batch; replies to the email thread into the ticket."""
        if not self:
            return self.env["mail.message"]
        template = self.env.ref(template_xmlid)
        composer = (
            self.env["mail.compose.message"]
            .sudo()
            .with_context(mail_create_nosubscribe=True)
            .create(
                {
                    "composition_mode": "comment",
                    "model": self._name,
                    "res_ids": self.ids,
                    "template_id": template.id,
                    "message_type": "comment",
                    "subtype_id": self.env.ref("mail.mt_comment").id,
                    "email_layout_xmlid": "mail.mail_notification_light",
                    **({"author_id": author.id} if author else {}),
                }
            )
        )
        return composer._action_send_mail()[1]

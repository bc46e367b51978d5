# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    support_line = fields.Selection(related="team_id.support_line", store=True)
    first_response_date = fields.Datetime(
        copy=False,
        readonly=True,
        index=True,
        help="When an operator first answered the requester publicly.",
    )
    escalation_ids = fields.One2many("helpdesk.ticket.escalation", "ticket_id")
    escalation_count = fields.Integer(compute="_compute_escalation_count")

    @api.depends("escalation_ids")
    def _compute_escalation_count(self):
        counts = dict(
            self.env["helpdesk.ticket.escalation"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.escalation_count = counts.get(ticket._origin, 0)

    def action_escalate(self):
        self.ensure_one()
        return self._etp_open_escalate_wizard("escalate")

    def action_send_back(self):
        self.ensure_one()
        return self._etp_open_escalate_wizard("return")

    def _etp_open_escalate_wizard(self, direction):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Escalate")
            if direction == "escalate"
            else self.env._("Send back"),
            "res_model": "helpdesk.ticket.escalate.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id, "default_direction": direction},
        }

    def _etp_escalation_target(self):
        """The team this ticket escalates to along the configured path."""
        self.ensure_one()
        return self.team_id.escalation_team_id

    def _etp_send_back_target(self):
        """The team the ticket came from at its last escalation."""
        self.ensure_one()
        last = self.escalation_ids.filtered(
            lambda e: e.kind != "return" and e.to_team_id == self.team_id
        )[:1]
        return last.from_team_id

    def _etp_move_to_team(self, team, reason, kind="manual", tried=False):
        """Move the ticket to ``team`` and record it in the escalation history."""
        self.ensure_one()
        if not team:
            raise UserError(self.env._("Choose the team the ticket goes to."))
        if team == self.team_id:
            raise UserError(
                self.env._(
                    "Ticket %(number)s is already with %(team)s.",
                    number=self.number,
                    team=team.name,
                )
            )
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for the escalation."))
        from_team = self.team_id
        history = self.env["helpdesk.ticket.escalation"].create(
            {
                "ticket_id": self.id,
                "from_team_id": from_team.id,
                "from_line": from_team.support_line,
                "to_team_id": team.id,
                "to_line": team.support_line,
                "kind": kind,
                "reason": reason,
                "tried": tried,
            }
        )
        self.write({"team_id": team.id, "user_id": False})
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "%(kind)s: %(from)s → %(to)s",
                    kind=dict(history._fields["kind"]._description_selection(self.env))[
                        kind
                    ],
                    **{"from": from_team.name or "—", "to": team.name},
                ),
                reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return history

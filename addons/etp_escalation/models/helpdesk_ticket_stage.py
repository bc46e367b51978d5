# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

SLA_PAUSE = [
    ("pauses", "Pauses the SLA"),
    ("some", "Pauses the SLA of some policies"),
    ("runs", "The SLA runs"),
    ("closes", "Ends the SLA"),
]


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    sla_pause = fields.Selection(
        SLA_PAUSE,
        string="SLA Clock",
        compute="_compute_sla_pause",
        help="What the SLA clock of a ticket does in this stage, from the "
        "stages the active SLA policies ignore (Configuration / SLA).",
    )
    sla_pause_note = fields.Char(
        string="SLA Clock Here",
        compute="_compute_sla_pause",
        help="Shown in the tooltip of the stage on the ticket form.",
    )

    @api.depends_context("lang")
    def _compute_sla_pause(self):
        """From the active policies, read once for all stages."""
        policies = (
            self.env["helpdesk.sla"]
            .sudo()
            .search_fetch([], ["name", "ignore_stage_ids"])
        )
        for stage in self:
            pausing = policies.filtered(
                lambda p, s=stage: s._origin in p.ignore_stage_ids
            )
            if stage.closed:
                state = "closes"
            elif policies and pausing == policies:
                state = "pauses"
            elif pausing:
                state = "some"
            else:
                state = "runs"
            stage.sla_pause = state
            stage.sla_pause_note = self._etp_sla_pause_note(state, pausing)

    @api.model
    def _etp_sla_pause_note(self, state, pausing):
        if state == "pauses":
            return self.env._(
                "The SLA clock pauses here: the time spent waiting does not count."
            )
        if state == "some":
            return self.env._(
                "The SLA clock pauses here for the policies %(policies)s; it "
                "runs for the others.",
                policies=", ".join(f"«{name}»" for name in pausing.mapped("name")),
            )
        if state == "closes":
            return self.env._("Closes the ticket: its SLA targets are over.")
        return self.env._("The SLA clock runs in this stage.")

    @api.model
    def _etp_merge_upstream_awaiting(self):
        """One set of waiting stages: helpdesk_mgmt's «Awaiting» (it does not
        say for whom, nor whether the SLA pauses) is merged into «Waiting for
        the requester». Its tickets and the policies that name it move there,
        and it is archived. Run at every update of the addon; does nothing
        once done."""
        awaiting = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_awaiting", raise_if_not_found=False
        )
        target = self.env.ref(
            "etp_escalation.helpdesk_ticket_stage_waiting_requester",
            raise_if_not_found=False,
        )
        if not awaiting or not target:
            return
        self = self.sudo()
        tickets = (
            self.env["helpdesk.ticket"]
            .with_context(active_test=False)
            .search([("stage_id", "=", awaiting.id)])
        )
        if tickets:
            tickets.write({"stage_id": target.id})
        Policy = self.env["helpdesk.sla"].with_context(active_test=False)
        for policy in Policy.search([("ignore_stage_ids", "in", awaiting.ids)]):
            policy.ignore_stage_ids = policy.ignore_stage_ids - awaiting | target
        Policy.search([("stage_id", "=", awaiting.id)]).stage_id = target
        if awaiting.active:
            awaiting.active = False

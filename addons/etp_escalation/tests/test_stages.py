# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One set of waiting stages, each telling whether it pauses the SLA."""

from lxml import etree

from odoo import Command

from .sla_common import EtpSlaCommon


class TestWaitingStages(EtpSlaCommon):
    def test_upstream_awaiting_is_merged_into_ours(self):
        awaiting = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        self.assertFalse(awaiting.active, "upstream's «Awaiting» is still offered")
        # the stages a ticket moves through: one «waiting for the requester»
        Stage = self.env["helpdesk.ticket.stage"]
        stages = self.env["helpdesk.ticket"]._read_group_stage_ids(Stage, [])
        self.assertNotIn(awaiting, stages)
        waiting = stages.filtered(lambda s: s.sla_pause in ("pauses", "some"))
        self.assertEqual(waiting, self.stage_wait_requester | self.stage_wait_external)

    def test_merge_moves_tickets_and_policies(self):
        """A database where «Awaiting» is still used (before this addon, or
        helpdesk_mgmt's demo loaded afterwards)."""
        awaiting = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        awaiting.active = True
        ticket = self._customer_ticket()
        ticket.stage_id = awaiting
        self.policy_base.ignore_stage_ids = [Command.link(awaiting.id)]
        self.env["helpdesk.ticket.stage"]._etp_merge_upstream_awaiting()
        self.assertFalse(awaiting.active)
        self.assertEqual(ticket.stage_id, self.stage_wait_requester)
        self.assertNotIn(awaiting, self.policy_base.ignore_stage_ids)
        self.assertIn(self.stage_wait_requester, self.policy_base.ignore_stage_ids)
        # the SLA of the moved ticket waits, as in our stage
        self.assertEqual(set(ticket.ticket_sla_ids.mapped("state")), {"on_hold"})
        # run again (every update): nothing changes
        self.env["helpdesk.ticket.stage"]._etp_merge_upstream_awaiting()
        self.assertEqual(ticket.stage_id, self.stage_wait_requester)

    def test_each_stage_says_what_the_sla_clock_does(self):
        Stage = self.env["helpdesk.ticket.stage"].with_context(lang="en_US")
        stages = Stage.browse(
            (
                self.stage_wait_requester
                | self.stage_wait_external
                | self.stage_in_progress
                | self.stage_done
            ).ids
        )
        self.assertEqual(
            stages.mapped("sla_pause"), ["pauses", "pauses", "runs", "closes"]
        )
        self.assertIn("pauses", stages[0].sla_pause_note)
        self.assertIn("runs", stages[2].sla_pause_note)
        # a policy that keeps counting while waiting for a third party
        self.policy_urgent.ignore_stage_ids = [
            Command.unlink(self.stage_wait_external.id)
        ]
        self.env.invalidate_all()
        external = Stage.browse(self.stage_wait_external.id)
        self.assertEqual(external.sla_pause, "some")
        self.assertIn("«Базовая: ответ 1 ч, решение 8 ч»", external.sla_pause_note)
        self.assertNotIn(self.policy_urgent.name, external.sla_pause_note)

    def test_ticket_form_and_statusbar_say_it(self):
        ticket = self._customer_ticket()
        ticket.stage_id = self.stage_wait_requester
        self.assertEqual(ticket.stage_sla_pause, "pauses")
        self.assertIn("pauses", ticket.with_context(lang="en_US").stage_sla_pause_note)
        form = etree.fromstring(
            self.env["helpdesk.ticket"]
            .with_user(self.operator_own)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        note = form.xpath("//div[@name='etp_sla_paused']")[0]
        self.assertTrue(note.xpath(".//field[@name='stage_sla_pause_note']"))
        # the statusbar's tooltips come from the stages' note
        self.assertEqual(
            form.xpath("//header/field[@name='stage_id']")[0].get("widget"),
            "etp_stage_statusbar",
        )
        stage_form = etree.fromstring(
            self.env["helpdesk.ticket.stage"].get_views([(False, "form")])["views"][
                "form"
            ]["arch"]
        )
        self.assertTrue(stage_form.xpath("//field[@name='sla_pause_note']"))

    def test_pausing_behaviour_unchanged(self):
        """The waiting stages still stop the clock (etp_escalation's SLA on
        helpdesk_mgmt_sla's ignore_stage_ids), and the time paused is kept."""
        ticket = self._customer_ticket()
        self.assertEqual(set(ticket.ticket_sla_ids.mapped("state")), {"in_progress"})
        ticket.stage_id = self.stage_wait_external
        self.assertEqual(set(ticket.ticket_sla_ids.mapped("state")), {"on_hold"})
        self.assertTrue(ticket.sla_paused)
        ticket.stage_id = self.stage_in_progress
        self.assertEqual(set(ticket.ticket_sla_ids.mapped("state")), {"in_progress"})
        self.assertFalse(ticket.sla_paused)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reminders of an emergency case: once at each point before the deadline, in
the company's language, in batches, with flat query counts."""

from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command

from odoo.addons.etp_incident.models.helpdesk_emergency_case_reminder import (
    HelpdeskEmergencyCaseReminder,
)

from .emergency_case_common import (
    DEADLINE,
    NOW,
    QUERIES_PER_REMINDER,
    QUERIES_REMIND_5,
    EmergencyCaseCommon,
)


class TestEmergencyCaseReminders(EmergencyCaseCommon):
    def _run_cron(self, when, **kwargs):
        with freeze_time(when):
            self.env["helpdesk.emergency.case"]._cron_send_reminders(**kwargs)

    def _reminders(self, case):
        return self._messages(
            case.line_ids.ticket_id,
            "etp_incident.mail_template_emergency_case_reminder",
        )

    def _summaries(self, case):
        return case.message_ids.filtered(lambda m: "Reminder sent to" in (m.body or ""))

    def test_reminders_go_once_at_each_point(self):
        with freeze_time(NOW):
            case = self._case(orgs=self.orgs[:4], contacts=self.contacts[:4])
            case.action_send_instructions()
        done = case.line_ids[0]
        done.ticket_id.stage_id = self.stage_done
        open_lines = case.line_ids - done
        self.assertEqual(
            set(open_lines.mapped("next_reminder_at")), {DEADLINE - timedelta(hours=24)}
        )
        self.assertFalse(done.next_reminder_at)

        self._run_cron(DEADLINE - timedelta(hours=25))
        self.assertFalse(self._reminders(case))

        self._run_cron(DEADLINE - timedelta(hours=23, minutes=50))
        reminders = self._reminders(case)
        self.assertEqual(len(reminders), 3)
        self.assertEqual(reminders.partner_ids, open_lines.contact_id)
        self.assertNotIn(done.ticket_id.id, reminders.mapped("res_id"))
        self.assertIn("26.11.2026 12:00 MSK", reminders[0].body)
        self.assertEqual(set(open_lines.mapped("reminder_sent_hours")), {"24"})
        summaries = self._summaries(case)
        self.assertEqual(len(summaries), 1)
        self.assertEqual(summaries.partner_ids, self.case_operator.partner_id)
        self.assertIn("1 of 4 done", summaries.body)
        for line in open_lines:
            self.assertIn(line.partner_id.name, summaries.body)

        # the same point never goes twice
        self._run_cron(DEADLINE - timedelta(hours=23))
        self._run_cron(DEADLINE - timedelta(hours=3))
        self.assertEqual(len(self._reminders(case)), 3)
        self.assertEqual(len(self._summaries(case)), 1)

        # the next point goes to who is still not done
        open_lines[0].action_mark_done()
        self._run_cron(DEADLINE - timedelta(hours=1, minutes=59))
        self.assertEqual(len(self._reminders(case)), 5)
        self.assertEqual(set(open_lines[1:].mapped("reminder_sent_hours")), {"24,2"})
        self.assertEqual(open_lines[0].reminder_sent_hours, "24")
        self.assertEqual(len(self._summaries(case)), 2)

        # nothing more, before or after the deadline
        self._run_cron(DEADLINE - timedelta(minutes=5))
        self._run_cron(DEADLINE + timedelta(hours=1))
        self.assertEqual(len(self._reminders(case)), 5)

    def test_cron_writes_in_the_company_language(self):
        """Crons run without a language: the case's chatter is written in the
        company's, not in English."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["etp_incident"], ["ru_RU"])
        self.env.company.partner_id.lang = "ru_RU"
        with freeze_time(NOW):
            case = self._case(orgs=self.orgs[:2], contacts=self.contacts[:2])
            case.action_send_instructions()
        with freeze_time(DEADLINE - timedelta(hours=23, minutes=50)):
            self.env(context={})["helpdesk.emergency.case"]._cron_send_reminders()
        summary = case.message_ids.filtered(
            lambda m: "Напоминание отправлено" in (m.body or "")
        )
        self.assertEqual(len(summary), 1)
        self.assertFalse(self._summaries(case))

    def test_a_late_start_sends_one_reminder_not_two(self):
        with freeze_time(DEADLINE - timedelta(hours=5)):
            case = self._case(orgs=self.orgs[:2], contacts=self.contacts[:2])
            case.action_send_instructions()
        self._run_cron(DEADLINE - timedelta(hours=4))
        self.assertEqual(len(self._reminders(case)), 2)
        self.assertEqual(set(case.line_ids.mapped("reminder_sent_hours")), {"24"})
        self._run_cron(DEADLINE - timedelta(hours=1))
        self.assertEqual(len(self._reminders(case)), 4)
        self._run_cron(DEADLINE - timedelta(minutes=30))
        self.assertEqual(len(self._reminders(case)), 4)

    def test_points_are_configurable_and_a_new_deadline_resets_them(self):
        case = self._case(
            orgs=self.orgs[:1], contacts=self.contacts[:1], reminder_hours="48, 6"
        )
        case.action_send_instructions()
        line = case.line_ids
        self.assertEqual(case.reminder_hours, "48, 6")
        self.assertEqual(line.next_reminder_at, DEADLINE - timedelta(hours=48))
        self._run_cron(DEADLINE - timedelta(hours=47))
        self.assertEqual(line.reminder_sent_hours, "48")
        self.assertEqual(line.next_reminder_at, DEADLINE - timedelta(hours=6))

        case.deadline = DEADLINE + timedelta(days=3)
        self.assertFalse(line.reminder_sent_hours)
        self.assertEqual(line.next_reminder_at, DEADLINE + timedelta(days=3, hours=-48))

    def test_drafts_closed_cases_and_waived_lines_get_no_reminder(self):
        draft = self._case(orgs=self.orgs[:1], contacts=self.contacts[:1])
        cancelled = self._case(orgs=self.orgs[1:2], contacts=self.contacts[1:2])
        cancelled.action_send_instructions()
        cancelled.action_cancel()
        waived = self._case(orgs=self.orgs[2:3], contacts=self.contacts[2:3])
        waived.action_send_instructions()
        self.env["helpdesk.emergency.case.waive.wizard"].create(
            {"line_ids": [Command.set(waived.line_ids.ids)], "reason": "Дубль"}
        ).action_confirm()
        self._run_cron(DEADLINE - timedelta(hours=1))
        for case in draft | cancelled | waived:
            self.assertFalse(case.line_ids.reminder_sent_hours)
            self.assertFalse(self._summaries(case))

    def test_cron_works_in_batches_and_reports_progress(self):
        case = self._case()
        case.action_send_instructions()
        cron = self.env.ref("etp_incident.ir_cron_helpdesk_emergency_case_reminders")
        self.assertEqual(cron.code, "model._cron_send_reminders()")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        Case = self.env["helpdesk.emergency.case"].with_context(
            ir_cron_progress_id=progress.id
        )
        with freeze_time(DEADLINE - timedelta(hours=3)):
            Case._cron_send_reminders(batch_size=5)
            self.assertEqual((progress.done, progress.remaining), (5, 8))
            Case._cron_send_reminders(batch_size=5)
            self.assertEqual((progress.done, progress.remaining), (5, 3))
            Case._cron_send_reminders(batch_size=5)
            self.assertEqual((progress.done, progress.remaining), (3, 0))
        self.assertEqual(len(self._reminders(case)), 13)
        self.assertEqual(len(self._summaries(case)), 3)

    def test_a_failing_case_is_logged_and_the_others_go_on(self):
        broken = self._case(orgs=self.orgs[:2], contacts=self.contacts[:2])
        healthy = self._case(orgs=self.orgs[2:4], contacts=self.contacts[2:4])
        broken.action_send_instructions()
        healthy.action_send_instructions()
        send = HelpdeskEmergencyCaseReminder._etp_send_reminders

        def send_or_fail(case, lines, now):
            if case == broken:
                raise ConnectionError("SMTP server unreachable")
            return send(case, lines, now)

        with (
            patch.object(
                HelpdeskEmergencyCaseReminder, "_etp_send_reminders", send_or_fail
            ),
            self.assertLogs(
                "odoo.addons.etp_incident.models.helpdesk_emergency_case_reminder",
                "ERROR",
            ) as logs,
        ):
            self._run_cron(DEADLINE - timedelta(hours=3))
        self.assertIn(f"Emergency case {broken.id}", logs.output[0])
        self.assertEqual(set(healthy.line_ids.mapped("reminder_sent_hours")), {"24"})
        self.assertEqual(broken.line_ids.mapped("reminder_sent_hours"), [False, False])
        self.assertEqual(len(self._reminders(healthy)), 2)
        self.assertFalse(self._reminders(broken))
        # retried at the next run
        self._run_cron(DEADLINE - timedelta(hours=2, minutes=50))
        self.assertEqual(len(self._reminders(broken)), 2)

    def test_cron_query_count_is_flat_per_reminder(self):
        orgs, contacts = self._organisations(19, start=100)
        warm_up = self._case(orgs=orgs[:1], contacts=contacts[:1])
        case_5 = self._case(orgs=orgs[1:6], contacts=contacts[1:6])
        case_13 = self._case(orgs=orgs[6:], contacts=contacts[6:])
        for case, days in ((warm_up, -1), (case_5, 0), (case_13, 1)):
            case.action_send_instructions()
            case.deadline = DEADLINE + timedelta(days=days)
        self._run_cron(DEADLINE - timedelta(days=1, hours=3))
        self.assertEqual(len(self._reminders(warm_up)), 1)
        for case, days, expected in (
            (case_5, 0, QUERIES_REMIND_5),
            (case_13, 1, QUERIES_REMIND_5 + 8 * QUERIES_PER_REMINDER),
        ):
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(expected):
                self._run_cron(DEADLINE + timedelta(days=days, hours=-3))
            self.assertEqual(len(self._reminders(case)), len(case.line_ids))

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from freezegun import freeze_time
from lxml import etree
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user
from odoo.tools import mute_logger

from odoo.addons.etp_incident.lib.reminders import format_hours, parse_reminder_hours

from .emergency_case_common import DEADLINE, NOW, EmergencyCaseCommon
from .emergency_case_sending import EmergencyCaseSendingTests


class TestEmergencyCase(EmergencyCaseSendingTests, EmergencyCaseCommon):
    # Odoo's runner runs only the tests a class defines itself unless told
    # otherwise: the tests of EmergencyCaseSendingTests are this class's.
    allow_inherited_tests_method = True

    def test_progress_follows_the_child_tickets(self):
        case = self._case(orgs=self.orgs[:4], contacts=self.contacts[:4])
        case.action_send_instructions()
        lines = case.line_ids
        stage_in_progress = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )

        lines[0].ticket_id.stage_id = stage_in_progress
        self.assertEqual(lines[0].status, "in_progress")
        self.assertEqual(case.progress_display, "0 of 4 done")

        with freeze_time(NOW):
            lines[0].ticket_id.stage_id = self.stage_done
            self.env.flush_all()
        self.assertEqual(lines[0].status, "done")
        self.assertEqual(lines[0].done_date, datetime(2026, 11, 24, 9, 0))
        self.assertEqual((case.done_count, case.total_count), (1, 4))
        self.assertEqual(case.progress, 25.0)
        self.assertEqual(case.progress_display, "1 of 4 done")

        # any closed stage counts, and tickets of several lines at once
        cancelled = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_cancelled")
        (lines[1] | lines[2]).ticket_id.write({"stage_id": cancelled.id})
        self.assertEqual(case.progress_display, "3 of 4 done")

        # a reopened ticket puts its organisation back in progress
        lines[0].ticket_id.stage_id = stage_in_progress
        self.assertEqual(lines[0].status, "in_progress")
        self.assertFalse(lines[0].done_date)
        self.assertEqual(case.progress_display, "2 of 4 done")

        # the operator marks an organisation done: its ticket is closed
        lines[3].with_user(self.case_operator).action_mark_done()
        self.assertEqual(lines[3].status, "done")
        self.assertTrue(lines[3].ticket_id.closed)
        self.assertEqual(case.progress_display, "3 of 4 done")

    def test_progress_is_computed_in_one_query_per_batch(self):
        cases = self._case(orgs=self.orgs[:3], contacts=self.contacts[:3]) | self._case(
            orgs=self.orgs[3:6], contacts=self.contacts[3:6]
        )
        cases.line_ids[:2].action_mark_done()
        self.env.flush_all()
        for fname in ("done_count", "total_count", "waived_count", "progress"):
            self.env.add_to_compute(cases._fields[fname], cases)
        with self.assertQueryCount(1, flush=False):
            self.assertEqual(cases.mapped("done_count"), [2, 0])
            self.assertEqual(cases.mapped("total_count"), [3, 3])

    def test_waive_needs_a_reason(self):
        case = self._case(orgs=self.orgs[:3], contacts=self.contacts[:3])
        case.action_send_instructions()
        line = case.line_ids[2]
        action = line.with_user(self.case_operator).action_waive()
        Wizard = (
            self.env[action["res_model"]]
            .with_user(self.case_operator)
            .with_context(**action["context"])
        )
        wizard = Wizard.create({"reason": "   "})
        self.assertEqual(wizard.line_ids, line)
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_confirm()
        self.assertEqual(line.status, "instructions_sent")
        with self.assertRaises(ValidationError):
            line.write({"status": "waived"})

        Wizard.create(
            {"reason": "Контракт по этой закупке не заключался"}
        ).action_confirm()
        self.assertEqual(line.status, "waived")
        self.assertEqual(line.waive_reason, "Контракт по этой закупке не заключался")
        self.assertEqual(case.progress_display, "0 of 2 done, 1 waived")
        self.assertIn("не заключался", case.message_ids[0].body)

        # a waived ticket that closes later stays waived
        line.ticket_id.stage_id = self.stage_done
        self.assertEqual(line.status, "waived")

        line.action_reinstate()
        self.assertEqual(line.status, "done")
        self.assertFalse(line.waive_reason)

    def test_close_is_refused_until_everyone_is_done_or_waived(self):
        case = self._case(orgs=self.orgs[:3], contacts=self.contacts[:3])
        with self.assertRaisesRegex(UserError, "Only a case in progress"):
            case.action_done()
        case.action_send_instructions()
        case.line_ids[0].ticket_id.stage_id = self.stage_done
        with self.assertRaises(UserError) as refused:
            case.with_user(self.case_operator).action_done()
        message = str(refused.exception)
        self.assertIn("2 organisations have not finished", message)
        self.assertIn(self.orgs[1].name, message)
        self.assertIn(self.orgs[2].name, message)
        self.assertNotIn(self.orgs[0].name, message)
        self.assertEqual(case.state, "in_progress")

        case.line_ids[1].action_mark_done()
        self.env["helpdesk.emergency.case.waive.wizard"].create(
            {
                "line_ids": [Command.set(case.line_ids[2].ids)],
                "reason": "Организация ликвидирована, контракт расторгнут судом",
            }
        ).action_confirm()
        case.with_user(self.case_operator).action_done()
        self.assertEqual(case.state, "done")
        self.assertTrue(case.closed_at)
        with self.assertRaisesRegex(UserError, "closed or cancelled"):
            case.line_ids[2].action_reinstate()

    def test_instructions_are_required_to_send(self):
        case = self._case(instructions="<p><br></p>")
        with self.assertRaisesRegex(UserError, "instructions"):
            case.action_send_instructions()
        self.assertFalse(case.line_ids.ticket_id)

    def test_validation(self):
        with self.assertRaisesRegex(ValidationError, "not an EIS notice number"):
            self._case(procedure_number="12345678901")
        with self.assertRaisesRegex(ValidationError, "not a contact of"):
            self._case(orgs=self.orgs[:1], contacts=self.contacts[1:2])
        self.contacts[0].email = False
        with self.assertRaisesRegex(ValidationError, "has no email"):
            self._case(orgs=self.orgs[:1], contacts=self.contacts[:1])
        self.contacts[0].email = "zakupki0@gp0.example.ru"
        with self.assertRaisesRegex(ValidationError, "organisation"):
            self._case(orgs=self.contacts[:1], contacts=self.contacts[:1])
        with self.assertRaisesRegex(ValidationError, "positive numbers"):
            self._case(reminder_hours="24, завтра")
        case = self._case(orgs=self.orgs[:1], contacts=self.contacts[:1])
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            case.write(
                {
                    "line_ids": [
                        Command.create(
                            {
                                "partner_id": self.orgs[0].id,
                                "contact_id": self.contacts[0].id,
                            }
                        )
                    ]
                }
            )

    def test_reminder_points_parse(self):
        self.assertEqual(parse_reminder_hours(" 2, 24,2 ,0.5"), [24.0, 2.0, 0.5])
        self.assertEqual(parse_reminder_hours(""), [])
        self.assertEqual(format_hours([2.0, 24.0, 0.5]), "24,2,0.5")
        for bad in ("0", "-1", "inf", "nan", "1e9", "сутки"):
            with self.assertRaises(ValueError):
                parse_reminder_hours(bad)

    def test_reminders_read_and_typed_as_durations(self):
        """«24,2» reads as 24.2 hours in Russian: the reminders are shown and
        typed as durations, «24 ч, 2 ч»."""
        self._etp_speak_russian(self.case_operator)
        case = self._case(orgs=self.orgs[:1], contacts=self.contacts[:1])
        case = case.with_user(self.case_operator).with_context(lang="ru_RU")
        self.assertEqual(case.reminder_hours, "24,2")
        self.assertEqual(case.reminder_points, "24 ч, 2 ч")
        case.reminder_points = "2 дн., 6 ч, 30 мин"
        self.assertEqual(case.reminder_hours, "48,6,0.5")
        self.assertEqual(case._etp_reminder_points(), [48.0, 6.0, 0.5])
        self.env.invalidate_all()
        self.assertEqual(case.reminder_points, "2 дн., 6 ч, 30 мин")
        with self.assertRaisesRegex(ValidationError, "«24 ч, 2 ч»"):
            case.reminder_points = "завтра"
        # the form shows them so (the stored «24,2» is kept out of sight)
        form = etree.fromstring(
            case.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertFalse(form.xpath("//field[@name='reminder_points'][@invisible]"))
        self.assertEqual(
            form.xpath("//field[@name='reminder_hours']")[0].get("invisible"), "1"
        )

    def test_form_offers_the_contact_of_the_organisation(self):
        case_form = Form(
            self.env["helpdesk.emergency.case"].with_user(self.case_operator)
        )
        case_form.name = "Предписание УФАС: отмена протоколов"
        case_form.deadline = DEADLINE
        with case_form.line_ids.new() as line:
            line.partner_id = self.orgs[3]
            self.assertEqual(line.contact_id, self.contacts[3])
        case = case_form.save()
        self.assertEqual(case.line_ids.contact_id, self.contacts[3])
        self.assertEqual(case.line_ids.status, "pending")
        self.assertEqual(case.reminder_hours, "24,2")


class TestEmergencyCaseSecurity(EmergencyCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            login="etp-case-portal",
            groups="base.group_portal",
            partner_id=cls.contacts[0].id,
        )
        cls.employee = new_test_user(
            cls.env, login="etp-case-employee", groups="base.group_user"
        )

    def test_only_operators_see_cases(self):
        case = self._case(orgs=self.orgs[:2], contacts=self.contacts[:2])
        case.action_send_instructions()
        own_ticket, other_ticket = case.line_ids.ticket_id

        # the lowest operator role reads and works on the case
        self.assertEqual(
            case.with_user(self.case_operator).progress_display, "0 of 2 done"
        )
        self.assertTrue(case.with_user(self.operator).has_access("write"))

        for user in (self.portal_user, self.employee):
            with self.assertRaises(AccessError):
                case.with_user(user).check_access("read")
            with self.assertRaises(AccessError):
                case.line_ids.with_user(user).check_access("read")
            with self.assertRaises(AccessError):
                self.env["helpdesk.emergency.case"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.env["helpdesk.emergency.case"].with_user(user).create(
                    {"name": "Чужой кейс", "deadline": DEADLINE}
                )

        # the portal user sees their own child ticket only, not the case on it
        portal_ticket = own_ticket.with_user(self.portal_user)
        portal_ticket.check_access("read")
        self.assertEqual(portal_ticket.number, own_ticket.number)
        with self.assertRaises(AccessError):
            other_ticket.with_user(self.portal_user).check_access("read")
        with self.assertRaises(AccessError):
            portal_ticket.read(["emergency_case_id"])
        portal_fields = (
            self.env["helpdesk.ticket"].with_user(self.portal_user).fields_get()
        )
        self.assertNotIn("emergency_case_id", portal_fields)
        self.assertNotIn("emergency_case_line_id", portal_fields)

    def test_lowest_operator_runs_the_whole_case(self):
        case = self._case(orgs=self.orgs[:2], contacts=self.contacts[:2])
        as_operator = case.with_user(self.case_operator)
        as_operator.action_send_instructions()
        as_operator.line_ids.action_mark_done()
        as_operator.action_done()
        self.assertEqual(case.state, "done")

    def test_a_colleague_follows_a_case_assigned_to_someone_else(self):
        """The child tickets are assigned to the responsible; another operator
        of the lowest role, who cannot open them, still works on the case."""
        colleague = new_test_user(
            self.env,
            login="etp-case-colleague",
            email="colleague@etp-support.example.ru",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        case = self._case(orgs=self.orgs[:3], contacts=self.contacts[:3])
        case.action_send_instructions()
        as_colleague = case.with_user(colleague)
        first, second, third = as_colleague.line_ids
        with self.assertRaises(AccessError):
            first.ticket_id.check_access("read")
        self.assertEqual(as_colleague.progress_display, "0 of 3 done")
        first.action_mark_done()
        self.assertTrue(case.line_ids[0].ticket_id.closed)
        self.env["helpdesk.emergency.case.waive.wizard"].with_user(colleague).create(
            {"line_ids": [Command.set(third.ids)], "reason": "Контракт не заключён"}
        ).action_confirm()
        third.action_reinstate()
        self.assertEqual(third.status, "instructions_sent")
        # the responsible closes a ticket; the colleague sees the progress
        case.line_ids[1].ticket_id.with_user(
            self.case_operator
        ).stage_id = self.stage_done
        self.assertEqual(second.status, "done")
        self.assertEqual(as_colleague.progress_display, "2 of 3 done")

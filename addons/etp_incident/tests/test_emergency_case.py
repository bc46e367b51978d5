# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user
from odoo.tools import mute_logger

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon
from odoo.addons.etp_incident.lib.reminders import format_hours, parse_reminder_hours
from odoo.addons.etp_incident.models.helpdesk_emergency_case_reminder import (
    HelpdeskEmergencyCaseReminder,
)

NOTICE = "0373100000124000789"
INSTRUCTIONS = (
    "<ol><li>Войдите в личный кабинет ЕИС.</li>"
    "<li>Откройте «Реестр контрактов» и найдите контракт по номеру извещения.</li>"
    "<li>Нажмите «Отменить/внести изменения», укажите основание — предписание "
    "УФАС.</li><li>Подпишите ЭП и сообщите в поддержку.</li></ol>"
)
# deadline 26.11.2026 12:00 MSK
DEADLINE = datetime(2026, 11, 26, 9, 0)
NOW = "2026-11-24 09:00:00"

# Measured queries (warm caches, run as the lowest operator role) of
# «Create tickets and send instructions», whatever the number of
# organisations: the case and its lines, the numbers and first stage of all
# the tickets, one insert of the tickets and of their SLA targets, followers,
# messages, emails and notifications, one rendering of the instructions for
# all. The playbook lines of the tickets' category are inserted by hundreds:
# 50 tickets with 4 lines each take 2 more inserts than 5. A query per
# organisation would add 45.
QUERIES_SEND = {5: 61, 50: 63}
# Measured queries of the reminder cron: 53 for 5 reminders as for 13, the
# messages, emails and notifications of all the reminders of a case made at
# once (13 more per reminder when each was posted on its own).
QUERIES_REMIND_5 = 53
QUERIES_PER_REMINDER = 0


def inn10(base):
    """A valid 10-digit ИНН from its first nine digits."""
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return base + str(
        sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11 % 10
    )


class EmergencyCaseCommon(EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case_operator = new_test_user(
            cls.env,
            login="etp-case-operator",
            name="Мария Лебедева",
            email="lebedeva@etp-support.example.ru",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.orgs, cls.contacts = cls._organisations(13)

    @classmethod
    def _organisations(cls, count, start=0):
        Partner = cls.env["res.partner"]
        orgs = Partner.create(
            [
                {
                    "name": f"ГБУЗ «Городская поликлиника № {200 + start + n}»",
                    "is_company": True,
                    "vat": inn10(f"7719{start + n:05d}"),
                    "procurement_role": "customer",
                    "tz": "Europe/Moscow",
                }
                for n in range(count)
            ]
        )
        contacts = Partner.create(
            [
                {
                    "name": f"Контрактный управляющий {start + n}",
                    "parent_id": org.id,
                    "email": f"zakupki{start + n}@gp{start + n}.example.ru",
                    # the first contact works from Yekaterinburg
                    "tz": "Asia/Yekaterinburg" if n == 0 else False,
                }
                for n, org in enumerate(orgs)
            ]
        )
        return orgs, contacts

    def _case(self, orgs=None, contacts=None, **vals):
        orgs = self.orgs if orgs is None else orgs
        contacts = self.contacts if contacts is None else contacts
        values = {
            "name": "Предписание УФАС № 077/06/106-12345/2026: отмена протоколов",
            "regulator_order": "Предписание УФАС по г. Москве № 077/06/106-12345/2026",
            "procedure_number": NOTICE,
            "deadline": DEADLINE,
            "instructions": INSTRUCTIONS,
            "audience": "customer",
            "user_id": self.case_operator.id,
            "line_ids": [
                Command.create({"partner_id": org.id, "contact_id": contact.id})
                for org, contact in zip(orgs, contacts, strict=True)
            ],
        }
        values.update(vals)
        return (
            self.env["helpdesk.emergency.case"]
            .with_user(self.case_operator)
            .create(values)
        )

    def _messages(self, tickets, template_xmlid):
        subject_start = (
            "Reminder" if template_xmlid.endswith("reminder") else "what to do by"
        )
        return self.env["mail.message"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("message_type", "=", "comment"),
                ("subject", "ilike", subject_start),
            ]
        )


class TestEmergencyCase(EmergencyCaseCommon):
    def test_send_opens_one_ticket_and_one_message_per_organisation(self):
        case = self._case()
        self.assertEqual(case.state, "draft")
        self.assertEqual(case.progress_display, "0 of 13 done")
        self.assertEqual(case.to_send_count, 13)

        with freeze_time(NOW):
            case.action_send_instructions()

        self.assertEqual(case.state, "in_progress")
        self.assertEqual(case.ticket_count, 13)
        lines = case.line_ids
        self.assertEqual(set(lines.mapped("status")), {"instructions_sent"})
        tickets = lines.ticket_id
        self.assertEqual(len(tickets), 13)
        self.assertEqual(tickets.emergency_case_id, case)
        for line in lines:
            ticket = line.ticket_id
            self.assertEqual(ticket.partner_id, line.contact_id)
            self.assertEqual(ticket.audience, "customer")
            self.assertEqual(ticket.team_id, self.team_customer_l1)
            self.assertEqual(ticket.procedure_number, NOTICE)
            self.assertEqual(ticket.procedure_deadline, DEADLINE)
            self.assertEqual(ticket.procedure_deadline_kind, "regulator")
            self.assertEqual(ticket.user_id, self.case_operator)
            self.assertIn("Реестр контрактов", ticket.description)
            self.assertIn(line.partner_id.name, ticket.name)

        messages = self._messages(
            tickets, "etp_incident.mail_template_emergency_case_instructions"
        )
        self.assertEqual(len(messages), 13)
        for line in lines:
            message = messages.filtered(
                lambda m, line=line: m.res_id == line.ticket_id.id
            )
            self.assertEqual(len(message), 1)
            self.assertEqual(message.partner_ids, line.contact_id)
            self.assertEqual(message.author_id, self.case_operator.partner_id)
            self.assertEqual(message.notification_ids.res_partner_id, line.contact_id)
            self.assertIn(line.ticket_id.number, message.subject)
            self.assertIn(line.ticket_id.number, message.body)
            self.assertIn("Войдите в личный кабинет ЕИС", message.body)
            self.assertIn("№ 077/06/106-12345/2026", message.body)
        mails = self.env["mail.mail"].search([("mail_message_id", "in", messages.ids)])
        self.assertEqual(mails.recipient_ids, self.contacts)

        # the deadline in Moscow time, and in local time where it differs
        first = lines[0]
        self.assertEqual(
            first.deadline_local, "26.11.2026 12:00 MSK (14:00 the requester's time)"
        )
        self.assertEqual((first.tz, first.tz_source), ("Asia/Yekaterinburg", "contact"))
        self.assertEqual(first.ticket_id.requester_tz, "Asia/Yekaterinburg")
        self.assertEqual(first.ticket_id.requester_tz_source, "contact")
        first_message = messages.filtered(lambda m: m.res_id == first.ticket_id.id)
        self.assertIn("26.11.2026 12:00 MSK (14:00 your time)", first_message.body)
        self.assertIn("26.11.2026 12:00 MSK (14:00 your time)", first_message.subject)
        second_message = messages.filtered(lambda m: m.res_id == lines[1].ticket_id.id)
        self.assertEqual(lines[1].tz_source, "organisation")
        self.assertIn("26.11.2026 12:00 MSK", second_message.body)
        self.assertNotIn("(", second_message.subject.split("what to do by ")[1])
        self.assertEqual(case.deadline_display, "26.11.2026 12:00 МСК")

        # nobody is left to send to
        with self.assertRaisesRegex(UserError, "already has its ticket"):
            case.action_send_instructions()

    def test_each_ticket_holds_the_instructions_and_nothing_more(self):
        """Sent as one batch, each child ticket still gets what a ticket opened
        and answered by an operator gets: its followers, the instructions as
        the operator's public answer (the first response), one email. Not a
        "ticket created" note, not a "you are assigned" email per ticket."""
        colleague = new_test_user(
            self.env,
            login="etp-case-sender",
            email="sender@etp-support.example.ru",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        case = self._case(orgs=self.orgs[:3], contacts=self.contacts[:3])
        with freeze_time(NOW):
            case.with_user(colleague).action_send_instructions()
        for line in case.line_ids:
            ticket = line.ticket_id
            self.assertEqual(
                ticket.message_ids.mapped("message_type"), ["comment"], ticket.name
            )
            self.assertEqual(ticket.first_response_date, datetime(2026, 11, 24, 9))
            # the responsible and whoever sent follow the ticket
            self.assertLessEqual(
                self.case_operator.partner_id | colleague.partner_id,
                ticket.message_partner_ids,
            )
            self.assertEqual(
                len(
                    self.env["mail.mail"].search(
                        [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
                    )
                ),
                1,
            )
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "in", case.line_ids.ticket_id.ids),
                    ("partner_ids", "in", self.case_operator.partner_id.ids),
                ]
            ),
            "the responsible is not told about each ticket assigned to them",
        )

    def test_organisation_added_later_gets_its_own_ticket(self):
        case = self._case(orgs=self.orgs[:2], contacts=self.contacts[:2])
        case.action_send_instructions()
        case.write(
            {
                "line_ids": [
                    Command.create(
                        {
                            "partner_id": self.orgs[2].id,
                            "contact_id": self.contacts[2].id,
                        }
                    )
                ]
            }
        )
        self.assertEqual(case.to_send_count, 1)
        case.action_send_instructions()
        self.assertEqual(len(case.line_ids.ticket_id), 3)
        messages = self._messages(
            case.line_ids.ticket_id,
            "etp_incident.mail_template_emergency_case_instructions",
        )
        self.assertEqual(len(messages), 3, "no organisation is written to twice")

    def test_reply_threads_into_the_child_ticket(self):
        case = self._case(orgs=self.orgs[:2], contacts=self.contacts[:2])
        case.action_send_instructions()
        ticket = case.line_ids[1].ticket_id
        sent = self._messages(
            ticket, "etp_incident.mail_template_emergency_case_instructions"
        )
        reply = (
            f"From: {self.contacts[1].name} <{self.contacts[1].email}>\n"
            "To: support@etp-support.example.ru\n"
            f"Subject: Re: {sent.subject}\n"
            "Message-ID: <reply-1@gp1.example.ru>\n"
            f"In-Reply-To: {sent.message_id}\n"
            f"References: {sent.message_id}\n"
            "MIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: 8bit\n\n"
            "Контракт отменили в ЕИС, подписали ЭП.\n"
        )
        before = self.env["helpdesk.ticket"].search_count([])
        thread_id = self.env["mail.thread"].message_process("helpdesk.ticket", reply)
        self.assertEqual(thread_id, ticket.id)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), before)
        self.assertIn("Контракт отменили", ticket.message_ids[0].body)

    def test_send_query_count_is_the_same_for_5_and_50_organisations(self):
        orgs, contacts = self._organisations(57, start=100)
        warm_up = self._case(orgs=orgs[:2], contacts=contacts[:2])
        case_5 = self._case(orgs=orgs[2:7], contacts=contacts[2:7])
        case_50 = self._case(orgs=orgs[7:], contacts=contacts[7:])
        self.env.flush_all()
        self.env.invalidate_all()
        warm_up.action_send_instructions()
        counts, playbook_inserts = {}, {}
        for case, size in ((case_5, 5), (case_50, 50)):
            self.env.flush_all()
            self.env.invalidate_all()
            with self._count_queries(QUERIES_SEND[size]) as queries:
                case.action_send_instructions()
            counts[size] = queries.count
            # the playbook lines of the tickets' category go in by hundreds
            lines = self.env["helpdesk.ticket.checklist"].search_count(
                [("ticket_id", "in", case.line_ids.ticket_id.ids)]
            )
            playbook_inserts[size] = -(-lines // 100)
        # nothing else grows with the number of organisations
        self.assertEqual(
            counts[50] - playbook_inserts[50], counts[5] - playbook_inserts[5]
        )
        tickets = case_50.line_ids.ticket_id
        self.assertEqual(len(tickets), 50)
        # each contact got one email with the instructions, and nothing else
        emails = self.env["mail.mail"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "in", tickets.ids)]
        )
        self.assertEqual(len(emails), 50)
        self.assertEqual(emails.recipient_ids, contacts[7:])
        self.assertEqual(
            {(mail.res_id, mail.recipient_ids.id) for mail in emails},
            {(line.ticket_id.id, line.contact_id.id) for line in case_50.line_ids},
        )
        for mail in emails:
            self.assertIn("Войдите в личный кабинет ЕИС", mail.body_html)

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

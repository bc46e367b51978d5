# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The sending tests of ``TestEmergencyCase`` (test_emergency_case.py), kept
here so that no file grows past 400 lines: «Create tickets and send
instructions» opens one ticket and one message per organisation, each
ticket holds the instructions, replies thread into the child ticket, and the
queries are the same for 5 and 50 organisations. Not a test case by itself:
``TestEmergencyCase`` mixes it in, so the tests keep their class and names."""

from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user

from .emergency_case_common import DEADLINE, NOTICE, NOW, QUERIES_SEND


class EmergencyCaseSendingTests:
    """Mixed into ``TestEmergencyCase``; relies on ``EmergencyCaseCommon``."""

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

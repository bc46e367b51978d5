"""Story: a customer emails «не могу войти в личный кабинет».

The email reaches the customers' address; the ticket lands with customer line 1,
is categorised as a login problem and gets the login playbook; the operator
works through the playbook, answers, and solves the ticket.
"""

from odoo.tests import new_test_user

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

EMAIL = """\
From: Ирина Смирнова <smirnova@hospital1.example.ru>
To: support-customers@etp-support.example.ru
Subject: не могу войти в личный кабинет
Message-ID: <story-login-1@hospital1.example.ru>
Date: Tue, 24 Nov 2026 08:55:00 +0300
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Добрый день! С утра не могу войти в личный кабинет: пишет «неверный логин или
пароль», хотя пароль я не меняла. Сегодня нужно разместить извещение.
Ирина Смирнова, контрактный управляющий, тел. +7 (495) 123-45-67
"""


class TestStoryLoginByEmail(EtpHelpdeskCommon):
    def test_customer_login_problem_from_email_to_solved(self):
        domain = self.env["mail.alias.domain"].create(
            {"name": "etp-support.example.ru"}
        )
        self.team_customer_l1.alias_id.alias_domain_id = domain
        operator = new_test_user(
            self.env,
            login="anna.l1",
            name="Анна Волкова",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        self.team_customer_l1.user_ids = operator

        ticket_id = self.env["mail.thread"].message_process("helpdesk.ticket", EMAIL)
        ticket = self.env["helpdesk.ticket"].browse(ticket_id)

        # Lands with the customers' line 1, categorised, with its playbook.
        self.assertEqual(ticket.team_id, self.team_customer_l1)
        self.assertEqual(ticket.audience, "customer")
        self.assertEqual(ticket.partner_id, self.contact_customer)
        self.assertEqual(
            ticket.category_id,
            self.env.ref("etp_helpdesk.helpdesk_ticket_category_access_login"),
        )
        self.assertFalse(ticket.procedure_number, "a phone number is no notice")
        steps = ticket.checklist_ids
        self.assertGreaterEqual(len(steps), 3)
        self.assertEqual(ticket.checklist_progress, 0)

        # The operator of line 1 takes it, follows the playbook and answers.
        as_operator = ticket.with_user(operator)
        as_operator.assign_to_me()
        for step in as_operator.checklist_ids:
            step.done = True
        self.assertEqual(ticket.checklist_progress, 100)
        canned = self.env.ref("etp_helpdesk.mail_canned_response_login")
        as_operator.message_post(
            body=canned.substitution,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertIn(self.contact_customer, ticket.message_ids[0].notified_partner_ids)
        as_operator.stage_id = self.stage_done
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.user_id, operator)

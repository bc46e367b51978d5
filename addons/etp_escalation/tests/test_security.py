# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .security_common import EtpSecurityCommon


class TestSecurity(EtpSecurityCommon):
    def test_groups_form_a_ladder(self):
        self.assertTrue(
            self.op_customer_l2.has_group("etp_escalation.group_etp_line1_customer")
        )
        self.assertFalse(
            self.op_customer_l2.has_group("etp_escalation.group_etp_line1_supplier")
        )
        for operator in (
            self.op_customer_l1,
            self.op_supplier_l1,
            self.op_customer_l2,
            self.op_supplier_l2,
            self.engineer_l3,
        ):
            self.assertTrue(operator.has_group("helpdesk_mgmt.group_helpdesk_user_own"))
            # the "all tickets" group would make the line rules moot
            self.assertFalse(operator.has_group("helpdesk_mgmt.group_helpdesk_user"))
        self.assertTrue(self.supervisor.has_group("helpdesk_mgmt.group_helpdesk_user"))
        self.assertFalse(
            self.supervisor.has_group("helpdesk_mgmt.group_helpdesk_manager")
        )
        manager = new_test_user(
            self.env, login="etp-mgr", groups="helpdesk_mgmt.group_helpdesk_manager"
        )
        self.assertTrue(manager.has_group("etp_escalation.group_etp_supervisor"))
        self.assertIn(
            manager, self.env.ref("etp_escalation.group_etp_supervisor").users
        )

    def test_read_per_role(self):
        for user, visible in self.visible.items():
            for ticket in self.all_tickets:
                with self.subTest(user=user.login, ticket=ticket.name):
                    as_user = ticket.with_user(user)
                    if ticket in visible:
                        self.assertEqual(as_user.read(["name"])[0]["name"], ticket.name)
                    else:
                        with self.assertRaises(AccessError):
                            as_user.read(["name"])
                        with self.assertRaises(AccessError):
                            as_user.check_access("read")

    def test_search_per_role(self):
        domain = [("id", "in", self.all_tickets.ids)]
        for user, visible in self.visible.items():
            with self.subTest(user=user.login):
                Ticket = self.env["helpdesk.ticket"].with_user(user)
                self.assertEqual(Ticket.search(domain), visible.with_user(user))
                self.assertEqual(Ticket.search_count(domain), len(visible))

    def test_desk_membership_adds_nothing(self):
        """helpdesk_mgmt's "personal" rule (assigned to me, or unassigned in
        my teams) shows a desk member nothing beyond the line rules."""
        for team, user in (
            (self.team_customer_l1, self.op_customer_l1),
            (self.team_supplier_l1, self.op_supplier_l1),
            (self.team_customer_l2, self.op_customer_l2),
            (self.team_supplier_l2, self.op_supplier_l2),
            (self.team_l3, self.engineer_l3),
        ):
            team.user_ids = [Command.link(user.id)]
        # the rule domains hold the team ids: computed again after the change
        self.env.registry.clear_cache()
        domain = [("id", "in", self.all_tickets.ids)]
        for user, visible in self.visible.items():
            with self.subTest(user=user.login):
                Ticket = self.env["helpdesk.ticket"].with_user(user)
                self.assertEqual(Ticket.search(domain), visible)
        # a ticket assigned to someone is theirs, whatever the desk
        self.t_supplier_l2.user_id = self.op_customer_l1
        self.t_supplier_l2.with_user(self.op_customer_l1).read(["name"])

    def test_write_per_role(self):
        # line 1 works on its own audience only
        self.t_customer_l1.with_user(self.op_customer_l1).priority = "2"
        with self.assertRaises(AccessError):
            self.t_supplier_l1.with_user(self.op_customer_l1).priority = "2"
        with self.assertRaises(AccessError):
            self.t_customer_l2.with_user(self.op_customer_l1).priority = "2"
        # line 2 works on lines 1 and 2 of its audience
        self.t_customer_l1.with_user(self.op_customer_l2).priority = "3"
        self.t_returned.with_user(self.op_customer_l2).priority = "3"
        with self.assertRaises(AccessError):
            self.t_supplier_l2.with_user(self.op_customer_l2).priority = "3"
        # line 3 works on its tickets, and only reads those it sent back
        self.t_customer_l3.with_user(self.engineer_l3).priority = "3"
        with self.assertRaises(AccessError):
            self.t_returned.with_user(self.engineer_l3).priority = "1"
        self.assertEqual(self.t_returned.priority, "3")
        self.t_returned.with_user(self.supervisor).priority = "1"
        self.assertEqual(self.t_returned.priority, "1")

    def test_operator_sorts_an_unsorted_ticket(self):
        """Line 1 of either audience can give an unsorted ticket its audience,
        and then no longer sees it if it is the other audience's."""
        ticket = self.t_unsorted_l1.with_user(self.op_supplier_l1)
        ticket.audience = "customer"
        with self.assertRaises(AccessError):
            self.t_unsorted_l1.with_user(self.op_supplier_l1).read(["name"])
        self.t_unsorted_l1.with_user(self.op_customer_l1).read(["name"])

    def test_follow_through(self):
        ticket = self.t_customer_l1
        self._escalate(
            ticket,
            self.op_customer_l1,
            "Нужна проверка журнала событий",
            tried="Проверили настройки уведомлений",
        )
        self.assertEqual(ticket.team_id, self.team_customer_l2)
        self.assertEqual(ticket.escalation_ids.user_id, self.op_customer_l1)
        as_operator = ticket.with_user(self.op_customer_l1)
        self.assertEqual(as_operator.read(["stage_id"])[0]["id"], ticket.id)
        # the escalation note is a notification, which does not subscribe
        # its author: the read comes from the escalation, not from
        # helpdesk_mgmt's follower rule, and it gives no write
        self.assertNotIn(self.op_customer_l1.partner_id, ticket.message_partner_ids)
        with self.assertRaises(AccessError):
            as_operator.priority = "3"
        # reading is enough to add to the conversation; commenting makes the
        # operator a follower, and following gives no write either
        as_operator.message_post(body="Клиент прислал скриншот", message_type="comment")
        self.assertIn(self.op_customer_l1.partner_id, ticket.message_partner_ids)
        self.assertCannotWrite(ticket, self.op_customer_l1)
        # other line-2 tickets stay out of reach
        with self.assertRaises(AccessError):
            self.t_customer_l2.with_user(self.op_customer_l1).read(["name"])
        self.assertEqual(
            self.env["helpdesk.ticket"]
            .with_user(self.op_customer_l1)
            .search([("team_id", "=", self.team_customer_l2.id)]),
            ticket,
        )
        # the other audience's line 1 never sees it
        with self.assertRaises(AccessError):
            ticket.with_user(self.op_supplier_l1).read(["name"])

    def test_escalation_history_follows_ticket_visibility(self):
        history = self.all_tickets.escalation_ids
        self.assertEqual(len(history), 3)
        Escalation = self.env["helpdesk.ticket.escalation"]
        for user, visible in self.visible.items():
            with self.subTest(user=user.login):
                expected = history.filtered(lambda e, v=visible: e.ticket_id in v)
                found = Escalation.with_user(user).search([("id", "in", history.ids)])
                self.assertEqual(found, expected.with_user(user))
                for row in history - expected:
                    with self.assertRaises(AccessError):
                        row.with_user(user).read(["reason"])
        # line 2 sees the way back from line 3 of its ticket, not line 3's own
        self.assertEqual(
            Escalation.with_user(self.op_customer_l2)
            .search([("id", "in", history.ids)])
            .mapped("to_line"),
            ["2", "3"],
        )

    def test_escalation_history_follows_the_escalating_operator(self):
        ticket = self.t_supplier_l1
        self._escalate(ticket, self.op_supplier_l1, "Требуется доступ к выписке")
        row = ticket.escalation_ids
        self.assertEqual(
            row.with_user(self.op_supplier_l1).read(["reason"])[0]["reason"],
            "Требуется доступ к выписке",
        )
        with self.assertRaises(AccessError):
            row.with_user(self.op_customer_l1).read(["reason"])
        # the history itself cannot be rewritten by an operator
        with self.assertRaises(AccessError):
            row.with_user(self.op_supplier_l2).reason = "Другая причина"

    # ------------------------------------------------------------------
    # Following or commenting never gives write: the three ways in
    # ------------------------------------------------------------------

    def test_line1_operator_who_escalated_and_commented_cannot_write(self):
        ticket = self.t_supplier_l1
        self._escalate(ticket, self.op_supplier_l1, "Нужна выписка по счёту")
        as_operator = ticket.with_user(self.op_supplier_l1)
        as_operator.message_post(
            body="Поставщик прислал платёжное поручение", message_type="comment"
        )
        self.assertIn(self.op_supplier_l1.partner_id, ticket.message_partner_ids)
        self.assertEqual(as_operator.read(["name"])[0]["name"], ticket.name)
        self.assertCannotWrite(ticket, self.op_supplier_l1)
        # line 2 of the audience works on it as before
        ticket.with_user(self.op_supplier_l2).priority = "2"

    def test_line3_engineer_who_commented_on_a_history_ticket_cannot_write(self):
        ticket = self.t_returned  # went to line 3 and came back to line 2
        as_engineer = ticket.with_user(self.engineer_l3)
        as_engineer.message_post(
            body="Логи за 24.11 приложены, сбоя не было", message_type="comment"
        )
        self.assertIn(self.engineer_l3.partner_id, ticket.message_partner_ids)
        self.assertCannotWrite(ticket, self.engineer_l3)
        # the engineer's own line-3 tickets stay writable
        self.t_customer_l3.with_user(self.engineer_l3).priority = "2"

    def test_operator_following_a_readable_ticket_cannot_write_once_it_moves(self):
        ticket = self.t_customer_l1
        as_operator = ticket.with_user(self.op_customer_l1)
        as_operator.message_subscribe(partner_ids=self.op_customer_l1.partner_id.ids)
        self.assertIn(self.op_customer_l1.partner_id, ticket.message_partner_ids)
        # a supervisor hands it to line 2: following keeps it readable for
        # the line-1 operator, but no longer writable
        ticket.with_user(self.supervisor)._etp_move_to_team(
            self.team_customer_l2, "Нужна проверка журнала событий"
        )
        self.assertEqual(as_operator.read(["name"])[0]["name"], ticket.name)
        self.assertCannotWrite(ticket, self.op_customer_l1)
        # following a ticket of the other audience, which the operator
        # cannot read, is refused and opens nothing
        other = self.t_supplier_l1
        self.assertFalse(
            other.with_user(self.op_customer_l1).message_subscribe(
                partner_ids=self.op_customer_l1.partner_id.ids
            )
        )
        self.assertNotIn(self.op_customer_l1.partner_id, other.message_partner_ids)
        with self.assertRaises(AccessError):
            other.with_user(self.op_customer_l1).read(["name"])

    def test_supervisor_keeps_categories_and_playbooks(self):
        """The playbook hint sends the supervisor to Helpdesk / Configuration
        / Categories: the menu is there and the playbook can be written; the
        desk's set-up (settings, teams, stages) stays the manager's."""

        def menus(user):
            tree = self.env["ir.ui.menu"].with_user(user).load_menus(False)
            return {m.get("xmlid") for m in tree.values() if isinstance(m, dict)}

        supervisor_menus = menus(self.supervisor)
        self.assertIn(
            "helpdesk_mgmt.helpdesk_ticket_config_main_menu", supervisor_menus
        )
        self.assertIn("helpdesk_mgmt.helpdesk_ticket_category_menu", supervisor_menus)
        self.assertNotIn(
            "helpdesk_mgmt.helpdesk_config_settings_menu", supervisor_menus
        )
        category = (
            self.env["helpdesk.ticket.category"]
            .with_user(self.supervisor)
            .create(
                {
                    "name": "Банковские гарантии",
                    "playbook_step_ids": [
                        Command.create({"name": "Проверить реестр гарантий в ЕИС"}),
                        Command.create({"name": "Запросить скан гарантии"}),
                    ],
                }
            )
        )
        category.playbook_step_ids[0].name = "Проверить реестр банковских гарантий"
        self.assertEqual(len(category.playbook_step_ids), 2)
        with self.assertRaises(AccessError):
            self.team_l3.with_user(self.supervisor).name = "3 линия"
        # operators read categories and follow playbooks, they do not edit them
        self.assertNotIn(
            "helpdesk_mgmt.helpdesk_ticket_config_main_menu", menus(self.op_customer_l1)
        )
        with self.assertRaises(AccessError):
            category.with_user(self.op_customer_l2).name = "Гарантии"
        with self.assertRaises(AccessError):
            category.playbook_step_ids[0].with_user(self.op_customer_l2).name = "Шаг"

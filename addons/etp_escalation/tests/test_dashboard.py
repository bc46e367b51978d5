# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The dashboard: one card per desk (a line and an audience) with its
figures; an operator sees their desks, a supervisor all; each figure opens
the list it counts."""

from ast import literal_eval
from contextlib import ExitStack
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .queue_common import EtpQueueCommon
from .sla_common import T0


class TestDashboard(EtpQueueCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Ticket = cls.env["helpdesk.ticket"]
        with cls._frozen(T0):
            cls.unassigned = Ticket.create(cls._vals("Без исполнителя"))
            cls.assigned = Ticket.create(cls._vals("Назначен", user_id=cls.op_l1.id))
            cls.answered = Ticket.create(cls._vals("Отвечен за 6 минут"))
            cls.unanswered = Ticket.create(cls._vals("Без ответа"))
            cls.closed = Ticket.create(cls._vals("Закрыт"))
            cls.supplier = Ticket.create(
                dict(
                    cls._vals("Поставщик"),
                    partner_id=cls.contact_supplier.id,
                    team_id=cls.team_supplier_l1.id,
                )
            )
            cls.env.flush_all()
        with cls._frozen(T0 + timedelta(minutes=6)):
            cls.answered.with_user(cls.op_l1).message_post(
                body="Ответ",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            cls.closed.stage_id = cls.stage_done
            cls.env.flush_all()

    @classmethod
    def _frozen(cls, moment):
        stack = ExitStack()
        stack.enter_context(freeze_time(moment))
        stack.enter_context(patch.object(type(cls.env.cr), "now", lambda cr: moment))
        return stack

    @classmethod
    def _vals(cls, name, **vals):
        return dict(
            {
                "name": name,
                "description": "<p>Текст</p>",
                "partner_id": cls.contact_customer.id,
                "team_id": cls.team_customer_l1.id,
            },
            **vals,
        )

    def _cards(self, user, moment):
        Team = self.env["helpdesk.ticket.team"].with_user(user)
        action = self.env.ref("helpdesk_mgmt.helpdesk_ticket_dashboard_action")
        with self._at(moment):
            return Team.search(literal_eval(action.domain)), Team

    def test_operator_sees_own_desk_supervisor_all(self):
        teams, _ = self._cards(self.op_l1, T0 + timedelta(minutes=20))
        self.assertEqual(teams, self.team_customer_l1)
        teams, _ = self._cards(self.supervisor, T0 + timedelta(minutes=20))
        self.assertEqual(teams, self.teams)

    def test_figures_of_a_desk(self):
        # the customers' line 1: first response in 15 minutes (warned from
        # 12), resolution in 2 hours; one request answered after 6 minutes,
        # one closed, three not answered
        with self._at(T0 + timedelta(minutes=13)):
            team = self.team_customer_l1.with_user(self.op_l1)
            self.assertRecordValues(
                team,
                [
                    {
                        "dashboard_open_count": 4,
                        "dashboard_unassigned_count": 3,
                        "dashboard_at_risk_count": 3,
                        "dashboard_breached_count": 0,
                        "dashboard_answered_count": 1,
                        "dashboard_first_response_median": 0.1,
                    }
                ],
            )
        with self._at(T0 + timedelta(minutes=20)):
            self.env.invalidate_all()
            team = self.team_customer_l1.with_user(self.op_l1)
            # the three not answered missed their first response
            self.assertEqual(team.dashboard_breached_count, 3)
            self.assertEqual(team.dashboard_at_risk_count, 0)
            supplier_desk = self.team_supplier_l1.with_user(self.supervisor)
            self.assertEqual(supplier_desk.dashboard_open_count, 1)
        # the operator's desk only: the supplier desk's figures are not theirs
        # to see (no ticket of it is readable)
        with self._at(T0 + timedelta(minutes=20)):
            self.env.invalidate_all()
            self.assertEqual(
                self.team_supplier_l1.with_user(self.op_l1).dashboard_open_count, 0
            )

    def test_each_figure_opens_its_list(self):
        Ticket = self.env["helpdesk.ticket"].with_user(self.op_l1)
        team = self.team_customer_l1.with_user(self.op_l1)
        not_answered = self.unassigned | self.assigned | self.unanswered
        expected = {
            "open": not_answered | self.answered,
            "unassigned": self.unassigned | self.answered | self.unanswered,
            "at_risk": Ticket.browse(),
            "breached": not_answered,
            "answered_today": self.answered,
        }
        with self._at(T0 + timedelta(minutes=20)):
            for metric, tickets in expected.items():
                with self.subTest(metric=metric):
                    action = team.with_context(
                        dashboard_metric=metric
                    ).action_open_dashboard_tickets()
                    self.assertEqual(action["res_model"], "helpdesk.ticket")
                    self.assertNotIn("path", action)
                    self.assertIn(team.name, action["display_name"])
                    self.assertEqual(Ticket.search(action["domain"]), tickets)
            # the card itself opens the open requests
            action = team.action_open_dashboard_tickets()
            self.assertEqual(Ticket.search(action["domain"]), expected["open"])

    def test_dashboard_replaces_upstreams_team_cards(self):
        action = self.env.ref("helpdesk_mgmt.helpdesk_ticket_dashboard_action")
        self.assertEqual(
            action.view_id,
            self.env.ref("etp_escalation.helpdesk_ticket_team_view_kanban_dashboard"),
        )
        arch = etree.fromstring(
            self.env["helpdesk.ticket.team"]
            .with_user(self.op_l1)
            .get_views([(action.view_id.id, "kanban")])["views"]["kanban"]["arch"]
        )
        # no js_class of upstream's English dashboard; every figure is a link
        self.assertFalse(arch.get("js_class"))
        figures = {
            node.get("data-figure")
            for node in arch.iter("a")
            if node.get("name") == "action_open_dashboard_tickets"
        }
        self.assertEqual(
            figures, {"open", "unassigned", "at_risk", "breached", "answered_today"}
        )


@tagged("is_query_count")
class TestDashboardQueries(EtpQueueCommon):
    def test_figures_of_all_desks_in_a_few_queries(self):
        Team = self.env["helpdesk.ticket.team"].with_user(self.supervisor)
        teams = Team.search([("is_my_desk", "=", True)])
        teams.mapped("dashboard_open_count")  # warm the caches
        self.env.invalidate_all()
        # one grouped count per figure for all desks, one for the answers
        with self.assertQueryCount(5):
            teams.mapped("dashboard_first_response_median")

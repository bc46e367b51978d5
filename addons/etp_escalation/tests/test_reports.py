# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

# 10.03.2026 12:00 UTC (15:00 MSK): "now" in the SLA tests.
NOW = datetime(2026, 3, 10, 12, 0)
JANUARY = datetime(2026, 1, 15, 7, 0)
FEBRUARY = datetime(2026, 2, 16, 7, 0)


class EtpReportCommon(EtpHelpdeskCommon):
    """Tickets with controlled dates, and the roles that read the reports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["helpdesk.ticket.report"]
        cls.supervisor = new_test_user(
            cls.env,
            login="etp-report-supervisor",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.operator_own = new_test_user(
            cls.env,
            login="etp-report-operator",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="etp-report-portal",
            groups="base.group_portal",
        )
        cls.sla_policy = cls.env["helpdesk.sla"].create(
            {"name": "Отчёт: тестовый SLA", "hours": 2}
        )

    @classmethod
    def _tickets(cls, count, team, partner, name="Вопрос"):
        return cls.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"{name} {i}",
                    "description": "<p>Текст обращения</p>",
                    "team_id": team.id,
                    "partner_id": partner.id,
                }
                for i in range(count)
            ]
        )

    @classmethod
    def _set_dates(cls, tickets, created, first_response=None, closed=None):
        """Write the dates the ORM would never let us choose, through SQL."""
        cls.env.flush_all()
        cls.env.cr.execute(
            """UPDATE helpdesk_ticket
                  SET create_date = %s, first_response_date = %s, closed_date = %s
                WHERE id IN %s""",
            [created, first_response, closed, tuple(tickets.ids)],
        )
        cls.env.invalidate_all()

    def _kpi(self, tickets, aggregates, groupby=(), user=None):
        report = self.Report.with_user(user) if user else self.Report
        return report._read_group(
            [("ticket_id", "in", tickets.ids)], list(groupby), aggregates
        )


class TestResponseTimes(EtpReportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Customer line 1: first responses after 1, 2, ..., 10 hours.
        cls.customer_tickets = cls._tickets(
            10, cls.team_customer_l1, cls.contact_customer
        )
        for hours, ticket in enumerate(cls.customer_tickets, start=1):
            cls._set_dates(ticket, JANUARY, JANUARY + timedelta(hours=hours))
        # Supplier line 1: 0.5 h and 1.5 h; one ticket not answered yet.
        cls.supplier_tickets = cls._tickets(
            3, cls.team_supplier_l1, cls.contact_supplier
        )
        cls._set_dates(
            cls.supplier_tickets[0], FEBRUARY, FEBRUARY + timedelta(hours=0.5)
        )
        cls._set_dates(
            cls.supplier_tickets[1], FEBRUARY, FEBRUARY + timedelta(hours=1.5)
        )
        cls._set_dates(cls.supplier_tickets[2], FEBRUARY)
        cls.all_tickets = cls.customer_tickets | cls.supplier_tickets

    def test_median_and_p90_are_exact(self):
        [(median, p90, avg)] = self._kpi(
            self.customer_tickets,
            [
                "first_response_hours_median:median",
                "first_response_hours_p90:p90",
                "first_response_hours:avg",
            ],
        )
        self.assertAlmostEqual(median, 5.5)
        self.assertAlmostEqual(p90, 9.1)
        self.assertAlmostEqual(avg, 5.5)

    def test_percentiles_per_line_audience_and_month(self):
        rows = self._kpi(
            self.all_tickets,
            [
                "__count",
                "first_response_hours_median:median",
                "first_response_hours_p90:p90",
            ],
            groupby=["support_line", "audience", "create_date:month"],
        )
        figures = {
            (line, audience, month.month): (count, median, p90)
            for line, audience, month, count, median, p90 in rows
        }
        self.assertEqual(set(figures), {("1", "customer", 1), ("1", "supplier", 2)})
        count, median, p90 = figures["1", "customer", 1]
        self.assertEqual(count, 10)
        self.assertAlmostEqual(median, 5.5)
        self.assertAlmostEqual(p90, 9.1)
        # The unanswered ticket counts as a ticket but not in the percentiles.
        count, median, p90 = figures["1", "supplier", 2]
        self.assertEqual(count, 3)
        self.assertAlmostEqual(median, 1.0)
        self.assertAlmostEqual(p90, 1.4)

    def test_totals_are_percentiles_of_all_rows_not_of_groups(self):
        [(median,)] = self._kpi(
            self.all_tickets, ["first_response_hours_median:median"]
        )
        # 0.5, 1, 1.5, 2, 3, ..., 10: the 6th and 7th of 12 values are 4 and 5.
        self.assertAlmostEqual(median, 4.5)

    def test_pivot_uses_the_field_aggregators(self):
        """The web client asks read_group for each measure's own aggregator."""
        groups = self.Report.read_group(
            [("ticket_id", "in", self.customer_tickets.ids)],
            ["first_response_hours_median", "first_response_hours_p90"],
            ["support_line"],
        )
        self.assertEqual(len(groups), 1)
        self.assertAlmostEqual(groups[0]["first_response_hours_median"], 5.5)
        self.assertAlmostEqual(groups[0]["first_response_hours_p90"], 9.1)

    def test_resolution_counts_closed_tickets_only(self):
        closed = self.customer_tickets[:4]
        closed.stage_id = self.stage_done
        # Resolved after 12, 24, 36 and 48 hours.
        for hours, ticket in zip((12, 24, 36, 48), closed, strict=True):
            self._set_dates(ticket, JANUARY, closed=JANUARY + timedelta(hours=hours))
        # Reopened: its old closing date is no resolution.
        self._set_dates(
            self.customer_tickets[4], JANUARY, closed=JANUARY + timedelta(hours=1)
        )
        [(median, p90, closed_count, open_count)] = self._kpi(
            self.customer_tickets,
            [
                "resolution_hours_median:median",
                "resolution_hours_p90:p90",
                "closed_count:sum",
                "open_count:sum",
            ],
        )
        self.assertAlmostEqual(median, 30.0)
        self.assertAlmostEqual(p90, 44.4)
        self.assertEqual((closed_count, open_count), (4, 6))

    @tagged("is_query_count")
    def test_query_count_is_flat(self):
        self.env.flush_all()
        report = self.Report.with_user(self.supervisor)
        specs = [
            "__count",
            "first_response_hours_median:median",
            "first_response_hours_p90:p90",
            "sla_first_response_pct:share",
            "mark_speed:avg",
        ]
        report._read_group([], ["support_line", "audience"], specs)  # warm caches
        with self.assertQueryCount(1):
            report._read_group([], ["support_line", "audience"], specs)


class TestBacklog(EtpReportCommon):
    def test_open_tickets_by_line_and_audience(self):
        customer_l1 = self._tickets(3, self.team_customer_l1, self.contact_customer)
        supplier_l1 = self._tickets(2, self.team_supplier_l1, self.contact_supplier)
        customer_l2 = self._tickets(1, self.team_customer_l2, self.contact_customer)
        customer_l1[0].stage_id = self.stage_done
        tickets = customer_l1 | supplier_l1 | customer_l2

        action = self.env.ref("etp_escalation.helpdesk_ticket_action_backlog")
        domain = safe_eval(action.domain) + [("id", "in", tickets.ids)]
        backlog = dict(
            (((line, audience), count))
            for line, audience, count in self.env["helpdesk.ticket"]
            .with_user(self.supervisor)
            ._read_group(domain, ["support_line", "audience"], ["__count"])
        )
        expected = {("1", "customer"): 2, ("1", "supplier"): 2, ("2", "customer"): 1}
        self.assertEqual(backlog, expected)
        context = safe_eval(action.context)
        self.assertEqual(context["pivot_row_groupby"], ["support_line"])
        self.assertEqual(context["pivot_column_groupby"], ["audience"])

        # The analysis agrees.
        kpi = {
            (line, audience): open_count
            for line, audience, open_count in self._kpi(
                tickets, ["open_count:sum"], ["support_line", "audience"]
            )
        }
        self.assertEqual(kpi, expected)


@freeze_time(NOW)
class TestSlaCompliance(EtpReportCommon):
    def _sla(self, ticket, kind, state, deadline):
        row = self.env["helpdesk.ticket.sla"].create(
            {"ticket_id": ticket.id, "sla_id": self.sla_policy.id, "target_kind": kind}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket_sla SET state = %s, deadline = %s WHERE id = %s",
            [state, deadline, row.id],
        )
        self.env.invalidate_all()
        return row

    def setUp(self):
        super().setUp()
        self.customer = self._tickets(5, self.team_customer_l1, self.contact_customer)
        self.supplier = self._tickets(2, self.team_supplier_l1, self.contact_supplier)
        tickets = self.customer | self.supplier
        # Only the rows written here count.
        tickets.ticket_sla_ids.unlink()
        past, future = NOW - timedelta(hours=1), NOW + timedelta(hours=1)
        c1, c2, c3, c4, c5 = self.customer
        # Customer first response: met 2, missed 2 (one expired, one open
        # past its deadline); open in time and on hold do not count yet.
        # c1 has two first-response rows: compliance counts rows, not tickets.
        self._sla(c1, "first_response", "accomplished", past)
        self._sla(c1, "first_response", "expired", past)
        self._sla(c2, "first_response", "accomplished", past)
        self._sla(c3, "first_response", "in_progress", past)
        self._sla(c4, "first_response", "in_progress", future)
        self._sla(c5, "first_response", "on_hold", past)
        # Customer resolution: 1 met out of 2.
        self._sla(c1, "resolution", "accomplished", past)
        self._sla(c2, "resolution", "expired", past)
        self._sla(c3, "resolution", "in_progress", future)
        # Supplier first response: both met.
        for ticket in self.supplier:
            self._sla(ticket, "first_response", "accomplished", past)
        self.tickets = tickets

    def test_compliance_by_kind_line_and_audience(self):
        rows = self._kpi(
            self.tickets,
            ["sla_first_response_pct:share", "sla_resolution_pct:share"],
            ["support_line", "audience"],
            user=self.supervisor,
        )
        figures = {(line, audience): (fr, res) for line, audience, fr, res in rows}
        self.assertAlmostEqual(figures["1", "customer"][0], 50.0)
        self.assertAlmostEqual(figures["1", "customer"][1], 50.0)
        self.assertAlmostEqual(figures["1", "supplier"][0], 100.0)
        # No resolution target was met or missed: no figure, not 0 %.
        self.assertFalse(figures["1", "supplier"][1])

    def test_total_is_share_of_rows(self):
        [(fr, met, due)] = self._kpi(
            self.tickets,
            [
                "sla_first_response_pct:share",
                "sla_first_response_met:sum",
                "sla_first_response_due:sum",
            ],
        )
        # 4 met out of 6 due; the average of per-ticket figures would be 75 %.
        self.assertEqual((met, due), (4, 6))
        self.assertAlmostEqual(fr, 400 / 6)

    def test_an_open_target_becomes_missed_when_its_deadline_passes(self):
        with freeze_time(NOW + timedelta(hours=2)):
            [(fr,)] = self._kpi(self.customer, ["sla_first_response_pct:share"])
        # c4's open target is now past its deadline: 2 met out of 5.
        self.assertAlmostEqual(fr, 40.0)

    def test_compliance_per_month_and_team(self):
        self._set_dates(self.customer[:2], JANUARY)
        self._set_dates(self.customer[2:], FEBRUARY)
        rows = self._kpi(
            self.customer,
            ["sla_first_response_pct:share"],
            ["team_id", "create_date:month"],
        )
        figures = {(team, month.month): fr for team, month, fr in rows}
        # January: c1 (met, missed) and c2 (met); February: c3 missed.
        self.assertAlmostEqual(figures[self.team_customer_l1, 1], 200 / 3)
        self.assertAlmostEqual(figures[self.team_customer_l1, 2], 0.0)


class TestEscalationsPerLine(EtpReportCommon):
    def test_escalations_by_line_kind_and_month(self):
        customer = self._tickets(3, self.team_customer_l1, self.contact_customer)
        supplier = self._tickets(1, self.team_supplier_l1, self.contact_supplier)
        for ticket in customer:
            ticket._etp_move_to_team(self.team_customer_l2, "Нужен анализ журнала")
        customer[0]._etp_move_to_team(self.team_l3, "Ошибка интеграции с ЕИС")
        customer[0]._etp_move_to_team(
            self.team_customer_l2, "Исправлено, ответ клиенту", kind="return"
        )
        supplier._etp_move_to_team(
            self.team_supplier_l2, "Истёк срок ответа", kind="sla_breach"
        )
        history = (customer | supplier).escalation_ids
        self.assertEqual(len(history), 6)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket_escalation SET create_date = %s WHERE id IN %s",
            [FEBRUARY, tuple(history.filtered(lambda e: e.from_line == "3").ids)],
        )
        self.env.invalidate_all()

        action = self.env.ref("etp_escalation.helpdesk_ticket_escalation_action_report")
        context = safe_eval(action.context)
        Escalation = self.env["helpdesk.ticket.escalation"].with_user(self.supervisor)
        domain = [("id", "in", history.ids)]
        by_line_kind = {
            (line, kind): count
            for line, kind, count in Escalation._read_group(
                domain,
                context["pivot_row_groupby"] + context["pivot_column_groupby"],
                ["__count"],
            )
        }
        self.assertEqual(
            by_line_kind,
            {
                ("1", "manual"): 3,
                ("1", "sla_breach"): 1,
                ("2", "manual"): 1,
                ("3", "return"): 1,
            },
        )
        by_month = {
            (month.month, line): count
            for month, line, count in Escalation._read_group(
                domain, context["graph_groupbys"], ["__count"]
            )
        }
        this_month = history[-1].create_date.month
        self.assertEqual(by_month[2, "3"], 1)
        self.assertEqual(by_month[this_month, "1"], 4)


class TestSatisfaction(EtpReportCommon):
    def _rate(self, ticket, value, **marks):
        token = ticket._rating_get_access_token()
        ticket.rating_apply(value, token=token, feedback="Спасибо")
        rating = ticket.rating_ids.filtered(lambda r: r.access_token == token)
        rating.write(marks)
        return rating

    def test_averages_by_mark_line_and_audience(self):
        customer = self._tickets(3, self.team_customer_l1, self.contact_customer)
        supplier = self._tickets(2, self.team_supplier_l2, self.contact_supplier)
        self._rate(
            customer[0], 5, mark_speed="5", mark_competence="4", mark_approach="5"
        )
        self._rate(
            customer[1], 3, mark_speed="2", mark_competence="4", mark_approach="3"
        )
        # Rated without marks: counts in the rating, not in the marks.
        self._rate(customer[2], 1)
        # Rated twice: the latest rating counts.
        self._rate(
            supplier[0], 1, mark_speed="1", mark_competence="1", mark_approach="1"
        )
        self._rate(
            supplier[0], 5, mark_speed="4", mark_competence="5", mark_approach="5"
        )
        # supplier[1] is not rated.
        rows = self._kpi(
            customer | supplier,
            [
                "rated_count:sum",
                "rating:avg",
                "mark_speed:avg",
                "mark_competence:avg",
                "mark_approach:avg",
            ],
            ["support_line", "audience"],
            user=self.supervisor,
        )
        figures = {(line, audience): values for line, audience, *values in rows}
        rated, rating, speed, competence, approach = figures["1", "customer"]
        self.assertEqual(rated, 3)
        self.assertAlmostEqual(rating, 3.0)
        self.assertAlmostEqual(speed, 3.5)
        self.assertAlmostEqual(competence, 4.0)
        self.assertAlmostEqual(approach, 4.0)
        self.assertEqual(figures["2", "supplier"], [1, 5.0, 4.0, 5.0, 5.0])

    def test_satisfaction_action_shows_rated_tickets_only(self):
        tickets = self._tickets(2, self.team_customer_l1, self.contact_customer)
        self._rate(tickets[0], 5, mark_speed="5")
        action = self.env.ref(
            "etp_escalation.helpdesk_ticket_report_action_satisfaction"
        )
        domain = safe_eval(action.domain) + [("ticket_id", "in", tickets.ids)]
        self.assertEqual(self.Report.search(domain).ticket_id, tickets[0])


class TestReportAccess(EtpReportCommon):
    def test_supervisor_reads_the_analysis(self):
        ticket = self._ticket(partner_id=self.contact_customer.id)
        report = self.Report.with_user(self.supervisor).search(
            [("ticket_id", "=", ticket.id)]
        )
        self.assertEqual(report.audience, "customer")
        self.assertTrue(report.is_open)

    def test_operators_and_portal_users_cannot_read_the_analysis(self):
        for user in (self.operator_own, self.portal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Report.with_user(user).search([])
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Report.with_user(user)._read_group(
                    [], ["support_line"], ["first_response_hours_median:median"]
                )

    def test_portal_users_cannot_read_escalations(self):
        with self.assertRaises(AccessError):
            self.env["helpdesk.ticket.escalation"].with_user(self.portal_user).search(
                []
            )

    def test_other_company_is_not_shown(self):
        other = self.env["res.company"].create({"name": "ЭТП Филиал"})
        ticket = self._ticket(partner_id=self.contact_customer.id)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET company_id = %s WHERE id = %s",
            [other.id, ticket.id],
        )
        self.env.invalidate_all()
        self.assertFalse(
            self.Report.with_user(self.supervisor).search(
                [("ticket_id", "=", ticket.id)]
            )
        )

    def test_report_menus_for_supervisors_only(self):
        menus = [
            self.env.ref(f"etp_escalation.{xmlid}").id
            for xmlid in (
                "helpdesk_ticket_backlog_menu",
                "helpdesk_ticket_report_times_menu",
                "helpdesk_ticket_report_sla_menu",
                "helpdesk_ticket_escalation_report_menu",
                "helpdesk_ticket_report_satisfaction_menu",
            )
        ]
        Menu = self.env["ir.ui.menu"]
        visible = Menu.with_user(self.supervisor)._visible_menu_ids()
        self.assertTrue(set(menus) <= visible)
        visible = Menu.with_user(self.operator_own)._visible_menu_ids()
        self.assertFalse(set(menus) & visible)

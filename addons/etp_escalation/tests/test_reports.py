# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .report_common import FEBRUARY, JANUARY, EtpReportCommon


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

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The quality reports: SLA compliance, escalations per line and the
requesters' satisfaction."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.tools.safe_eval import safe_eval

from .report_common import FEBRUARY, JANUARY, NOW, EtpReportCommon


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

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from .report_common import EtpReportCommon

# The tickets were closed in January-February 2026; 37 months later their
# personal data is past the default term of 36 months.
JANUARY = datetime(2026, 1, 15, 7, 0)
FEBRUARY = datetime(2026, 2, 16, 7, 0)
LATER = datetime(2029, 3, 20, 9, 0)

TICKET_MEASURES = [
    "__count",
    "closed_count:sum",
    "open_count:sum",
    "first_response_hours:avg",
    "first_response_hours_median:median",
    "resolution_hours:avg",
    "resolution_hours_p90:p90",
    "sla_first_response_met:sum",
    "sla_first_response_due:sum",
    "sla_first_response_pct:share",
    "sla_resolution_met:sum",
    "sla_resolution_due:sum",
    "sla_resolution_pct:share",
    "rated_count:sum",
    "rating:avg",
    "mark_speed:avg",
    "mark_competence:avg",
    "mark_approach:avg",
]


class TestReportsAfterRetention(EtpReportCommon):
    """The support KPIs give the same figures before and after the retention
    cron anonymised the tickets they are made of."""

    def setUp(self):
        super().setUp()
        Partner = self.env["res.partner"]
        Category = self.env["helpdesk.ticket.category"]
        self.categories = Category.create(
            [{"name": "Электронная подпись"}, {"name": "Подача заявки"}]
        )
        tickets = self.env["helpdesk.ticket"]
        plan = [
            (self.team_customer_l1, self.org_customer, JANUARY, 2, 30, 5),
            (self.team_customer_l1, self.org_customer, JANUARY, 5, 50, 3),
            (self.team_customer_l2, self.org_customer, FEBRUARY, 1, 8, False),
            (self.team_supplier_l1, self.org_supplier, JANUARY, 3, 20, 4),
            (self.team_supplier_l2, self.org_supplier, FEBRUARY, 0.5, 70, 1),
        ]
        for n, (team, organisation, created, answer, solve, mark) in enumerate(plan):
            person = Partner.create(
                {
                    "name": f"Заявитель{n} Петрова",
                    "parent_id": organisation.id,
                    "email": f"petrova{n}@example.ru",
                    "phone": f"+7 916 000-00-0{n}",
                }
            )
            ticket = self.env["helpdesk.ticket"].create(
                {
                    "name": f"Вопрос {n} от Петровой",
                    "description": f"<p>Телефон +7 916 000-00-0{n}</p>",
                    "team_id": team.id,
                    "partner_id": person.id,
                    "partner_name": person.name,
                    "partner_email": person.email,
                    "category_id": self.categories[n % 2].id,
                }
            )
            ticket.stage_id = self.stage_done
            self._set_dates(
                ticket,
                created,
                created + timedelta(hours=answer),
                created + timedelta(hours=solve),
            )
            self._sla(ticket, "first_response", "accomplished" if n % 3 else "expired")
            self._sla(ticket, "resolution", "accomplished" if n % 2 else "expired")
            if mark:
                with self._at(created + timedelta(hours=solve + 1), flush=True):
                    self._rate(ticket, mark, person)
            self.env["helpdesk.ticket.escalation"].create(
                {
                    "ticket_id": ticket.id,
                    "from_team_id": team.id,
                    "to_team_id": self.team_l3.id,
                    "from_line": "1",
                    "to_line": "3",
                    "kind": "manual",
                    "reason": f"Петрова просит перезвонить: 8 916 000-00-0{n}",
                    "tried": "Написали на petrova@example.ru",
                }
            )
            tickets |= ticket
        self.tickets = tickets

    def _sla(self, ticket, kind, state):
        row = self.env["helpdesk.ticket.sla"].create(
            {"ticket_id": ticket.id, "sla_id": self.sla_policy.id, "target_kind": kind}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket_sla SET state = %s, deadline = %s WHERE id = %s",
            [state, JANUARY, row.id],
        )
        self.env.invalidate_all()

    def _rate(self, ticket, value, person):
        token = ticket._rating_get_access_token(partner=person)
        ticket.rating_apply(
            value, token=token, feedback=f"Спасибо! {person.name}, {person.phone}"
        )
        rating = ticket.rating_ids.filtered(lambda r: r.access_token == token)
        rating.write(
            {
                "mark_speed": str(value),
                "mark_competence": str(value),
                "mark_approach": str(value),
            }
        )

    def _figures(self):
        self.env.invalidate_all()
        domain = [("ticket_id", "in", self.tickets.ids)]
        Escalation = self.env["helpdesk.ticket.escalation"]
        return {
            "total": self.Report._read_group(domain, [], TICKET_MEASURES),
            "by_audience_line_category": self.Report._read_group(
                domain, ["audience", "support_line", "category_id"], TICKET_MEASURES
            ),
            "by_month_and_team": self.Report._read_group(
                domain, ["create_date:month", "team_id"], TICKET_MEASURES
            ),
            "ratings_by_month": self.Report._read_group(
                domain + [("rated_count", "=", 1)],
                ["rated_date:month"],
                ["__count", "rating:avg"],
            ),
            "escalations": Escalation._read_group(
                [("ticket_id", "in", self.tickets.ids)],
                ["from_line", "to_line", "kind", "audience", "create_date:month"],
                ["__count"],
            ),
        }

    def test_reports_give_the_same_figures_before_and_after(self):
        with self._at(LATER):
            before = self._figures()
            Service = self.env["helpdesk.personal.data"]
            done, remaining = Service._cron_anonymise_expired()
            self.env.flush_all()
            after = self._figures()
        self.assertEqual((done, remaining), (5, 0))
        self.assertEqual(before, after)
        # and the figures are real ones
        [total] = before["total"]
        self.assertEqual(total[0], 5)
        self.assertEqual(total[13], 4)  # rated tickets
        # while the personal data is gone
        self.assertTrue(all(self.tickets.mapped("etp_anonymised_at")))
        self.assertEqual(self.tickets.partner_id, self.org_customer | self.org_supplier)
        ratings = self.tickets.rating_ids
        self.assertFalse(any("916" in (r.feedback or "") for r in ratings))
        self.assertFalse(any("Петров" in (r.feedback or "") for r in ratings))
        escalations = self.tickets.escalation_ids
        self.assertEqual(len(escalations), 5)
        for escalation in escalations:
            self.assertNotIn("916", escalation.reason)
            self.assertNotIn("Петрова", escalation.reason)
            self.assertNotIn("petrova@", escalation.tried)
            self.assertEqual(escalation.to_line, "3")

    def test_within_the_term_nothing_changes(self):
        with self._at(JANUARY + relativedelta(months=35)):
            before = self._figures()
            self.env["helpdesk.personal.data"]._cron_anonymise_expired()
            after = self._figures()
        self.assertEqual(before, after)
        self.assertFalse(any(self.tickets.mapped("etp_anonymised_at")))
        self.assertIn("Петрова", self.tickets.escalation_ids[0].reason)

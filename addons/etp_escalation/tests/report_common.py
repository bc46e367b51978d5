# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The report tests' common set-up: tickets with controlled dates and the
roles that read the reports (shared with the retention tests)."""

from datetime import datetime

from odoo.tests import new_test_user

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

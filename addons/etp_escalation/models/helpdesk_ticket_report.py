# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

from odoo.addons.etp_helpdesk.models.helpdesk_ticket_team import (
    AUDIENCES,
    SUPPORT_LINES,
)
from odoo.addons.etp_helpdesk.tools import ticket_priorities

# Aggregators this report adds to read_group (and so to its pivot, graph and
# grouped list): exact percentiles computed by PostgreSQL for any grouping.
PERCENTILES = {"median": 0.5, "p90": 0.9}


class HelpdeskTicketReport(models.Model):
    """One row per ticket with the figures the support KPIs are made of.

    Measures that cannot be summed are aggregated exactly, whatever the
    grouping: ``median`` and ``p90`` are ``percentile_cont`` over the rows of
    the group, and ``share`` is the SLA compliance of the group's SLA rows
    (met / due, in per cent), not an average of per-ticket percentages.
    """

    _name = "helpdesk.ticket.report"
    _description = "Helpdesk Ticket Analysis"
    _inherit = ["helpdesk.ticket.link.mixin"]
    _auto = False
    _rec_name = "ticket_id"
    _order = "create_date desc, id desc"
    # Fields written by the ORM that the view reads: flushed before a query.
    _depends = {
        "helpdesk.ticket": [
            "active",
            "audience",
            "category_id",
            "channel_id",
            "closed_date",
            "company_id",
            "create_date",
            "first_response_date",
            "priority",
            "stage_id",
            "support_line",
            "team_id",
            "user_id",
        ],
        "helpdesk.ticket.stage": ["closed"],
        "helpdesk.ticket.sla": ["deadline", "state", "target_kind", "ticket_id"],
        "rating.rating": [
            "consumed",
            "mark_approach",
            "mark_competence",
            "mark_speed",
            "rating",
            "res_id",
            "res_model",
        ],
    }
    # SLA compliance measures: field -> (met column, due column).
    _etp_shares = {
        "sla_first_response_pct": ("sla_first_response_met", "sla_first_response_due"),
        "sla_resolution_pct": ("sla_resolution_met", "sla_resolution_due"),
    }

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    name = fields.Char(string="Title", readonly=True)
    number = fields.Char(string="Ticket number", readonly=True)
    active = fields.Boolean(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned user", readonly=True)
    stage_id = fields.Many2one("helpdesk.ticket.stage", readonly=True)
    category_id = fields.Many2one("helpdesk.ticket.category", readonly=True)
    channel_id = fields.Many2one("helpdesk.ticket.channel", readonly=True)
    priority = fields.Selection(
        selection=lambda self: ticket_priorities(self.env), readonly=True
    )
    support_line = fields.Selection(SUPPORT_LINES, readonly=True)
    audience = fields.Selection(AUDIENCES, readonly=True)
    create_date = fields.Datetime(string="Created on", readonly=True)
    first_response_date = fields.Datetime(string="First response on", readonly=True)
    closed_date = fields.Datetime(string="Closed on", readonly=True)
    is_open = fields.Boolean(string="Open", readonly=True)
    open_count = fields.Integer(string="Open tickets", readonly=True)
    closed_count = fields.Integer(string="Closed tickets", readonly=True)
    # Elapsed hours (round the clock), not business hours.
    first_response_hours = fields.Float(
        string="First response, average (h)",
        readonly=True,
        aggregator="avg",
    )
    first_response_hours_median = fields.Float(
        string="First response, median (h)",
        readonly=True,
        aggregator="median",
    )
    first_response_hours_p90 = fields.Float(
        string="First response, 90th percentile (h)",
        readonly=True,
        aggregator="p90",
    )
    resolution_hours = fields.Float(
        string="Resolution, average (h)",
        readonly=True,
        aggregator="avg",
    )
    resolution_hours_median = fields.Float(
        string="Resolution, median (h)",
        readonly=True,
        aggregator="median",
    )
    resolution_hours_p90 = fields.Float(
        string="Resolution, 90th percentile (h)",
        readonly=True,
        aggregator="p90",
    )
    sla_first_response_met = fields.Integer(
        string="First response targets met", readonly=True
    )
    sla_first_response_due = fields.Integer(
        string="First response targets due", readonly=True
    )
    sla_first_response_pct = fields.Float(
        string="First response SLA (%)",
        readonly=True,
        aggregator="share",
        help="Targets met among the targets that were met or missed "
        "(an open target past its deadline counts as missed).",
    )
    sla_resolution_met = fields.Integer(string="Resolution targets met", readonly=True)
    sla_resolution_due = fields.Integer(string="Resolution targets due", readonly=True)
    sla_resolution_pct = fields.Float(
        string="Resolution SLA (%)",
        readonly=True,
        aggregator="share",
        help="Targets met among the targets that were met or missed "
        "(an open target past its deadline counts as missed).",
    )
    rated_count = fields.Integer(string="Rated tickets", readonly=True)
    rated_date = fields.Datetime(string="Rated on", readonly=True)
    rating = fields.Float(string="Satisfaction (/5)", readonly=True, aggregator="avg")
    mark_speed = fields.Float(string="Speed (/5)", readonly=True, aggregator="avg")
    mark_competence = fields.Float(
        string="Competence (/5)", readonly=True, aggregator="avg"
    )
    mark_approach = fields.Float(
        string="Personal approach (/5)", readonly=True, aggregator="avg"
    )

    @property
    def _table_query(self):
        # The latest rating the requester gave counts for a ticket (rt).
        # "Now" comes from the ORM so that an open SLA target past its deadline
        # is judged at the same instant as helpdesk_mgmt_sla's `expired` flag.
        first_response = SQL(
            "EXTRACT(EPOCH FROM (t.first_response_date - t.create_date)) / 3600.0"
        )
        resolution = SQL(
            "CASE WHEN stage.closed THEN"
            " EXTRACT(EPOCH FROM (t.closed_date - t.create_date)) / 3600.0 END"
        )
        return SQL(
            """
            SELECT
                t.id AS id,
                t.id AS ticket_id,
                t.name AS name,
                t.number AS number,
                t.active AS active,
                t.company_id AS company_id,
                t.team_id AS team_id,
                t.user_id AS user_id,
                t.stage_id AS stage_id,
                t.category_id AS category_id,
                t.channel_id AS channel_id,
                t.priority AS priority,
                t.support_line AS support_line,
                t.audience AS audience,
                t.create_date AS create_date,
                t.first_response_date AS first_response_date,
                t.closed_date AS closed_date,
                NOT COALESCE(stage.closed, FALSE) AS is_open,
                CASE WHEN stage.closed THEN 0 ELSE 1 END AS open_count,
                CASE WHEN stage.closed THEN 1 ELSE 0 END AS closed_count,
                %(first_response)s AS first_response_hours,
                %(first_response)s AS first_response_hours_median,
                %(first_response)s AS first_response_hours_p90,
                %(resolution)s AS resolution_hours,
                %(resolution)s AS resolution_hours_median,
                %(resolution)s AS resolution_hours_p90,
                COALESCE(sla.first_response_met, 0) AS sla_first_response_met,
                COALESCE(sla.first_response_due, 0) AS sla_first_response_due,
                100.0 * sla.first_response_met
                    / NULLIF(sla.first_response_due, 0) AS sla_first_response_pct,
                COALESCE(sla.resolution_met, 0) AS sla_resolution_met,
                COALESCE(sla.resolution_due, 0) AS sla_resolution_due,
                100.0 * sla.resolution_met
                    / NULLIF(sla.resolution_due, 0) AS sla_resolution_pct,
                CASE WHEN rt.id IS NULL THEN 0 ELSE 1 END AS rated_count,
                rt.write_date AS rated_date,
                rt.rating AS rating,
                rt.mark_speed::int AS mark_speed,
                rt.mark_competence::int AS mark_competence,
                rt.mark_approach::int AS mark_approach
            FROM helpdesk_ticket t
            LEFT JOIN helpdesk_ticket_stage stage ON stage.id = t.stage_id
            LEFT JOIN (
                SELECT
                    s.ticket_id,
                    COUNT(*) FILTER (
                        WHERE s.target_kind = 'first_response'
                        AND s.state = 'accomplished'
                    ) AS first_response_met,
                    COUNT(*) FILTER (
                        WHERE s.target_kind = 'first_response' AND (
                            s.state IN ('accomplished', 'expired')
                            OR (s.state = 'in_progress' AND s.deadline < %(now)s)
                        )
                    ) AS first_response_due,
                    COUNT(*) FILTER (
                        WHERE s.target_kind = 'resolution'
                        AND s.state = 'accomplished'
                    ) AS resolution_met,
                    COUNT(*) FILTER (
                        WHERE s.target_kind = 'resolution' AND (
                            s.state IN ('accomplished', 'expired')
                            OR (s.state = 'in_progress' AND s.deadline < %(now)s)
                        )
                    ) AS resolution_due
                FROM helpdesk_ticket_sla s
                GROUP BY s.ticket_id
            ) sla ON sla.ticket_id = t.id
            LEFT JOIN (
                SELECT DISTINCT ON (r.res_id)
                    r.res_id, r.id, r.write_date, r.rating,
                    r.mark_speed, r.mark_competence, r.mark_approach
                FROM rating_rating r
                WHERE r.res_model = 'helpdesk.ticket' AND r.consumed
                ORDER BY r.res_id, r.write_date DESC, r.id DESC
            ) rt ON rt.res_id = t.id
            """,
            now=fields.Datetime.now(),
            first_response=first_response,
            resolution=resolution,
        )

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec != "__count":
            fname, __, func = parse_read_group_spec(aggregate_spec)
            if func in PERCENTILES and fname in self._fields:
                return SQL(
                    "percentile_cont(%s) WITHIN GROUP (ORDER BY %s)",
                    PERCENTILES[func],
                    self._field_to_sql(self._table, fname, query),
                )
            if func == "share" and fname in self._etp_shares:
                met, due = self._etp_shares[fname]
                return SQL(
                    "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                    self._field_to_sql(self._table, met, query),
                    self._field_to_sql(self._table, due, query),
                )
        return super()._read_group_select(aggregate_spec, query)

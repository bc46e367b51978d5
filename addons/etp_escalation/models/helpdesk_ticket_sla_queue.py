# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The operator's queue of ``helpdesk.ticket`` (a mixin it inherits): the
nearest deadline of each ticket (SLA targets or procedure deadline, stored
so that the queue sorts by it in SQL), its state now, and the tickets of
the desks the user works on."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..lib import sla as sla_rules
from ..lib import sla_queue


class HelpdeskTicketSlaQueue(models.AbstractModel):
    _name = "helpdesk.ticket.sla.queue"
    _description = "Operator's Ticket Queue"

    # The operator's queue: the nearest deadline (see _compute_sla_next),
    # stored and indexed so that the queue is sorted by it in SQL
    sla_next_deadline = fields.Datetime(
        string="Nearest Deadline",
        compute="_compute_sla_next",
        store=True,
        index="btree_not_null",
        help="The deadline to beat next: of the SLA targets still due or of "
        "the procedure deadline, whichever comes first. Empty when the "
        "ticket is closed or its SLA is paused.",
    )
    sla_next_warning = fields.Datetime(
        string="Nearest Deadline Warning",
        compute="_compute_sla_next",
        store=True,
        help="From this moment the nearest deadline is shown as close.",
    )
    sla_next_kind = fields.Selection(
        [
            (sla_rules.FIRST_RESPONSE, "First response"),
            (sla_rules.RESOLUTION, "Resolution"),
            (sla_queue.PROCEDURE, "Procedure deadline"),
        ],
        string="Nearest Deadline Of",
        compute="_compute_sla_next",
        store=True,
    )
    sla_paused = fields.Boolean(
        string="SLA Paused",
        compute="_compute_sla_next",
        store=True,
        help="The SLA clock stands still (the ticket waits for the requester "
        "or a third party) and no other deadline runs.",
    )
    sla_paused_left = fields.Float(
        string="SLA Time Left When Paused",
        compute="_compute_sla_next",
        store=True,
        help="Hours the paused SLA target has left when the clock starts again.",
    )
    sla_queue_state = fields.Selection(
        [
            ("on_track", "On track"),
            ("warning", "Close to the deadline"),
            ("breached", "Breached"),
            ("paused", "Paused"),
        ],
        string="Deadline State",
        compute="_compute_sla_queue_state",
        search="_search_sla_queue_state",
        help="On track, close to the nearest deadline (within the warning), "
        "breached, or paused, at this moment.",
    )
    is_my_desk = fields.Boolean(
        string="My Desks",
        compute="_compute_is_my_desk",
        search="_search_is_my_desk",
        help="Tickets of the desks the user works on (as a member or the "
        "leader), assigned to them, or not sorted to a desk yet if they work "
        "on line 1. A supervisor's desks are all desks.",
    )

    @api.depends(
        "ticket_sla_ids.target_kind",
        "ticket_sla_ids.state",
        "ticket_sla_ids.deadline",
        "ticket_sla_ids.warning_date",
        "ticket_sla_ids.hours",
        "ticket_sla_ids.consumed_time",
        "procedure_deadline",
        "stage_id.closed",
        "first_response_date",
    )
    def _compute_sla_next(self):
        """The nearest deadline of each ticket (see ``sla.next_deadline``):
        one pass over the batch, its SLA targets read together."""
        for ticket in self:
            found = sla_queue.next_deadline(
                [row._etp_target_facts() for row in ticket.ticket_sla_ids],
                closed=ticket.stage_id.closed,
                answered=bool(ticket.first_response_date),
                procedure_deadline=ticket.procedure_deadline,
                opened_at=ticket.create_date,
            )
            ticket.sla_next_deadline = found.deadline or False
            ticket.sla_next_warning = found.warning or False
            ticket.sla_next_kind = found.kind or False
            ticket.sla_paused = found.paused
            ticket.sla_paused_left = found.paused_left

    @api.depends("sla_next_deadline", "sla_next_warning", "sla_paused")
    def _compute_sla_queue_state(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket.sla_queue_state = sla_queue.queue_state(
                sla_queue.NextDeadline(
                    deadline=ticket.sla_next_deadline or None,
                    warning=ticket.sla_next_warning or None,
                    paused=ticket.sla_paused,
                ),
                now,
            )

    def _search_sla_queue_state(self, operator, value):
        """The tickets in a deadline state at this moment, from the stored
        nearest deadline (no search per ticket)."""
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(
                self.env._(
                    "The filter on the deadline state accepts only 'is' and 'is in'."
                )
            )
        values = [value] if isinstance(value, str) or not value else list(value)
        now = fields.Datetime.now()
        branches = {
            "breached": [("sla_next_deadline", "<=", now)],
            "warning": [
                ("sla_next_deadline", ">", now),
                ("sla_next_warning", "<=", now),
            ],
            "on_track": [
                ("sla_next_deadline", ">", now),
                ("sla_next_warning", ">", now),
            ],
            "paused": [("sla_next_deadline", "=", False), ("sla_paused", "=", True)],
        }
        domain = expression.OR(
            [branches[v] for v in values if v in branches] or [expression.FALSE_DOMAIN]
        )
        if operator in ("!=", "not in"):
            return ["!", *expression.normalize_domain(domain)]
        return domain

    @api.depends_context("uid")
    def _compute_is_my_desk(self):
        desks = self.env["helpdesk.ticket.team"]._etp_my_desks()
        mine = self.filtered_domain(self._etp_my_desk_domain(desks))
        for ticket in self:
            ticket.is_my_desk = ticket in mine

    def _search_is_my_desk(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._(
                    "The filter on my desks accepts only 'is set' and 'is not set'."
                )
            )
        domain = self._etp_my_desk_domain(
            self.env["helpdesk.ticket.team"]._etp_my_desks()
        )
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    @api.model
    def _etp_my_desk_domain(self, desks):
        """Tickets of ``desks`` (None: every desk), assigned to the user, or,
        for a line-1 desk's people, not sorted to a desk yet."""
        if desks is None:
            return expression.TRUE_DOMAIN
        branches = [
            [("team_id", "in", desks.ids)],
            [("user_id", "=", self.env.uid)],
        ]
        if "1" in desks.mapped("support_line"):
            branches.append([("team_id", "=", False)])
        return expression.OR(branches)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The procurement details of ``helpdesk.ticket`` (a mixin it inherits): the
procedure's number (an EIS notice number is checked, ``lib/identifiers.py``),
regime, lot and next hard deadline, shown in Moscow time and in the
requester's, with the time left and how close it is."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import deadlines, identifiers

PROCUREMENT_REGIMES = [
    ("44fz", "44-FZ"),
    ("223fz", "223-FZ"),
    ("615pp", "615-PP"),
    ("commercial", "Commercial"),
    ("other", "Other"),
]
DEADLINE_KINDS = [
    ("applications", "Applications close"),
    ("auction", "Auction / price offers"),
    ("contract", "Contract signing"),
    ("regulator", "Regulator order"),
    ("other", "Other"),
]
# how soon a procedure deadline is shown as near (a day) and imminent (an hour)
URGENCY_NEAR_MINUTES = 24 * 60
URGENCY_IMMINENT_MINUTES = 60
PROCEDURE_KINDS = [
    ("eis_44", "EIS notice, 44-FZ"),
    ("eis_223", "EIS notice, 223-FZ"),
    ("platform", "Platform number"),
]


class HelpdeskTicketProcurement(models.AbstractModel):
    _name = "helpdesk.ticket.procurement"
    _description = "Procurement Details of Tickets"

    procedure_kind = fields.Selection(
        PROCEDURE_KINDS,
        compute="_compute_procedure_kind",
        store=True,
    )
    procurement_regime = fields.Selection(PROCUREMENT_REGIMES, index=True)
    lot_number = fields.Char()
    procedure_deadline_kind = fields.Selection(DEADLINE_KINDS, string="Deadline Kind")
    procedure_deadline_display = fields.Char(
        string="Deadline (MSK / local)",
        compute="_compute_procedure_deadline_display",
        help="The deadline as the requester reads it on the portal and in the "
        "emails: Moscow time, then their own.",
    )
    procedure_deadline_operator_display = fields.Char(
        string="Deadline (MSK / requester)",
        compute="_compute_procedure_deadline_display",
    )
    procedure_time_left = fields.Char(
        string="Time Left",
        compute="_compute_procedure_time_left",
        help="Time left until the procedure deadline when the ticket was opened.",
    )
    procedure_urgency = fields.Selection(
        [
            ("near", "Within a day"),
            ("imminent", "Within an hour"),
            ("passed", "Passed"),
        ],
        compute="_compute_procedure_time_left",
        help="How close the procedure deadline of an open ticket is.",
    )

    @api.depends("procedure_number")
    def _compute_procedure_kind(self):
        for ticket in self:
            number = (ticket.procedure_number or "").strip()
            if not number:
                ticket.procedure_kind = False
            else:
                ticket.procedure_kind = (
                    identifiers.classify_notice_number(number) or "platform"
                )

    @api.depends("procedure_deadline", "requester_tz")
    @api.depends_context("lang")
    def _compute_procedure_deadline_display(self):
        for ticket in self:
            deadline = ticket.procedure_deadline
            if not deadline:  # the portal list asks on every row
                ticket.procedure_deadline_display = False
                ticket.procedure_deadline_operator_display = False
                continue
            zone = ticket.requester_tz
            ticket.procedure_deadline_display = (
                self._etp_format_deadline(deadline, zone) or False
            )
            ticket.procedure_deadline_operator_display = (
                self._etp_format_deadline(deadline, zone, reader="operator") or False
            )

    @api.depends("procedure_deadline", "stage_id.closed")
    @api.depends_context("lang")
    def _compute_procedure_time_left(self):
        now = fields.Datetime.now()
        for ticket in self:
            deadline = ticket.procedure_deadline
            ticket.procedure_time_left = self._etp_format_time_left(deadline, now)
            urgency = False
            if deadline and not ticket.stage_id.closed:
                left = deadlines.minutes_left(deadline, now)
                if left < 0:
                    urgency = "passed"
                elif left < URGENCY_IMMINENT_MINUTES:
                    urgency = "imminent"
                elif left < URGENCY_NEAR_MINUTES:
                    urgency = "near"
            ticket.procedure_urgency = urgency

    @api.constrains("procedure_number")
    def _check_procedure_number(self):
        for ticket in self:
            self._etp_check_notice_number(ticket.procedure_number)

    @api.model
    def _etp_check_notice_number(self, number):
        """Refuse a number shaped like an EIS notice that cannot be one."""
        if identifiers.is_malformed_notice_number(number):
            raise ValidationError(
                self.env._(
                    "%(number)s is not an EIS notice number: a 44-FZ notice "
                    "has 19 digits, a 223-FZ notice 11 digits starting with 3.",
                    number=number.strip(),
                )
            )

    @api.model
    def _etp_format_time_left(self, deadline, now=None):
        """«8 min left», «1 h 5 min left», «2 d 3 h left» or «5 min
        overdue» until ``deadline`` (naive UTC), in the user's language;
        ``False`` without a deadline."""
        if not deadline:
            return False
        left = deadlines.minutes_left(deadline, now or fields.Datetime.now())
        if left == 0:
            return self.env._("less than a minute left")
        days, hours, minutes = deadlines.split_minutes(abs(left))
        if days:
            duration = self.env._("%(days)s d %(hours)s h", days=days, hours=hours)
        elif hours:
            duration = self.env._(
                "%(hours)s h %(minutes)s min", hours=hours, minutes=minutes
            )
        else:
            duration = self.env._("%(minutes)s min", minutes=minutes)
        if left < 0:
            return self.env._("%(duration)s overdue", duration=duration)
        return self.env._("%(duration)s left", duration=duration)

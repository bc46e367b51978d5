# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.etp_helpdesk.lib import deadlines

from ..lib import duty


class HelpdeskDutyShift(models.Model):
    """One operator on duty for one team from ``date_start`` to ``date_end``.

    Shifts are concrete intervals (stored in UTC, planned and shown in Moscow
    time), so a night shift 20:00–08:00 is simply one record across
    midnight. New and escalated tickets of a team with the duty roster
    enabled go to the members on duty at that instant
    (:meth:`_etp_assign_tickets`).
    """

    _name = "helpdesk.duty.shift"
    _description = "Duty Shift"
    # who gets a ticket (round robin, least loaded) and the alert when nobody
    # is on duty: helpdesk_duty_shift_assignment.py
    _inherit = ["helpdesk.duty.shift.assignment"]
    _order = "date_start desc, team_id, user_id"

    user_id = fields.Many2one(
        "res.users",
        string="Operator",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('share', '=', False), ('id', 'in', team_user_ids)]",
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        required=True,
        index=True,
        ondelete="cascade",
    )
    team_user_ids = fields.Many2many(related="team_id.user_ids", string="Members")
    company_id = fields.Many2one(
        related="team_id.company_id", store=True, index=True, readonly=True
    )
    date_start = fields.Datetime(
        string="Start",
        required=True,
        index=True,
        help="Entered and shown in the time zone of your browser; the "
        "Hours (MSK) column always shows Moscow time.",
    )
    date_end = fields.Datetime(
        string="End",
        required=True,
        index=True,
        help="A night shift ends the next morning, e.g. from 20:00 to 08:00.",
    )
    duration = fields.Float(
        string="Hours", compute="_compute_duration", store=True, aggregator="sum"
    )
    date_msk = fields.Date(
        string="Day (MSK)",
        compute="_compute_date_msk",
        store=True,
        help="The Moscow date on which the shift begins.",
    )
    hours_display = fields.Char(string="Hours (MSK)", compute="_compute_hours_display")
    is_on_duty = fields.Boolean(
        string="On Duty Now",
        compute="_compute_is_on_duty",
        search="_search_is_on_duty",
    )

    @api.depends("date_start", "date_end")
    def _compute_duration(self):
        for shift in self:
            if shift.date_start and shift.date_end:
                delta = shift.date_end - shift.date_start
                shift.duration = delta.total_seconds() / 3600
            else:
                shift.duration = 0.0

    @api.depends("date_start")
    def _compute_date_msk(self):
        for shift in self:
            shift.date_msk = shift.date_start and duty.msk_day(shift.date_start)

    @api.depends("date_start", "date_end")
    @api.depends_context("lang")
    def _compute_hours_display(self):
        for shift in self:
            if shift.date_start and shift.date_end:
                start, end, _days = duty.clock_label(shift.date_start, shift.date_end)
                shift.hours_display = self.env._(
                    "from %(start)s to %(end)s MSK", start=start, end=end
                )
            else:
                shift.hours_display = False

    def _compute_is_on_duty(self):
        now = fields.Datetime.now()
        for shift in self:
            shift.is_on_duty = bool(
                shift.date_start
                and shift.date_end
                and duty.is_on_duty(shift.date_start, shift.date_end, now)
            )

    def _search_is_on_duty(self, operator, value):
        if operator not in ("=", "!="):
            raise NotImplementedError(
                self.env._("On Duty Now can only be searched with = or !=.")
            )
        now = fields.Datetime.now()
        on_duty = [("date_start", "<=", now), ("date_end", ">", now)]
        if (operator == "=") == bool(value):
            return on_duty
        return ["|", ("date_start", ">", now), ("date_end", "<=", now)]

    @api.depends("user_id", "date_msk", "hours_display")
    def _compute_display_name(self):
        for shift in self:
            shift.display_name = self.env._(
                "%(user)s: %(day)s, %(hours)s",
                user=shift.user_id.name or "",
                day=shift.date_msk.strftime("%d.%m.%Y") if shift.date_msk else "",
                hours=shift.hours_display or "",
            )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for shift in self:
            problem = duty.check_shift(shift.date_start, shift.date_end)
            if problem == "end_not_after_start":
                raise ValidationError(
                    self.env._(
                        "The shift of %(user)s must end after it starts "
                        "(%(start)s MSK). For a night shift, end it on the next "
                        "day, e.g. from 20:00 to 08:00 of the following morning.",
                        user=shift.user_id.name,
                        start=shift._etp_msk(shift.date_start),
                    )
                )
            if problem == "too_long":
                raise ValidationError(
                    self.env._(
                        "The shift of %(user)s from %(start)s to %(end)s MSK lasts "
                        "more than 24 hours; split it into several shifts.",
                        user=shift.user_id.name,
                        start=shift._etp_msk(shift.date_start),
                        end=shift._etp_msk(shift.date_end),
                    )
                )

    @api.constrains("user_id", "team_id")
    def _check_user_in_team(self):
        for shift in self:
            if shift.user_id.share:
                raise ValidationError(
                    self.env._(
                        "%(user)s is not an internal user and cannot be on duty.",
                        user=shift.user_id.name,
                    )
                )
            if shift.user_id not in shift.team_id.user_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s is not a member of the team %(team)s. Add them "
                        "to the team's members first, then plan their shifts.",
                        user=shift.user_id.name,
                        team=shift.team_id.display_name,
                    )
                )

    @api.constrains("user_id", "team_id", "date_start", "date_end")
    def _check_overlap(self):
        """No one is on two shifts of the same team at once (one query for the
        whole batch: every shift of these people and teams in its time span)."""
        shifts = self.filtered(lambda s: s.date_start and s.date_end)
        if not shifts:
            return
        neighbours = self.search(
            [
                ("user_id", "in", shifts.user_id.ids),
                ("team_id", "in", shifts.team_id.ids),
                ("date_start", "<", max(shifts.mapped("date_end"))),
                ("date_end", ">", min(shifts.mapped("date_start"))),
            ]
        )
        clash = duty.find_overlap(
            (s.id, (s.user_id.id, s.team_id.id), s.date_start, s.date_end)
            for s in neighbours | shifts
        )
        if clash:
            first, second = self.browse([clash[0][0], clash[1][0]])
            raise ValidationError(
                self.env._(
                    "%(user)s is already on duty for %(team)s from %(start)s to "
                    "%(end)s MSK; the shift from %(other_start)s to %(other_end)s "
                    "MSK overlaps it.",
                    user=first.user_id.name,
                    team=first.team_id.display_name,
                    start=first._etp_msk(first.date_start),
                    end=first._etp_msk(first.date_end),
                    other_start=second._etp_msk(second.date_start),
                    other_end=second._etp_msk(second.date_end),
                )
            )

    def action_copy_to_next_week(self):
        """Plan the same shifts seven days later; shifts already planned
        there for the same person and team are left as they are."""
        week = timedelta(days=7)
        existing = set()
        if self:
            for shift in self.search(
                [
                    ("user_id", "in", self.user_id.ids),
                    ("team_id", "in", self.team_id.ids),
                    ("date_start", ">=", min(self.mapped("date_start")) + week),
                    ("date_start", "<=", max(self.mapped("date_start")) + week),
                ]
            ):
                existing.add(
                    (
                        shift.user_id.id,
                        shift.team_id.id,
                        shift.date_start,
                        shift.date_end,
                    )
                )
        vals_list = []
        for shift in self:
            key = (
                shift.user_id.id,
                shift.team_id.id,
                shift.date_start + week,
                shift.date_end + week,
            )
            if key in existing:
                continue
            existing.add(key)
            vals_list.append(
                {
                    "user_id": key[0],
                    "team_id": key[1],
                    "date_start": key[2],
                    "date_end": key[3],
                }
            )
        created = self.create(vals_list)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s shifts planned for the next week.",
                    count=len(created),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _etp_msk(self, value):
        """A naive UTC datetime as Moscow time, e.g. ``24.11.2026 20:00``."""
        return deadlines.format_msk(value, "%(msk)s")

    @api.model
    def _etp_fill_roster(self, assignments, first_day=None, days=15, pattern=None):
        """Plan shifts after a daily ``pattern`` (Moscow clock times, by
        default a day shift 08:00–20:00 and a night shift 20:00–08:00) for
        each ``(user id, team id)`` of ``assignments``, on ``days`` days from
        ``first_day`` (default: the Sunday before this Moscow week, so that
        its night shift covers Monday morning). Shifts that would overlap one
        already planned are skipped. Used by the demo data."""
        pattern = pattern or [("08:00", "20:00"), ("20:00", "08:00")]
        if first_day is None:
            first_day = duty.week_monday(fields.Datetime.now()) - timedelta(days=1)
        bounds = duty.daily_shifts(first_day, days, pattern)
        if not bounds or not assignments:
            return self.browse()
        users = [user_id for user_id, _team_id in assignments]
        teams = [team_id for _user_id, team_id in assignments]
        planned = [
            ((s.user_id.id, s.team_id.id), s.date_start, s.date_end)
            for s in self.search(
                [
                    ("user_id", "in", users),
                    ("team_id", "in", teams),
                    ("date_start", "<", bounds[-1][1]),
                    ("date_end", ">", bounds[0][0]),
                ]
            )
        ]
        vals_list = [
            {
                "user_id": user_id,
                "team_id": team_id,
                "date_start": start,
                "date_end": end,
            }
            for user_id, team_id in assignments
            for start, end in bounds
            if not any(
                owner == (user_id, team_id) and duty.overlaps(start, end, s, e)
                for owner, s, e in planned
            )
        ]
        return self.create(vals_list)

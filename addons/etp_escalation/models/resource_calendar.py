# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models, tools

from ..lib import sla as sla_rules

# Context key set by the SLA code around helpdesk_mgmt_sla's clock
SLA_CLOCK = "etp_sla_clock"


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _etp_plain_clock(self):
        """Whether SLA time on this calendar is plain time: asked for by the
        SLA code (context ``etp_sla_clock``) and the calendar is none (a team
        without working hours) or covers every hour of the week. A desk that
        works round the clock works on public holidays too, so leaves do not
        count, and no work intervals need to be read."""
        if not self.env.context.get(SLA_CLOCK) or len(self) > 1:
            return False
        return not self or self._etp_round_the_clock(self.id, self.write_date)

    @tools.ormcache("calendar_id", "write_date")
    def _etp_round_the_clock(self, calendar_id, write_date):
        calendar = self.sudo().browse(calendar_id)
        if calendar.two_weeks_calendar or calendar.flexible_hours:
            return False
        return sla_rules.is_round_the_clock(
            (attendance.dayofweek, attendance.hour_from, attendance.hour_to)
            for attendance in calendar.attendance_ids
            if not attendance.display_type and not attendance.resource_id
        )

    def get_work_hours_count(self, start_dt, end_dt, compute_leaves=True, domain=None):
        if self._etp_plain_clock():
            return sla_rules.hours_between(start_dt, end_dt)
        return super().get_work_hours_count(
            start_dt, end_dt, compute_leaves=compute_leaves, domain=domain
        )

    def plan_hours(
        self, hours, day_dt, compute_leaves=False, domain=None, resource=None
    ):
        if self._etp_plain_clock():
            return sla_rules.add_hours(day_dt, hours)
        return super().plan_hours(
            hours,
            day_dt,
            compute_leaves=compute_leaves,
            domain=domain,
            resource=resource,
        )

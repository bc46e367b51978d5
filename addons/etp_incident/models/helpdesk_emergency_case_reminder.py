# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The reminders of ``helpdesk.emergency.case`` (a mixin it inherits): hours
before the deadline (``lib/reminders.py``) when the organisations that have
not finished are reminded, shown and typed as durations, and the cron that
sends them."""

import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.etp_helpdesk.lib import deadlines

from ..lib.reminders import MAX_REMINDER_HOURS, format_hours, parse_reminder_hours

_logger = logging.getLogger(__name__)

REMINDER_HOURS_PARAM = "etp_incident.emergency_case_reminder_hours"
DEFAULT_REMINDER_HOURS = "24,2"


class HelpdeskEmergencyCaseReminder(models.AbstractModel):
    _name = "helpdesk.emergency.case.reminder"
    _description = "Emergency Case Reminders"

    reminder_hours = fields.Char(
        string="Reminders (hours before)",
        default=lambda self: self._default_reminder_hours(),
        help="Comma-separated hours before the deadline at which the "
        "organisations that have not finished get a reminder, e.g. 24,2.",
    )
    reminder_points = fields.Char(
        string="Reminders",
        compute="_compute_reminder_points",
        inverse="_inverse_reminder_points",
        help="How long before the deadline the organisations that have not "
        "finished get a reminder, separated by commas, e.g. «24 h, 2 h» or "
        "«2 d, 6 h, 30 min».",
    )

    @api.model
    def _default_reminder_hours(self):
        value = (
            self.env["ir.config_parameter"].sudo().get_param(REMINDER_HOURS_PARAM)
            or DEFAULT_REMINDER_HOURS
        )
        try:
            return format_hours(parse_reminder_hours(value))
        except ValueError:
            return DEFAULT_REMINDER_HOURS

    @api.depends("reminder_hours")
    @api.depends_context("lang")
    def _compute_reminder_points(self):
        Ticket = self.env["helpdesk.ticket"]
        for case in self:
            try:
                points = parse_reminder_hours(case.reminder_hours)
            except ValueError:
                case.reminder_points = case.reminder_hours
                continue
            case.reminder_points = ", ".join(
                Ticket._etp_format_duration(hours) for hours in points
            )

    def _inverse_reminder_points(self):
        Ticket = self.env["helpdesk.ticket"]
        units = Ticket._etp_duration_units()
        for case in self:
            try:
                points = deadlines.parse_durations(case.reminder_points, units)
                if not all(0 < hours <= MAX_REMINDER_HOURS for hours in points):
                    raise ValueError("out_of_range")
            except ValueError:
                raise ValidationError(
                    self.env._(
                        "Reminders of %(case)s: give how long before the deadline, "
                        "separated by commas, e.g. «%(example)s» (not «%(value)s»).",
                        case=case.name,
                        example=", ".join(
                            Ticket._etp_format_duration(h) for h in (24, 2)
                        ),
                        value=case.reminder_points,
                    )
                ) from None
            case.reminder_hours = format_hours(points)

    @api.constrains("reminder_hours")
    def _check_reminder_hours(self):
        for case in self:
            try:
                parse_reminder_hours(case.reminder_hours)
            except ValueError:
                raise ValidationError(
                    self.env._(
                        "Reminders of %(case)s: give hours before the deadline as "
                        "positive numbers separated by commas, e.g. 24,2 (not "
                        "%(value)s).",
                        case=case.name,
                        value=case.reminder_hours,
                    )
                ) from None

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------

    def _etp_reminder_points(self):
        """Reminder points of the case, in hours before the deadline, largest
        first; a broken setting falls back to the default."""
        self.ensure_one()
        try:
            return parse_reminder_hours(self.reminder_hours)
        except ValueError:
            return parse_reminder_hours(DEFAULT_REMINDER_HOURS)

    @api.model
    def _cron_send_reminders(self, batch_size=500):
        """Remind the contacts of the organisations that have not finished at
        the reminder points before the deadline, each point once per line, and
        send each responsible operator a summary. Works in batches; a case that
        fails is logged and the others go on."""
        # Crons run without a language: write in the company's.
        self = self.with_context(lang=self.env.lang or self.env.company._etp_lang())
        now = fields.Datetime.now()
        Line = self.env["helpdesk.emergency.case.line"]
        domain = Line._etp_reminder_due_domain(now)
        lines = Line.search(domain, order="next_reminder_at, id", limit=batch_size)
        failed = Line
        for case, case_lines in lines.grouped("case_id").items():
            try:
                with self.env.cr.savepoint():
                    case._etp_send_reminders(case_lines, now)
            except Exception:
                _logger.exception(
                    "Emergency case %s: reminders to %s organisations failed",
                    case.id,
                    len(case_lines),
                )
                failed |= case_lines
        remaining = (
            Line.search_count(domain + [("id", "not in", failed.ids)])
            if len(lines) == batch_size
            else 0
        )
        self.env["ir.cron"]._notify_progress(
            done=len(lines) - len(failed), remaining=remaining
        )

    def _etp_send_reminders(self, lines, now):
        """Send one reminder to each of ``lines`` (of this case) whose reminder
        point has come, mark every point up to now as sent, and post a summary
        for the responsible operator."""
        self.ensure_one()
        lines._etp_mark_reminders(
            h
            for h in self._etp_reminder_points()
            if self.deadline - timedelta(hours=h) <= now
        )
        lines.ticket_id._etp_post_notices(
            self.env.ref("etp_incident.mail_template_emergency_case_reminder"),
            author=self.user_id.partner_id,
        )
        items = Markup().join(
            Markup("<li>%s — %s</li>") % (line.partner_id.name, line.contact_id.name)
            for line in lines
        )
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._(
                    "Reminder sent to %(count)s organisations that have not "
                    "finished (%(progress)s, deadline %(deadline)s):",
                    count=len(lines),
                    progress=self.progress_display,
                    deadline=self.deadline_display,
                ),
                items,
            ),
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )

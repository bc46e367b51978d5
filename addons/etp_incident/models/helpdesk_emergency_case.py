# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import Counter, defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty

from odoo.addons.etp_helpdesk.lib import deadlines
from odoo.addons.etp_helpdesk.models.helpdesk_ticket_team import AUDIENCES

_logger = logging.getLogger(__name__)

CASE_STATES = [
    ("draft", "Draft"),
    ("in_progress", "In progress"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
REMINDER_HOURS_PARAM = "etp_incident.emergency_case_reminder_hours"
DEFAULT_REMINDER_HOURS = "24,2"
MAX_REMINDER_HOURS = 24 * 366


def parse_reminder_hours(text):
    """Parse ``"24, 2"`` into ``[24.0, 2.0]`` (distinct, largest first).

    Raise ``ValueError`` for anything that is not a comma-separated list of
    positive numbers of hours up to a year.
    """
    hours = set()
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        value = float(part)
        if not 0 < value <= MAX_REMINDER_HOURS:  # also refuses nan and inf
            raise ValueError(part)
        hours.add(value)
    return sorted(hours, reverse=True)


def format_hours(hours):
    """``[24.0, 2.0]`` → ``"24,2"``: the storage form of reminder points."""
    return ",".join(f"{h:g}" for h in sorted(set(hours), reverse=True))


class HelpdeskEmergencyCase(models.Model):
    _name = "helpdesk.emergency.case"
    _description = "Emergency Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state_sequence, deadline, id desc"

    name = fields.Char(required=True, tracking=True)
    procedure_number = fields.Char(
        index=True,
        tracking=True,
        help="EIS notice number of the procedure the case is about (19 digits "
        "under 44-FZ, 11 digits starting with 3 under 223-FZ) or the platform's "
        "own procedure number.",
    )
    regulator_order = fields.Char(
        tracking=True,
        help="Reference of the order that the organisations have to carry out, "
        "e.g. the FAS order number.",
    )
    deadline = fields.Datetime(
        required=True,
        tracking=True,
        help="When the order must be fulfilled (stored in UTC, shown in Moscow "
        "time and in each organisation's local time).",
    )
    deadline_display = fields.Char(
        string="Deadline (MSK)", compute="_compute_deadline_display"
    )
    instructions = fields.Html(
        help="Step by step: what each organisation has to do. Sent to every "
        "contact and copied into every child ticket.",
    )
    audience = fields.Selection(
        AUDIENCES,
        required=True,
        default="customer",
        tracking=True,
        help="Who the affected organisations are; the child tickets go to the "
        "line-1 desk of this audience.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        domain=[("share", "=", False)],
        help="Operator who follows the case; child tickets are assigned to them "
        "and reminder summaries go to them.",
    )
    state = fields.Selection(
        CASE_STATES,
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    line_ids = fields.One2many(
        "helpdesk.emergency.case.line",
        "case_id",
        string="Organisations",
        copy=True,
    )
    ticket_ids = fields.One2many(
        "helpdesk.ticket", "emergency_case_id", string="Child Tickets"
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count")
    to_send_count = fields.Integer(
        string="Without Ticket",
        compute="_compute_to_send_count",
        help="Organisations that have no ticket and no instructions yet.",
    )
    done_count = fields.Integer(string="Done", compute="_compute_progress", store=True)
    total_count = fields.Integer(
        string="To Do",
        compute="_compute_progress",
        store=True,
        help="Organisations that have to act: all of them but the waived ones.",
    )
    waived_count = fields.Integer(
        string="Waived", compute="_compute_progress", store=True
    )
    progress = fields.Float(
        string="Progress (%)",
        compute="_compute_progress",
        store=True,
        aggregator="avg",
        help="Share of the organisations that have finished, in percent.",
    )
    progress_display = fields.Char(
        string="Progress", compute="_compute_progress_display"
    )
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
    sent_at = fields.Datetime(string="Instructions Sent", readonly=True, copy=False)
    closed_at = fields.Datetime(readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
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

    @api.depends("deadline")
    def _compute_deadline_display(self):
        for case in self:
            case.deadline_display = deadlines.format_deadline(case.deadline, False)

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {
            state: position for position, (state, _label) in enumerate(CASE_STATES)
        }
        for case in self:
            case.state_sequence = order.get(case.state, 0)

    @api.depends("ticket_ids")
    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("emergency_case_id", "in", self.ids)],
                ["emergency_case_id"],
                ["__count"],
            )
        )
        for case in self:
            case.ticket_count = counts.get(case._origin, 0)

    @api.depends("line_ids.ticket_id", "line_ids.status")
    def _compute_to_send_count(self):
        for case in self:
            case.to_send_count = len(
                case.line_ids.filtered(
                    lambda line: not line.ticket_id and line.status == "pending"
                )
            )

    @api.depends("line_ids.status")
    def _compute_progress(self):
        counts = defaultdict(Counter)
        saved = self.filtered(lambda c: isinstance(c.id, int))
        if saved:
            for case, status, count in (
                self.env["helpdesk.emergency.case.line"]
                .sudo()
                ._read_group(
                    [("case_id", "in", saved.ids)],
                    ["case_id", "status"],
                    ["__count"],
                )
            ):
                counts[case.id][status] += count
        saved_ids = set(saved.ids)
        for case in self:
            if case.id in saved_ids:
                by_status = counts[case.id]
            else:  # a form being edited: count what the operator sees
                by_status = Counter(case.line_ids.mapped("status"))
            waived = by_status["waived"]
            done = by_status["done"]
            total = sum(by_status.values()) - waived
            case.done_count = done
            case.total_count = total
            case.waived_count = waived
            case.progress = 100.0 * done / total if total else 0.0

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

    @api.depends("done_count", "total_count", "waived_count")
    def _compute_progress_display(self):
        for case in self:
            text = self.env._(
                "%(done)s of %(total)s done",
                done=case.done_count,
                total=case.total_count,
            )
            if case.waived_count:
                text = self.env._(
                    "%(progress)s, %(waived)s waived",
                    progress=text,
                    waived=case.waived_count,
                )
            case.progress_display = text

    @api.constrains("procedure_number")
    def _check_procedure_number(self):
        for case in self:
            self.env["helpdesk.ticket"]._etp_check_notice_number(case.procedure_number)

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

    def write(self, vals):
        if "deadline" not in vals:
            return super().write(vals)
        moved = self.filtered(
            lambda c: c.deadline != fields.Datetime.to_datetime(vals["deadline"])
        )
        result = super().write(vals)
        # a new deadline gets its own reminders
        moved.line_ids.filtered("reminder_sent_hours").write(
            {"reminder_sent_hours": False}
        )
        return result

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for case, vals in zip(self, vals_list, strict=True):
            if "name" not in (default or {}):
                vals["name"] = self.env._("%(name)s (copy)", name=case.name)
        return vals_list

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(case.state in ("in_progress", "done") for case in self):
            raise UserError(
                self.env._(
                    "A case whose instructions went out cannot be deleted; "
                    "cancel it instead."
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_send_instructions(self):
        """Create a child ticket per organisation that has none yet and send
        it the instructions (template), posted on the ticket so that replies
        thread into it."""
        if not self.env.lang:  # data loading, a cron: the company's language
            self = self.with_context(lang=self.env.company._etp_lang())
        self.ensure_one()
        self.check_access("write")
        if self.state not in ("draft", "in_progress"):
            raise UserError(
                self.env._(
                    "Case %(name)s is closed or cancelled: no instructions go out.",
                    name=self.name,
                )
            )
        if is_html_empty(self.instructions):
            raise UserError(
                self.env._(
                    "Write the step-by-step instructions of case %(name)s first.",
                    name=self.name,
                )
            )
        lines = self.line_ids.filtered(
            lambda line: not line.ticket_id and line.status == "pending"
        )
        if not lines:
            raise UserError(
                self.env._(
                    "Every organisation of case %(name)s already has its ticket; "
                    "add organisations first.",
                    name=self.name,
                )
            )
        # Whoever may change the case may open its child tickets, whichever
        # desk they fall into and whoever they are assigned to.
        # The mail layer's work on new tickets, done for the batch: no "ticket
        # created" message (the instructions follow at once), followers added
        # at once, no "you are assigned" email per ticket.
        Ticket = self.env["helpdesk.ticket"].sudo()
        tickets = (
            Ticket.with_context(tracking_disable=True)
            .create([line._etp_prepare_ticket_vals() for line in lines])
            .with_env(Ticket.env)
        )
        tickets._etp_subscribe_created()
        tickets._etp_post_notices(
            self.env.ref("etp_incident.mail_template_emergency_case_instructions"),
            author=self.user_id.partner_id,
        )
        now = fields.Datetime.now()
        lines.write({"status": "instructions_sent", "instructions_sent_at": now})
        vals = {"state": "in_progress"}
        if not self.sent_at:
            vals["sent_at"] = now
        self.write(vals)
        self.message_post(
            body=self.env._(
                "Instructions sent to %(count)s organisations; one ticket each.",
                count=len(lines),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def action_done(self):
        """Close the case once every organisation is done or waived."""
        self.ensure_one()
        if self.state != "in_progress":
            raise UserError(
                self.env._(
                    "Only a case in progress can be closed; %(name)s is %(state)s.",
                    name=self.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        self.state
                    ],
                )
            )
        pending = self.line_ids.filtered(
            lambda line: line.status not in ("done", "waived")
        )
        if pending:
            raise UserError(
                self.env._(
                    "Case %(name)s cannot be closed: %(count)s organisations have "
                    "not finished yet: %(organisations)s. Wait until they are "
                    "done or waive them with a reason.",
                    name=self.name,
                    count=len(pending),
                    organisations=", ".join(pending.partner_id.mapped("name")),
                )
            )
        self.write({"state": "done", "closed_at": fields.Datetime.now()})
        return True

    def action_cancel(self):
        self.ensure_one()
        if self.state == "done":
            raise UserError(
                self.env._(
                    "Case %(name)s is done: it cannot be cancelled.", name=self.name
                )
            )
        self.write({"state": "cancelled"})
        return True

    def action_reset_draft(self):
        self.ensure_one()
        if self.state != "cancelled":
            raise UserError(
                self.env._(
                    "Only a cancelled case goes back to draft; %(name)s is not "
                    "cancelled.",
                    name=self.name,
                )
            )
        self.write({"state": "draft"})
        return True

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action.update(
            {
                "name": self.env._("Child tickets of %(name)s", name=self.name),
                "domain": [("emergency_case_id", "=", self.id)],
                "context": {"create": False},
                "view_mode": "list,form",
                "views": [(False, "list"), (False, "form")],
            }
        )
        return action

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

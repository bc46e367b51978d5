# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.etp_helpdesk.models.helpdesk_ticket_requester_time import TZ_SOURCES

from ..lib.reminders import format_hours, parse_reminder_hours

LINE_STATUSES = [
    ("pending", "Pending"),
    ("instructions_sent", "Instructions sent"),
    ("in_progress", "In progress"),
    ("done", "Done"),
    ("waived", "Waived"),
]
OPEN_STATUSES = ("pending", "instructions_sent", "in_progress")


class HelpdeskEmergencyCaseLine(models.Model):
    _name = "helpdesk.emergency.case.line"
    _description = "Emergency Case Organisation"
    _inherit = ["helpdesk.ticket.link.mixin"]
    _order = "case_id, sequence, id"
    _rec_name = "partner_id"

    case_id = fields.Many2one(
        "helpdesk.emergency.case",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(
        "res.partner",
        string="Organisation",
        required=True,
        index=True,
        domain=[("is_company", "=", True)],
    )
    contact_id = fields.Many2one(
        "res.partner",
        required=True,
        domain="[('id', 'child_of', partner_id), ('id', '!=', partner_id), "
        "('email', '!=', False)]",
        help="The person of the organisation who gets the instructions and the "
        "reminders, and who is the requester of the child ticket.",
    )
    contact_email = fields.Char(related="contact_id.email", string="Email")
    tz = fields.Char(
        string="Time Zone",
        compute="_compute_tz",
        help="The contact's time zone by the desk's one rule: the contact's own, "
        "else the organisation's, else the one of the organisation's region, "
        "else Moscow time. The child ticket follows the same rule.",
    )
    tz_source = fields.Selection(
        TZ_SOURCES, string="Time Zone Source", compute="_compute_tz"
    )
    deadline_local = fields.Char(
        string="Deadline (MSK / local)", compute="_compute_deadline_local"
    )
    ticket_ids = fields.One2many(
        "helpdesk.ticket", "emergency_case_line_id", string="Child Tickets"
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Child Ticket",
        compute="_compute_ticket_id",
        store=True,
        index="btree_not_null",
    )
    ticket_number = fields.Char(related="ticket_id.number", string="Child Ticket No.")
    ticket_stage_id = fields.Many2one(
        related="ticket_id.stage_id", string="Ticket Stage"
    )
    # Set by the actions (instructions sent, waived) and by the child ticket:
    # a closed stage makes the line done, reopening it makes it in progress.
    status = fields.Selection(
        LINE_STATUSES,
        compute="_compute_status",
        store=True,
        readonly=False,
        index=True,
        copy=False,
    )
    done_date = fields.Datetime(
        compute="_compute_status",
        store=True,
        readonly=False,
        copy=False,
    )
    instructions_sent_at = fields.Datetime(readonly=True, copy=False)
    waive_reason = fields.Text(copy=False)
    reminder_sent_hours = fields.Char(
        string="Reminders Sent",
        readonly=True,
        copy=False,
        help="Reminder points (hours before the deadline) already sent to this "
        "organisation; a point is never sent twice.",
    )
    reminder_sent_display = fields.Char(
        string="Reminded Before the Deadline",
        compute="_compute_reminder_sent_display",
        help="Reminders already sent to this organisation, by how long before "
        "the deadline.",
    )
    next_reminder_at = fields.Datetime(
        compute="_compute_next_reminder_at",
        store=True,
        index="btree_not_null",
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True)

    _sql_constraints = [
        (
            "case_partner_uniq",
            "unique(case_id, partner_id)",
            "An organisation appears only once in a case.",
        ),
    ]

    @api.depends(
        "contact_id.tz",
        "contact_id.commercial_partner_id",
        "partner_id.tz",
        "partner_id.state_id",
        "partner_id.country_id",
        "partner_id.kpp",
        "partner_id.vat",
    )
    def _compute_tz(self):
        for line in self:
            requester = line.contact_id or line.partner_id
            line.tz, line.tz_source = requester._etp_requester_tz()

    @api.depends("case_id.deadline", "tz")
    @api.depends_context("lang")
    def _compute_deadline_local(self):
        Ticket = self.env["helpdesk.ticket"]
        for line in self:
            line.deadline_local = Ticket._etp_format_deadline(
                line.case_id.deadline, line.tz, reader="operator"
            )

    @api.depends("ticket_ids")
    def _compute_ticket_id(self):
        for line in self:
            line.ticket_id = line._etp_child_ticket()

    # Through the one2many: a ticket's stage change reaches its line through
    # the ticket's own many2one, without searching the lines.
    @api.depends("ticket_ids.stage_id")
    def _compute_status(self):
        now = fields.Datetime.now()
        for line in self:
            status = line.status or "pending"
            stage = line._etp_child_ticket().stage_id
            if stage and status != "waived":
                if stage.closed:
                    status = "done"
                elif status == "done":  # the ticket was reopened
                    status = "in_progress"
                elif status in ("pending", "instructions_sent") and (
                    not stage.unattended
                ):
                    status = "in_progress"
            line.status = status
            if status != "done":
                line.done_date = False
            elif not line.done_date:
                line.done_date = now

    @api.depends("reminder_sent_hours")
    @api.depends_context("lang")
    def _compute_reminder_sent_display(self):
        Ticket = self.env["helpdesk.ticket"]
        for line in self:
            line.reminder_sent_display = ", ".join(
                Ticket._etp_format_duration(hours)
                for hours in sorted(line._etp_sent_hours(), reverse=True)
            )

    @api.depends(
        "case_id.deadline", "case_id.reminder_hours", "status", "reminder_sent_hours"
    )
    def _compute_next_reminder_at(self):
        for line in self:
            case = line.case_id
            if not case.deadline or line.status not in OPEN_STATUSES:
                line.next_reminder_at = False
                continue
            sent = line._etp_sent_hours()
            pending = [h for h in case._etp_reminder_points() if h not in sent]
            line.next_reminder_at = (
                case.deadline - timedelta(hours=pending[0]) if pending else False
            )

    @api.constrains("partner_id", "contact_id")
    def _check_contact(self):
        for line in self:
            if not line.partner_id.is_company:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is a person, not an organisation: choose the "
                        "organisation and put the person as its contact.",
                        partner=line.partner_id.display_name,
                    )
                )
            parent = line.contact_id.parent_id
            while parent and parent != line.partner_id:
                parent = parent.parent_id
            if not parent:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(organisation)s.",
                        contact=line.contact_id.display_name,
                        organisation=line.partner_id.display_name,
                    )
                )
            if not line.contact_id.email:
                raise ValidationError(
                    self.env._(
                        "%(contact)s of %(organisation)s has no email: the "
                        "instructions could not reach them.",
                        contact=line.contact_id.name,
                        organisation=line.partner_id.name,
                    )
                )

    @api.constrains("status", "waive_reason")
    def _check_waive_reason(self):
        for line in self:
            if line.status == "waived" and not (line.waive_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "%(organisation)s can only be waived with a reason.",
                        organisation=line.partner_id.name,
                    )
                )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.contact_id and self.contact_id.parent_id == self.partner_id:
            return
        self.contact_id = self.partner_id.child_ids.filtered("email")[:1]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_ticket(self):
        if any(line.ticket_id for line in self):
            raise UserError(
                self.env._(
                    "An organisation that already got its ticket cannot be "
                    "removed from the case; waive it with a reason instead."
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_mark_done(self):
        """The operator confirms that the organisations are done: their open
        child tickets are closed, which makes the lines done."""
        self.check_access("write")
        self._etp_check_case_open()
        lines = self.filtered(lambda line: line.status in OPEN_STATUSES)
        # whoever may change the case may close its child tickets
        open_tickets = lines.sudo().ticket_id.filtered(lambda t: not t.closed)
        for team, tickets in open_tickets.grouped("team_id").items():
            tickets.write({"stage_id": self._etp_done_stage(team).id})
        lines.filtered(lambda line: line.status != "done").write(
            {"status": "done", "done_date": fields.Datetime.now()}
        )
        return True

    def action_waive(self):
        self._etp_check_case_open()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waive organisations"),
            "res_model": "helpdesk.emergency.case.waive.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_ids": self.ids},
        }

    def action_reinstate(self):
        """Undo a waiver: the organisation has to act again."""
        self._etp_check_case_open()
        self.check_access("write")
        for line in self.filtered(lambda line: line.status == "waived"):
            ticket = line._etp_child_ticket()
            stage = ticket.stage_id
            if not ticket:
                status = "pending"
            elif stage.closed:
                status = "done"
            elif stage.unattended:
                status = "instructions_sent"
            else:
                status = "in_progress"
            line.write({"status": status, "waive_reason": False})
            line.case_id.message_post(
                body=self.env._(
                    "%(organisation)s is no longer waived.",
                    organisation=line.partner_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _etp_child_ticket(self):
        """The child ticket, whoever may read it (the computes that follow it
        run as whoever changed the ticket)."""
        self.ensure_one()
        return self.sudo().with_context(active_test=False).ticket_ids[:1]

    def _etp_check_case_open(self):
        closed = self.case_id.filtered(lambda c: c.state in ("done", "cancelled"))
        if closed:
            raise UserError(
                self.env._(
                    "Case %(name)s is closed or cancelled: its organisations "
                    "cannot change any more.",
                    name=closed[0].name,
                )
            )

    @api.model
    def _etp_done_stage(self, team):
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        stages = team._get_applicable_stages()
        return done if done in stages else stages.filtered("closed")[:1] or done

    def _etp_prepare_ticket_vals(self):
        """Values of the child ticket of this organisation."""
        self.ensure_one()
        case = self.case_id
        vals = {
            "name": f"{case.name} — {self.partner_id.name}",
            "description": case.instructions,
            "partner_id": self.contact_id.id,
            "partner_name": self.contact_id.name,
            "partner_email": self.contact_id.email,
            "audience": case.audience,
            "procedure_number": case.procedure_number,
            "procedure_deadline": case.deadline,
            "procedure_deadline_kind": "regulator",
            "priority": "2",
            "emergency_case_id": case.id,
            "emergency_case_line_id": self.id,
            "company_id": case.company_id.id,
        }
        if case.user_id:
            vals["user_id"] = case.user_id.id
        return vals

    def _etp_sent_hours(self):
        self.ensure_one()
        try:
            return set(parse_reminder_hours(self.reminder_sent_hours))
        except ValueError:
            return set()

    @api.model
    def _etp_reminder_due_domain(self, now):
        return [
            ("next_reminder_at", "<=", now),
            ("status", "in", list(OPEN_STATUSES)),
            ("ticket_id", "!=", False),
            ("case_id.state", "=", "in_progress"),
            ("case_id.deadline", ">", now),
        ]

    def _etp_mark_reminders(self, points):
        """Record the reminder ``points`` (hours) as sent."""
        points = set(points)
        for line in self:
            line.reminder_sent_hours = format_hours(line._etp_sent_hours() | points)

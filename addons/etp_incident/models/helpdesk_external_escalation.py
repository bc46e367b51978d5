# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from .helpdesk_external_party import CHANNELS

_logger = logging.getLogger(__name__)

ESCALATION_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("waiting", "Waiting for answer"),
    ("answered", "Answered"),
    ("closed", "Closed"),
]
# While one of these is on a ticket, the ticket waits for the external party
# and its SLA clock is paused.
OPEN_STATES = ("sent", "waiting")
WAITING_STAGE_XMLID = "etp_escalation.helpdesk_ticket_stage_waiting_external"


class HelpdeskExternalEscalation(models.Model):
    _name = "helpdesk.external.escalation"
    _description = "External Escalation"
    _inherit = [
        "helpdesk.ticket.child.mixin",
        "helpdesk.ticket.link.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "state_sequence, due_date, id desc"
    _rec_names_search = ["external_ref", "party_id", "ticket_id"]
    _check_company_auto = True

    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        check_company=True,
    )
    party_id = fields.Many2one(
        "helpdesk.external.party",
        string="External Party",
        required=True,
        ondelete="restrict",
        tracking=True,
    )
    external_ref = fields.Char(
        string="Their Ticket Number",
        tracking=True,
        copy=False,
        help="The number the external party gave to our request.",
    )
    channel = fields.Selection(
        CHANNELS,
        compute="_compute_channel",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
    )
    sent_at = fields.Datetime(tracking=True, copy=False)
    due_date = fields.Date(
        compute="_compute_due_date",
        store=True,
        readonly=False,
        tracking=True,
        help="When the external party should have answered; filled from the "
        "party's usual answer time when the request is sent.",
    )
    state = fields.Selection(
        ESCALATION_STATES,
        string="Status",
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Our Contact",
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        tracking=True,
    )
    note = fields.Html(string="Request", help="What we asked them.")
    answer = fields.Text(help="What they answered.")
    answered_at = fields.Datetime(readonly=True, copy=False)
    previous_stage_id = fields.Many2one(
        "helpdesk.ticket.stage",
        string="Stage Before Waiting",
        readonly=True,
        copy=False,
        help="The stage the ticket goes back to when its last open external "
        "escalation is answered or closed.",
    )
    is_overdue = fields.Boolean(
        string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue"
    )
    overdue_notified = fields.Boolean(
        readonly=True,
        copy=False,
        help="An overdue to-do was already given to our contact for the "
        "current due date.",
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, index=True, precompute=True
    )

    @api.depends("party_id")
    def _compute_channel(self):
        for escalation in self:
            escalation.channel = escalation.party_id.channel or "email"

    @api.depends("party_id", "sent_at")
    def _compute_due_date(self):
        for escalation in self:
            if escalation.sent_at and escalation.party_id:
                escalation.due_date = escalation.sent_at.date() + timedelta(
                    days=escalation.party_id.response_days
                )
            else:
                escalation.due_date = escalation.due_date

    @api.depends("state")
    def _compute_state_sequence(self):
        # open first, then drafts, then finished ones
        order = {"waiting": 1, "sent": 1, "draft": 2, "answered": 3, "closed": 4}
        for escalation in self:
            escalation.state_sequence = order.get(escalation.state, 5)

    @api.depends("state", "due_date")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for escalation in self:
            escalation.is_overdue = bool(
                escalation.state in OPEN_STATES
                and escalation.due_date
                and escalation.due_date < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Overdue."))
        domain = [
            ("state", "in", OPEN_STATES),
            ("due_date", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    @api.depends("party_id", "external_ref", "ticket_id")
    def _compute_display_name(self):
        for escalation in self:
            escalation.display_name = " · ".join(
                part
                for part in (
                    escalation.party_id.name,
                    escalation.external_ref,
                    escalation.ticket_id.number,
                )
                if part
            )

    @api.model_create_multi
    def create(self, vals_list):
        Ticket = self.env["helpdesk.ticket"]
        for vals in vals_list:
            if vals.get("state") in OPEN_STATES:
                vals.setdefault("sent_at", fields.Datetime.now())
                self._etp_check_ticket_open(Ticket.browse(vals.get("ticket_id")))
        escalations = super().create(vals_list)
        opened = escalations.filtered(lambda e: e.state in OPEN_STATES)
        opened.ticket_id._etp_sync_external_pause()
        return escalations

    def write(self, vals):
        moved = self.browse()
        if "due_date" in vals:
            # a new due date arms the overdue to-do again
            due = fields.Date.to_date(vals["due_date"])
            moved = self.filtered(lambda e: e.due_date != due)
        if "state" not in vals and "ticket_id" not in vals:
            result = super().write(vals)
        else:
            opening = self.filtered(
                lambda e: vals.get("state", e.state) in OPEN_STATES
                and (e.state not in OPEN_STATES or "ticket_id" in vals)
            )
            if opening:
                self._etp_check_ticket_open(
                    self.env["helpdesk.ticket"].browse(vals["ticket_id"])
                    if "ticket_id" in vals
                    else opening.ticket_id
                )
            tickets = self.ticket_id
            result = super().write(vals)
            (tickets | self.ticket_id)._etp_sync_external_pause()
        if moved:
            super(HelpdeskExternalEscalation, moved).write({"overdue_notified": False})
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_open(self):
        if any(escalation.state in OPEN_STATES for escalation in self):
            raise UserError(
                self.env._(
                    "An external escalation that is still open cannot be deleted: "
                    "close it first, so that its ticket leaves the waiting stage."
                )
            )

    def action_send(self):
        self._etp_set_state("sent", ["draft"])

    def action_wait(self):
        self._etp_set_state("waiting", ["sent"])

    def action_answer(self):
        self._etp_set_state("answered", ["sent", "waiting"])

    def action_close(self):
        self._etp_set_state("closed", ["draft", "sent", "waiting", "answered"])

    def action_reopen(self):
        self._etp_set_state("waiting", ["answered", "closed"])

    @api.model
    def _etp_check_ticket_open(self, tickets):
        """An escalation opens only on a ticket that is not closed: the ticket
        is going to wait for the answer."""
        closed = tickets.filtered("closed")
        if closed:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s is closed: reopen it before escalating it "
                    "to an external party.",
                    ticket=closed[0].display_name,
                )
            )

    def _etp_set_state(self, state, allowed_from):
        wrong = self.filtered(lambda e: e.state not in allowed_from)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "External escalation %(name)s is %(state)s and cannot become "
                    "%(target)s.",
                    name=wrong[0].display_name,
                    state=labels[wrong[0].state],
                    target=labels[state],
                )
            )
        if state in OPEN_STATES:
            self._etp_check_ticket_open(self.ticket_id)
        vals = {"state": state}
        now = fields.Datetime.now()
        if state == "answered":
            vals["answered_at"] = now
        if state == "sent":
            # each record keeps a sent_at given by hand
            self.filtered(lambda e: not e.sent_at).write({"sent_at": now})
        self.write(vals)

    @api.model
    def _cron_notify_overdue(self, limit=100):
        """Give our contact one to-do per overdue escalation (open, due date
        passed). ``overdue_notified`` makes it once per due date; moving the
        due date arms it again."""
        # Crons run without a language: write in the company's.
        self = self.with_context(lang=self.env.lang or self.env.company._etp_lang())
        domain = [
            ("state", "in", OPEN_STATES),
            ("due_date", "<", fields.Date.context_today(self)),
            ("overdue_notified", "=", False),
        ]
        escalations = self.search(domain, order="due_date, id", limit=limit)
        done = self.browse()
        try:
            with self.env.cr.savepoint():
                escalations._etp_schedule_overdue_activities()
            done = escalations
        except Exception:
            _logger.exception(
                "Overdue external escalations: the batch failed, trying them one by one"
            )
            for escalation in escalations:
                try:
                    with self.env.cr.savepoint():
                        escalation._etp_schedule_overdue_activities()
                    done |= escalation
                except Exception:
                    _logger.exception(
                        "Overdue external escalation %s: no activity created",
                        escalation.id,
                    )
        # failed items wait for the next scheduled run, not an immediate retry
        remaining = (
            self.search_count(domain)
            if len(escalations) == limit and done == escalations
            else 0
        )
        self.env["ir.cron"]._notify_progress(done=len(done), remaining=remaining)
        return done

    def _etp_schedule_overdue_activities(self):
        if not self:
            return
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        vals_list = []
        for escalation in self:
            summary = self.env._(
                "No answer from %(party)s: due %(date)s",
                party=escalation.party_id.name,
                date=escalation.due_date.strftime("%d.%m.%Y"),
            )
            note = Markup("<p>%s</p>") % self.env._(
                "Ticket %(ticket)s waits for %(party)s (their number: %(ref)s). "
                "Remind them or set a new due date.",
                ticket=escalation.ticket_id.display_name,
                party=escalation.party_id.name,
                ref=escalation.external_ref or "—",
            )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": escalation.id,
                    "activity_type_id": todo.id,
                    "summary": summary,
                    "note": note,
                    "date_deadline": today,
                    "automated": True,
                    "user_id": (
                        escalation.user_id
                        or escalation.ticket_id.user_id
                        or escalation.create_uid
                    ).id,
                }
            )
        # one batch: the to-dos show in each contact's activity menu; no
        # "assigned to you" email per activity, which would cost a rendering
        # per record
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            vals_list
        )
        self.write({"overdue_notified": True})

    def _etp_own_access_domain(self):
        """Our contact keeps the escalations they handle, wherever the ticket
        went."""
        return [("user_id", "=", self.env.uid)]

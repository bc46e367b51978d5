# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import it_status
from .helpdesk_incident_handoff import IT_MAIL_STATES

_logger = logging.getLogger(__name__)

INCIDENT_STATES = [
    ("new", "New"),
    ("handed_to_it", "Handed to IT"),
    ("in_progress", "In progress"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
]
COMPONENTS = [
    ("login", "Login"),
    ("signature", "Electronic signature"),
    ("applications", "Applications"),
    ("auction", "Auction"),
    ("contracts", "Contracts"),
    ("eis", "EIS integration"),
    ("esia", "ESIA integration"),
    ("other", "Other"),
]
SEVERITIES = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
]
# Fields platform users see (the public notices, /status): a change clears
# the cached public snapshot and dates the public update.
PUBLIC_FIELDS = {
    "is_public",
    "public_title",
    "public_update",
    "component",
    "state",
    "detected_at",
    "resolved_at",
    "company_id",
}
# Subscriptions that count: confirmed, told or about to be.
SUBSCRIBED_STATES = ("subscribed", "notified")


class HelpdeskIncident(models.Model):
    _name = "helpdesk.incident"
    _description = "Incident"
    # the hand-off to IT and IT's answers: helpdesk_incident_handoff.py; what
    # requesters and platform users are told: helpdesk_incident_public.py
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "helpdesk.incident.handoff",
        "helpdesk.incident.public",
    ]
    _order = "detected_at desc, id desc"

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    title = fields.Char(required=True, tracking=True)
    # --- what platform users are told (the public notices and /status) ---
    is_public = fields.Boolean(
        string="Tell Users",
        tracking=True,
        help="Show the incident to platform users: on the support site, next to "
        "the topic on the web form, in the portal and on the status page "
        "(/status), with its public title, component, status and times only. "
        "Visitors can ask to be told when it is fixed.",
    )
    public_title = fields.Char(
        tracking=True,
        help="What platform users read: the symptom in plain words, e.g. «Не "
        "работает подписание заявок». Empty: «Problems in» and the component.",
    )
    public_update = fields.Text(
        tracking=True,
        help="The latest news for platform users: what we know, a workaround, "
        "when a fix is expected. Never the internal description or IT's words.",
    )
    public_updated_at = fields.Datetime(
        string="Public Update Time",
        readonly=True,
        copy=False,
        help="When what users see last changed (status, titles, update).",
    )
    subscription_ids = fields.One2many(
        "helpdesk.incident.subscription", "incident_id", string="Subscriptions"
    )
    subscriber_count = fields.Integer(
        string="Subscribers",
        compute="_compute_subscriber_counts",
        store=True,
        help="People who asked to be told when it is fixed (confirmed).",
    )
    deflected_count = fields.Integer(
        string="Tickets Avoided",
        compute="_compute_subscriber_counts",
        store=True,
        help="Subscribers without a request linked to the incident: people who "
        "asked to be told instead of writing to the desk.",
    )
    description = fields.Html(
        help="Internal: what fails and how to reproduce it. Sent to IT, never "
        "shown to requesters."
    )
    severity = fields.Selection(
        SEVERITIES, required=True, default="high", tracking=True
    )
    component = fields.Selection(
        COMPONENTS, required=True, default="other", tracking=True
    )
    state = fields.Selection(
        INCIDENT_STATES, required=True, default="new", tracking=True, index=True
    )
    detected_at = fields.Datetime(required=True, default=fields.Datetime.now)
    handed_to_it_at = fields.Datetime(
        string="Handed to IT at", readonly=True, copy=False
    )
    started_at = fields.Datetime()
    resolved_at = fields.Datetime(readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        domain=[("share", "=", False)],
    )
    ticket_ids = fields.One2many("helpdesk.ticket", "incident_id", string="Tickets")
    ticket_count = fields.Integer(compute="_compute_ticket_count")
    it_message_id = fields.Char(
        string="IT Email Message-Id",
        readonly=True,
        copy=False,
        help="Message-Id of the hand-off email: IT's replies refer to it and "
        "come back into this incident.",
    )
    it_mail_id = fields.Many2one(
        "mail.mail",
        string="IT Email",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="base.group_system",
    )
    it_mail_state = fields.Selection(
        IT_MAIL_STATES,
        string="IT Email Delivery",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Whether the outgoing mail server accepted the hand-off email. "
        "A failed email is retried (after 1, 2, 4 … minutes, at most hourly) "
        "until it is accepted; the supervisors are told after a few failures.",
    )
    it_mail_attempts = fields.Integer(
        string="Failed Sending Attempts", readonly=True, copy=False
    )
    it_mail_error = fields.Char(string="Last Sending Error", readonly=True, copy=False)
    it_mail_next_attempt_at = fields.Datetime(
        string="Next Sending Attempt", readonly=True, copy=False
    )
    it_mail_sent_at = fields.Datetime(
        string="IT Email Sent at", readonly=True, copy=False
    )
    it_mail_alerted = fields.Boolean(
        string="Supervisors Told", readonly=True, copy=False
    )
    webhook_ids = fields.One2many(
        "helpdesk.incident.webhook", "incident_id", string="Webhook Deliveries"
    )
    webhook_pending_count = fields.Integer(
        string="Pending Deliveries", compute="_compute_webhook_pending_count"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    @api.depends("ticket_ids")
    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]
            .sudo()
            ._read_group(
                [("incident_id", "in", self.ids)], ["incident_id"], ["__count"]
            )
        )
        for incident in self:
            incident.ticket_count = counts.get(incident._origin.sudo(), 0)

    @api.depends("webhook_ids.state")
    def _compute_webhook_pending_count(self):
        counts = dict(
            self.env["helpdesk.incident.webhook"]
            .sudo()
            ._read_group(
                [("incident_id", "in", self.ids), ("state", "=", "pending")],
                ["incident_id"],
                ["__count"],
            )
        )
        for incident in self:
            incident.webhook_pending_count = counts.get(incident._origin.sudo(), 0)

    @api.depends("subscription_ids.state", "subscription_ids.deflected")
    def _compute_subscriber_counts(self):
        Subscription = self.env["helpdesk.incident.subscription"].sudo()
        counts = {
            (incident.id, deflected): count
            for incident, deflected, count in Subscription._read_group(
                [
                    ("incident_id", "in", self.ids),
                    ("state", "in", SUBSCRIBED_STATES),
                ],
                ["incident_id", "deflected"],
                ["__count"],
            )
        }
        for incident in self:
            key = incident._origin.id
            avoided = counts.get((key, True), 0)
            incident.deflected_count = avoided
            incident.subscriber_count = avoided + counts.get((key, False), 0)

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("helpdesk.incident")
            vals.setdefault("public_updated_at", now)
        if any(vals.get("is_public") for vals in vals_list):
            self._etp_public_changed()
        incidents = super().create(vals_list)
        # Registration hands the incident to IT at once (its tickets, given
        # in ``ticket_ids``, are linked by now and counted in the email).
        incidents.filtered(lambda i: i.state == "new")._etp_hand_to_it(manual=False)
        return incidents

    def write(self, vals):
        if PUBLIC_FIELDS & set(vals):
            if "public_updated_at" not in vals:
                vals = dict(vals, public_updated_at=fields.Datetime.now())
            # only what users see clears the cache (of every worker): an
            # incident that is not public changes nothing there
            if vals.get("is_public") or any(self.mapped("is_public")):
                self._etp_public_changed()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_public_changed(self):
        if any(self.mapped("is_public")):
            self._etp_public_changed()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_hand_to_it(self):
        self._etp_hand_to_it(manual=True)

    def action_start(self):
        self._etp_set_state("in_progress", ["new", "handed_to_it"])

    def action_resolve(self):
        self._etp_set_state("resolved", ["new", "handed_to_it", "in_progress"])

    def action_close(self):
        self._etp_set_state("closed", ["resolved"])

    def action_retry_it_mail(self):
        """Send the hand-off emails that failed again, now (by the cron)."""
        retrying = self.filtered(lambda i: i.it_mail_state == "retrying")
        retrying.sudo().write({"it_mail_next_attempt_at": fields.Datetime.now()})
        cron = self.env.ref(
            "etp_incident.ir_cron_helpdesk_incident_it_mail_retry",
            raise_if_not_found=False,
        )
        if cron and retrying:
            cron.sudo()._trigger()

    def action_view_subscriptions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "etp_incident.helpdesk_incident_subscription_action"
        )
        action["domain"] = [("incident_id", "=", self.id)]
        action["context"] = {"search_default_subscribed": 1}
        return action

    def action_view_webhooks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "etp_incident.helpdesk_incident_webhook_action"
        )
        action["domain"] = [("incident_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # State machine
    # ------------------------------------------------------------------

    def _etp_set_state(self, state, allowed_from):
        wrong = self.filtered(lambda i: i.state not in allowed_from)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Incident %(name)s is %(state)s and cannot become %(target)s.",
                    name=wrong[0].name,
                    state=labels[wrong[0].state],
                    target=labels[state],
                )
            )
        if not self:
            return
        now = fields.Datetime.now()
        vals = {"state": state}
        if state == "handed_to_it":
            vals["handed_to_it_at"] = now
        if state == "in_progress":
            vals["started_at"] = now
        if state == "resolved":
            vals["resolved_at"] = now
        self.write(vals)
        self.env["helpdesk.incident.webhook"]._etp_enqueue(self)
        if state == "resolved":
            self._etp_solve_linked_tickets()
            self._etp_notify_subscribers()

    # ------------------------------------------------------------------
    # IT's status: email replies and the callback
    # ------------------------------------------------------------------

    def message_update(self, msg_dict, update_vals=None):
        """A reply to the hand-off email: when it comes from IT (the IT address
        or its mail domain) and says «в работе» or «исправлено», the incident
        moves forward; anything else is only kept in the thread."""
        result = super().message_update(msg_dict, update_vals=update_vals)
        if self._etp_is_from_it(msg_dict.get("email_from")):
            target = it_status.parse_status(self._etp_reply_text(msg_dict.get("body")))
            if target:
                self._etp_apply_it_status(target)
        return result

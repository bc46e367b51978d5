# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import timedelta, timezone

from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup, escape

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import (
    email_domain_extract,
    email_normalize,
    frozendict,
    html2plaintext,
)

from odoo.addons.etp_helpdesk.lib import deadlines

from ..lib import backoff, it_status, public_status

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
OPEN_STATES = ("new", "handed_to_it", "in_progress")
DONE_STATES = ("resolved", "closed")
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

IT_EMAIL_PARAM = "etp_incident.it_email"
IT_MAIL_ALERT_PARAM = "etp_incident.it_mail_alert_after"
DEFAULT_IT_MAIL_ALERT_AFTER = 3
# Delivery of the hand-off email: queued, accepted by the outgoing mail server,
# or failed and retried (with backoff, until accepted).
IT_MAIL_STATES = [
    ("pending", "Sending"),
    ("sent", "Sent"),
    ("retrying", "Not sent, retrying"),
]
# A hand-off email still queued this long after the hand-off is sent by the
# retry cron (the immediate sending after the commit did not happen).
IT_MAIL_STUCK_MINUTES = 5
IT_MAIL_BATCH_SIZE = 20
WEBHOOK_URL_PARAM = "etp_incident.webhook_url"
WEBHOOK_SECRET_PARAM = "etp_incident.webhook_secret"

# Elements of an HTML email reply that quote earlier messages.
_QUOTE_XPATH = (
    "//blockquote | //*[@data-o-mail-quote] | //*[contains(@class, 'gmail_quote')]"
    " | //*[@id='divRplyFwdMsg'] | //*[@id='appendonsend']"
)


class HelpdeskIncident(models.Model):
    _name = "helpdesk.incident"
    _description = "Incident"
    _inherit = ["mail.thread", "mail.activity.mixin"]
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
    # Hand-off to IT
    # ------------------------------------------------------------------

    @api.model
    def _etp_it_email(self):
        """The IT address of Settings, normalised, or False."""
        value = self.env["ir.config_parameter"].sudo().get_param(IT_EMAIL_PARAM)
        return email_normalize(value or "") or False

    @api.model
    def _etp_webhook_url(self):
        value = self.env["ir.config_parameter"].sudo().get_param(WEBHOOK_URL_PARAM)
        return (value or "").strip() or False

    @api.model
    def _etp_it_partner(self):
        """The contact IT's emails go to (found by the IT address, created the
        first time), or an empty recordset without an IT address."""
        email = self._etp_it_email()
        Partner = self.env["res.partner"].sudo()
        if not email:
            return Partner
        partner = Partner.with_context(active_test=False).search(
            [("email_normalized", "=", email)], order="active desc, id", limit=1
        )
        return partner or Partner.create(
            {"name": self.env._("IT team"), "email": email}
        )

    def _etp_hand_to_it(self, manual):
        """Send the incidents to IT: by email to the IT address and, if one is
        configured, to the webhook (through the outbox). Without any of them,
        a registered incident stays new with a note; the button still moves it
        on, for a hand-off done outside Odoo (phone, messenger)."""
        if not self:
            return
        it_partner = self._etp_it_partner()
        has_channel = bool(it_partner or self._etp_webhook_url())
        if not has_channel and not manual:
            self._message_log_batch(
                dict.fromkeys(
                    self.ids,
                    escape(
                        self.env._(
                            "Not handed to IT: no IT address and no webhook are "
                            "configured (Settings → Helpdesk → Incidents). Hand it "
                            "to IT yourself and click «Hand to IT»."
                        )
                    ),
                )
            )
            return
        self._etp_set_state("handed_to_it", ["new"])
        if it_partner:
            self._etp_send_it_email(it_partner)
        elif manual:
            self._message_log_batch(
                dict.fromkeys(
                    self.ids,
                    escape(
                        self.env._(
                            "Handed to IT outside Odoo: no IT address is configured."
                        )
                    ),
                )
            )

    def _etp_send_it_email(self, it_partner):
        """Post the structured hand-off email in the incident's thread, to the
        IT contact. Its Message-Id is kept: IT's replies refer to it, so the
        mail gateway brings them back into this incident.

        The email is kept (no auto-delete) and followed: it is sent after the
        commit, and if the outgoing mail server refuses it or cannot be
        reached, ``_cron_retry_it_mail`` sends it again until it is accepted
        (see ``mail.mail._postprocess_sent_message``)."""
        template = self.env.ref("etp_incident.mail_template_incident_it_handoff")
        self.message_subscribe(partner_ids=it_partner.ids)
        Mail = self.env["mail.mail"].sudo()
        for incident in self:
            author = incident._etp_message_author()
            message = incident.with_context(
                mail_notify_force_send=False
            ).message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=it_partner.ids,
                author_id=author.id,
                email_from=author.email_formatted,
                email_layout_xmlid="mail.mail_notification_light",
                auto_delete=False,
            )
            mail = Mail.search([("mail_message_id", "=", message[:1].id)], limit=1)
            incident.sudo().write(
                {
                    "it_message_id": message[:1].message_id,
                    "it_mail_id": mail.id,
                    "it_mail_state": "pending",
                    "it_mail_attempts": 0,
                    "it_mail_error": False,
                    "it_mail_alerted": False,
                    "it_mail_next_attempt_at": fields.Datetime.now()
                    + timedelta(minutes=IT_MAIL_STUCK_MINUTES),
                }
            )
            mail.send_after_commit()

    def _etp_it_mail_outcome(self, mail):
        """Record what became of the hand-off email ``mail`` of these
        incidents after a sending attempt: sent, or one more failure (then
        the next attempt's time, and the supervisors' to-do once the
        failures reach the configured number)."""
        now = fields.Datetime.now()
        if mail.state == "sent":
            self.write(
                {
                    "it_mail_state": "sent",
                    "it_mail_sent_at": now,
                    "it_mail_error": False,
                    "it_mail_next_attempt_at": False,
                }
            )
            self._etp_close_it_mail_alerts()
            return
        alert_after = self._etp_it_mail_alert_after()
        for incident in self:
            attempts = incident.it_mail_attempts + 1
            delay = backoff.backoff_seconds(attempts)
            incident.write(
                {
                    "it_mail_state": "retrying",
                    "it_mail_attempts": attempts,
                    "it_mail_error": (mail.failure_reason or "")[:500] or False,
                    "it_mail_next_attempt_at": now + timedelta(seconds=delay),
                }
            )
            _logger.info(
                "IT hand-off email of %s not sent (attempt %s), next try in %ss: %s",
                incident.name,
                attempts,
                delay,
                mail.failure_reason,
            )
        self.filtered(
            lambda i: i.it_mail_attempts >= alert_after and not i.it_mail_alerted
        )._etp_alert_it_mail_failure()

    @api.model
    def _etp_it_mail_alert_after(self):
        value = self.env["ir.config_parameter"].sudo().get_param(IT_MAIL_ALERT_PARAM)
        try:
            return max(int(value), 1) if value else DEFAULT_IT_MAIL_ALERT_AFTER
        except ValueError:
            return DEFAULT_IT_MAIL_ALERT_AFTER

    @api.model
    def _etp_it_mail_supervisors(self):
        group = self.env.ref("etp_escalation.group_etp_supervisor")
        return (
            self.env["res.users"]
            .sudo()
            .search([("groups_id", "in", group.id), ("share", "=", False)])
        )

    def _etp_alert_it_mail_failure(self):
        """One to-do per supervisor of the incident's company: the hand-off
        email keeps failing, so IT may not know of the incident."""
        if not self:
            return
        supervisors = self._etp_it_mail_supervisors()
        todo = self.env.ref("etp_incident.mail_activity_type_it_mail_failed")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for incident in self:
            summary = incident.env._(
                "IT has not been emailed: %(name)s", name=incident.name
            )
            note = escape(
                incident.env._(
                    "The hand-off email of incident %(name)s could not be sent "
                    "(failed attempts: %(count)s; last error: %(error)s). It is "
                    "still retried; meanwhile hand the incident to IT by phone or "
                    "messenger.",
                    name=incident.name,
                    count=incident.it_mail_attempts,
                    error=incident.it_mail_error or "—",
                )
            )
            vals_list.extend(
                {
                    "res_model_id": model_id,
                    "res_id": incident.id,
                    "activity_type_id": todo.id,
                    "summary": summary,
                    "note": note,
                    "user_id": user.id,
                }
                for user in supervisors
                if incident.company_id in user.company_ids
            )
        if vals_list:
            # no "assigned to you" email: the outgoing mail server is likely
            # the very thing that fails
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(vals_list)
        self.write({"it_mail_alerted": True})

    def _etp_close_it_mail_alerts(self):
        """The email went at last: the supervisors' to-dos are done."""
        alerted = self.filtered("it_mail_alerted")
        if not alerted:
            return
        todo = self.env.ref("etp_incident.mail_activity_type_it_mail_failed")
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", alerted.ids),
                    ("activity_type_id", "=", todo.id),
                ]
            )
        )
        activities.action_feedback(
            feedback=self.env._("The hand-off email was sent after all.")
        )
        alerted.write({"it_mail_alerted": False})

    @api.model
    def _cron_retry_it_mail(self, limit=IT_MAIL_BATCH_SIZE):
        """Send again the hand-off emails whose next attempt is due, and the
        ones still queued long after the hand-off; one connection to the mail
        server per batch."""
        now = fields.Datetime.now()
        domain = [
            ("it_mail_state", "in", ("pending", "retrying")),
            ("it_mail_next_attempt_at", "<=", now),
        ]
        incidents = self.sudo().search(
            domain, order="it_mail_next_attempt_at, id", limit=limit
        )
        lost = incidents.filtered(lambda i: not i.it_mail_id)
        for incident in lost:
            # the email was deleted (by hand): hand off by a new one
            it_partner = self._etp_it_partner()
            if it_partner:
                incident._etp_send_it_email(it_partner)
        sent = (incidents - lost).filtered(lambda i: i.it_mail_id.state == "sent")
        for incident in sent:
            incident._etp_it_mail_outcome(incident.it_mail_id)
        mails = (incidents - lost - sent).it_mail_id
        if mails:
            mails.filtered(lambda m: m.state != "outgoing").mark_outgoing()
            mails.send()
        self.env["ir.cron"]._notify_progress(
            done=len(incidents), remaining=self.sudo().search_count(domain)
        )

    def _etp_backend_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/odoo/helpdesk.incident/{self.id}"

    def _etp_detected_at_msk(self):
        """Detection time in Moscow time, as IT and the platform read it."""
        self.ensure_one()
        return deadlines.format_msk(self.detected_at)

    @api.model
    def _etp_webhook_payload(self):
        """The webhook's JSON document for the incident's current state."""
        self.ensure_one()
        detected = (
            self.detected_at.replace(tzinfo=timezone.utc) if self.detected_at else None
        )
        return {
            "reference": self.name,
            "title": self.title,
            "severity": self.severity,
            "component": self.component,
            "state": self.state,
            "detected_at": detected.isoformat().replace("+00:00", "Z")
            if detected
            else None,
            "url": self._etp_backend_url(),
        }

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

    @api.model
    def _etp_is_from_it(self, email_from):
        it_email = self._etp_it_email()
        sender = email_normalize(email_from or "")
        if not it_email or not sender:
            return False
        return sender == it_email or email_domain_extract(
            sender
        ) == email_domain_extract(it_email)

    @api.model
    def _etp_reply_text(self, body):
        """The plain text of an HTML email body without its quoted parts."""
        if not body or not str(body).strip():
            return ""
        try:
            tree = lxml_html.fromstring(str(body))
        except (ValueError, etree.ParserError):
            return html2plaintext(str(body))
        for quoted in tree.xpath(_QUOTE_XPATH):
            if quoted.getparent() is not None:
                quoted.drop_tree()
        return html2plaintext(lxml_html.tostring(tree, encoding="unicode"))

    def _etp_apply_it_status(self, target, comment=None):
        """Move the incidents to ``target`` ("in_progress" or "resolved") as IT
        reported, forward only; return the incidents that moved. ``comment``
        (IT's text from the callback) is kept in the thread as a note."""
        if target not in it_status.REPORTABLE:
            raise UserError(
                self.env._("IT cannot report the status %(state)s.", state=target)
            )
        if comment:
            author = self.env.ref("base.partner_root")
            for incident in self:
                incident.message_post(
                    body=Markup("<p>%s</p><p>%s</p>")
                    % (self.env._("IT's status callback:"), comment),
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                    author_id=author.id,
                )
        moving = self.filtered(lambda i: it_status.is_forward(i.state, target))
        allowed = it_status.STATE_ORDER[: it_status.STATE_ORDER.index(target)]
        moving._etp_set_state(target, list(allowed))
        return moving

    # ------------------------------------------------------------------
    # Linked tickets
    # ------------------------------------------------------------------

    def _etp_message_author(self):
        """Who writes to IT and to the requesters: the operator at work, or
        (from the mail gateway or the callback) the incident's responsible,
        else the company."""
        self.ensure_one()
        user = self.env.user
        candidates = [self.user_id.partner_id, self.company_id.partner_id]
        if not user.share and not user._is_superuser():
            candidates.insert(0, user.partner_id)
        # an author without an email address cannot send: the next one does
        return next((p for p in candidates if p.email), user.partner_id)

    def _etp_on_tickets_linked(self, tickets):
        """Tickets were just linked to the incident: they get its current
        status at once. A resolved (or closed) incident solves them and tells
        their requester; an open one leaves a note for the operators (the
        requester sees «Known technical problem» on the portal)."""
        if not self.env.lang:  # data loading, a cron: the company's language
            self = self.with_context(lang=self.env.company._etp_lang())
        self.ensure_one()
        if self.state in DONE_STATES:
            self._etp_solve_linked_tickets(tickets)
            return
        labels = dict(self._fields["state"]._description_selection(self.env))
        body = escape(
            self.env._(
                "Linked to incident %(name)s (%(state)s): a known technical "
                "problem. The requester sees its status on the portal and is told "
                "when it is fixed.",
                name=self.name,
                state=labels[self.state],
            )
        )
        tickets._message_log_batch(dict.fromkeys(tickets.ids, body))

    def _etp_solve_linked_tickets(self, tickets=None):
        """Tell each requester once that the problem is fixed, in one message
        naming all their tickets, and move the open tickets to the solved
        stage with the change in their history: a few queries whatever the
        number of tickets.

        ``tickets`` limits the work to some linked tickets (a ticket linked
        after the resolution). A ticket already told about this incident is not
        told again. Runs as superuser on the tickets: an operator who resolves
        the incident may not see every affected ticket, all must follow it.
        """
        solved_stage = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        template = self.env.ref("etp_incident.mail_template_incident_ticket_resolved")
        all_tickets = tickets.sudo() if tickets is not None else self.sudo().ticket_ids
        for incident, linked in all_tickets.grouped("incident_id").items():
            if incident not in self:
                continue
            to_tell = linked.filtered(lambda t, i=incident: t.incident_notified_id != i)
            to_solve = linked.filtered(lambda t: not t.closed)
            # the resolution message tells the requester: not also the solved
            # stage's "ticket closed" email (see helpdesk.ticket._track_template)
            # told now: the stage change is kept with the resolution message
            solved_now = to_tell & to_solve
            tracking = {}
            if solved_now:
                tracking = solved_now._etp_write_tracked_apart(
                    {
                        "stage_id": solved_stage.id,
                        "incident_notified_id": incident.id,
                        "solved_by_incident": True,
                    }
                )
            if to_tell:
                (to_tell - solved_now).write({"incident_notified_id": incident.id})
                to_tell._etp_post_notices(
                    template,
                    incident._etp_message_author(),
                    by_requester=True,
                    tracking=tracking,
                )
            # told before and open again: solved, tracked as usual
            if to_solve - solved_now:
                (to_solve - solved_now).write(
                    {"stage_id": solved_stage.id, "solved_by_incident": True}
                )

    # ------------------------------------------------------------------
    # What platform users are told: public notices, /status, subscriptions
    # ------------------------------------------------------------------

    def _etp_public_changed(self):
        """What users see changes: the cached snapshot goes (in every worker,
        once the transaction is committed). Odoo clears the whole default
        cache group; public incidents change a few times in their life."""
        self.env.registry.clear_cache()

    @api.model
    @tools.ormcache("company_id")
    def _etp_public_snapshot(self, company_id):
        """The public incidents of the company that the notices and the
        status page may show: open, or fixed within the status page's window
        (a day more, the window is applied when shown). Only public fields,
        as read-only dicts; cached until an incident's public side changes.

        This is the one access rule of the public side: an incident is
        shown if an operator made it public, and only these fields leave it.
        """
        since = fields.Datetime.now() - timedelta(days=public_status.RECENT_DAYS + 1)
        incidents = self.sudo().search_fetch(
            [
                ("is_public", "=", True),
                ("company_id", "=", company_id),
                "|",
                ("state", "in", OPEN_STATES),
                ("resolved_at", ">=", since),
            ],
            [
                "public_title",
                "public_update",
                "component",
                "state",
                "detected_at",
                "resolved_at",
                "public_updated_at",
            ],
            order="detected_at desc, id desc",
        )
        return tuple(
            frozendict(
                id=incident.id,
                title=incident.public_title or "",
                update=incident.public_update or "",
                component=incident.component,
                state=incident.state,
                detected_at=incident.detected_at,
                resolved_at=incident.resolved_at,
                updated_at=incident.public_updated_at or incident.detected_at,
            )
            for incident in incidents
        )

    @api.model
    def _etp_public_items(self, company=None, recent=False, now=None):
        """The snapshot's items a page shows now: the open ones, or (with
        ``recent``) those of the status page."""
        company = company or self.env.company
        items = self._etp_public_snapshot(company.id)
        if recent:
            return public_status.recent_items(items, now or fields.Datetime.now())
        return public_status.open_items(items)

    @api.model
    def _etp_public_card(self, item, tz_name=None):
        """One public item as the templates show it, in the language of the
        environment, with its times in Moscow time and in ``tz_name`` (the
        browser's zone, already checked)."""
        Ticket = self.env["helpdesk.ticket"]
        components = dict(self._fields["component"]._description_selection(self.env))
        component = components.get(item["component"], item["component"])
        phase = public_status.phase(item["state"])
        return {
            "id": item["id"],
            "title": item["title"]
            or self.env._("Problems in «%(component)s»", component=component),
            "component": item["component"],
            "component_label": component,
            "phase": phase,
            "phase_label": self._etp_phase_labels()[phase],
            "is_open": phase != public_status.FIXED,
            "update": item["update"],
            "started": Ticket._etp_format_deadline(item["detected_at"], tz_name),
            "updated": Ticket._etp_format_deadline(item["updated_at"], tz_name),
            "resolved": Ticket._etp_format_deadline(item["resolved_at"], tz_name),
        }

    @api.model
    def _etp_phase_labels(self):
        return {
            public_status.INVESTIGATING: self.env._("Looking for the cause"),
            public_status.FIXING: self.env._("Being fixed"),
            public_status.FIXED: self.env._("Fixed"),
        }

    @api.model
    def _etp_public_cards(self, company=None, tz_name=None):
        """The open public incidents of ``company`` (the website's) as cards:
        the support site, /support and the portal show them."""
        tz_name = self.env["helpdesk.ticket"]._etp_browser_tz(tz_name)
        return [
            self._etp_public_card(item, tz_name)
            for item in self._etp_public_items(company)
        ]

    @api.model
    def _etp_public_incident(self, incident_id, company=None, open_only=True):
        """The incident ``incident_id`` (an int from a URL) if the public may
        see it (open unless ``open_only`` is False), as a record with
        superuser rights, else an empty recordset. Checked against the
        public snapshot before any record is read."""
        if not isinstance(incident_id, int) or not 0 < incident_id < 2**31:
            return self.sudo().browse()
        items = self._etp_public_items(company, recent=not open_only)
        if not any(item["id"] == incident_id for item in items):
            return self.sudo().browse()
        return self.sudo().browse(incident_id)

    def _etp_notify_subscribers(self):
        """Hook of the resolution: each person who asked to be told about
        these incidents gets one email that they are fixed (a requester whose
        linked ticket was just told is not told twice)."""
        self.env["helpdesk.incident.subscription"].sudo()._etp_notify_resolution(self)

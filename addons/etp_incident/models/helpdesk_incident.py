# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_domain_extract, email_normalize, html2plaintext

from odoo.addons.etp_helpdesk.lib import deadlines

from ..lib import it_status

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

IT_EMAIL_PARAM = "etp_incident.it_email"
WEBHOOK_URL_PARAM = "etp_incident.webhook_url"
WEBHOOK_SECRET_PARAM = "etp_incident.webhook_secret"

# Tickets solved by an incident in the current transaction: the stage's own
# "ticket closed" email is not sent to them, the resolution message says it.
SILENT_STAGE_KEY = "etp_incident.silent_stage_ticket_ids"

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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("helpdesk.incident")
        incidents = super().create(vals_list)
        # Registration hands the incident to IT at once (its tickets, given
        # in ``ticket_ids``, are linked by now and counted in the email).
        incidents.filtered(lambda i: i.state == "new")._etp_hand_to_it(manual=False)
        return incidents

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
        mail gateway brings them back into this incident."""
        template = self.env.ref("etp_incident.mail_template_incident_it_handoff")
        self.message_subscribe(partner_ids=it_partner.ids)
        for incident in self:
            author = incident._etp_message_author()
            message = incident.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=it_partner.ids,
                author_id=author.id,
                email_from=author.email_formatted,
                email_layout_xmlid="mail.mail_notification_light",
            )
            incident.it_message_id = message[:1].message_id

    def _etp_backend_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/odoo/helpdesk.incident/{self.id}"

    def _etp_detected_at_msk(self):
        """Detection time in Moscow time, as IT and the platform read it."""
        self.ensure_one()
        if not self.detected_at:
            return ""
        local = deadlines.from_utc_naive(self.detected_at, "Europe/Moscow")
        return local.strftime("%d.%m.%Y %H:%M") + " МСК"

    def _etp_webhook_payload(self):
        """The webhook's JSON document for the incident's current state."""
        self.ensure_one()
        detected = (
            self.detected_at.replace(tzinfo=deadlines.UTC) if self.detected_at else None
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
        silent = self.env.cr.precommit.data.setdefault(SILENT_STAGE_KEY, set())
        for incident, linked in all_tickets.grouped("incident_id").items():
            if incident not in self:
                continue
            to_tell = linked.filtered(lambda t, i=incident: t.incident_notified_id != i)
            to_solve = linked.filtered(lambda t: not t.closed)
            # the resolution message tells the requester: not also the solved
            # stage's "ticket closed" email
            silent.update(to_solve.ids)
            # told now: the stage change is kept with the resolution message
            solved_now = to_tell & to_solve
            if solved_now:
                solved_now.write(
                    {"stage_id": solved_stage.id, "incident_notified_id": incident.id}
                )
            if to_tell:
                (to_tell - solved_now).write({"incident_notified_id": incident.id})
                to_tell._etp_post_notices(
                    template,
                    incident._etp_message_author(),
                    by_requester=True,
                    tracking=solved_now._etp_take_tracking(),
                )
            # told before and open again: solved, tracked as usual
            if to_solve - solved_now:
                (to_solve - solved_now).write({"stage_id": solved_stage.id})

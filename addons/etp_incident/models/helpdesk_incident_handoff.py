# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The hand-off of incidents to IT and what IT answers: the hand-off email
(sent, retried with backoff, its failures alerted), the webhook through the
outbox, and IT's status from its email replies and the callback. A mixin of
``helpdesk.incident`` (``_inherit``), which calls these methods."""

import logging
from datetime import timedelta, timezone

from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_domain_extract, email_normalize, html2plaintext

from odoo.addons.etp_helpdesk.lib import deadlines

from ..lib import backoff, it_status

_logger = logging.getLogger(__name__)

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


class HelpdeskIncidentHandoff(models.AbstractModel):
    _name = "helpdesk.incident.handoff"
    _description = "Incident Hand-off to IT"

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

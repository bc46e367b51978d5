# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import email_normalize

from .helpdesk_incident import SUBSCRIBED_STATES
from .helpdesk_incident_public import OPEN_STATES

_logger = logging.getLogger(__name__)

SUBSCRIPTION_STATES = [
    ("pending", "Waiting for confirmation"),
    ("subscribed", "Subscribed"),
    ("notified", "Told"),
    ("cancelled", "Cancelled"),
]
# The source of the consent given to be told about an incident.
CONSENT_SOURCE = "incident_subscription"
# Version of the consent text of the subscription form (template
# ``etp_incident.subscription_consent_text``): change it with the text.
CONSENT_VERSION = "2026-12-05"
# An address not confirmed within this time is deleted (cron) and its link
# no longer works.
CONFIRMATION_HOURS = 48
# One confirmation email per address and incident within this time, however
# often it is asked for.
RESEND_MINUTES = 15
PURGE_BATCH_SIZE = 500


class HelpdeskIncidentSubscription(models.Model):
    """A person who asked to be told when a public incident is fixed, instead
    of writing a ticket.

    A visitor gives an email address on the incident's public page: the
    subscription waits (``pending``) until the link sent to that address is
    followed and confirmed; only then is the consent recorded and the person
    told. A signed-in user subscribes in one click with their own address.
    On resolution each subscriber gets one email (``notified``), unless their
    own linked ticket already told them.
    """

    _name = "helpdesk.incident.subscription"
    # who is told instead of writing a ticket, and the resolution notices:
    # helpdesk_incident_subscription_notice.py
    _inherit = ["helpdesk.incident.subscription.notice"]
    _description = "Incident Subscription"
    _order = "requested_at desc, id desc"
    _rec_name = "email"

    incident_id = fields.Many2one(
        "helpdesk.incident",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="incident_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The signed-in user who subscribed in one click; empty for an "
        "address given on the public page.",
    )
    email = fields.Char(readonly=True)
    email_normalized = fields.Char(
        compute="_compute_email_normalized", store=True, index=True
    )
    lang = fields.Char(string="Language", readonly=True)
    tz = fields.Char(
        string="Time Zone",
        readonly=True,
        help="The zone of the subscriber's browser: the email gives the time "
        "of the fix in Moscow time and in theirs.",
    )
    state = fields.Selection(
        SUBSCRIPTION_STATES,
        string="Status",
        required=True,
        readonly=True,
        default="pending",
        index=True,
    )
    token = fields.Char(
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="Secret of the confirmation and cancellation links.",
    )
    requested_at = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now, index=True
    )
    ip_address = fields.Char(
        string="IP Address",
        readonly=True,
        index="btree_not_null",
        help="Address the request came from: the same hourly limit as the web "
        "form applies to it.",
    )
    confirmation_sent_at = fields.Datetime(readonly=True, copy=False)
    confirmed_at = fields.Datetime(readonly=True, copy=False)
    notified_at = fields.Datetime(string="Told at", readonly=True, copy=False)
    cancelled_at = fields.Datetime(readonly=True, copy=False)
    consent_id = fields.Many2one(
        "helpdesk.ticket.consent",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    deflected = fields.Boolean(
        string="Ticket Avoided",
        readonly=True,
        help="The subscriber has no request linked to the incident: they asked "
        "to be told instead of writing.",
    )
    notified_by_ticket = fields.Boolean(
        string="Told Through Their Request",
        readonly=True,
        help="Their request linked to the incident told them it was fixed: no "
        "second email.",
    )

    _sql_constraints = [
        (
            "incident_email_unique",
            "unique (incident_id, email_normalized)",
            "This address is already subscribed to the incident.",
        ),
        ("token_unique", "unique (token)", "The link must be unique."),
    ]

    @api.depends("email")
    def _compute_email_normalized(self):
        for subscription in self:
            subscription.email_normalized = (
                email_normalize(subscription.email or "") or False
            )

    # ------------------------------------------------------------------
    # Subscribing
    # ------------------------------------------------------------------

    @api.model
    def _etp_request(self, incident, email, lang=None, tz=None, ip_address=None):
        """An address given on the public page of ``incident`` (checked
        public and open by the caller, ``email`` normalised): send it the
        confirmation link, unless it is subscribed already or was sent one a
        moment ago. The caller answers the same whatever happens here, so
        that nobody learns who is subscribed."""
        existing = self.search(
            [("incident_id", "=", incident.id), ("email_normalized", "=", email)],
            limit=1,
        )
        now = fields.Datetime.now()
        vals = {
            "requested_at": now,
            "ip_address": ip_address or False,
            "lang": lang or False,
            "tz": tz or False,
        }
        if existing.state in SUBSCRIBED_STATES:
            return existing
        if existing.state == "pending":
            sent = existing.confirmation_sent_at
            if sent and sent > now - timedelta(minutes=RESEND_MINUTES):
                return existing
            existing.write(vals)
        elif existing:  # cancelled: asked again
            existing.write(
                dict(
                    vals, state="pending", token=self._etp_new_token(), deflected=False
                )
            )
        else:
            existing = self.create(
                dict(
                    vals,
                    incident_id=incident.id,
                    email=email,
                    token=self._etp_new_token(),
                )
            )
        existing._etp_send_confirmation()
        return existing

    @api.model
    def _etp_subscribe_partner(self, incident, partner, lang=None, tz=None):
        """A signed-in user subscribes to ``incident`` (checked public and
        open by the caller) with their own address, in one click."""
        email = email_normalize(partner.email or "")
        existing = self.search(
            [("incident_id", "=", incident.id), ("email_normalized", "=", email)],
            limit=1,
        )
        now = fields.Datetime.now()
        vals = {
            "partner_id": partner.id,
            "state": "subscribed",
            "confirmed_at": now,
            "cancelled_at": False,
            "lang": lang or partner.lang or False,
            "tz": tz or partner.tz or False,
        }
        if existing.state in SUBSCRIBED_STATES:
            subscription = existing
        elif existing:
            existing.write(dict(vals, requested_at=now))
            subscription = existing
        else:
            subscription = self.create(
                dict(
                    vals,
                    incident_id=incident.id,
                    email=partner.email,
                    requested_at=now,
                    token=self._etp_new_token(),
                )
            )
        subscription._etp_refresh_deflection()
        return subscription

    @api.model
    def _etp_my_subscriptions(self, user, incidents=None):
        """The subscriptions of the signed-in ``user`` (by their contact or
        their address), of ``incidents`` if given."""
        if user._is_public():
            return self.browse()
        partner = user.partner_id
        email = email_normalize(partner.email or "")
        domain = [("partner_id", "=", partner.id)]
        if email:
            domain = ["|", ("email_normalized", "=", email)] + domain
        if incidents is not None:
            domain = [("incident_id", "in", incidents.ids)] + domain
        return self.search(domain)

    @api.model
    def _etp_my_incident_ids(self):
        """Ids of the incidents the current user waits to be told about."""
        return set(
            self.sudo()
            ._etp_my_subscriptions(self.env.user)
            .filtered(lambda s: s.state == "subscribed")
            .incident_id.ids
        )

    @api.model
    def _etp_new_token(self):
        return secrets.token_urlsafe(32)

    def _etp_send_confirmation(self):
        template = self.env.ref(
            "etp_incident.mail_template_incident_subscription_confirm"
        )
        mails = template.sudo().send_mail_batch(self.ids)
        self.write({"confirmation_sent_at": fields.Datetime.now()})
        mails.send_after_commit()

    def _etp_confirmation_outcome(self):
        """What the confirmation link of this subscription leads to:
        ``confirm`` (it may be confirmed), ``subscribed`` (already), ``fixed``
        (the incident is fixed, nothing to wait for), ``expired``."""
        self.ensure_one()
        if self.state in SUBSCRIBED_STATES:
            return "subscribed"
        if self.incident_id.state not in OPEN_STATES:
            return "fixed"
        limit = fields.Datetime.now() - timedelta(hours=CONFIRMATION_HOURS)
        if self.state != "pending" or self.requested_at < limit:
            return "expired"
        return "confirm"

    def _etp_confirm(self, ip_address=None, user_agent=None):
        """The owner of the address confirmed: their consent is recorded (as
        given now, from their browser) and they will be told."""
        self.ensure_one()
        if self._etp_confirmation_outcome() != "confirm":
            return False
        self._etp_record_consent(ip_address, user_agent)
        self.write({"state": "subscribed", "confirmed_at": fields.Datetime.now()})
        self._etp_refresh_deflection()
        return True

    def _etp_record_consent(self, ip_address, user_agent, user=None):
        """Record the consent given to be told (from the confirming browser,
        or a signed-in ``user`` giving it again after a withdrawal)."""
        self.ensure_one()
        consent = (
            self.env["helpdesk.ticket.consent"]
            .sudo()
            .create(
                {
                    "source": CONSENT_SOURCE,
                    "version": CONSENT_VERSION,
                    "accepted_at": fields.Datetime.now(),
                    "email": self.email,
                    "ip_address": ip_address or False,
                    "user_agent": (user_agent or "")[:512] or False,
                    "user_id": user.id if user else False,
                    "partner_id": self.partner_id.id or False,
                    "company_id": self.company_id.id,
                }
            )
        )
        self.consent_id = consent
        return consent

    def _etp_cancel(self):
        """Stop: the person is not told (a link in their email, the portal,
        or the withdrawal of their consent)."""
        active = self.filtered(lambda s: s.state in ("pending", "subscribed"))
        active.write({"state": "cancelled", "cancelled_at": fields.Datetime.now()})
        return active

    # ------------------------------------------------------------------
    # Helpers of the templates
    # ------------------------------------------------------------------

    def _etp_public_title(self):
        """The incident as its subscriber knows it (its public title)."""
        self.ensure_one()
        incident = self.incident_id.sudo()
        if incident.public_title:
            return incident.public_title
        components = dict(
            incident._fields["component"]._description_selection(self.env)
        )
        return self.env._(
            "Problems in «%(component)s»",
            component=components.get(incident.component, incident.component),
        )

    def _etp_time(self, value):
        """``value`` (naive UTC) in Moscow time and in the subscriber's."""
        self.ensure_one()
        return self.env["helpdesk.ticket"]._etp_format_deadline(value, self.tz)

    def _etp_url(self, action="confirm"):
        """The confirmation (``confirm``) or cancellation (``cancel``) link."""
        self.ensure_one()
        base = self.incident_id.get_base_url()
        return f"{base}/status/subscription/{self.sudo().token}/{action}"

    # ------------------------------------------------------------------
    # Crons and personal data
    # ------------------------------------------------------------------

    @api.model
    def _cron_purge_unconfirmed(self, limit=PURGE_BATCH_SIZE):
        """Delete the addresses never confirmed in time: nobody consented."""
        limit_date = fields.Datetime.now() - timedelta(hours=CONFIRMATION_HOURS)
        domain = [("state", "=", "pending"), ("requested_at", "<", limit_date)]
        expired = self.sudo().search(domain, limit=limit)
        expired.unlink()
        self.env["ir.cron"]._notify_progress(
            done=len(expired), remaining=self.sudo().search_count(domain)
        )

    @api.model
    def _etp_person_domain(self, partners, emails):
        domain = [("email_normalized", "in", list(emails))] if emails else []
        if partners:
            domain = ["|", ("partner_id", "in", partners.ids)] + (
                domain or [("id", "=", 0)]
            )
        return domain or [("id", "=", 0)]

    def _etp_anonymise(self):
        """Remove the address and the network address; the counts stay."""
        self.sudo().write(
            {"email": False, "ip_address": False, "partner_id": False, "tz": False}
        )

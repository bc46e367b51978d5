# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import urlparse

from odoo import fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize

from .helpdesk_incident_handoff import (
    DEFAULT_IT_MAIL_ALERT_AFTER,
    IT_EMAIL_PARAM,
    IT_MAIL_ALERT_PARAM,
    WEBHOOK_SECRET_PARAM,
    WEBHOOK_URL_PARAM,
)

MIN_SECRET_LENGTH = 16


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    etp_incident_it_email = fields.Char(
        string="IT Address",
        config_parameter=IT_EMAIL_PARAM,
        help="Every registered incident is emailed here at once; IT's replies "
        "come back into the incident.",
    )
    etp_incident_it_mail_alert_after = fields.Integer(
        string="Tell Supervisors After",
        config_parameter=IT_MAIL_ALERT_PARAM,
        default=DEFAULT_IT_MAIL_ALERT_AFTER,
        help="Failed attempts to send the hand-off email after which the "
        "supervisors get a to-do; the email is retried until sent.",
    )
    etp_incident_webhook_url = fields.Char(
        string="IT Webhook URL",
        config_parameter=WEBHOOK_URL_PARAM,
        help="If set, every state change of an incident is also POSTed here as "
        "signed JSON, retried until accepted.",
    )
    etp_incident_webhook_secret = fields.Char(
        string="Shared Secret",
        config_parameter=WEBHOOK_SECRET_PARAM,
        help="Signs the webhook (HMAC-SHA256) and authenticates IT's callback "
        "to /etp/incident/callback.",
    )

    def set_values(self):
        for settings in self:
            settings._etp_check_incident_settings()
        return super().set_values()

    def _etp_check_incident_settings(self):
        email = (self.etp_incident_it_email or "").strip()
        if email:
            normalized = email_normalize(email)
            if not normalized:
                raise ValidationError(
                    self.env._("%(email)s is not an email address.", email=email)
                )
            self.etp_incident_it_email = normalized
        if self.etp_incident_it_mail_alert_after < 1:
            raise ValidationError(
                self.env._(
                    "Tell the supervisors after at least one failed attempt to "
                    "send the hand-off email."
                )
            )
        url = (self.etp_incident_webhook_url or "").strip()
        if url:
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValidationError(
                    self.env._(
                        "The IT webhook URL must start with https:// (or http://): "
                        "%(url)s",
                        url=url,
                    )
                )
            self.etp_incident_webhook_url = url
        secret = self.etp_incident_webhook_secret or ""
        if (url or secret) and len(secret) < MIN_SECRET_LENGTH:
            raise ValidationError(
                self.env._(
                    "The shared secret of the IT webhook and callback needs at "
                    "least %(count)s characters.",
                    count=MIN_SECRET_LENGTH,
                )
            )

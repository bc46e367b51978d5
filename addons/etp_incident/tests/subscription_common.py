# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The «tell me when it is fixed» tests' common set-up: the visitor, the
confirmation link, and subscribers made in bulk."""

import re

from .test_public_incidents import PublicIncidentCommon

VISITOR = "anna.petrova@postavka-plus.example.ru"
LINK_RE = re.compile(r"/status/subscription/([A-Za-z0-9_-]+)/confirm")

# Queries of the subscribers' part of a resolution (find the subscribers,
# the requesters their tickets told, one batch of emails rendered and
# created, the states written, the mail queue woken, one note on the
# incident and its counts), measured with 3 and with 15 subscribers: 18 both
# times (mail renders and creates the emails by batches of 50).
NOTIFY_QUERY_COUNT = 19


class SubscriptionCommon(PublicIncidentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Subscription = cls.env["helpdesk.incident.subscription"]
        cls.Consent = cls.env["helpdesk.ticket.consent"]
        cls.env["ir.config_parameter"].sudo().search(
            [("key", "=", "etp_helpdesk.form_rate_limit_per_hour")]
        ).unlink()
        # every request of the tests comes from 127.0.0.1
        cls.Consent.search([("ip_address", "=", "127.0.0.1")]).unlink()
        cls.env.company.email = "support@etp.example.ru"

    def _subscribers(self, incident, count, prefix="subscriber"):
        return self.Subscription.create(
            [
                {
                    "incident_id": incident.id,
                    "email": f"{prefix}{i}@example.ru",
                    "state": "subscribed",
                    "token": self.Subscription._etp_new_token(),
                }
                for i in range(count)
            ]
        )

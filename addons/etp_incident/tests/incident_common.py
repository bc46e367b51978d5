# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The incident tests' common set-up: operators, requesters and helpers
(shared by the hand-off, portal, public incidents and status tests)."""

from odoo.tests import new_test_user

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

# Queries of resolving an incident, whatever the number of linked tickets:
# the state change, one read of the tickets, one rendering of the resolution
# message for all their requesters, one insert each of the messages, emails,
# notifications and stage changes, one write of the tickets, their SLA targets
# and first response, one search of the people who asked to be told (none
# here). Measured after a warm-up in test mode on a fresh
# database of the three addons: 35 with 5 tickets as with 50 (of as many
# requesters), one more allowed for noise. A query per ticket would add 45.
RESOLVE_QUERY_COUNT = 37


class IncidentCommon(EtpHelpdeskCommon):
    """Operators, requesters and helpers of the incident tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # track as in production: the stage's emails depend on it
        cls.env = cls.env(context=dict(cls.env.context, mail_notrack=False))
        cls.Incident = cls.env["helpdesk.incident"]
        cls.category_signature = cls.env.ref(
            "etp_helpdesk.helpdesk_ticket_category_access_signature"
        )
        # the lowest operator role: sees its own tickets and every incident
        cls.operator_own = new_test_user(
            cls.env,
            login="etp-incident-own",
            name="Оператор (свои обращения)",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.env["ir.config_parameter"].sudo().set_param("etp_incident.it_email", False)

    @classmethod
    def _requester(cls, name, email, parent=None):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "email": email,
                "parent_id": (parent or cls.org_supplier).id,
            }
        )

    def _flush_tracking(self):
        """Run what Odoo runs just before a commit: the tracking messages and
        the stage's email templates."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _resolution_messages(self, tickets):
        """The resolution messages posted on ``tickets``."""
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "in", tickets.ids),
                    ("message_type", "=", "comment"),
                    ("subject", "ilike", "The technical problem is fixed"),
                ]
            )
        )

    def _emails_to(self, partner, tickets):
        """Emails queued for ``partner`` about ``tickets``: notifications of
        posted messages and emails of the stage's template."""
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "in", tickets.ids),
                    "|",
                    ("recipient_ids", "in", partner.ids),
                    ("email_to", "ilike", partner.email),
                ]
            )
        )

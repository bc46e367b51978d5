# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Deflection and resolution of ``helpdesk.incident.subscription`` (a mixin it
inherits): which subscribers also have a ticket on the incident (they are
told through it), and the one email each remaining subscriber gets when the
incident is fixed."""

import logging

from markupsafe import escape

from odoo import api, fields, models
from odoo.tools import email_normalize

from .helpdesk_incident import SUBSCRIBED_STATES

_logger = logging.getLogger(__name__)


class HelpdeskIncidentSubscriptionNotice(models.AbstractModel):
    _name = "helpdesk.incident.subscription.notice"
    _description = "Incident Subscription Notices"

    @api.model
    def _etp_linked_people(self, incidents, domain=None):
        """``(partners, emails)``: the sets of ``(incident id, contact id)``
        and ``(incident id, normalised address)`` of the requesters of the
        tickets linked to ``incidents`` (limited by ``domain``)."""
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch(
                [("incident_id", "in", incidents.ids)] + (domain or []),
                ["incident_id", "partner_id", "partner_email"],
            )
        )
        partners, emails = set(), set()
        for ticket in tickets:
            incident_id = ticket.incident_id.id
            if ticket.partner_id:
                partners.add((incident_id, ticket.partner_id.id))
            for value in (ticket.partner_email, ticket.partner_id.email):
                email = email_normalize(value or "")
                if email:
                    emails.add((incident_id, email))
        return partners, emails

    def _etp_has_ticket(self, people):
        partners, emails = people
        self.ensure_one()
        incident = self.incident_id.id
        return (incident, self.partner_id.id) in partners or (
            incident,
            self.email_normalized,
        ) in emails

    def _etp_refresh_deflection(self):
        """A subscription avoided a ticket when its person has no ticket
        linked to the incident (checked in one query for all of them)."""
        subscriptions = self.filtered(lambda s: s.state in SUBSCRIBED_STATES)
        if not subscriptions:
            return
        people = self._etp_linked_people(subscriptions.incident_id)
        with_ticket = subscriptions.filtered(lambda s: s._etp_has_ticket(people))
        (subscriptions - with_ticket).filtered(lambda s: not s.deflected).write(
            {"deflected": True}
        )
        with_ticket.filtered("deflected").write({"deflected": False})

    @api.model
    def _etp_on_tickets_linked(self, tickets):
        """Tickets were linked to their incidents: their requesters who had
        subscribed did write after all."""
        incidents = tickets.incident_id
        if not incidents:
            return
        self.sudo().search(
            [
                ("incident_id", "in", incidents.ids),
                ("state", "in", SUBSCRIBED_STATES),
                ("deflected", "=", True),
            ]
        )._etp_refresh_deflection()

    @api.model
    def _etp_notify_resolution(self, incidents):
        """``incidents`` were resolved: each subscriber is told once, in one
        batch of emails. A subscriber whose own linked ticket was just told
        is not told again; addresses never confirmed are deleted."""
        if not incidents:
            return
        subscriptions = self.search(
            [
                ("incident_id", "in", incidents.ids),
                ("state", "in", ("pending", "subscribed")),
            ]
        )
        pending = subscriptions.filtered(lambda s: s.state == "pending")
        pending.unlink()
        active = subscriptions - pending
        if not active:
            return
        told = self._etp_linked_people(
            incidents, [("incident_notified_id", "!=", False)]
        )
        by_ticket = active.filtered(lambda s: s._etp_has_ticket(told))
        to_mail = active - by_ticket
        now = fields.Datetime.now()
        by_ticket.write(
            {"state": "notified", "notified_at": now, "notified_by_ticket": True}
        )
        if to_mail:
            template = self.env.ref(
                "etp_incident.mail_template_incident_subscription_resolved"
            )
            template.sudo().send_mail_batch(to_mail.ids)
            to_mail.write({"state": "notified", "notified_at": now})
            self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
        counts = {incident.id: [0, 0] for incident in incidents}
        for subscription in to_mail:
            counts[subscription.incident_id.id][0] += 1
        for subscription in by_ticket:
            counts[subscription.incident_id.id][1] += 1
        incidents._message_log_batch(
            {
                incident_id: escape(
                    self.env._(
                        "Told %(count)s subscribers that it is fixed "
                        "(%(by_ticket)s more through their own tickets).",
                        count=emailed,
                        by_ticket=through_ticket,
                    )
                )
                for incident_id, (emailed, through_ticket) in counts.items()
                if emailed or through_ticket
            }
        )

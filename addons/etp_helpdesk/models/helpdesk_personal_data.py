# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Personal data of the desk's requesters: retention, withdrawal of consent
and subject access (152-FZ art. 5 part 7, art. 9 part 2, art. 14, art. 21).

One service model gathers what the desk holds about a person (tickets,
messages, attachments, consents, live chats, ratings) and anonymises it:

* the retention cron (:meth:`_cron_anonymise_expired`,
  ``helpdesk_personal_data_retention.py``) anonymises closed tickets,
  finished chats and consents without a ticket once the company's terms are
  reached, in batches (the anonymisation itself:
  ``helpdesk_personal_data_anonymisation.py``);
* withdrawing a consent (:meth:`_etp_withdraw_consent`) anonymises the
  person's closed tickets and finished chats at once; their open tickets
  follow when they are closed;
* ``helpdesk.personal.data.export`` (``helpdesk_personal_data_export.py``)
  writes everything about one person into one ZIP file.

What reports count stays: audience, category, team, stage, dates, SLA
results, ratings, message counts. Modules that keep more personal data next
to a ticket extend :meth:`_etp_anonymise_ticket_related` (and
:meth:`_etp_partners_still_needed` for contacts they still need).
"""

import logging

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import email_normalize

from .helpdesk_personal_data_retention import DEFAULT_BATCH_SIZE

_logger = logging.getLogger(__name__)


class HelpdeskPersonalData(models.AbstractModel):
    _name = "helpdesk.personal.data"
    _description = "Personal Data of Requesters"
    # the retention cron and the anonymisation, in their own files
    _inherit = [
        "helpdesk.personal.data.retention",
        "helpdesk.personal.data.anonymisation",
    ]

    # ------------------------------------------------------------------
    # The person: whose data is it
    # ------------------------------------------------------------------

    @api.model
    def _etp_person(self, partner=None, email=None):
        """``(partners, emails)`` of one person: the contact, the other
        contacts of people with the same email address (duplicates created by
        the mail gateway), and the normalised addresses."""
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        partner = Partner.browse(partner.ids if partner else [])
        emails = set()
        for value in (email, partner.email):
            normalized = email_normalize(value or "")
            if normalized:
                emails.add(normalized)
        partners = partner
        if emails:
            partners |= Partner.search(
                [("email_normalized", "in", list(emails))]
            ).filtered(lambda p: self._etp_is_person(p) and p.partner_share)
        return partners, emails

    @api.model
    def _etp_person_ticket_domain(self, partners, emails):
        domains = []
        if partners:
            domains.append([("partner_id", "in", partners.ids)])
        domains += [[("partner_email", "=ilike", _like_escape(e))] for e in emails]
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    @api.model
    def _etp_person_chat_domain(self, partners):
        if not partners:
            return expression.FALSE_DOMAIN
        return [
            ("channel_type", "=", "livechat"),
            "|",
            ("channel_member_ids.partner_id", "in", partners.ids),
            ("livechat_visitor_id.partner_id", "in", partners.ids),
        ]

    @api.model
    def _etp_person_records(self, partners, emails):
        """Tickets, consents and live chats of the person (superuser)."""
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        Consent = self.env["helpdesk.ticket.consent"].sudo()
        Channel = self.env["discuss.channel"].sudo().with_context(active_test=False)
        return (
            Ticket.search(self._etp_person_ticket_domain(partners, emails), order="id"),
            Consent.search(
                Consent._etp_person_domain(partners, emails), order="accepted_at, id"
            ),
            Channel.search(self._etp_person_chat_domain(partners), order="id"),
        )

    # ------------------------------------------------------------------
    # Withdrawal of consent
    # ------------------------------------------------------------------

    @api.model
    def _etp_withdraw_consent(
        self, partner=None, email=None, channel="operator", reference=None
    ):
        """The person withdraws their consent: processing of their data
        stops. Their consents are marked withdrawn; their closed tickets and
        finished chats are anonymised now, their open tickets when they are
        closed (the retention cron); no new request is linked to them without
        a new consent. The caller checks who may do it.

        :return: the log line (``helpdesk.personal.data.log``)
        """
        now = fields.Datetime.now()
        partners, emails = self._etp_person(partner, email)
        tickets, consents, chats = self._etp_person_records(partners, emails)
        consents.filtered(lambda c: not c.withdrawn_at).write({"withdrawn_at": now})
        partners.write({"etp_consent_withdrawn_at": now})
        closed = tickets.filtered(
            lambda t: t.stage_id.closed and not t.etp_anonymised_at
        )
        finished = chats.filtered(
            lambda c: not c.livechat_active and not c.etp_anonymised_at
        )
        for start in range(0, len(closed), DEFAULT_BATCH_SIZE):
            self._etp_anonymise_tickets(closed[start : start + DEFAULT_BATCH_SIZE])
        self._etp_anonymise_chats(finished)
        self._etp_anonymise_consents(
            consents.filtered(lambda c: not c.ticket_id and not c.anonymised_at)
        )
        self._etp_after_consent_withdrawn(partners, emails)
        self._etp_anonymise_partners(partners)
        open_count = len(tickets - closed)
        return (
            self.env["helpdesk.personal.data.log"]
            .sudo()
            ._etp_log(
                "withdrawal",
                channel=channel,
                reference=reference or False,
                partner_id=partner.id if partner else False,
                email=(partner.email if partner else False) or email or False,
                ticket_count=len(closed),
                chat_count=len(finished),
                consents=consents,
                note=self.env._(
                    "%(count)s open tickets are anonymised when they are closed.",
                    count=open_count,
                )
                if open_count
                else False,
            )
        )

    def _etp_after_consent_withdrawn(self, partners, emails):
        """Hook: stop what other modules do with the person's data (e.g.
        notices they subscribed to)."""


def _like_escape(value):
    return value.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Personal data of the desk's requesters: retention, withdrawal of consent
and subject access (152-FZ art. 5 part 7, art. 9 part 2, art. 14, art. 21).

One service model gathers what the desk holds about a person (tickets,
messages, attachments, consents, live chats, ratings) and anonymises it:

* the retention cron (:meth:`_cron_anonymise_expired`) anonymises closed
  tickets, finished chats and consents without a ticket once the company's
  terms are reached, in batches;
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

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, email_normalize

from ..lib import anonymisation
from ..lib.anonymisation import Redactor

_logger = logging.getLogger(__name__)

PARAM_BATCH_SIZE = "etp_helpdesk.retention_batch_size"
DEFAULT_BATCH_SIZE = 200


class HelpdeskPersonalData(models.AbstractModel):
    _name = "helpdesk.personal.data"
    _description = "Personal Data of Requesters"

    # ------------------------------------------------------------------
    # Retention cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_anonymise_expired(self, batch_size=None):
        """Anonymise one batch of each kind whose retention term is reached:
        closed tickets, finished live chats, consents given without a ticket.

        The cron worker commits after each call and calls again while
        :meth:`ir.cron._notify_progress` reports work left. A batch that
        fails is done again record by record: a record that still fails is
        logged and left for the next run, the others go on.

        :return: ``(done, remaining)``
        """
        if not batch_size:
            raw = self.env["ir.config_parameter"].sudo().get_param(PARAM_BATCH_SIZE)
            batch_size = int(raw) if (raw or "").isdigit() else DEFAULT_BATCH_SIZE
        now = fields.Datetime.now()
        steps = [
            (
                self.env["helpdesk.ticket"],
                self._etp_expired_ticket_domain(now),
                "closed_date, id",
                self._etp_anonymise_tickets,
            ),
            (
                self.env["discuss.channel"],
                self._etp_expired_chat_domain(now),
                "last_interest_dt, id",
                self._etp_anonymise_chats,
            ),
            (
                self.env["helpdesk.ticket.consent"],
                self._etp_expired_consent_domain(now),
                "accepted_at, id",
                self._etp_anonymise_consents,
            ),
        ]
        counts = []
        done = remaining = failed = 0
        for model, domain, order, method in steps:
            Model = model.sudo().with_context(active_test=False)
            records = Model.search(domain, limit=batch_size, order=order)
            succeeded, not_done = self._etp_run_batch(records, method)
            counts.append(len(succeeded))
            done += len(succeeded)
            failed += len(not_done)
            if len(records) >= batch_size:
                remaining += Model.search_count(domain)
        if done or failed:
            self.env["helpdesk.personal.data.log"].sudo()._etp_log(
                "retention",
                ticket_count=counts[0],
                chat_count=counts[1],
                consent_count=counts[2],
                note=self.env._(
                    "%(count)s records could not be anonymised: see the server log.",
                    count=failed,
                )
                if failed
                else False,
            )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    def _etp_run_batch(self, records, method):
        """Run ``method(records)``; if it fails, run it record by record.

        :return: ``(succeeded, failed)`` recordsets
        """
        if not records:
            return records, records
        try:
            with self.env.cr.savepoint():
                method(records)
            return records, records.browse()
        except Exception:  # retried one by one below
            _logger.warning(
                "Retention: the batch of %s %s failed, retrying one by one",
                len(records),
                records._name,
                exc_info=True,
            )
        succeeded = failed = records.browse()
        for record in records:
            try:
                with self.env.cr.savepoint():
                    method(record)
                succeeded |= record
            except Exception:  # logged, the others go on
                _logger.exception(
                    "Retention: could not anonymise %s %s", record._name, record.id
                )
                failed |= record
        return succeeded, failed

    @api.model
    def _etp_cutoffs(self, now, field_name):
        """``[(companies, datetime)]``, one pair per term ``field_name``
        (months) of the companies: what is older than the datetime is past
        their term."""
        return [
            (companies, now - relativedelta(months=months or 1))
            for months, companies in self.env["res.company"]
            .sudo()
            ._read_group([], [field_name], ["id:recordset"])
        ]

    @api.model
    def _etp_expired_ticket_domain(self, now):
        """Closed tickets not anonymised yet, closed before their company's
        term, or of a person who withdrew their consent."""
        by_term = expression.OR(
            [
                [
                    ("company_id", "in", companies.ids),
                    "|",
                    ("closed_date", "<", cutoff),
                    "&",
                    ("closed_date", "=", False),
                    ("last_stage_update", "<", cutoff),
                ]
                for companies, cutoff in self._etp_cutoffs(
                    now, "etp_retention_ticket_months"
                )
            ]
        )
        withdrawn = [
            "|",
            ("partner_id.etp_consent_withdrawn_at", "!=", False),
            ("consent_ids.withdrawn_at", "!=", False),
        ]
        return expression.AND(
            [
                [("etp_anonymised_at", "=", False), ("stage_id.closed", "=", True)],
                expression.OR([by_term, withdrawn]),
            ]
        )

    @api.model
    def _etp_expired_chat_domain(self, now):
        """Finished live chats not anonymised yet, whose last message is
        older than the term of the company of the website they came from
        (the current company when there is no website), or with a person who
        withdrew their consent."""
        cutoffs = self._etp_cutoffs(now, "etp_retention_chat_months")
        domains = []
        for companies, cutoff in cutoffs:
            company_domain = [
                ("livechat_visitor_id.website_id.company_id", "in", companies.ids)
            ]
            if self.env.company in companies:
                company_domain = expression.OR(
                    [
                        company_domain,
                        [("livechat_visitor_id", "=", False)],
                        [("livechat_visitor_id.website_id", "=", False)],
                    ]
                )
            domains.append(
                expression.AND(
                    [
                        company_domain,
                        [
                            "|",
                            ("last_interest_dt", "<", cutoff),
                            "&",
                            ("last_interest_dt", "=", False),
                            ("create_date", "<", cutoff),
                        ],
                    ]
                )
            )
        withdrawn = [
            ("channel_member_ids.partner_id.etp_consent_withdrawn_at", "!=", False)
        ]
        return expression.AND(
            [
                [
                    ("channel_type", "=", "livechat"),
                    ("livechat_active", "=", False),
                    ("etp_anonymised_at", "=", False),
                ],
                expression.OR(domains + [withdrawn]),
            ]
        )

    @api.model
    def _etp_expired_consent_domain(self, now):
        """Consents given without a ticket, not anonymised yet, older than
        their company's term or withdrawn."""
        by_term = expression.OR(
            [
                [("company_id", "in", companies.ids), ("accepted_at", "<", cutoff)]
                for companies, cutoff in self._etp_cutoffs(
                    now, "etp_retention_consent_months"
                )
            ]
        )
        return expression.AND(
            [
                [("ticket_id", "=", False), ("anonymised_at", "=", False)],
                expression.OR([by_term, [("withdrawn_at", "!=", False)]]),
            ]
        )

    # ------------------------------------------------------------------
    # Anonymisation
    # ------------------------------------------------------------------

    def _etp_marks(self, lang=None):
        """Replacement texts of the redacted details, in ``lang``."""
        env = self.with_context(lang=lang).env if lang else self.env
        return {
            anonymisation.EMAIL: env._("[email removed]"),
            anonymisation.PHONE: env._("[phone removed]"),
            anonymisation.INN: env._("[INN removed]"),
            anonymisation.SNILS: env._("[SNILS removed]"),
            anonymisation.PASSPORT: env._("[passport removed]"),
            anonymisation.CARD: env._("[card removed]"),
            anonymisation.NAME: env._("[name removed]"),
        }

    @api.model
    def _etp_is_person(self, partner):
        """A contact whose data is personal data: a person, or an individual
        entrepreneur (an organisation's own data is not)."""
        return not partner.is_company or anonymisation.is_individual_entrepreneur(
            partner.vat, partner.ogrn
        )

    @api.model
    def _etp_organisation(self, partner):
        """The organisation a ticket keeps after anonymisation: the contact's
        company when it is an organisation, else nothing."""
        commercial = partner.commercial_partner_id
        if commercial.is_company and not self._etp_is_person(commercial):
            return commercial
        return partner.browse()

    def _etp_anonymise_tickets(self, tickets):
        """Remove the requesters' personal data from ``tickets`` (a batch).

        The requester's name, email and contact go (the ticket keeps the
        organisation); personal details and the requester's name go from the
        title, description, notes, messages, tracking values and ratings;
        attachments, outgoing mails, email notifications and the followers
        outside the desk are deleted; the consents lose their IP address. A
        contact nothing else needs any more is anonymised too.
        """
        if not tickets:
            return
        now = fields.Datetime.now()
        tickets = tickets.sudo().with_context(
            active_test=False, tracking_disable=True, mail_notrack=True
        )
        tickets.fetch(["name", "partner_name", "partner_email", "company_id"])
        # own prefetch set: the tickets' contacts are about to change
        requesters = tickets.partner_id.browse(tickets.partner_id.ids)
        marks = {}
        redactors = {}
        for ticket in tickets:
            lang = ticket.company_id.partner_id.lang
            if lang not in marks:
                marks[lang] = self._etp_marks(lang)
            names = [ticket.partner_name]
            if ticket.partner_id and self._etp_is_person(ticket.partner_id):
                names.append(ticket.partner_id.name)
            organisation = self._etp_organisation(ticket.partner_id)
            redactors[ticket.id] = Redactor(
                names, marks[lang], keep=[organisation.name or ""]
            )
        for ticket in tickets:
            redactor = redactors[ticket.id]
            ticket.write(
                {
                    "name": redactor.text(ticket.name) or ticket.number,
                    "description": redactor.html(ticket.description),
                    "notes": redactor.html(ticket.notes),
                    "partner_id": self._etp_organisation(ticket.partner_id).id,
                    "partner_name": False,
                    "partner_email": False,
                    "access_token": False,
                    "etp_anonymised_at": now,
                }
            )
        self._etp_anonymise_thread("helpdesk.ticket", redactors)
        self._etp_scrub_ratings("helpdesk.ticket", redactors, tickets)
        tickets.consent_ids._etp_anonymise()
        self._etp_anonymise_ticket_related(tickets, redactors)
        self._etp_anonymise_partners(requesters)

    def _etp_anonymise_ticket_related(self, tickets, redactors):
        """Hook: remove personal data that other modules keep next to
        ``tickets``. ``redactors`` maps ticket ids to the
        :class:`~..lib.anonymisation.Redactor` of their requester."""

    def _etp_anonymise_thread(self, model, redactors, blank=None):
        """Redact the messages of the records ``redactors`` (id → redactor)
        of ``model``: bodies, subjects, addresses and tracking values;
        authors outside the desk become anonymous; their attachments, the
        outgoing mails and the email notifications go, and so do the
        followers outside the desk. With ``blank`` (HTML), each body is
        replaced by it instead.
        """
        res_ids = list(redactors)
        Message = self.env["mail.message"].sudo().with_context(active_test=False)
        messages = Message.search_fetch(
            [("model", "=", model), ("res_id", "in", res_ids)],
            [
                "res_id",
                "body",
                "subject",
                "record_name",
                "email_from",
                "reply_to",
                "author_id",
            ],
        )
        external = messages.author_id.filtered("partner_share")
        for message in messages:
            redactor = redactors[message.res_id]
            vals = {
                "body": blank if blank is not None else redactor.html(message.body),
                "subject": redactor.text(message.subject),
                "record_name": redactor.text(message.record_name),
                "reply_to": redactor.text(message.reply_to),
            }
            if not message.author_id or message.author_id in external:
                vals.update(author_id=False, email_from=False)
            else:
                vals["email_from"] = redactor.text(message.email_from)
            message.write(vals)
        recipients = messages.partner_ids.filtered("partner_share")
        if recipients:
            messages.write(
                {"partner_ids": [fields.Command.unlink(p.id) for p in recipients]}
            )
        Tracking = self.env["mail.tracking.value"].sudo()
        trackings = Tracking.search_fetch(
            [("mail_message_id", "in", messages.ids)],
            [
                "mail_message_id",
                "old_value_char",
                "new_value_char",
                "old_value_text",
                "new_value_text",
            ],
        )
        res_id_of = {message.id: message.res_id for message in messages}
        for tracking in trackings:
            redactor = redactors[res_id_of[tracking.mail_message_id.id]]
            tracking.write(
                {
                    name: redactor.text(tracking[name])
                    for name in (
                        "old_value_char",
                        "new_value_char",
                        "old_value_text",
                        "new_value_text",
                    )
                    if tracking[name]
                }
            )
        self.env["mail.mail"].sudo().search(
            [("mail_message_id", "in", messages.ids)]
        ).unlink()
        self.env["mail.notification"].sudo().search(
            [
                ("mail_message_id", "in", messages.ids),
                ("notification_type", "=", "email"),
            ]
        ).unlink()
        self.env["ir.attachment"].sudo().search(
            [("res_model", "=", model), ("res_id", "in", res_ids)]
        ).unlink()
        self.env["mail.followers"].sudo().search(
            [
                ("res_model", "=", model),
                ("res_id", "in", res_ids),
                ("partner_id.partner_share", "=", True),
            ]
        ).unlink()
        return messages

    def _etp_scrub_ratings(self, model, redactors, records):
        """Redact the comments of the ratings of ``records`` and unlink the
        rater. Written in SQL: the rating's ``write_date`` is its "rated on"
        date in the reports and must not move."""
        Rating = self.env["rating.rating"].sudo()
        ratings = Rating.search_fetch(
            [("res_model", "=", model), ("res_id", "in", records.ids)],
            ["res_id", "feedback", "partner_id"],
        )
        if not ratings:
            return
        names = {record.id: record.display_name for record in records}
        rows = []
        for rating in ratings:
            redactor = redactors[rating.res_id]
            organisation = self._etp_organisation(rating.partner_id)
            rows.append(
                (
                    rating.id,
                    redactor.text(rating.feedback) or None,
                    organisation.id or None,
                    names[rating.res_id],
                )
            )
        self.env.flush_all()
        values = SQL(", ").join(SQL("(%s, %s, %s::int, %s)", *row) for row in rows)
        self.env.cr.execute(
            SQL(
                """
                UPDATE rating_rating r
                   SET feedback = v.feedback, partner_id = v.partner_id,
                       res_name = v.res_name
                  FROM (VALUES %s) AS v(id, feedback, partner_id, res_name)
                 WHERE r.id = v.id
                """,
                values,
            )
        )
        ratings.invalidate_recordset(["feedback", "partner_id", "res_name"])

    def _etp_anonymise_consents(self, consents):
        consents._etp_anonymise()

    def _etp_anonymise_chats(self, channels):
        """Remove the transcripts of finished live chats (a batch): every
        message body is replaced, the visitor's name, files, rating comment
        and chatbot answers go and the visitor's contact is unlinked. The
        number and times of the messages and the rating stay for the live
        chat reports."""
        if not channels:
            return
        now = fields.Datetime.now()
        channels = channels.sudo().with_context(active_test=False)
        lang = self.env.company.partner_id.lang
        env = self.with_context(lang=lang).env if lang else self.env
        marks = self._etp_marks(lang)
        members = channels.channel_member_ids
        # one read for the names of all visitors of the batch
        members.guest_id.fetch(["name"])
        members.partner_id.fetch(["name", "partner_share"])
        names = {}
        for channel in channels:
            names[channel.id] = [
                channel.anonymous_name,
                *channel.channel_member_ids.filtered(
                    lambda m: not m.partner_id or m.partner_id.partner_share
                ).mapped(lambda m: m.partner_id.name or m.guest_id.name),
            ]
        redactors = {
            channel_id: Redactor(channel_names, marks)
            for channel_id, channel_names in names.items()
        }
        removed = Markup("<p>%s</p>") % env._("[message removed]")
        messages = self._etp_anonymise_thread(
            "discuss.channel", redactors, blank=removed
        )
        messages.write({"author_guest_id": False})
        visitors = channels.channel_member_ids.filtered(
            lambda m: not m.partner_id or m.partner_id.partner_share
        )
        people = visitors.partner_id.browse(visitors.partner_id.ids)
        visitors.guest_id.write({"name": env._("Visitor")})
        visitors.filtered("partner_id").unlink()
        self.env["chatbot.message"].sudo().search(
            [("discuss_channel_id", "in", channels.ids)]
        ).write({"user_raw_answer": False})
        channels.filtered("anonymous_name").write({"anonymous_name": env._("Visitor")})
        channels.write(
            {
                "name": env._("Anonymised chat"),
                "livechat_visitor_id": False,
                "etp_anonymised_at": now,
            }
        )
        self._etp_scrub_ratings("discuss.channel", redactors, channels)
        self._etp_anonymise_partners(people)

    def _etp_anonymise_partners(self, partners):
        """Anonymise the contacts of ``partners`` that are people and that
        nothing needs any more (see :meth:`_etp_partners_still_needed`)."""
        partners = partners.browse(partners.ids).sudo().with_context(active_test=False)
        partners = partners.filtered(
            lambda p: not p.etp_anonymised_at and self._etp_is_person(p)
        )
        partners -= self._etp_partners_still_needed(partners)
        if not partners:
            return
        marks = self._etp_marks(self.env.company.partner_id.lang)
        redactors = {
            partner.id: Redactor([partner.name], marks) for partner in partners
        }
        self._etp_anonymise_thread("res.partner", redactors)
        self.env["mail.followers"].sudo().search(
            [("partner_id", "in", partners.ids)]
        ).unlink()
        partners.bank_ids.unlink()
        self.env["website.visitor"].sudo().search(
            [("partner_id", "in", partners.ids)]
        ).unlink()
        vals = {
            "name": self.with_context(lang=self.env.company.partner_id.lang).env._(
                "Anonymised contact"
            ),
            "email": False,
            "phone": False,
            "mobile": False,
            "street": False,
            "street2": False,
            "zip": False,
            "city": False,
            "state_id": False,
            "website": False,
            "function": False,
            "title": False,
            "comment": False,
            "ref": False,
            "vat": False,
            "ogrn": False,
            "active": False,
            "etp_anonymised_at": fields.Datetime.now(),
        }
        partners = partners.with_context(tracking_disable=True, mail_notrack=True)
        partners.write(vals)
        # written apart: each image written costs queries per contact
        partners.filtered("image_1920").write({"image_1920": False})

    @api.model
    def _etp_partners_still_needed(self, partners):
        """Contacts of ``partners`` that must keep their data: a user's
        contact (their account), a company's, a contact with contacts of its
        own (an individual entrepreneur's staff), or one with a ticket or a
        consent not anonymised yet."""
        if not partners:
            return partners
        ids = partners.ids
        needed = set()
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        needed.update(
            user.partner_id.id
            for user in Users.search_fetch([("partner_id", "in", ids)], ["partner_id"])
        )
        needed.update(
            self.env["res.company"]
            .sudo()
            .search([("partner_id", "in", ids)])
            .partner_id.ids
        )
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        for (parent,) in Partner._read_group([("parent_id", "in", ids)], ["parent_id"]):
            needed.add(parent.id)
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        for (partner,) in Ticket._read_group(
            [("partner_id", "in", ids), ("etp_anonymised_at", "=", False)],
            ["partner_id"],
        ):
            needed.add(partner.id)
        Consent = self.env["helpdesk.ticket.consent"].sudo()
        for (partner,) in Consent._read_group(
            [("partner_id", "in", ids), ("anonymised_at", "=", False)],
            ["partner_id"],
        ):
            needed.add(partner.id)
        return partners.browse(needed) & partners

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

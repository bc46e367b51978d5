# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The anonymisation of ``helpdesk.personal.data`` (a mixin it inherits): a
person's tickets, messages, attachments, consents, live chats, ratings and
contacts lose what identifies them; what reports count stays. Modules that
keep more personal data next to a ticket extend
``_etp_anonymise_ticket_related`` (and ``_etp_partners_still_needed``) on
``helpdesk.personal.data``."""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib import anonymisation
from ..lib.anonymisation import Redactor

_logger = logging.getLogger(__name__)


class HelpdeskPersonalDataAnonymisation(models.AbstractModel):
    _name = "helpdesk.personal.data.anonymisation"
    _description = "Personal Data Anonymisation"

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

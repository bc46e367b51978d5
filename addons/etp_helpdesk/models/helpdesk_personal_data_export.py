# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Subject access (152-FZ art. 14): everything the desk holds about one
person, found by ``helpdesk.personal.data._etp_person_records``, written into
one ZIP file. Modules that keep more about a person extend the
``_etp_export_*`` methods (etp_incident names the incident of a consent)."""

import io
import json
import re
import zipfile

from odoo import api, fields, models
from odoo.tools import html2plaintext

EXPORT_FORMAT_VERSION = 1


class HelpdeskPersonalDataExport(models.AbstractModel):
    _name = "helpdesk.personal.data.export"
    _description = "Personal Data Export"

    @api.model
    def _etp_export(self, partner=None, email=None, reference=None):
        """Everything the desk holds about one person, as one ZIP file:
        ``personal_data.json`` and the attached files.

        Other people's data is left out (152-FZ art. 14 part 2): desk
        operators appear as "Support desk", other outside participants as
        "Other participant".

        :return: ``(file name, bytes, log line)``
        """
        Person = self.env["helpdesk.personal.data"]
        partners, emails = Person._etp_person(partner, email)
        tickets, consents, chats = Person._etp_person_records(partners, emails)
        company = self.env.company
        lang_env = self.env
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", "helpdesk.ticket"), ("res_id", "in", tickets.ids)],
                order="res_id, id",
            )
        )
        files = {}
        document = {
            "format": EXPORT_FORMAT_VERSION,
            "generated_at": _iso(fields.Datetime.now()),
            "operator": company.name,
            "request": reference or None,
            "person": self._etp_export_person(partner, emails),
            "processing": self._etp_export_processing(company),
            "consents": [self._etp_export_consent(c) for c in consents],
            "tickets": self._etp_export_tickets(tickets, partners, attachments, files),
            "chats": self._etp_export_chats(chats, partners),
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "personal_data.json",
                json.dumps(document, ensure_ascii=False, indent=2),
            )
            for path, attachment in files.items():
                archive.writestr(path, attachment.raw or b"")
        log = (
            self.env["helpdesk.personal.data.log"]
            .sudo()
            ._etp_log(
                "export",
                reference=reference or False,
                partner_id=partner.id if partner else False,
                email=(partner.email if partner else False) or email or False,
                ticket_count=len(tickets),
                chat_count=len(chats),
                attachment_count=len(files),
                consents=consents,
            )
        )
        stamp = fields.Datetime.context_timestamp(
            lang_env["res.users"], fields.Datetime.now()
        ).strftime("%Y%m%d-%H%M")
        slug = re.sub(
            r"[^\w.-]+", "_", (partner.name if partner else email) or "person"
        )
        return f"personal-data-{slug[:40]}-{stamp}.zip", buffer.getvalue(), log

    def _etp_export_person(self, partner, emails):
        partner = partner.sudo() if partner else None
        return {
            "name": partner.name if partner else None,
            "emails": sorted(emails),
            "phone": (partner.phone or None) if partner else None,
            "mobile": (partner.mobile or None) if partner else None,
            "organisation": partner.commercial_partner_id.name
            if partner and partner.commercial_partner_id != partner
            else None,
            "time_zone": (partner.tz or None) if partner else None,
            "consent_withdrawn_at": _iso(partner.etp_consent_withdrawn_at)
            if partner
            else None,
        }

    def _etp_export_processing(self, company):
        """What 152-FZ art. 14 part 7 lists: purposes, terms, rights."""
        env = self.env
        return {
            "purpose": env._(
                "Answering the person's requests to the support desk of the "
                "electronic trading platform."
            ),
            "retention": {
                "closed_tickets_months": company.etp_retention_ticket_months,
                "chat_transcripts_months": company.etp_retention_chat_months,
                "consents_without_ticket_months": (
                    company.etp_retention_consent_months
                ),
            },
            "rights": env._(
                "The person may withdraw their consent on the portal (My "
                "account, Personal data) or by asking the support desk."
            ),
        }

    def _etp_export_consent(self, consent):
        return {
            "accepted_at": _iso(consent.accepted_at),
            "source": dict(
                consent._fields["source"]._description_selection(self.env)
            ).get(consent.source),
            "text_version": consent.version,
            "ticket": consent.ticket_id.number or None,
            "email": consent.email or None,
            "ip_address": consent.ip_address or None,
            "user_agent": consent.user_agent or None,
            "withdrawn_at": _iso(consent.withdrawn_at),
            "anonymised_at": _iso(consent.anonymised_at),
        }

    def _etp_export_tickets(self, tickets, partners, attachments, files):
        by_ticket = {}
        for attachment in attachments:
            by_ticket.setdefault(attachment.res_id, []).append(attachment)
        messages = self._etp_export_messages("helpdesk.ticket", tickets, partners)
        result = []
        for ticket in tickets:
            listed = []
            for attachment in by_ticket.get(ticket.id, []):
                path = "attachments/{}/{}-{}".format(
                    re.sub(r"[^\w.-]+", "_", ticket.number or str(ticket.id)),
                    attachment.id,
                    re.sub(r"[^\w.-]+", "_", attachment.name or "file"),
                )
                files[path] = attachment
                listed.append(
                    {
                        "name": attachment.name,
                        "mimetype": attachment.mimetype,
                        "size": attachment.file_size,
                        "created_at": _iso(attachment.create_date),
                        "file": path,
                    }
                )
            result.append(
                {
                    "number": ticket.number,
                    "title": ticket.name,
                    "created_at": _iso(ticket.create_date),
                    "closed_at": _iso(ticket.closed_date),
                    "stage": ticket.stage_id.name,
                    "team": ticket.team_id.name or None,
                    "category": ticket.category_id.name or None,
                    "channel": ticket.channel_id.name or None,
                    "procedure_number": ticket.procedure_number or None,
                    "requester_name": ticket.partner_name or None,
                    "requester_email": ticket.partner_email or None,
                    "description": html2plaintext(ticket.description or ""),
                    "anonymised_at": _iso(ticket.etp_anonymised_at),
                    "messages": messages.get(ticket.id, []),
                    "attachments": listed,
                }
            )
        return result

    def _etp_export_chats(self, chats, partners):
        messages = self._etp_export_messages("discuss.channel", chats, partners)
        return [
            {
                "started_at": _iso(chat.create_date),
                "last_message_at": _iso(chat.last_interest_dt),
                "anonymised_at": _iso(chat.etp_anonymised_at),
                "messages": messages.get(chat.id, []),
            }
            for chat in chats
        ]

    def _etp_export_messages(self, model, records, partners):
        """``{res_id: [message, …]}``: the messages and notes of ``records``,
        oldest first, with the person's own name and everyone else as a
        role."""
        if not records:
            return {}
        env = self.env
        messages = (
            env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", model),
                    ("res_id", "in", records.ids),
                    ("message_type", "in", ("email", "comment", "email_outgoing")),
                ],
                order="date, id",
            )
        )
        desk = env._("Support desk")
        other = env._("Other participant")
        result = {}
        for message in messages:
            author = message.author_id
            if author and author in partners:
                name = author.name
            elif (author and not author.partner_share) or (
                not author and not message.author_guest_id
            ):
                name = desk
            elif message.author_guest_id and model == "discuss.channel":
                name = message.author_guest_id.name
            else:
                name = other
            result.setdefault(message.res_id, []).append(
                {
                    "date": _iso(message.date),
                    "author": name,
                    "internal_note": bool(
                        message.is_internal or message.subtype_id.internal
                    ),
                    "subject": message.subject or None,
                    "text": html2plaintext(message.body or ""),
                }
            )
        return result


def _iso(value):
    """A UTC datetime as ISO 8601 text, or ``None``."""
    return value.replace(microsecond=0).isoformat() + "Z" if value else None

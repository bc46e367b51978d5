# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, models, tools
from odoo.tools import email_normalize

from ..lib import autoreply, charsets

_logger = logging.getLogger(__name__)

ORIGINAL_EMAIL_NAME = "original_email.eml"


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    # ------------------------------------------------------------------
    # Parsing: mail that Python's email package cannot decode
    # ------------------------------------------------------------------

    @api.model
    def message_parse(self, message, save_original=False):
        """Text parts with an unknown, empty or missing charset (and a subject
        in an unknown charset) are decoded best-effort instead of raising
        ``LookupError``, which would lose the request and make the fetchmail
        server retry it forever. The message as received is then kept as an
        attachment, for an operator to read what the guess may have spoilt."""
        original = self._etp_repair_charsets(message)
        msg_dict = super().message_parse(message, save_original=save_original)
        if original is not None and not save_original:
            msg_dict.setdefault("attachments", []).append(
                self._Attachment(ORIGINAL_EMAIL_NAME, original, {})
            )
        return msg_dict

    @api.model
    def _etp_repair_charsets(self, message):
        """Re-declare as UTF-8, decoded best-effort, every text part of
        ``message`` whose charset Python cannot use, and its subject; return
        the message's bytes as received when the text had to be guessed, else
        ``None``."""
        parts = [part for part in message.walk() if self._etp_needs_decoding(part)]
        raw_subject = dict(message.raw_items()).get("Subject")
        subject = (
            charsets.decode_header_best_effort(raw_subject) if raw_subject else None
        )
        if not parts and subject is None:
            return None
        original = message.as_bytes()
        guessed = subject is not None
        for part in parts:
            declared = part.get_param("charset")
            text, used = charsets.decode_best_effort(part.get_payload(decode=True))
            # a part without charset that is plain UTF-8 is no guess
            guessed = guessed or declared is not None or used != "utf-8"
            part.del_param("charset")
            part.set_param("charset", "utf-8")
            del part["Content-Transfer-Encoding"]
            part["Content-Transfer-Encoding"] = "8bit"
            part.set_payload(text.encode("utf-8").decode("ascii", "surrogateescape"))
            _logger.info(
                "Incoming email %s: text part with charset %r decoded as %s",
                message.get("Message-Id"),
                declared,
                used,
            )
        if subject is not None:
            message.replace_header("Subject", subject)
        return original if guessed else None

    @api.model
    def _etp_needs_decoding(self, part):
        if part.get_content_maintype() != "text" or part.is_multipart():
            return False
        declared = part.get_param("charset")
        if declared is None:
            # no charset: ASCII by the standard, but 8-bit text is common
            payload = part.get_payload(decode=True) or b""
            return not payload.isascii()
        return not charsets.is_known_charset(declared)

    @api.model
    def _message_parse_extract_bounce(self, email_message, message_dict):
        """Odoo reads a delivery report's parts as headers; a plain-text
        report labelled ``multipart/report`` (no or wrong boundary) makes it
        raise. Such a report is still a bounce, with nothing known about what
        bounced."""
        try:
            return super()._message_parse_extract_bounce(email_message, message_dict)
        except (AttributeError, IndexError, TypeError, ValueError) as error:
            _logger.info(
                "Malformed delivery report %s from %s taken as a bounce (%s)",
                message_dict.get("message_id"),
                message_dict.get("email_from"),
                error,
            )
            return {
                "is_bounce": True,
                "bounced_email": False,
                "bounced_partner": self.env["res.partner"].sudo(),
                "bounced_msg_ids": [],
                "bounced_message": self.env["mail.message"].sudo(),
            }

    # ------------------------------------------------------------------
    # Routing: automatic mail, reports and loops open no ticket
    # ------------------------------------------------------------------

    @api.model
    def _detect_is_bounce(self, message, message_dict):
        """Besides Odoo's signs (mailer-daemon sender, multipart/report),
        plain-text reports of postmasters, reports with a null return path
        and exim's ``X-Failed-Recipients`` are delivery reports."""
        return super()._detect_is_bounce(
            message, message_dict
        ) or autoreply.is_delivery_report(message, message_dict.get("email_from"))

    @api.model
    def message_route(
        self, message, message_dict, model=None, thread_id=None, custom_values=None
    ):
        if self._etp_is_own_address(message_dict.get("email_from")):
            # Our own mail coming back (a contact whose address is one of
            # ours, a forwarding rule): posting it would notify again, and
            # answering it (a bounce) would write to ourselves.
            _logger.info(
                "Email %s from our own address %s: dropped, no ticket",
                message_dict.get("message_id"),
                message_dict.get("email_from"),
            )
            return []
        routes = super().message_route(
            message,
            message_dict,
            model=model,
            thread_id=thread_id,
            custom_values=custom_values,
        )
        if not autoreply.is_automatic(message):
            return routes
        kept = [
            route
            for route in routes
            if not (route[0] == "helpdesk.ticket" and not route[1])
        ]
        if len(kept) != len(routes):
            _logger.info(
                "Automatic email %s from %s opens no ticket",
                message_dict.get("message_id"),
                message_dict.get("email_from"),
            )
        return kept

    @api.model
    def _etp_is_own_address(self, email_from):
        """Whether ``email_from`` is one of the desk's own addresses: an alias,
        or the catchall, bounce or notification address of an alias domain."""
        email = email_normalize(email_from or "")
        return bool(email) and email in self._etp_own_addresses()

    @api.model
    @tools.ormcache()
    def _etp_own_addresses(self):
        """The desk's own addresses, normalised (see ``_etp_is_own_address``).
        Cached: every incoming email asks. A change of an alias, an alias
        domain (see ``mail.alias``, ``mail.alias.domain``) or a system
        parameter clears the cache."""
        default_from = (
            self.env["ir.config_parameter"].sudo().get_param("mail.default.from")
        )
        addresses = {email_normalize(default_from or "")}
        # alias domains are a handful: one per mail domain of the database
        domains = self.env["mail.alias.domain"].sudo().search([], limit=100)
        for domain in domains:
            addresses.update(
                (
                    domain.catchall_email,
                    domain.bounce_email,
                    email_normalize(domain.default_from_email or ""),
                )
            )
        aliases = (
            self.env["mail.alias"]
            .sudo()
            .search_fetch([("alias_full_name", "!=", False)], ["alias_full_name"])
        )
        addresses.update(aliases.mapped("alias_full_name"))
        return frozenset(address for address in addresses if address)

    @api.model
    def _detect_loop_sender(self, message, message_dict, routes):
        """Odoo's loop guard drops the mail of a sender who floods an alias,
        and answers each dropped mail with a notice: to an auto-responder in
        a storm, that answer feeds the storm. The mail is dropped silently
        (logged by Odoo) here."""
        return super(
            MailThread, self.with_context(etp_loop_guard=True)
        )._detect_loop_sender(message, message_dict, routes)

    @api.model
    def _routing_create_bounce_email(
        self, email_from, body_html, message, **mail_values
    ):
        if self.env.context.get("etp_loop_guard"):
            _logger.info(
                "Mail storm from %s: mail %s dropped without an answer",
                email_from,
                message.get("Message-Id"),
            )
            return
        return super()._routing_create_bounce_email(
            email_from, body_html, message, **mail_values
        )

    def _creation_message(self):
        """The creation note is written by the system: without a user's
        language (mail gateway, crons, data loading), in the company's
        language rather than «Создано: Helpdesk Ticket» half in English."""
        if not self.env.lang:
            self = self.with_context(lang=self.env.company._etp_lang())
        return super()._creation_message()

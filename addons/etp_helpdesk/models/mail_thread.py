# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, models

from ..lib import autoreply

_logger = logging.getLogger(__name__)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_route(
        self, message, message_dict, model=None, thread_id=None, custom_values=None
    ):
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

    def _creation_message(self):
        """The creation note is written by the system: without a user's
        language (mail gateway, crons, data loading), in the company's
        language rather than «Создано: Helpdesk Ticket» half in English."""
        if not self.env.lang:
            self = self.with_context(lang=self.env.company._etp_lang())
        return super()._creation_message()

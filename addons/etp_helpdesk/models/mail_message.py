# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models, tools


class MailMessage(models.Model):
    _inherit = "mail.message"

    def init(self):
        """The mail gateway looks every incoming email up by its Message-Id,
        newest first (``message_id = %s ORDER BY id DESC LIMIT 1``). Notes
        logged in batches share one Message-Id (``_message_log_batch``), so
        PostgreSQL expects many rows per value and walks the primary key
        backwards, filtering: a whole-table scan when the email is new, the
        usual case (48 ms at 240 000 messages, growing with the table). On
        (message_id, id) the lookup is one index probe, whatever the
        statistics."""
        result = super().init()
        tools.create_index(
            self.env.cr,
            "mail_message_etp_message_id_id_idx",
            self._table,
            ["message_id", "id"],
        )
        return result

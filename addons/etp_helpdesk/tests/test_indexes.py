# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase


class TestIndexes(TransactionCase):
    def _indexed_columns(self, table):
        self.env.cr.execute(
            """SELECT a.attname
               FROM pg_index i
               JOIN pg_attribute a
                 ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
               WHERE i.indrelid = %s::regclass""",
            [table],
        )
        return {name for (name,) in self.env.cr.fetchall()}

    def test_duplicate_of_is_indexed(self):
        """Deleting a ticket looks for the tickets marked as its duplicates:
        without an index, every ticket is read for each one deleted."""
        self.assertIn("duplicate_id", self._indexed_columns("helpdesk_ticket"))
        # a duplicate is still found the usual way
        Ticket = self.env["helpdesk.ticket"]
        original = Ticket.create({"name": "Вход", "description": "<p>Не входит</p>"})
        copy = Ticket.create(
            {
                "name": "Вход (повтор)",
                "description": "<p>Не входит</p>",
                "duplicate_id": original.id,
            }
        )
        self.assertEqual(original.duplicate_ids, copy)

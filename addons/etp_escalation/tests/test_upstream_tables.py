# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase

OUR_MODULES = {"etp_helpdesk", "etp_escalation", "etp_incident"}


class TestUpstreamTables(TransactionCase):
    """Upstream code that does not know our fields can still insert rows in
    the tables we extend: its own tests, run through ``odoo-bin -u`` while our
    addons are not loaded yet, create teams and SLA rows."""

    def test_required_columns_we_add_have_a_database_default(self):
        missing = []
        self.env.cr.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_default IS NOT NULL"
        )
        with_default = set(self.env.cr.fetchall())
        for model in self.env.registry.values():
            if model._original_module in OUR_MODULES or model._abstract:
                continue
            for field in model._fields.values():
                if (
                    set(field._modules) <= OUR_MODULES
                    and field.store
                    and field.required
                    and field.column_type
                    and (model._table, field.name) not in with_default
                ):
                    missing.append(f"{model._name}.{field.name}")
        self.assertFalse(missing, "required columns on upstream tables")

    def test_team_inserted_by_upstream_code_gets_our_defaults(self):
        alias = self.env["mail.alias"].search([], limit=1)
        self.env.cr.execute(
            "INSERT INTO helpdesk_ticket_team (name, alias_id) VALUES (%s, %s) "
            "RETURNING audience, support_line, assignment_method",
            ('{"en_US": "Team SLA One"}', alias.id),
        )
        self.assertEqual(self.env.cr.fetchone(), ("both", "1", "round_robin"))

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers for our extensions of upstream models (need a database)."""

from odoo.tools import SQL


def set_column_defaults(model, module):
    """Give the required columns ``module`` adds to ``model``'s table a
    database default, their field's default.

    Odoo keeps defaults in Python only. Code that does not know our fields
    (upstream's own tests, run while our addon is not loaded, e.g. through
    ``odoo-bin -u helpdesk_mgmt_sla``) inserts rows without them and would hit
    the NOT NULL constraint. Call it from the model's ``init()``.
    """
    for field in model._fields.values():
        if (
            field._modules != (module,)
            or not (field.store and field.required and field.column_type)
            or not field.default
        ):
            continue
        value = field.convert_to_column(field.default(model), model)
        model.env.cr.execute(
            SQL(
                "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s",
                SQL.identifier(model._table),
                SQL.identifier(field.name),
                value,
            )
        )


def ticket_priorities(env):
    """The ticket's priorities as its ``priority`` field lists them (from
    helpdesk_mgmt), in the user's language: the selection of every other
    field that holds a ticket priority (``selection=lambda self:
    ticket_priorities(self.env)``)."""
    return env["helpdesk.ticket"]._fields["priority"]._description_selection(env)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.etp_helpdesk.models.helpdesk_ticket_team import SUPPORT_LINES

ESCALATION_KINDS = [
    ("manual", "Manual"),
    ("return", "Sent back"),
    ("sla_breach", "SLA breach"),
    ("deadline", "Deadline"),
]


class HelpdeskTicketEscalation(models.Model):
    _name = "helpdesk.ticket.escalation"
    _inherit = ["helpdesk.ticket.child.mixin"]
    _description = "Ticket Escalation"
    _order = "create_date desc, id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    from_team_id = fields.Many2one(
        "helpdesk.ticket.team",
    )
    from_line = fields.Selection(SUPPORT_LINES)
    to_team_id = fields.Many2one("helpdesk.ticket.team", required=True)
    to_line = fields.Selection(SUPPORT_LINES)
    kind = fields.Selection(ESCALATION_KINDS, required=True, default="manual")
    reason = fields.Text(required=True)
    tried = fields.Text(string="Already Tried")
    user_id = fields.Many2one(
        "res.users", string="By", default=lambda self: self.env.user, index=True
    )
    audience = fields.Selection(related="ticket_id.audience", store=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)

    # the stored fields _etp_insert writes (its INSERT's columns), besides
    # the log columns
    _ETP_INSERTED = (
        "ticket_id",
        "from_team_id",
        "from_line",
        "to_team_id",
        "to_line",
        "kind",
        "reason",
        "tried",
        "user_id",
        "audience",
        "company_id",
    )

    @api.model
    def _etp_insert(self, vals_list):
        """Create history rows in one INSERT: what ``create`` stores for
        ``vals_list``, which gives every field of ``_ETP_INSERTED`` but
        ``user_id`` (the current user) and ``tried``, the related
        ``audience`` and ``company_id`` being the ticket's. The ORM's create
        costs about 0.2 ms a row (defaults, precomputes, then an UPDATE of
        the related fields), which the SLA cron escalating hundreds of
        tickets per batch would pay for each. Access is checked as for
        ``create``.

        :return: the rows, in the order of ``vals_list``
        """
        self.check_access("create")
        if not vals_list:
            return self.browse()
        now, uid = self.env.cr.now(), self.env.uid
        defaults = {"kind": "manual", "user_id": uid}
        names = self._ETP_INSERTED
        columns = SQL(", ").join(SQL.identifier(name) for name in names)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO helpdesk_ticket_escalation (
                    %(columns)s, create_uid, create_date, write_uid, write_date)
                SELECT %(values)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                FROM unnest(%(arrays)s) WITH ORDINALITY AS row(%(columns)s, position)
                ORDER BY row.position
                RETURNING id
                """,
                columns=columns,
                values=SQL(", ").join(SQL.identifier("row", name) for name in names),
                arrays=SQL(", ").join(
                    SQL(
                        "%s::%s[]",
                        [vals.get(name) or defaults.get(name) for vals in vals_list],
                        SQL(self._fields[name].column_type[1]),
                    )
                    for name in names
                ),
                uid=uid,
                now=now,
            )
        )
        rows = self.browse([row[0] for row in self.env.cr.fetchall()])
        rows.check_access("create")  # the record rules, on the rows made
        tickets = self.env["helpdesk.ticket"].browse(
            [vals["ticket_id"] for vals in vals_list]
        )
        tickets.invalidate_recordset(["escalation_ids", "escalation_count"])
        return rows

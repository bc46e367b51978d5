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

    # the stored fields _etp_insert writes, besides the log columns
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

        def column(name, default=None):
            return [vals.get(name) or default for vals in vals_list]

        self.env.cr.execute(
            SQL(
                """
                INSERT INTO helpdesk_ticket_escalation (
                    ticket_id, from_team_id, from_line, to_team_id, to_line,
                    kind, reason, tried, user_id, audience, company_id,
                    create_uid, create_date, write_uid, write_date)
                SELECT row.ticket_id, row.from_team_id, row.from_line,
                    row.to_team_id, row.to_line, row.kind, row.reason, row.tried,
                    row.user_id, row.audience, row.company_id,
                    %(uid)s, %(now)s, %(uid)s, %(now)s
                FROM unnest(
                    %(ticket)s::int[], %(from_team)s::int[], %(from_line)s::varchar[],
                    %(to_team)s::int[], %(to_line)s::varchar[], %(kind)s::varchar[],
                    %(reason)s::text[], %(tried)s::text[], %(user)s::int[],
                    %(audience)s::varchar[], %(company)s::int[]
                ) WITH ORDINALITY AS row(
                    ticket_id, from_team_id, from_line, to_team_id, to_line, kind,
                    reason, tried, user_id, audience, company_id, position)
                ORDER BY row.position
                RETURNING id
                """,
                uid=uid,
                now=now,
                ticket=column("ticket_id"),
                from_team=column("from_team_id"),
                from_line=column("from_line"),
                to_team=column("to_team_id"),
                to_line=column("to_line"),
                kind=column("kind", "manual"),
                reason=column("reason"),
                tried=column("tried"),
                user=column("user_id", uid),
                audience=column("audience"),
                company=column("company_id"),
            )
        )
        rows = self.browse([row[0] for row in self.env.cr.fetchall()])
        rows.check_access("create")  # the record rules, on the rows made
        self.env["helpdesk.ticket"].browse(column("ticket_id")).invalidate_recordset(
            ["escalation_ids", "escalation_count"]
        )
        return rows

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Moving ``helpdesk.ticket`` between teams (a mixin it inherits): an
operator's escalation or sending back, and the SLA cron's escalations, in
batches, with their history (``helpdesk.ticket.escalation``) and one chatter
note per ticket written in one INSERT."""

from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id


class HelpdeskTicketTeamMove(models.AbstractModel):
    _name = "helpdesk.ticket.team.move"
    _description = "Ticket Moves Between Teams"

    escalation_ids = fields.One2many("helpdesk.ticket.escalation", "ticket_id")
    escalation_count = fields.Integer(compute="_compute_escalation_count")

    @api.depends("escalation_ids")
    def _compute_escalation_count(self):
        counts = dict(
            self.env["helpdesk.ticket.escalation"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.escalation_count = counts.get(ticket._origin, 0)

    def action_escalate(self):
        self.ensure_one()
        return self._etp_open_escalate_wizard("escalate")

    def action_send_back(self):
        self.ensure_one()
        return self._etp_open_escalate_wizard("return")

    def _etp_open_escalate_wizard(self, direction):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Escalate")
            if direction == "escalate"
            else self.env._("Send back"),
            "res_model": "helpdesk.ticket.escalate.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id, "default_direction": direction},
        }

    def _etp_escalation_target(self):
        """The team this ticket escalates to along the configured path."""
        self.ensure_one()
        return self.team_id.escalation_team_id

    def _etp_send_back_target(self):
        """The team the ticket came from at its last escalation."""
        self.ensure_one()
        last = self.escalation_ids.filtered(
            lambda e: e.kind != "return" and e.to_team_id == self.team_id
        )[:1]
        return last.from_team_id

    def _etp_move_to_team(self, team, reason, kind="manual", tried=False):
        """Move the ticket to ``team`` and record it in the escalation history."""
        self.ensure_one()
        return self._etp_move_to_teams([(self, team, reason, tried)], kind=kind)

    @api.model
    def _etp_move_to_teams(self, moves, kind="manual"):
        """Move tickets to other teams and record it in their escalation
        history: ``moves`` is a list of ``(ticket, team, reason[, tried])``.

        The same for one ticket (an operator's escalation) and for hundreds
        (the SLA cron): one insert of the history rows, one write per target
        team, one chatter note per ticket logged in one batch, then one duty
        assignment for all the tickets moved (``etp_duty_defer`` is set while
        they move). Checks every move first: nothing moves when one is wrong.

        :return: the history rows, in the order of ``moves``
        """
        Escalation = self.env["helpdesk.ticket.escalation"]
        if not moves:
            return Escalation
        moves = [(move + (False,))[:4] for move in moves]
        for ticket, team, reason, _tried in moves:
            ticket._etp_check_move(team, reason)
        kinds = dict(Escalation._fields["kind"]._description_selection(self.env))
        vals_list, bodies, by_team = [], {}, defaultdict(list)
        for ticket, team, reason, tried in moves:
            from_team = ticket.team_id
            vals_list.append(
                {
                    "ticket_id": ticket.id,
                    "from_team_id": from_team.id,
                    "from_line": from_team.support_line,
                    "to_team_id": team.id,
                    "to_line": team.support_line,
                    "kind": kind,
                    "reason": reason,
                    "tried": tried,
                    # the ticket's (the related fields' values): in the
                    # INSERT, not in an UPDATE of every row after it
                    "audience": ticket.audience,
                    "company_id": ticket.company_id.id,
                }
            )
            bodies[ticket.id] = Markup("<p>%s</p><p>%s</p>") % (
                self.env._(
                    "%(kind)s: %(from)s → %(to)s",
                    kind=kinds[kind],
                    **{"from": from_team.name or "—", "to": team.name},
                ),
                reason,
            )
            by_team[team].append(ticket.id)
        history = Escalation._etp_insert(vals_list)
        deferred = self.with_context(etp_duty_defer=True)
        for team, ticket_ids in by_team.items():
            deferred.browse(ticket_ids).write({"team_id": team.id, "user_id": False})
        moved = self.browse(list(bodies))
        moved._etp_log_notes(bodies)
        self.env["helpdesk.duty.shift"]._etp_assign_tickets(moved)
        return history

    def _etp_check_move(self, team, reason):
        """Whether the ticket may move to ``team`` for ``reason``."""
        self.ensure_one()
        if not team:
            raise UserError(self.env._("Choose the team the ticket goes to."))
        if team == self.team_id:
            raise UserError(
                self.env._(
                    "Ticket %(number)s is already with %(team)s.",
                    number=self.number,
                    team=team.name,
                )
            )
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for the escalation."))

    def _etp_log_notes(self, bodies):
        """Log ``bodies`` (``{ticket id: Markup}``, text we escaped
        ourselves) on the tickets as internal notes: what
        ``_message_log_batch`` writes (same author, subtype, type and
        addresses), in one INSERT. The ORM's create sanitises and
        post-processes each body, about a millisecond a note, which a cron
        call escalating hundreds of tickets would pay hundreds of times.

        :return: the notes (``mail.message``, as superuser)
        """
        Message = self.env["mail.message"].sudo()
        if not bodies:
            return Message
        author_id, email_from = self._message_compute_author(raise_on_email=False)
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=email_from)[
            False
        ]
        now, uid = self.env.cr.now(), self.env.uid
        ids = list(bodies)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_message (
                    model, res_id, body, message_type, subtype_id, is_internal,
                    author_id, email_from, reply_to, message_id,
                    email_add_signature, date,
                    create_uid, create_date, write_uid, write_date)
                SELECT %(model)s, note.res_id, note.body, 'notification',
                    %(subtype)s, TRUE, %(author)s, %(email_from)s, %(reply_to)s,
                    note.message_id, FALSE, %(date)s, %(uid)s, %(now)s, %(uid)s,
                    %(now)s
                FROM unnest(
                    %(ids)s::int[], %(bodies)s::text[], %(message_ids)s::text[]
                ) WITH ORDINALITY AS note(res_id, body, message_id, position)
                ORDER BY note.position
                RETURNING id
                """,
                model=self._name,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                author=author_id or None,
                email_from=email_from or None,
                reply_to=reply_to or None,
                # one Message-Id each (_message_log_batch gives a batch one):
                # the gateway's lookup by Message-Id relies on them differing
                message_ids=[
                    generate_tracking_message_id(f"message-notify-{ticket_id}")
                    for ticket_id in ids
                ],
                date=fields.Datetime.now(),
                uid=uid,
                now=now,
                ids=ids,
                bodies=[str(escape(bodies[ticket_id])) for ticket_id in ids],
            )
        )
        notes = Message.browse([row[0] for row in self.env.cr.fetchall()])
        self.browse(ids).invalidate_recordset(
            ["message_ids", "message_needaction", "message_needaction_counter"]
        )
        return notes

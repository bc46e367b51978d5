# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Ticket assignment by the duty roster (a mixin ``helpdesk.duty.shift``
inherits): the members on duty now, who of them gets each new or escalated
ticket (round robin or least loaded, ``lib/duty.py``), and the team leader's
alert when nobody of the team is on duty."""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models

from ..lib import duty


class HelpdeskDutyShiftAssignment(models.AbstractModel):
    _name = "helpdesk.duty.shift.assignment"
    _description = "Duty Shift Ticket Assignment"

    last_assignment_seq = fields.Integer(
        readonly=True,
        copy=False,
        help="Rotation number of the last ticket this shift got (round robin "
        "gives the next ticket to the shift with the lowest number).",
    )

    @api.model
    def _etp_on_duty(self, teams, now=None):
        """``{team id: shifts}`` of the members of ``teams`` on duty at
        ``now`` (default: now). One search for all the teams; people who left
        the team, are archived or are not internal users are skipped."""
        now = now or fields.Datetime.now()
        teams = teams.sudo()
        result = {team.id: self.sudo().browse() for team in teams}
        if not teams:
            return result
        shifts = self.sudo().search_fetch(
            [
                ("team_id", "in", teams.ids),
                ("date_start", "<=", now),
                ("date_end", ">", now),
            ],
            ["user_id", "team_id", "last_assignment_seq"],
            order="id",
        )
        for shift in shifts:
            user = shift.user_id
            if user.active and not user.share and user in shift.team_id.user_ids:
                result[shift.team_id.id] |= shift
        return result

    @api.model
    def _etp_assign_tickets(self, tickets):
        """Give every ticket of ``tickets`` that has no user yet and whose
        team uses the duty roster to a member of that team on duty now.

        Round robin: the shift served longest ago; least loaded: the member
        with the fewest open tickets (round robin among equals). A ticket of
        a team with nobody on duty stays unassigned and the team leader is
        told once (an activity), or a note is logged when the team has no
        leader. Batched: one search of the shifts, at most one read group of
        the loads, one write per chosen person and per alerted team.

        With ``etp_duty_defer`` in the context nothing happens: a batch that
        moves tickets (``helpdesk.ticket._etp_move_to_teams``) sets it while
        they move, then calls this method once for all the tickets it moved.
        """
        if self.env.context.get("etp_duty_defer"):
            return
        tickets = tickets.sudo().filtered(
            lambda t: not t.user_id and t.team_id.duty_enabled
        )
        if not tickets:
            return
        now = fields.Datetime.now()
        by_team = defaultdict(lambda: tickets.browse())
        for ticket in tickets.sorted("id"):
            by_team[ticket.team_id] |= ticket
        on_duty = self._etp_on_duty(tickets.team_id, now)
        least_loaded = [
            on_duty[team.id]
            for team in by_team
            if team.assignment_method == duty.LEAST_LOADED
        ]
        candidates = self.sudo().browse().union(*least_loaded)
        loads = self._etp_open_ticket_counts(candidates.user_id)
        unattended = defaultdict(lambda: tickets.browse())
        for team, team_tickets in by_team.items():
            shifts = on_duty[team.id]
            if not shifts:
                unattended[team] |= team_tickets
                continue
            shift_of = {shift.user_id.id: shift for shift in shifts}
            picks, last = duty.distribute(
                len(team_tickets),
                list(shift_of),
                {uid: s.last_assignment_seq for uid, s in shift_of.items()},
                team.assignment_method,
                loads,
            )
            for user_id in picks:  # a later team of the batch sees the new load
                loads[user_id] = loads.get(user_id, 0) + 1
            chosen = defaultdict(list)
            for ticket, user_id in zip(team_tickets, picks, strict=True):
                chosen[user_id].append(ticket.id)
            for user_id, ticket_ids in chosen.items():
                self._etp_write_assignee(
                    tickets.browse(ticket_ids), user_id, shift_of[user_id]
                )
                shift_of[user_id].last_assignment_seq = last[user_id]
        if unattended:
            self._etp_alert_nobody_on_duty(unattended, now)

    @api.model
    def _etp_write_assignee(self, tickets, user_id, shift):
        """Assign ``tickets`` to a member of their own team. helpdesk_mgmt
        recomputes the team from the user and the stage from the team, with
        a search per ticket; neither changes here (the user is a member of
        the team), so both are kept as they are."""
        Ticket = self.env["helpdesk.ticket"]
        kept = [Ticket._fields["team_id"], Ticket._fields["stage_id"]]
        with self.env.protecting(kept, tickets):
            tickets.write({"user_id": user_id, "duty_shift_id": shift.id})

    @api.model
    def _etp_open_ticket_counts(self, users):
        """``{user id: number of open tickets assigned to them}`` (one query)."""
        if not users:
            return {}
        return {
            user.id: count
            for user, count in self.env["helpdesk.ticket"]
            .sudo()
            ._read_group(
                [("user_id", "in", users.ids), ("stage_id.closed", "=", False)],
                ["user_id"],
                ["__count"],
            )
        }

    @api.model
    def _etp_alert_nobody_on_duty(self, tickets_by_team, now):
        """Tell each team leader once per ticket that nobody of the team is on
        duty and the ticket waits unassigned."""
        activity_type = self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        )
        res_model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        today_msk = duty.msk_day(now)
        activities = []
        for team, team_tickets in tickets_by_team.items():
            team_tickets = team_tickets.filtered(
                lambda t, team=team: t.duty_alert_team_id != team
            )
            if not team_tickets:
                continue
            leader = team.user_id
            for ticket in team_tickets:
                env = ticket.with_context(lang=leader.lang or self.env.lang).env
                body = env._(
                    "Nobody of %(team)s is on duty now (%(now)s MSK): ticket "
                    "%(ticket)s waits unassigned. Assign it by hand or plan a "
                    "shift in the duty roster.",
                    team=team.display_name,
                    now=self._etp_msk(now),
                    ticket=ticket.number,
                )
                if leader.active and not leader.share:
                    activities.append(
                        {
                            "res_model_id": res_model_id,
                            "res_id": ticket.id,
                            "activity_type_id": activity_type.id
                            if activity_type
                            else False,
                            "summary": env._("Nobody on duty"),
                            "note": Markup("<p>%s</p>") % body,
                            "user_id": leader.id,
                            "date_deadline": today_msk,
                        }
                    )
                else:
                    ticket.message_post(
                        body=Markup("<p>%s</p><p>%s</p>")
                        % (
                            body,
                            self.env._(
                                "The team has no leader to notify; set one on the team."
                            ),
                        ),
                        subtype_xmlid="mail.mt_note",
                    )
            team_tickets.write({"duty_alert_team_id": team.id})
        if activities:
            self.env["mail.activity"].sudo().create(activities)

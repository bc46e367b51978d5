# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketSlaDigest(models.Model):
    """A team leader's SLA digest while the cron's run goes on.

    During a platform failure one run of the SLA cron handles tens of
    thousands of due targets, a thousand per call: a digest per call would
    send each leader hundreds of them within minutes. The calls of a run add
    to one pending digest per leader instead, sent when the run is over (or
    when its oldest news waits longer than ``DIGEST_MAX_DELAY``): see
    ``helpdesk.ticket.sla.cron._etp_dispatch_digests``."""

    _name = "helpdesk.ticket.sla.digest"
    _description = "Pending SLA Digest"
    _order = "id"

    user_id = fields.Many2one(
        "res.users", string="Team Leader", required=True, ondelete="cascade"
    )
    since = fields.Datetime(
        required=True, help="When the cron reported the digest's first ticket."
    )
    count = fields.Integer(
        string="Tickets", help="Tickets reported so far, named or not."
    )
    events = fields.Json(
        help="The tickets the digest names, in the order they were reported: "
        "[[event, ticket id, [target ids]], …]."
    )

    _sql_constraints = [
        (
            "user_uniq",
            "unique(user_id)",
            "A team leader has one pending SLA digest.",
        ),
    ]

    def _etp_digests(self):
        """``{leader: (count, events)}`` of these digests (see
        ``helpdesk.ticket.sla.cron._etp_send_digests``); a ticket or a target
        deleted since it was reported is counted, not named."""
        events = [event for row in self for event in row.events or []]
        tickets = set(
            self.env["helpdesk.ticket"]
            .sudo()
            .browse({ticket_id for _event, ticket_id, _rows in events})
            .exists()
            .ids
        )
        targets = set(
            self.env["helpdesk.ticket.sla"]
            .sudo()
            .browse({row_id for _e, _t, row_ids in events for row_id in row_ids})
            .exists()
            .ids
        )
        return {
            row.user_id: (
                row.count,
                [
                    [event, ticket_id, [r for r in row_ids if r in targets]]
                    for event, ticket_id, row_ids in row.events or []
                    if ticket_id in tickets
                ],
            )
            for row in self
        }

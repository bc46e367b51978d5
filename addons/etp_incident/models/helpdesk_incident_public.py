# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the requesters and platform users are told about incidents: the
linked tickets' notes and resolution notices, the cached public snapshot
behind the portal notices and ``/status``, and the subscribers' notices. A
mixin of ``helpdesk.incident`` (``_inherit``), which calls these methods."""

from datetime import timedelta

from markupsafe import escape

from odoo import api, fields, models, tools
from odoo.tools import frozendict

from ..lib import public_status

OPEN_STATES = ("new", "handed_to_it", "in_progress")
DONE_STATES = ("resolved", "closed")


class HelpdeskIncidentPublic(models.AbstractModel):
    _name = "helpdesk.incident.public"
    _description = "Incident Notices to Users"

    # ------------------------------------------------------------------
    # Linked tickets
    # ------------------------------------------------------------------

    def _etp_message_author(self):
        """Who writes to IT and to the requesters: the operator at work, or
        (from the mail gateway or the callback) the incident's responsible,
        else the company."""
        self.ensure_one()
        user = self.env.user
        candidates = [self.user_id.partner_id, self.company_id.partner_id]
        if not user.share and not user._is_superuser():
            candidates.insert(0, user.partner_id)
        # an author without an email address cannot send: the next one does
        return next((p for p in candidates if p.email), user.partner_id)

    def _etp_on_tickets_linked(self, tickets):
        """Tickets were just linked to the incident: they get its current
        status at once. A resolved (or closed) incident solves them and tells
        their requester; an open one leaves a note for the operators (the
        requester sees «Known technical problem» on the portal)."""
        if not self.env.lang:  # data loading, a cron: the company's language
            self = self.with_context(lang=self.env.company._etp_lang())
        self.ensure_one()
        if self.state in DONE_STATES:
            self._etp_solve_linked_tickets(tickets)
            return
        labels = dict(self._fields["state"]._description_selection(self.env))
        body = escape(
            self.env._(
                "Linked to incident %(name)s (%(state)s): a known technical "
                "problem. The requester sees its status on the portal and is told "
                "when it is fixed.",
                name=self.name,
                state=labels[self.state],
            )
        )
        tickets._message_log_batch(dict.fromkeys(tickets.ids, body))

    def _etp_solve_linked_tickets(self, tickets=None):
        """Tell each requester once that the problem is fixed, in one message
        naming all their tickets, and move the open tickets to the solved
        stage with the change in their history: a few queries whatever the
        number of tickets.

        ``tickets`` limits the work to some linked tickets (a ticket linked
        after the resolution). A ticket already told about this incident is not
        told again. Runs as superuser on the tickets: an operator who resolves
        the incident may not see every affected ticket, all must follow it.
        """
        solved_stage = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        template = self.env.ref("etp_incident.mail_template_incident_ticket_resolved")
        all_tickets = tickets.sudo() if tickets is not None else self.sudo().ticket_ids
        for incident, linked in all_tickets.grouped("incident_id").items():
            if incident not in self:
                continue
            to_tell = linked.filtered(lambda t, i=incident: t.incident_notified_id != i)
            to_solve = linked.filtered(lambda t: not t.closed)
            # the resolution message tells the requester: not also the solved
            # stage's "ticket closed" email (see helpdesk.ticket._track_template)
            # told now: the stage change is kept with the resolution message
            solved_now = to_tell & to_solve
            tracking = {}
            if solved_now:
                tracking = solved_now._etp_write_tracked_apart(
                    {
                        "stage_id": solved_stage.id,
                        "incident_notified_id": incident.id,
                        "solved_by_incident": True,
                    }
                )
            if to_tell:
                (to_tell - solved_now).write({"incident_notified_id": incident.id})
                to_tell._etp_post_notices(
                    template,
                    incident._etp_message_author(),
                    by_requester=True,
                    tracking=tracking,
                )
            # told before and open again: solved, tracked as usual
            if to_solve - solved_now:
                (to_solve - solved_now).write(
                    {"stage_id": solved_stage.id, "solved_by_incident": True}
                )

    # ------------------------------------------------------------------
    # What platform users are told: public notices, /status, subscriptions
    # ------------------------------------------------------------------

    def _etp_public_changed(self):
        """What users see changes: the cached snapshot goes (in every worker,
        once the transaction is committed). Odoo clears the whole default
        cache group; public incidents change a few times in their life."""
        self.env.registry.clear_cache()

    @api.model
    @tools.ormcache("company_id")
    def _etp_public_snapshot(self, company_id):
        """The public incidents of the company that the notices and the
        status page may show: open, or fixed within the status page's window
        (a day more, the window is applied when shown). Only public fields,
        as read-only dicts; cached until an incident's public side changes.

        This is the one access rule of the public side: an incident is
        shown if an operator made it public, and only these fields leave it.
        """
        since = fields.Datetime.now() - timedelta(days=public_status.RECENT_DAYS + 1)
        incidents = self.sudo().search_fetch(
            [
                ("is_public", "=", True),
                ("company_id", "=", company_id),
                "|",
                ("state", "in", OPEN_STATES),
                ("resolved_at", ">=", since),
            ],
            [
                "public_title",
                "public_update",
                "component",
                "state",
                "detected_at",
                "resolved_at",
                "public_updated_at",
            ],
            order="detected_at desc, id desc",
        )
        return tuple(
            frozendict(
                id=incident.id,
                title=incident.public_title or "",
                update=incident.public_update or "",
                component=incident.component,
                state=incident.state,
                detected_at=incident.detected_at,
                resolved_at=incident.resolved_at,
                updated_at=incident.public_updated_at or incident.detected_at,
            )
            for incident in incidents
        )

    @api.model
    def _etp_public_items(self, company=None, recent=False, now=None):
        """The snapshot's items a page shows now: the open ones, or (with
        ``recent``) those of the status page."""
        company = company or self.env.company
        items = self._etp_public_snapshot(company.id)
        if recent:
            return public_status.recent_items(items, now or fields.Datetime.now())
        return public_status.open_items(items)

    @api.model
    def _etp_public_card(self, item, tz_name=None):
        """One public item as the templates show it, in the language of the
        environment, with its times in Moscow time and in ``tz_name`` (the
        browser's zone, already checked)."""
        Ticket = self.env["helpdesk.ticket"]
        components = dict(self._fields["component"]._description_selection(self.env))
        component = components.get(item["component"], item["component"])
        phase = public_status.phase(item["state"])
        return {
            "id": item["id"],
            "title": item["title"]
            or self.env._("Problems in «%(component)s»", component=component),
            "component": item["component"],
            "component_label": component,
            "phase": phase,
            "phase_label": self._etp_phase_labels()[phase],
            "is_open": phase != public_status.FIXED,
            "update": item["update"],
            "started": Ticket._etp_format_deadline(item["detected_at"], tz_name),
            "updated": Ticket._etp_format_deadline(item["updated_at"], tz_name),
            "resolved": Ticket._etp_format_deadline(item["resolved_at"], tz_name),
        }

    @api.model
    def _etp_phase_labels(self):
        return {
            public_status.INVESTIGATING: self.env._("Looking for the cause"),
            public_status.FIXING: self.env._("Being fixed"),
            public_status.FIXED: self.env._("Fixed"),
        }

    @api.model
    def _etp_public_cards(self, company=None, tz_name=None):
        """The open public incidents of ``company`` (the website's) as cards:
        the support site, /support and the portal show them."""
        tz_name = self.env["helpdesk.ticket"]._etp_browser_tz(tz_name)
        return [
            self._etp_public_card(item, tz_name)
            for item in self._etp_public_items(company)
        ]

    @api.model
    def _etp_public_incident(self, incident_id, company=None, open_only=True):
        """The incident ``incident_id`` (an int from a URL) if the public may
        see it (open unless ``open_only`` is False), as a record with
        superuser rights, else an empty recordset. Checked against the
        public snapshot before any record is read."""
        if not isinstance(incident_id, int) or not 0 < incident_id < 2**31:
            return self.sudo().browse()
        items = self._etp_public_items(company, recent=not open_only)
        if not any(item["id"] == incident_id for item in items):
            return self.sudo().browse()
        return self.sudo().browse(incident_id)

    def _etp_notify_subscribers(self):
        """Hook of the resolution: each person who asked to be told about
        these incidents gets one email that they are fixed (a requester whose
        linked ticket was just told is not told twice)."""
        self.env["helpdesk.incident.subscription"].sudo()._etp_notify_resolution(self)

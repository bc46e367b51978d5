# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The spike detection of ``helpdesk.incident.spike`` (a mixin it inherits):
the cron finds N tickets of one category within M minutes among the recent
tickets (``lib/spikes.find_bursts``), flags each burst once and tells the
supervisors."""

import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import SQL

from ..lib.spikes import find_bursts

_logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 10
DEFAULT_WINDOW_MINUTES = 15
# How far back the cron looks: three windows, at least an hour, so that a
# late or skipped run still sees whole spikes.
MIN_LOOKBACK = timedelta(hours=1)
# The most recent tickets one run reads at most.
FETCH_LIMIT = 5000


class HelpdeskIncidentSpikeDetection(models.AbstractModel):
    _name = "helpdesk.incident.spike.detection"
    _description = "Spike Detection"

    @api.model
    def _etp_spike_parameters(self):
        """(N, M): how many tickets within how many minutes make a spike."""
        params = self.env["ir.config_parameter"].sudo()
        values = []
        for key, default in (
            ("etp_incident.spike_threshold", DEFAULT_THRESHOLD),
            ("etp_incident.spike_window_minutes", DEFAULT_WINDOW_MINUTES),
        ):
            raw = params.get_param(key, default)
            try:
                value = int(raw)
            except (TypeError, ValueError):
                value = 0
            if value < 1:
                _logger.warning(
                    "System parameter %s=%r is not a positive integer; using %s",
                    key,
                    raw,
                    default,
                )
                value = default
            values.append(value)
        return values[0], timedelta(minutes=values[1])

    @api.model
    def _etp_fetch_recent_tickets(self, since, until):
        """One query: the tickets with a category created in [since, until]
        that either are candidates or already belong to a spike (so that a
        spike that goes on extends its flag), each as
        ``(id, company id, category id, create date, spike id or None)``.

        A candidate is open, linked to no incident and opened for no emergency
        case: the child tickets of a case are many tickets of one category at
        once by design, not a sign of a failure."""
        self.env["helpdesk.ticket"].flush_model(
            [
                "create_date",
                "category_id",
                "company_id",
                "incident_id",
                "emergency_case_id",
                "stage_id",
            ]
        )
        self.env["helpdesk.ticket.stage"].flush_model(["closed"])
        self.flush_model(["ticket_ids"])
        self.env.cr.execute(
            SQL(
                """
                SELECT t.id, t.company_id, t.category_id, t.create_date,
                       (SELECT MAX(r.spike_id)
                          FROM helpdesk_incident_spike_ticket_rel r
                         WHERE r.ticket_id = t.id) AS spike_id
                  FROM helpdesk_ticket t
             LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                 WHERE t.category_id IS NOT NULL
                   AND t.create_date >= %(since)s
                   AND t.create_date <= %(until)s
                   AND t.active
                   AND (
                        (t.incident_id IS NULL
                         AND t.emergency_case_id IS NULL
                         AND s.closed IS NOT TRUE)
                        OR EXISTS (SELECT 1
                                     FROM helpdesk_incident_spike_ticket_rel r
                                    WHERE r.ticket_id = t.id)
                   )
              ORDER BY t.create_date DESC, t.id DESC
                 LIMIT %(limit)s
                """,
                since=since,
                until=until,
                limit=FETCH_LIMIT,
            )
        )
        rows = self.env.cr.fetchall()
        if len(rows) == FETCH_LIMIT:
            _logger.info(
                "Spike detection read the %s most recent tickets only", FETCH_LIMIT
            )
        return rows

    @api.model
    def _cron_detect_spikes(self, limit=50):
        """Flag N unlinked open tickets of one category created within M
        minutes, outside emergency cases, as a suspected incident, and notify
        the supervisors.

        A spike is a burst (see :mod:`..lib.spikes`) of the category's recent
        tickets, counting those already in a flag. A burst with new tickets
        that shares tickets or time with a flag of its category extends that
        flag, whatever its state: a spike goes on raising no second flag, and
        the tickets joining a dismissed flag are absorbed without a new
        notification. Tickets in a flag are never counted for another one.
        At most ``limit`` bursts are handled per run; the cron runs again at
        once for the rest.
        """
        # Crons run without a language: write in the company's.
        self = self.with_context(lang=self.env.lang or self.env.company._etp_lang())
        threshold, window = self._etp_spike_parameters()
        now = fields.Datetime.now()
        since = now - max(window * 3, MIN_LOOKBACK)
        events = defaultdict(list)
        for (
            ticket_id,
            company_id,
            category_id,
            created,
            spike_id,
        ) in self._etp_fetch_recent_tickets(since, now):
            events[company_id, category_id].append((created, (ticket_id, spike_id)))

        bursts = []
        for key, key_events in events.items():
            for burst in find_bursts(key_events, threshold, window):
                if any(spike_id is None for _ts, (_tid, spike_id) in burst.events):
                    bursts.append((key, burst))
        if not bursts:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return self.browse()
        todo, rest = bursts[:limit], bursts[limit:]

        flags = self.sudo().search(
            [
                ("category_id", "in", list({key[1] for key, _b in todo})),
                ("window_end", ">=", since - window),
            ]
        )
        flags_by_key = flags.grouped(lambda f: (f.company_id.id, f.category_id.id))
        supervisors = self._etp_supervisors()
        created = self.browse()
        for key, burst in todo:
            try:
                with self.env.cr.savepoint():
                    flag = self._etp_flag_burst(
                        key, burst, flags_by_key.get(key, self.browse())
                    )
                    if flag:
                        flag._etp_notify_supervisors(supervisors)
                        created |= flag
                        flags_by_key[key] = flags_by_key.get(key, self.browse()) | flag
            except Exception:
                _logger.exception(
                    "Spike detection: the spike of category %s failed", key[1]
                )
        self.env["ir.cron"]._notify_progress(done=len(todo), remaining=len(rest))
        return created

    @api.model
    def _etp_flag_burst(self, key, burst, flags):
        """Add the burst's new tickets to the flag it continues, or create a
        flag. Return the flag created, if any."""
        company_id, category_id = key
        flagged = {spike_id for _ts, (_tid, spike_id) in burst.events if spike_id}
        new_ids = [tid for _ts, (tid, spike_id) in burst.events if spike_id is None]
        same = flags.filtered(
            lambda f: f.id in flagged
            or (f.window_start <= burst.end and f.window_end >= burst.start)
        ).sorted("window_end", reverse=True)[:1]
        if same:
            same.sudo().write(
                {
                    "ticket_ids": [Command.link(tid) for tid in new_ids],
                    "window_start": min(same.window_start, burst.start),
                    "window_end": max(same.window_end, burst.end),
                }
            )
            same.sudo().message_post(
                body=self.env._(
                    "%(count)s more tickets joined the spike.", count=len(new_ids)
                ),
                subtype_xmlid="mail.mt_note",
            )
            return self.browse()
        # the tickets of a spike share its category
        component = self.env["helpdesk.incident.register.wizard"]._etp_guess_component(
            self.env["helpdesk.ticket"].sudo().browse(new_ids[:1])
        )
        return self.sudo().create(
            {
                "category_id": category_id,
                "component": component,
                "company_id": company_id,
                "window_start": burst.start,
                "window_end": burst.end,
                "ticket_ids": [Command.set(new_ids)],
            }
        )

    @api.model
    def _etp_supervisors(self):
        """The active internal helpdesk managers, in one query."""
        group = self.env.ref("helpdesk_mgmt.group_helpdesk_manager")
        return (
            self.env["res.users"]
            .sudo()
            .search([("groups_id", "in", group.id), ("share", "=", False)])
        )

    def _etp_notify_supervisors(self, supervisors):
        """Post the flag in its chatter for the supervisors of its company,
        with a link to it."""
        self.ensure_one()
        recipients = supervisors.filtered(lambda u: self.company_id in u.company_ids)
        langs = set(recipients.mapped("lang"))
        lang = langs.pop() if len(langs) == 1 else self.env.lang
        spike = self.with_context(lang=lang)
        body = Markup('<p>%s</p><p><a href="%s">%s</a></p>') % (
            spike.env._(
                "Suspected incident: %(count)s tickets in the category "
                "%(category)s between %(start)s and %(end)s (Moscow time), not "
                "linked to any incident.",
                count=spike.ticket_count,
                category=spike.category_id.display_name,
                start=spike._etp_format_msk(spike.window_start),
                end=spike._etp_format_msk(spike.window_end),
            ),
            spike._notify_get_action_link("view"),
            spike.env._("Open the spike to register an incident or dismiss it"),
        )
        spike.sudo().message_post(
            body=body,
            subject=spike.env._(
                "Suspected incident: %(name)s", name=spike.display_name
            ),
            partner_ids=recipients.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )

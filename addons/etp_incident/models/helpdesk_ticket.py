# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.tools import clean_context, email_normalize

from .helpdesk_external_escalation import OPEN_STATES, WAITING_STAGE_XMLID

# Context key: {ticket id: ids of the tickets its notice names}
NOTICE_GROUPS_KEY = "etp_incident_notice_groups"


class HelpdeskTicket(models.Model):
    """The ticket's side of etp_incident's three features: its incident (the
    hand-off to IT and the resolution notices), its external escalations
    (the SLA clock waits for them) and its emergency case."""

    _inherit = "helpdesk.ticket"

    # --- incident ---
    incident_id = fields.Many2one(
        "helpdesk.incident",
        index=True,
        tracking=True,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    incident_state = fields.Selection(
        related="incident_id.state",
        string="Incident Status",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    incident_notified_id = fields.Many2one(
        "helpdesk.incident",
        string="Requester Told About",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="The incident whose resolution the requester was told about: "
        "nobody is told twice.",
    )
    solved_by_incident = fields.Boolean(
        readonly=True,
        copy=False,
        help="The current stage was set by the resolution of the ticket's "
        "incident, whose message told the requester: the stage's own email is "
        "not sent. Any other change of stage clears it.",
    )

    # --- external escalations ---
    external_escalation_ids = fields.One2many(
        "helpdesk.external.escalation",
        "ticket_id",
        string="External Escalations",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    external_escalation_count = fields.Integer(
        compute="_compute_external_escalation_count",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    # --- emergency cases ---
    emergency_case_id = fields.Many2one(
        "helpdesk.emergency.case",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="The coordinated emergency case this ticket was opened for, one "
        "ticket per affected organisation.",
    )
    # The link that makes the organisation's progress follow the ticket: a
    # many2one on the ticket, so a stage change finds its line without a query.
    emergency_case_line_id = fields.Many2one(
        "helpdesk.emergency.case.line",
        string="Emergency Case Organisation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    @api.depends("external_escalation_ids")
    def _compute_external_escalation_count(self):
        counts = dict(
            self.env["helpdesk.external.escalation"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.external_escalation_count = counts.get(ticket._origin, 0)

    # etp_incident's create() and write() of tickets: hook further behaviour
    # on a ticket linked to an incident into _etp_incident_linked().
    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets.filtered("incident_id")._etp_incident_linked()
        return tickets

    def write(self, vals):
        if "stage_id" in vals and "solved_by_incident" not in vals:
            vals = dict(vals, solved_by_incident=False)
        if not vals.get("incident_id"):
            return super().write(vals)
        before = {ticket.id: ticket.incident_id.id for ticket in self}
        result = super().write(vals)
        self.filtered(lambda t: t.incident_id.id != before[t.id])._etp_incident_linked()
        return result

    def _track_template(self, changes):
        """A ticket solved by its incident gets the resolution message, not
        also the solved stage's "ticket closed" email."""
        res = super()._track_template(changes)
        if "stage_id" in res and self.solved_by_incident:
            del res["stage_id"]
        return res

    def action_register_incident(self):
        """Open the «Register incident» wizard for the selected tickets: it
        creates an incident from them or links them to an open one."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "etp_incident.helpdesk_incident_register_wizard_action"
        )
        context = {"default_ticket_ids": self.ids}
        if self.env.context.get("default_component"):
            context["default_component"] = self.env.context["default_component"]
        action["context"] = context
        return action

    def action_view_external_escalations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "etp_incident.helpdesk_external_escalation_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Incident: hand-off and linked tickets, resolution notices
    # ------------------------------------------------------------------

    def _etp_incident_linked(self):
        """The tickets were just linked to their incident: each gets its
        current status at once."""
        for incident, tickets in self.grouped("incident_id").items():
            incident._etp_on_tickets_linked(tickets)
        self.env["helpdesk.incident.subscription"]._etp_on_tickets_linked(self)

    def _etp_notice_tickets(self):
        """The tickets a notice rendered on this ticket names: all the
        tickets of its requester told at once (see ``_etp_post_notices``),
        else the ticket alone."""
        self.ensure_one()
        ids = self.env.context.get(NOTICE_GROUPS_KEY, {}).get(self.id)
        return self.browse(ids) if ids else self

    def _etp_requester_key(self):
        """Who the ticket's requester is, to tell each one once: the contact,
        else the email address, else nobody known (the ticket alone)."""
        self.ensure_one()
        if self.partner_id:
            return ("partner", self.partner_id.id)
        email = email_normalize(self.partner_email or "")
        return ("email", email) if email else ("ticket", self.id)

    def _etp_post_notices(
        self, template, author=None, by_requester=False, tracking=None
    ):
        """Post ``template`` on each ticket as a public comment addressed to
        its requester and email each requester once: a few queries and no
        ``message_post`` per ticket, whatever their number.

        With ``by_requester``, the tickets of one requester make one notice:
        it is rendered once, on the first of them, where
        ``_etp_notice_tickets()`` names them all; that ticket's comment is the
        one emailed (a reply threads into it) and the other tickets keep the
        same text in their history. Otherwise every ticket is its own notice.

        Each email is the notification of its ticket's comment, as
        ``message_post`` makes it (queued, with its delivery status on the
        comment); the template gives subject, sender and recipients, its body
        is rendered as the mail template renders it (see
        ``mail.template._etp_render_body``). ``tracking`` maps ticket ids to
        tracking value commands kept with their comment (see
        ``_etp_write_tracked_apart``). The notice counts as the author's public
        reply (first response), as with ``message_post``. Return the comments
        (sudo).
        """
        Message = self.env["mail.message"].sudo()
        if not self:
            return Message
        tickets = self.sudo().sorted("id")
        groups = defaultdict(list)
        for ticket in tickets:
            key = ticket._etp_requester_key() if by_requester else ticket.id
            groups[key].append(ticket.id)
        leads = {ids[0]: ids for ids in groups.values()}
        lead_ids = list(leads)
        # without the caller's default_* keys, which are not for messages
        clean_env = self.env(context=clean_context(self.env.context), su=True)
        template = template.with_env(clean_env).with_context(
            **{NOTICE_GROUPS_KEY: leads}
        )
        author = author or self.env.user.partner_id
        rendered = template._generate_template(
            tickets.ids,
            ["subject", "email_from", "partner_to", "email_to", "email_cc"],
            find_or_create_partners=True,
        )
        bodies = template._etp_render_body(lead_ids)
        lead_tickets = tickets.browse(lead_ids)
        reply_to = lead_tickets._notify_get_reply_to(default=False)
        companies = lead_tickets._mail_get_companies(default=self.env.company)
        alias_domains = lead_tickets._mail_get_alias_domains(
            default_company=self.env.company
        )
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        emailed, logged, recipients = [], [], {}
        for lead in lead_tickets:
            values = rendered[lead.id]
            partner_ids = values.get("partner_ids", [])
            email_from = values.get("email_from") or author.email_formatted
            common = {
                "model": self._name,
                "body": bodies[lead.id],
                "message_type": "comment",
                "subtype_id": comment,
                "is_internal": False,
                "author_id": author.id,
                "email_from": email_from,
                "email_add_signature": False,
                "reply_to": reply_to.get(lead.id) or email_from,
                "partner_ids": [Command.set(partner_ids)],
                "record_alias_domain_id": alias_domains[lead.id].id,
                "record_company_id": companies[lead.id].id,
            }
            for ticket_id in leads[lead.id]:
                message = dict(
                    common, res_id=ticket_id, subject=rendered[ticket_id]["subject"]
                )
                if ticket_id != lead.id or not (partner_ids or values.get("email_to")):
                    logged.append(message)  # history only
                    continue
                message["message_id"] = Message._get_message_id(message)
                recipients[lead.id] = partner_ids
                emailed.append(
                    dict(
                        message,
                        # the email notification of the comment
                        body_html=message["body"],
                        email_to=values.get("email_to") or False,
                        email_cc=values.get("email_cc") or False,
                        recipient_ids=[Command.set(partner_ids)],
                        # (on the ticket alone: on one of the batch, the
                        # company read builds its prefetch of all of them,
                        # each time)
                        headers=repr(
                            lead.browse(lead.id)._notify_by_email_get_headers()
                        ),
                        references=message["message_id"],
                        auto_delete=template.auto_delete,
                        is_notification=True,
                    )
                )
        mails = clean_env["mail.mail"].create(emailed)
        messages = mails.mail_message_id | clean_env["mail.message"].create(logged)
        # mail.message creates tracking values one message at a time: at once
        self.env["mail.tracking.value"].sudo().create(
            [
                dict(command[2], mail_message_id=message.id)
                for message in messages
                for command in (tracking or {}).get(message.res_id, [])
            ]
        )
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": author.id,
                    "is_read": True,
                    "mail_mail_id": mail.id,
                    "mail_message_id": mail.mail_message_id.id,
                    "notification_status": "ready",
                    "notification_type": "email",
                    "res_partner_id": partner_id,
                }
                for mail in mails
                for partner_id in recipients[mail.res_id]
            ]
        )
        tickets._etp_mark_operator_reply(author, comment)
        return messages

    def _etp_write_tracked_apart(self, vals):
        """Write ``vals`` on the tickets without Odoo's change message (the
        write runs with ``mail_notrack``, so no message is logged at commit
        and no stage email is sent for it) and return the tracked changes it
        made, ``{ticket id: tracking value commands}``, for the caller to keep
        with its own message (``_etp_post_notices(tracking=...)``)."""
        tracked = self.fields_get(
            self._track_get_fields(),
            attributes=("string", "type", "selection", "currency_field"),
        )
        initial = {
            ticket.id: {name: ticket[name] for name in tracked} for ticket in self
        }
        self.with_context(mail_notrack=True).write(vals)
        result = {}
        for ticket in self:
            commands = ticket._mail_track(tracked, initial[ticket.id])[1]
            if commands:
                result[ticket.id] = commands
        return result

    def _etp_mark_operator_reply(self, author, subtype_id):
        """What an operator's first public reply does to the SLA, for a batch
        of tickets in one write (``_message_post_after_hook`` does it per
        posted message)."""
        msg_values = {
            "message_type": "comment",
            "is_internal": False,
            "subtype_id": subtype_id,
            "author_id": author.id,
        }
        if not self or not self[:1]._etp_is_operator_reply(msg_values):
            return
        unanswered = self.filtered(lambda t: not t.first_response_date)
        if unanswered:
            now = fields.Datetime.now()
            unanswered.write({"first_response_date": now})
            unanswered.ticket_sla_ids._etp_mark_first_response(now)

    # ------------------------------------------------------------------
    # External escalations
    # ------------------------------------------------------------------

    def _etp_sync_external_pause(self):
        """Keep each ticket in the waiting-for-external-party stage while one
        of its external escalations is open (its SLA clock is paused there),
        and put it back in the stage it had when the last one is answered or
        closed. A ticket an operator moved out of the waiting stage by hand is
        left where it is."""
        waiting = self.env.ref(WAITING_STAGE_XMLID, raise_if_not_found=False)
        if not waiting or not self:
            return
        escalations = self.env["helpdesk.external.escalation"].search(
            [("ticket_id", "in", self.ids)], order="write_date desc, id desc"
        )
        by_ticket = escalations.grouped("ticket_id")
        for ticket in self:
            mine = by_ticket.get(ticket, escalations.browse())
            opened = mine.filtered(lambda e: e.state in OPEN_STATES)
            if opened and ticket.stage_id != waiting:
                if ticket.closed:
                    continue  # closed since: it waits for nobody
                opened.write({"previous_stage_id": ticket.stage_id.id})
                ticket.write({"stage_id": waiting.id})
            elif opened:
                # already waiting because of another escalation: remember the
                # same stage to go back to
                previous = opened.filtered("previous_stage_id")[:1].previous_stage_id
                if previous:
                    opened.filtered(lambda e: not e.previous_stage_id).write(
                        {"previous_stage_id": previous.id}
                    )
            elif ticket.stage_id == waiting:
                previous = mine.filtered("previous_stage_id")[:1].previous_stage_id
                if previous:
                    ticket.write({"stage_id": previous.id})

    # ------------------------------------------------------------------
    # Emergency cases
    # ------------------------------------------------------------------

    def _etp_subscribe_created(self):
        """Followers of tickets created with ``tracking_disable``, as the mail
        layer adds them one ticket at a time, for the whole batch: the
        creator, and through auto-subscription the followers of the team and
        the assigned user, who gets no "you are assigned" email per ticket."""
        if not self:
            return
        if self.env.user.active:
            self.env["mail.followers"]._insert_followers(
                self._name,
                self.ids,
                self.env.user.partner_id.ids,
                subtypes=None,
                customer_ids=[],
                check_existing=True,
            )
        tickets = self.with_context(mail_auto_subscribe_no_notify=True)
        for (team, user), group in tickets.grouped(
            lambda t: (t.team_id, t.user_id)
        ).items():
            group._message_auto_subscribe(
                {"team_id": team.id, "user_id": user.id},
                followers_existing_policy="update",
            )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, email_normalize, formataddr, html2plaintext

from ..lib import extraction
from .helpdesk_ticket_consent import CONSENT_VERSION
from .helpdesk_ticket_team import AUDIENCES


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    # the procurement details, the requester's time, the suggested requester
    # and the playbook: helpdesk_ticket_procurement.py,
    # helpdesk_ticket_requester_time.py, helpdesk_ticket_suggestion.py,
    # helpdesk_ticket_playbook.py
    _inherit = [
        "helpdesk.ticket",
        "helpdesk.ticket.procurement",
        "helpdesk.ticket.requester.time",
        "helpdesk.ticket.suggestion",
        "helpdesk.ticket.playbook",
    ]

    audience = fields.Selection(
        AUDIENCES,
        index=True,
        tracking=True,
        help="Decided at intake by the channel (alias, form, chat), else by the "
        "organisation's procurement role; empty means the operator decides.",
    )
    # the procedure (helpdesk_ticket_procurement.py): the fields tracked in
    # the chatter are declared here, on the mail.thread model itself
    procedure_number = fields.Char(
        index=True,
        tracking=True,
        help="EIS notice number (19 digits under 44-FZ, 11 digits starting "
        "with 3 under 223-FZ) or the platform's own procedure number.",
    )
    procedure_deadline = fields.Datetime(
        tracking=True,
        help="The procedure's next hard deadline for this request (stored in UTC, "
        "shown in Moscow time and in the requester's time).",
    )
    consent_ids = fields.One2many(
        "helpdesk.ticket.consent",
        "ticket_id",
        string="Consents",
        readonly=True,
        copy=False,
    )
    etp_anonymised_at = fields.Datetime(
        string="Personal Data Removed On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the requester's personal data was removed from the ticket "
        "(retention term reached, or consent withdrawn).",
    )
    # helpdesk_mgmt leaves it unindexed: deleting a ticket then scans every
    # ticket for duplicates pointing at it (180k deletions ran > 10 minutes)
    duplicate_id = fields.Many2one(index="btree_not_null")

    @api.depends("team_id")
    def _compute_stage_id(self):
        """helpdesk_mgmt's rule (a ticket keeps its stage while the stage
        applies to its team, else it takes the team's first one), with the
        stages of each team searched once for the batch: upstream searches
        once per ticket, which a batch moving hundreds of tickets to another
        team (escalation on SLA breach) pays hundreds of times."""
        applicable = {
            team: team._get_applicable_stages() for team in self.mapped("team_id")
        }
        for ticket in self:
            stages = applicable.get(ticket.team_id)
            if stages is None:  # no team: upstream's stages without a team
                stages = applicable[ticket.team_id] = (
                    ticket.team_id._get_applicable_stages()
                )
            if ticket.stage_id not in stages:
                ticket.stage_id = stages[:1]

    @api.model
    def default_get(self, fields_list):
        """helpdesk_mgmt's "auto assign" gives a new ticket to the user who
        creates it; through the mail gateway, the web form or a script that is
        OdooBot or a portal/public user, who cannot work on it."""
        defaults = super().default_get(fields_list)
        if defaults.get("user_id"):
            user = self.env["res.users"].sudo().browse(defaults["user_id"])
            if user.share or user._is_superuser():
                defaults["user_id"] = False
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        intake_teams = {}
        for vals in vals_list:
            self._etp_prepare_intake_vals(vals, intake_teams)
        if len(vals_list) > 1:
            self._etp_prepare_batch_vals(vals_list)
        tickets = super().create(vals_list)
        tickets.filtered("category_id")._etp_sync_checklist(new=True)
        if self.env.context.get("etp_consent_given"):
            tickets._etp_record_consent(self.env.context["etp_consent_given"])
        return tickets

    def write(self, vals):
        if "category_id" not in vals:
            return super().write(vals)
        before = {ticket.id: ticket.category_id for ticket in self}
        result = super().write(vals)
        self.filtered(lambda t: t.category_id != before[t.id])._etp_sync_checklist()
        return result

    def _etp_record_consent(self, values):
        """Record the consent the requester gave with these tickets
        (``values``: source, IP address, browser)."""
        user = self.env.user
        self.env["helpdesk.ticket.consent"].sudo().create(
            [
                dict(
                    values,
                    ticket_id=ticket.id,
                    version=CONSENT_VERSION,
                    accepted_at=fields.Datetime.now(),
                    email=ticket.partner_email or ticket.partner_id.email,
                    user_id=False if user._is_public() else user.id,
                )
                for ticket in self
            ]
        )

    @api.model
    def _etp_prepare_batch_vals(self, vals_list):
        """Number and first stage of tickets created together, found once for
        the batch: helpdesk_mgmt draws the number and searches the team's
        stages once per ticket. Values already given are kept."""
        by_company = defaultdict(list)
        for vals in vals_list:
            if vals.get("number", "/") == "/":
                by_company[vals.get("company_id") or self.env.company.id].append(vals)
        for company_id, company_vals in by_company.items():
            numbers = self._etp_next_numbers(len(company_vals), company_id)
            for vals, number in zip(company_vals, numbers, strict=False):
                vals["number"] = number
        first_stages = {}
        Team = self.env["helpdesk.ticket.team"]
        for vals in vals_list:
            if vals.get("team_id") and "stage_id" not in vals:
                if vals["team_id"] not in first_stages:
                    team = Team.browse(vals["team_id"])
                    first_stages[team.id] = team._get_applicable_stages()[:1].id
                vals["stage_id"] = first_stages[vals["team_id"]]

    def _prepare_ticket_number(self, values):
        """helpdesk_mgmt's number, without looking the sequence up for each
        ticket (see ``_etp_next_numbers``)."""
        company_id = values.get("company_id") or self.env.company.id
        numbers = self._etp_next_numbers(1, company_id)
        return numbers[0] if numbers else super()._prepare_ticket_number(values)

    @api.model
    def _etp_next_numbers(self, count, company_id):
        """``count`` ticket numbers drawn at once from the ticket sequence
        (found from the cache: ``ir.sequence._etp_by_code``), as helpdesk_mgmt
        draws them one by one; none (helpdesk_mgmt's draw then runs) for a
        gapless or date-range sequence."""
        if self.env.context.get("active_test", True) is False:
            return []  # archived sequences too: helpdesk_mgmt's search
        Sequence = self.env["ir.sequence"].with_company(company_id)
        Sequence.check_access("read")
        sequence = Sequence._etp_by_code("helpdesk.ticket.sequence")
        if not sequence or sequence.implementation != "standard":
            return []
        if sequence.use_date_range:
            return []
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) AS n FROM generate_series(1, %s) ORDER BY n",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [sequence.get_next_char(n) for (n,) in self.env.cr.fetchall()]

    @api.model
    def _etp_prepare_intake_vals(self, vals, intake_teams):
        """Fill audience, team, procedure number, partner and category of a
        new ticket from what its channel and its text tell."""
        Partner = self.env["res.partner"]
        text = " ".join(
            filter(
                None,
                [vals.get("name"), html2plaintext(vals.get("description") or "")],
            )
        )
        if not vals.get("procedure_number"):
            numbers = extraction.extract_notice_numbers(text)
            if numbers:
                vals["procedure_number"] = numbers[0]
        partner = Partner.browse(vals.get("partner_id"))
        if not partner and not vals.get("suggested_partner_id"):
            inns = extraction.extract_inns(text)
            company = Partner.sudo()._etp_find_by_inn(inns)[:1]
            if company:
                # Anyone can type an INN: the organisation is suggested, not
                # linked (its portal users would see a stranger's request). Its
                # procurement role and time zone still help to route it.
                partner = company
                vals.update(self._etp_suggestion_vals(company, "inn", company.vat))
        team = self.env["helpdesk.ticket.team"].browse(vals.get("team_id"))
        if not vals.get("audience"):
            if team.audience in ("customer", "supplier"):
                vals["audience"] = team.audience
            elif partner.procurement_role:
                # a commercial field: the contact holds its organisation's
                # (without reading the organisation)
                vals["audience"] = partner.procurement_role
        if not team and vals.get("audience"):
            company_id = vals.get("company_id") or self.env.company.id
            key = (vals["audience"], company_id)
            if key not in intake_teams:
                intake_teams[key] = (
                    self.env["helpdesk.ticket.team"]
                    .sudo()
                    ._etp_intake_team(
                        vals["audience"], self.env["res.company"].browse(company_id)
                    )
                    .id
                )
            if intake_teams[key]:
                vals["team_id"] = intake_teams[key]
        if not vals.get("category_id") and text:
            Category = self.env["helpdesk.ticket.category"]
            company_id = vals.get("company_id") or self.env.company.id
            category = Category._etp_match_keywords(
                text, Category._etp_keyword_index(company_id)
            )
            if category:
                vals["category_id"] = category.id
        return vals

    # ------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new email opens a ticket on the Email channel, or on none if an
        administrator deleted that channel. Addresses in CC are kept on the
        ticket (``email_cc``) but do not become followers: a follower from
        another organisation would see the ticket on the portal.
        """
        # The gateway runs without a language: the ticket's texts (its
        # creation note, "No Subject") are written in the company's.
        self = self.with_context(
            lang=self.env.lang or self.env.company._etp_lang(),
            etp_describe_name_only=True,
        )
        values = dict(custom_values or {})
        if not values.get("name") and not msg_dict.get("subject"):
            values["name"] = self.env._("No Subject")
        if not values.get("channel_id"):
            # An administrator may have deleted the Email channel: the email
            # still opens a ticket, only without a channel (as upstream does).
            # (The id is cached; deleting the channel deletes its xml id,
            # which clears the cache.)
            channel_id = self.env["ir.model.data"]._xmlid_to_res_id(
                "helpdesk_mgmt.helpdesk_ticket_channel_email",
                raise_if_not_found=False,
            )
            if channel_id:
                values["channel_id"] = channel_id
        ticket = super().message_new(msg_dict, custom_values=values)
        ticket = ticket.with_context(etp_describe_name_only=False)
        ticket._etp_drop_external_followers([])
        return ticket

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """mail.thread's ``message_new`` describes every field of the model
        (over a hundred here, each with its translated label and help) only
        to learn whether it has the field that names a record (``_rec_name``,
        a ticket's number): in the gateway, that one."""
        if allfields is None and self.env.context.get("etp_describe_name_only"):
            allfields = [self._rec_name or "name"]
        return super().fields_get(allfields, attributes)

    def _message_get_suggested_recipients(self):
        """Upstream's reasons ("Customer", "Customer Email") in our words:
        a ticket's partner is its requester (a "customer" is a buyer here)."""
        recipients = super()._message_get_suggested_recipients()
        reasons = {
            "Customer": self.env._("Requester"),
            "Customer Email": self.env._("Requester email"),
        }
        for recipient in recipients:
            recipient["reason"] = reasons.get(
                recipient.get("reason"), recipient.get("reason")
            )
        return recipients

    def _message_compute_author(
        self, author_id=None, email_from=None, raise_on_email=True
    ):
        """An operator writes to the requester from the desk's address: the
        message (and the email sent from it) shows the operator's name with
        the address of the ticket's desk, never the operator's own."""
        author_id, email_from = super()._message_compute_author(
            author_id, email_from, raise_on_email=raise_on_email
        )
        if len(self) != 1 or not author_id or not email_from:
            return author_id, email_from
        author = self.env["res.partner"].sudo().browse(author_id)
        internal = any(not user.share for user in author.user_ids)
        if internal and email_normalize(email_from) == author.email_normalized:
            desk_email = self._etp_desk_email()
            if desk_email:
                email_from = formataddr((author.name, desk_email))
        return author_id, email_from

    def _etp_desk_email(self):
        """The address requesters write to about this ticket: its team's
        alias, else that of the line-1 desk of its audience, else the
        company's address; False when there is none."""
        self.ensure_one()
        Team = self.env["helpdesk.ticket.team"].sudo()
        team = self.team_id.sudo()
        if not team.alias_email and self.audience:
            team = Team._etp_intake_team(self.audience, self.company_id)
        return team.alias_email or self.company_id.sudo().email or False

    def message_update(self, msg_dict, update_vals=None):
        before = self.message_partner_ids.ids
        result = super().message_update(msg_dict, update_vals=update_vals)
        self._etp_drop_external_followers(before)
        return result

    def message_post(self, **kwargs):
        """The mail gateway posts an incoming email after ``message_update``
        and subscribes its author then. An author outside the requester's
        organisation (a reply-all from a CC, a forwarded notification) is kept
        as the message's author but does not follow the ticket: a follower
        reads it on the portal and gets every later message."""
        if self.env.context.get("from_alias") and not self.env.context.get(
            "mail_create_nosubscribe"
        ):
            author = self.env["res.partner"].sudo().browse(kwargs.get("author_id"))
            if author and not self._etp_may_follow(author):
                self = self.with_context(mail_create_nosubscribe=True)
        return super().message_post(**kwargs)

    def _etp_may_follow(self, partner):
        """Whether the mail gateway may subscribe ``partner`` to this ticket:
        an internal user, or someone of the requester's organisation."""
        self.ensure_one()
        requester = self.partner_id.commercial_partner_id
        if requester and partner.commercial_partner_id == requester:
            return True
        return any(not user.share for user in partner.user_ids)

    def _etp_drop_external_followers(self, kept_partner_ids):
        """Unsubscribe the followers added by the mail gateway (CC and To of an
        email) who are neither internal users nor the requester's
        organisation."""
        for ticket in self:
            added = ticket.message_partner_ids.filtered(
                lambda p, ticket=ticket: p.id not in kept_partner_ids
                and not ticket._etp_may_follow(p)
            )
            if added:
                ticket.message_unsubscribe(partner_ids=added.ids)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, email_normalize, formataddr, html2plaintext

from ..lib import deadlines, extraction, identifiers, timezones
from .helpdesk_ticket_consent import CONSENT_VERSION
from .helpdesk_ticket_team import AUDIENCES

PROCUREMENT_REGIMES = [
    ("44fz", "44-FZ"),
    ("223fz", "223-FZ"),
    ("615pp", "615-PP"),
    ("commercial", "Commercial"),
    ("other", "Other"),
]
DEADLINE_KINDS = [
    ("applications", "Applications close"),
    ("auction", "Auction / price offers"),
    ("contract", "Contract signing"),
    ("regulator", "Regulator order"),
    ("other", "Other"),
]
TZ_SOURCES = [
    (timezones.SOURCE_TICKET, "set on the ticket"),
    (timezones.SOURCE_CONTACT, "from the contact"),
    (timezones.SOURCE_ORGANISATION, "from the organisation"),
    (timezones.SOURCE_BROWSER, "reported by the browser"),
    (timezones.SOURCE_REGION, "from the organisation's region"),
    (timezones.SOURCE_DEFAULT, "Moscow time, nothing else is known"),
]
# how soon a procedure deadline is shown as near (a day) and imminent (an hour)
URGENCY_NEAR_MINUTES = 24 * 60
URGENCY_IMMINENT_MINUTES = 60
PROCEDURE_KINDS = [
    ("eis_44", "EIS notice, 44-FZ"),
    ("eis_223", "EIS notice, 223-FZ"),
    ("platform", "Platform number"),
]
SUGGESTION_SOURCES = [
    ("inn", "INN given in the request"),
    ("email", "Email typed by the chat visitor"),
]


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    audience = fields.Selection(
        AUDIENCES,
        index=True,
        tracking=True,
        help="Decided at intake by the channel (alias, form, chat), else by the "
        "organisation's procurement role; empty means the operator decides.",
    )
    procedure_number = fields.Char(
        index=True,
        tracking=True,
        help="EIS notice number (19 digits under 44-FZ, 11 digits starting "
        "with 3 under 223-FZ) or the platform's own procedure number.",
    )
    procedure_kind = fields.Selection(
        PROCEDURE_KINDS,
        compute="_compute_procedure_kind",
        store=True,
    )
    procurement_regime = fields.Selection(PROCUREMENT_REGIMES, index=True)
    lot_number = fields.Char()
    procedure_deadline = fields.Datetime(
        tracking=True,
        help="The procedure's next hard deadline for this request (stored in UTC, "
        "shown in Moscow time and in the requester's time).",
    )
    procedure_deadline_kind = fields.Selection(DEADLINE_KINDS, string="Deadline Kind")
    procedure_deadline_display = fields.Char(
        string="Deadline (MSK / local)",
        compute="_compute_procedure_deadline_display",
        help="The deadline as the requester reads it on the portal and in the "
        "emails: Moscow time, then their own.",
    )
    procedure_deadline_operator_display = fields.Char(
        string="Deadline (MSK / requester)",
        compute="_compute_procedure_deadline_display",
    )
    procedure_time_left = fields.Char(
        string="Time Left",
        compute="_compute_procedure_time_left",
        help="Time left until the procedure deadline when the ticket was opened.",
    )
    procedure_urgency = fields.Selection(
        [
            ("near", "Within a day"),
            ("imminent", "Within an hour"),
            ("passed", "Passed"),
        ],
        compute="_compute_procedure_time_left",
        help="How close the procedure deadline of an open ticket is.",
    )
    requester_tz = fields.Selection(
        "_etp_tz_selection",
        string="Requester Time Zone",
        compute="_compute_requester_tz",
        inverse="_inverse_requester_tz",
        help="The ticket's own value if an operator set one; else the contact's "
        "zone, the organisation's, the one the browser reported on the web "
        "form or in the chat, the one of the organisation's region; else "
        "Moscow time. Clear it to go back to this rule.",
    )
    requester_tz_own = fields.Selection(
        "_etp_tz_selection",
        string="Time Zone Set on the Ticket",
        help="Set when an operator corrects the requester's time zone on the "
        "ticket; it wins over everything else.",
    )
    requester_tz_source = fields.Selection(
        TZ_SOURCES,
        string="Time Zone Source",
        compute="_compute_requester_tz",
    )
    requester_browser_tz = fields.Selection(
        "_etp_tz_selection",
        string="Browser Time Zone",
        readonly=True,
        help="The time zone the requester's browser reported when they wrote "
        "on the web form, the portal or in the chat.",
    )
    requester_now_display = fields.Char(
        string="Requester's Time Now",
        compute="_compute_requester_now",
        help="The requester's clock when the ticket was opened; night there "
        "(22:00–08:00) is marked.",
    )
    requester_is_night = fields.Boolean(
        string="Night at the Requester's", compute="_compute_requester_now"
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
    # A typed INN or email is a claim anyone can make: the contact it finds
    # is only suggested, an operator links it (then its portal sees the ticket)
    suggested_partner_id = fields.Many2one(
        "res.partner",
        string="Suggested Requester",
        readonly=True,
        copy=False,
        help="The organisation whose INN the request gives, or the contact whose "
        "email a chat visitor typed. Not linked to the ticket until an operator "
        "confirms it: anyone can type an INN or an address.",
    )
    suggestion_source = fields.Selection(
        SUGGESTION_SOURCES, string="Suggested By", readonly=True, copy=False
    )
    suggestion_hint = fields.Char(
        string="Suggested From",
        readonly=True,
        copy=False,
        help="The INN or the email the suggestion was found by.",
    )
    checklist_ids = fields.One2many(
        "helpdesk.ticket.checklist",
        "ticket_id",
        string="Playbook Steps",
        copy=False,
    )
    # precomputed: a new ticket starts at 0 without a query; its playbook
    # lines, created right after, trigger the recomputation
    checklist_done_count = fields.Integer(
        string="Steps Done",
        compute="_compute_checklist_progress",
        store=True,
        precompute=True,
    )
    checklist_total_count = fields.Integer(
        string="Steps",
        compute="_compute_checklist_progress",
        store=True,
        precompute=True,
    )
    checklist_progress = fields.Float(
        string="Playbook Progress",
        compute="_compute_checklist_progress",
        store=True,
        precompute=True,
        aggregator="avg",
        help="Share of the playbook steps done, in percent.",
    )
    # helpdesk_mgmt leaves it unindexed: deleting a ticket then scans every
    # ticket for duplicates pointing at it (180k deletions ran > 10 minutes)
    duplicate_id = fields.Many2one(index="btree_not_null")

    @api.depends("procedure_number")
    def _compute_procedure_kind(self):
        for ticket in self:
            number = (ticket.procedure_number or "").strip()
            if not number:
                ticket.procedure_kind = False
            else:
                ticket.procedure_kind = (
                    identifiers.classify_notice_number(number) or "platform"
                )

    @api.depends("procedure_deadline", "requester_tz")
    @api.depends_context("lang")
    def _compute_procedure_deadline_display(self):
        for ticket in self:
            deadline, zone = ticket.procedure_deadline, ticket.requester_tz
            ticket.procedure_deadline_display = (
                self._etp_format_deadline(deadline, zone) or False
            )
            ticket.procedure_deadline_operator_display = (
                self._etp_format_deadline(deadline, zone, reader="operator") or False
            )

    @api.depends(
        "requester_tz_own",
        "requester_browser_tz",
        "partner_id.tz",
        "partner_id.is_company",
        "partner_id.commercial_partner_id.tz",
        "partner_id.commercial_partner_id.state_id",
        "partner_id.commercial_partner_id.country_id",
        "partner_id.commercial_partner_id.kpp",
        "partner_id.commercial_partner_id.vat",
    )
    def _compute_requester_tz(self):
        for ticket in self:
            zone, source = ticket.partner_id._etp_requester_tz(
                own_tz=ticket.requester_tz_own,
                browser_tz=ticket.requester_browser_tz,
            )
            ticket.requester_tz = zone
            ticket.requester_tz_source = source

    def _inverse_requester_tz(self):
        for ticket in self:
            ticket.requester_tz_own = ticket.requester_tz
        # a cleared value goes back to the rule at once
        self.invalidate_recordset(["requester_tz", "requester_tz_source"])

    @api.depends("requester_tz")
    @api.depends_context("lang")
    def _compute_requester_now(self):
        now = fields.Datetime.now()
        for ticket in self:
            local = timezones.local_time(now, ticket.requester_tz)
            ticket.requester_now_display = self.env._(
                "%(time)s (MSK%(shift)s)",
                time=local.strftime("%H:%M"),
                shift=deadlines.msk_shift(local),
            )
            ticket.requester_is_night = timezones.is_night(local)

    @api.depends("procedure_deadline", "stage_id.closed")
    @api.depends_context("lang")
    def _compute_procedure_time_left(self):
        now = fields.Datetime.now()
        for ticket in self:
            deadline = ticket.procedure_deadline
            ticket.procedure_time_left = self._etp_format_time_left(deadline, now)
            urgency = False
            if deadline and not ticket.stage_id.closed:
                left = deadlines.minutes_left(deadline, now)
                if left < 0:
                    urgency = "passed"
                elif left < URGENCY_IMMINENT_MINUTES:
                    urgency = "imminent"
                elif left < URGENCY_NEAR_MINUTES:
                    urgency = "near"
            ticket.procedure_urgency = urgency

    @api.depends("checklist_ids.done")
    def _compute_checklist_progress(self):
        counts = defaultdict(lambda: [0, 0])
        saved = self.filtered(lambda t: isinstance(t.id, int))
        if saved:
            for ticket, done, count in (
                self.env["helpdesk.ticket.checklist"]
                .sudo()
                ._read_group(
                    [("ticket_id", "in", saved.ids)],
                    ["ticket_id", "done"],
                    ["__count"],
                )
            ):
                counts[ticket.id][1] += count
                if done:
                    counts[ticket.id][0] += count
        saved_ids = set(saved.ids)
        for ticket in self:
            if ticket.id in saved_ids:
                done, total = counts[ticket.id]
            else:  # a form being edited: count what the operator sees
                total = len(ticket.checklist_ids)
                done = len(ticket.checklist_ids.filtered("done"))
            ticket.checklist_done_count = done
            ticket.checklist_total_count = total
            ticket.checklist_progress = 100.0 * done / total if total else 0.0

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

    @api.constrains("procedure_number")
    def _check_procedure_number(self):
        for ticket in self:
            self._etp_check_notice_number(ticket.procedure_number)

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

    @api.model
    def _etp_tz_selection(self):
        """Every time zone, Russia's first by their Russian names: «Москва
        (МСК)», «Калининград (МСК−1)» … «Камчатка (МСК+9)», Russia's other
        zones, then the world (see ``timezones.zone_choices``)."""
        names = {
            "Europe/Kaliningrad": self.env._("Kaliningrad"),
            "Europe/Moscow": self.env._("Moscow"),
            "Europe/Samara": self.env._("Samara"),
            "Asia/Yekaterinburg": self.env._("Yekaterinburg"),
            "Asia/Omsk": self.env._("Omsk"),
            "Asia/Krasnoyarsk": self.env._("Krasnoyarsk"),
            "Asia/Irkutsk": self.env._("Irkutsk"),
            "Asia/Yakutsk": self.env._("Yakutsk"),
            "Asia/Vladivostok": self.env._("Vladivostok"),
            "Asia/Magadan": self.env._("Magadan"),
            "Asia/Kamchatka": self.env._("Kamchatka"),
        }
        templates = {
            timezones.GROUP_RUSSIA: self.env._("%(city)s (MSK%(shift)s)"),
            timezones.GROUP_RUSSIA_OTHER: self.env._("%(city)s (MSK%(shift)s)"),
            timezones.GROUP_WORLD: self.env._("%(city)s (UTC%(shift)s)"),
            timezones.GROUP_UNNAMED: self.env._("Zone %(city)s (UTC%(shift)s)"),
        }
        today = fields.Datetime.now().date()
        return [
            (
                zone,
                templates[group]
                % {
                    "city": names.get(zone) or city or zone,
                    "shift": shift,
                },
            )
            for zone, group, city, shift in timezones.zone_choices(
                self.env.lang or "en_US", today
            )
        ]

    @api.model
    def _etp_duration_units(self):
        """The unit words of a duration in the user's language."""
        return {
            "d": self.env._("%(n)s d"),
            "h": self.env._("%(n)s h"),
            "min": self.env._("%(n)s min"),
        }

    @api.model
    def _etp_format_duration(self, hours):
        """«24 ч», «1 ч 30 мин», «15 мин» in the user's language."""
        return deadlines.format_duration(hours, self._etp_duration_units())

    @api.model
    def _etp_format_deadline(self, value, tz_name, reader="requester"):
        """A deadline in Moscow time and in the zone ``tz_name``, in the
        language of the environment: «24.11.2026 02:50 МСК (09:50 по вашему
        времени)» for the ``requester`` (portal, emails), «… (09:50 у
        заявителя)» for an ``operator``. Empty for no deadline."""
        if reader == "operator":
            template = self.env._("%(msk)s MSK (%(local)s the requester's time)")
        else:
            template = self.env._("%(msk)s MSK (%(local)s your time)")
        return deadlines.format_deadline(
            value, tz_name, template=template, msk_template=self.env._("%(msk)s MSK")
        )

    def _etp_requester_time(self, value):
        """``value`` (naive UTC) as this ticket's requester reads it, in
        Moscow time and in their own: for templates and messages."""
        self.ensure_one()
        return self._etp_format_deadline(value, self.requester_tz)

    @api.model
    def _etp_format_msk(self, value):
        """«24.11.2026 02:50 МСК» in the language of the environment."""
        return deadlines.format_msk(value, self.env._("%(msk)s MSK"))

    @api.model
    def _etp_browser_tz(self, value):
        """The zone a browser reported (the ``tz`` cookie of Odoo's pages, or a
        chat guest's zone) if it names one, else False: the value comes from
        the visitor and may be anything."""
        value = value if isinstance(value, str) else ""
        if value in pytz.all_timezones_set and timezones.zone_name(value):
            return value
        return False

    @api.model
    def _etp_check_notice_number(self, number):
        """Refuse a number shaped like an EIS notice that cannot be one."""
        if identifiers.is_malformed_notice_number(number):
            raise ValidationError(
                self.env._(
                    "%(number)s is not an EIS notice number: a 44-FZ notice "
                    "has 19 digits, a 223-FZ notice 11 digits starting with 3.",
                    number=number.strip(),
                )
            )

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

    def action_link_suggested_partner(self):
        """Make the suggested contact or organisation the ticket's requester,
        as the operator confirmed: from now on its portal users see the ticket
        and a suggested person follows it."""
        self.ensure_one()
        partner = self.suggested_partner_id
        if not partner:
            raise UserError(self.env._("This ticket has no suggested requester."))
        reason = self._etp_suggestion_reason()
        self.write(
            {
                "partner_id": partner.id,
                "suggested_partner_id": False,
                "suggestion_source": False,
                "suggestion_hint": False,
            }
        )
        if not partner.is_company and partner.email:
            self.message_subscribe(partner_ids=partner.ids)
        self.message_post(
            body=self.env._(
                "Requester linked: %(partner)s (%(reason)s).",
                partner=partner.display_name,
                reason=reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def action_dismiss_suggested_partner(self):
        """Drop the suggestion: the requester stays unknown."""
        self.ensure_one()
        if not self.suggested_partner_id:
            return True
        body = self.env._(
            "Suggested requester dismissed: %(partner)s (%(reason)s).",
            partner=self.suggested_partner_id.display_name,
            reason=self._etp_suggestion_reason(),
        )
        self.write(
            {
                "suggested_partner_id": False,
                "suggestion_source": False,
                "suggestion_hint": False,
            }
        )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        return True

    @api.model
    def _etp_format_time_left(self, deadline, now=None):
        """«8 min left», «1 h 5 min left», «2 d 3 h left» or «5 min
        overdue» until ``deadline`` (naive UTC), in the user's language;
        ``False`` without a deadline."""
        if not deadline:
            return False
        left = deadlines.minutes_left(deadline, now or fields.Datetime.now())
        if left == 0:
            return self.env._("less than a minute left")
        days, hours, minutes = deadlines.split_minutes(abs(left))
        if days:
            duration = self.env._("%(days)s d %(hours)s h", days=days, hours=hours)
        elif hours:
            duration = self.env._(
                "%(hours)s h %(minutes)s min", hours=hours, minutes=minutes
            )
        else:
            duration = self.env._("%(minutes)s min", minutes=minutes)
        if left < 0:
            return self.env._("%(duration)s overdue", duration=duration)
        return self.env._("%(duration)s left", duration=duration)

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

    @api.model
    def _etp_next_numbers(self, count, company_id):
        """``count`` ticket numbers drawn at once from the ticket sequence, as
        helpdesk_mgmt draws them one by one; none (each ticket then draws its
        own) for a gapless or date-range sequence."""
        Sequence = self.env["ir.sequence"].with_company(company_id)
        Sequence.check_access("read")
        sequence = Sequence.search(
            [
                ("code", "=", "helpdesk.ticket.sequence"),
                ("company_id", "in", [company_id, False]),
            ],
            order="company_id",
            limit=1,
        )
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

    @api.model
    def _etp_suggestion_vals(self, partner, source, hint):
        """Ticket values that suggest ``partner`` as the requester."""
        return {
            "suggested_partner_id": partner.id,
            "suggestion_source": source,
            "suggestion_hint": hint,
        }

    def _etp_suggestion_reason(self):
        self.ensure_one()
        sources = dict(
            self._fields["suggestion_source"]._description_selection(self.env)
        )
        source = sources.get(self.suggestion_source, "")
        return f"{source}: {self.suggestion_hint}" if self.suggestion_hint else source

    def _etp_sync_checklist(self, new=False):
        """Bring the playbook lines of the tickets in line with their category:
        lines of steps still in the playbook stay as they are (ticked or not),
        lines of other steps go, missing steps are added. Lines an operator
        added by hand stay. ``new`` tells that the tickets have no lines yet.
        """
        if not self:
            return
        Checklist = self.env["helpdesk.ticket.checklist"].sudo()
        playbooks = self.category_id._etp_playbook_steps()
        lines_by_ticket = defaultdict(list)
        if not new:
            for line in Checklist.search_fetch(
                [("ticket_id", "in", self.ids), ("step_id", "!=", False)],
                ["ticket_id", "step_id"],
                order="id",
            ):
                lines_by_ticket[line.ticket_id.id].append(line)
        stale_ids = []
        vals_list = []
        for ticket in self:
            steps = playbooks.get(ticket.category_id.id, [])
            wanted = {step.id for step in steps}
            present = set()
            for line in lines_by_ticket[ticket.id]:
                if line.step_id.id in wanted:
                    present.add(line.step_id.id)
                else:
                    stale_ids.append(line.id)
            vals_list.extend(
                {
                    "ticket_id": ticket.id,
                    "step_id": step.id,
                    "sequence": position,
                    "name": step.name,
                    "description": step.description,
                }
                for position, step in enumerate(steps, start=1)
                if step.id not in present
            )
        if stale_ids:
            Checklist.browse(stale_ids).unlink()
        if vals_list:
            Checklist.create(vals_list)

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
        self = self.with_context(lang=self.env.lang or self.env.company._etp_lang())
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
        ticket._etp_drop_external_followers([])
        return ticket

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

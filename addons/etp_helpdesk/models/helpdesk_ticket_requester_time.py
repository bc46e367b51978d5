# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The requester's time of ``helpdesk.ticket`` (a mixin it inherits): the
requester's time zone (set on the ticket, else found from the contact, the
organisation, the browser or the region: ``lib/timezones.py``), their clock
now, and deadlines and durations formatted in Moscow time and in theirs."""

import pytz

from odoo import api, fields, models

from ..lib import deadlines, timezones

TZ_SOURCES = [
    (timezones.SOURCE_TICKET, "set on the ticket"),
    (timezones.SOURCE_CONTACT, "from the contact"),
    (timezones.SOURCE_ORGANISATION, "from the organisation"),
    (timezones.SOURCE_BROWSER, "reported by the browser"),
    (timezones.SOURCE_REGION, "from the organisation's region"),
    (timezones.SOURCE_DEFAULT, "Moscow time, nothing else is known"),
]


class HelpdeskTicketRequesterTime(models.AbstractModel):
    _name = "helpdesk.ticket.requester.time"
    _description = "Requester's Time of Tickets"

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
    def _etp_reader_time(self, value):
        """«24.11.2026 09:20»: ``value`` (naive UTC) in the reader's zone
        (the request's, else the user's), as Odoo's datetime widget prints it
        with the pattern ``dd.MM.yyyy HH:mm``, without the widget's lookups of
        language and locale for each value (the portal list shows two dates on
        each of its 80 rows)."""
        return deadlines.format_in_zone(
            value, self.env.context.get("tz") or self.env.user.tz
        )

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

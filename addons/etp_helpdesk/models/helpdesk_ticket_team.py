# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models, tools

from ..tools import set_column_defaults

AUDIENCES = [("customer", "Customers"), ("supplier", "Suppliers")]
TEAM_AUDIENCES = AUDIENCES + [("both", "Customers and suppliers")]
SUPPORT_LINES = [("1", "Line 1"), ("2", "Line 2"), ("3", "Line 3")]
# what the cached live chat rules of the pages depend on
# (website._etp_desk_livechat_rules)
LIVECHAT_FIELDS = {"livechat_channel_id", "active"}


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    audience = fields.Selection(
        TEAM_AUDIENCES,
        required=True,
        default="both",
        index=True,
        help="Platform users this team serves: customers (buyers), suppliers, or both.",
    )
    support_line = fields.Selection(
        SUPPORT_LINES,
        required=True,
        default="1",
        index=True,
        help="Line 1 answers typical questions, line 2 takes complex cases, "
        "line 3 is the engineers.",
    )
    livechat_channel_id = fields.Many2one(
        "im_livechat.channel",
        string="Live Chat Channel",
        help="Tickets created from a conversation of this live chat channel go "
        "to this team.",
    )

    _sql_constraints = [
        (
            "livechat_channel_uniq",
            "unique(livechat_channel_id)",
            "A live chat channel can feed one team only.",
        ),
    ]

    def init(self):
        result = super().init()
        set_column_defaults(self, "etp_helpdesk")
        return result

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        teams._etp_sync_livechat_operators({})
        if teams.livechat_channel_id:
            self.env.registry.clear_cache()  # website._etp_desk_livechat_rules
        return teams

    def write(self, vals):
        if "user_ids" not in vals and "livechat_channel_id" not in vals:
            result = super().write(vals)
        else:
            before = {team.id: team.user_ids for team in self}
            result = super().write(vals)
            self._etp_sync_livechat_operators(before)
        if LIVECHAT_FIELDS.intersection(vals):
            self.env.registry.clear_cache()  # website._etp_desk_livechat_rules
        return result

    def unlink(self):
        result = super().unlink()
        # website._etp_desk_livechat_rules, and _etp_applicable_stage_ids: the
        # stages only the deleted teams had now serve every team
        self.env.registry.clear_cache()
        return result

    def _get_applicable_stages(self):
        """helpdesk_mgmt's stages of the team (no team: the stages of no
        team in the current company), looked up once and cached instead of
        searched on each call: every new ticket and every change of team
        asks. A change of the stages clears the cache
        (``helpdesk.ticket.stage``)."""
        if len(self) > 1 or not all(self._ids):  # several teams, a team being edited
            return super()._get_applicable_stages()
        Stage = self.env["helpdesk.ticket.stage"]
        Stage.check_access("read")
        # what upstream's search depends on besides the team: the company,
        # the companies the user works in (the one record rule on stages,
        # helpdesk_mgmt's global company rule), archived stages
        stage_ids = self._etp_applicable_stage_ids(
            self.id,
            self.company_id.id if self else self.env.company.id,
            None if self.env.su else tuple(sorted(self.env.companies.ids)),
            self.env.context.get("active_test", True),
        )
        return Stage.browse(stage_ids)

    @tools.ormcache("team_id", "company_id", "company_ids", "active_test")
    def _etp_applicable_stage_ids(self, team_id, company_id, company_ids, active_test):
        # the arguments describe self and its environment (see the caller)
        return tuple(super()._get_applicable_stages().ids)

    def _etp_sync_livechat_operators(self, users_before):
        """The members of a desk with a live chat channel take its chats:
        users added to the team become operators of its channel, users taken
        off the team stop being. ``users_before`` maps team ids to the
        members they had. The channel is written as superuser: whoever may
        staff the team may staff its chat."""
        for team in self.filtered("livechat_channel_id"):
            channel = team.livechat_channel_id.sudo()
            removed = users_before.get(team.id, team.user_ids) - team.user_ids
            commands = [
                Command.link(user.id) for user in team.user_ids - channel.user_ids
            ] + [Command.unlink(user.id) for user in removed & channel.user_ids]
            if commands:
                channel.user_ids = commands

    @api.model
    def _etp_intake_team(self, audience, company=None):
        """The line-1 team where new requests of ``audience`` land."""
        company = company or self.env.company
        return self.search(
            [
                ("support_line", "=", "1"),
                ("audience", "in", [audience, "both"]),
                ("company_id", "in", [company.id, False]),
            ],
            order="audience desc, sequence, id",
            limit=1,
        )

    def _retrieve_dashboard(self):
        """Upstream's dashboard sections with our labels (upstream's Python
        terms have no Russian)."""
        sections = super()._retrieve_dashboard()
        labels = {
            "helpdesk_mgmt.helpdesk_ticket_action_unassigned": self.env._(
                "Open Tickets without team"
            ),
            "helpdesk_mgmt.helpdesk_ticket_action_opened": self.env._("Open Tickets"),
        }
        for section in sections:
            section["name"] = labels.get(section.get("action"), section["name"])
        return sections

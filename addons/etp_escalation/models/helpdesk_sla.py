# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.etp_helpdesk.models.helpdesk_ticket_team import (
    AUDIENCES,
    SUPPORT_LINES,
)
from odoo.addons.etp_helpdesk.tools import set_column_defaults

from ..lib import sla as sla_rules

ANY = [(sla_rules.ANY, "Any")]
PRIORITY_CHOICES = [
    ("0", "Low"),
    ("1", "Medium"),
    ("2", "High"),
    ("3", "Very High"),
]


class HelpdeskSla(models.Model):
    _inherit = "helpdesk.sla"
    _order = "sequence, id"

    sequence = fields.Integer(
        default=10,
        help="Among equally specific policies, the one with the lower sequence wins.",
    )
    audience = fields.Selection(
        ANY + AUDIENCES,
        required=True,
        default=sla_rules.ANY,
        help="Customers' or suppliers' tickets only, or any.",
    )
    support_line = fields.Selection(
        ANY + SUPPORT_LINES,
        required=True,
        default=sla_rules.ANY,
        help="Tickets of teams on this support line only, or any.",
    )
    priority = fields.Selection(
        ANY + PRIORITY_CHOICES,
        required=True,
        default=sla_rules.ANY,
        help="Tickets of this priority only, or any.",
    )
    first_response_time = fields.Float(
        string="First Response Within",
        help="Hours of working time (see the team's working hours) within which "
        "an operator must first answer the requester publicly. 0: no target.",
    )
    resolution_time = fields.Float(
        string="Resolution Within",
        help="Hours of working time within which the ticket must reach the "
        "policy's stage. 0: the days and hours below.",
    )
    escalate_on_breach = fields.Boolean(
        default=True,
        help="When a target of this policy is breached, move the ticket to the "
        "team its team escalates to and record an «SLA breach» escalation.",
    )

    def init(self):
        result = super().init()
        set_column_defaults(self, "etp_escalation")
        return result

    @api.constrains("first_response_time", "resolution_time", "days", "hours")
    def _check_targets(self):
        for policy in self:
            if (
                min(
                    policy.first_response_time,
                    policy.resolution_time,
                    policy.days,
                    policy.hours,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "SLA policy %(name)s: targets cannot be negative.",
                        name=policy.name,
                    )
                )
            if not policy._etp_target_hours(sla_rules.RESOLUTION, 24.0) and not (
                policy.first_response_time
            ):
                raise ValidationError(
                    self.env._(
                        "SLA policy %(name)s sets no target: give a first "
                        "response or a resolution time.",
                        name=policy.name,
                    )
                )

    @api.constrains("domain")
    def _check_domain(self):
        for policy in self:
            try:
                domain = safe_eval(policy.domain or "[]")
                self.env["helpdesk.ticket"].search_count(domain, limit=1)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "SLA policy %(name)s: the filter is not a valid domain "
                        "(%(error)s).",
                        name=policy.name,
                        error=error,
                    )
                ) from error

    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        self.env.registry.clear_cache()
        return policies

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def _etp_facts(self):
        """This policy's facts (targets, stages) as the matching sees them."""
        self.ensure_one()
        return sla_rules.PolicyFacts(
            id=self.id,
            first_response_time=self.first_response_time,
            resolution_time=self.resolution_time,
            days=self.days,
            hours=self.hours,
        )

    def _etp_target_hours(self, kind, hours_per_day):
        self.ensure_one()
        return sla_rules.target_hours(self._etp_facts(), kind, hours_per_day)

    @api.model
    def _etp_policy_facts_by_id(self):
        return {facts.id: facts for facts in self._etp_policy_facts()}

    @api.model
    @tools.ormcache()
    def _etp_policy_facts(self):
        """Every active policy, as plain facts for matching (cached; the cache
        is cleared when a policy changes)."""
        policies = self.sudo().search([("active", "=", True)])
        return tuple(
            sla_rules.PolicyFacts(
                id=policy.id,
                sequence=policy.sequence,
                company_id=policy.company_id.id or None,
                audience=policy.audience,
                support_line=policy.support_line,
                priority=policy.priority,
                team_ids=frozenset(policy.team_ids.ids),
                category_ids=frozenset(policy.category_ids.ids),
                tag_ids=frozenset(policy.tag_ids.ids),
                has_domain=bool(safe_eval(policy.domain or "[]")),
                first_response_time=policy.first_response_time,
                resolution_time=policy.resolution_time,
                days=policy.days,
                hours=policy.hours,
                stage_id=policy.stage_id.id or None,
                ignore_stage_ids=frozenset(policy.ignore_stage_ids.ids),
            )
            for policy in policies
        )

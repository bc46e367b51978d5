# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.etp_helpdesk.models.helpdesk_ticket_team import (
    AUDIENCES,
    SUPPORT_LINES,
)
from odoo.addons.etp_helpdesk.tools import set_column_defaults, ticket_priorities

from ..lib import sla as sla_rules

ANY = [(sla_rules.ANY, "Any")]


def _any_priority(self):
    """Any, then the ticket's own priorities in the user's language."""
    return [(sla_rules.ANY, self.env._("Any"))] + ticket_priorities(self.env)


class HelpdeskSla(models.Model):
    # the policy table is cached (_etp_policy_table)
    _name = "helpdesk.sla"
    _inherit = ["helpdesk.sla", "etp.cache.source"]
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
        _any_priority,
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

    @api.model
    @tools.ormcache()
    def _etp_policy_table(self):
        """Every active policy as ``PolicyFacts``, in their order: which
        policies apply to a ticket is decided from it without a query
        (``helpdesk.ticket._etp_slas_by_ticket``). Cached: every new ticket
        and every change of a ticket's team, category, tags or priority
        asks; a change of a policy clears the cache."""
        policies = self.sudo().search([("active", "=", True)])
        return tuple(policy._etp_facts() for policy in policies)

    def _etp_facts(self):
        """This policy as the ranking and the targets see it."""
        self.ensure_one()
        return sla_rules.PolicyFacts(
            id=self.id,
            company_id=self.company_id.id or 0,
            domain=self.domain or "",
            sequence=self.sequence,
            audience=self.audience,
            support_line=self.support_line,
            priority=self.priority,
            team_ids=frozenset(self.team_ids.ids),
            category_ids=frozenset(self.category_ids.ids),
            tag_ids=frozenset(self.tag_ids.ids),
            has_domain=bool(safe_eval(self.domain or "[]")),
            first_response_time=self.first_response_time,
            resolution_time=self.resolution_time,
            days=self.days,
            hours=self.hours,
            stage_id=self.stage_id.id or 0,
            ignore_stage_ids=tuple(
                self.with_context(active_test=False).ignore_stage_ids.ids
            ),
        )

    # what a new target reads of its policy: fields of PolicyFacts too
    _ETP_CACHED_FIELDS = (
        "stage_id",
        "ignore_stage_ids",
        "hours",
        "days",
        "first_response_time",
        "resolution_time",
    )

    @api.model
    def _etp_cache_facts(self):
        """Put what new targets read of the active policies (their stages,
        pause stages and hours) in the ORM's cache from the cached policy
        table (``_etp_policy_table``): creating a ticket's targets then reads
        no policy, two queries per new ticket otherwise (all of them: the
        ORM reads a field for every policy it holds at once). A field that
        already has a value in the cache (read, or written and not yet
        saved) is left alone."""
        cache = self.env.cache
        for facts in self._etp_policy_table():
            policy = self.browse(facts.id)
            for name in self._ETP_CACHED_FIELDS:
                field = self._fields[name]
                if not cache.contains(policy, field):
                    # in the cache's form: an id (None for none), ids, a number
                    value = getattr(facts, name)
                    cache.set(
                        policy, field, value or None if name == "stage_id" else value
                    )

    def _etp_target_hours(self, kind, hours_per_day):
        """Hours of this policy's target of ``kind`` (its targets only are
        read: not its teams, tags or categories)."""
        self.ensure_one()
        targets = sla_rules.PolicyFacts(
            id=self.id,
            first_response_time=self.first_response_time,
            resolution_time=self.resolution_time,
            days=self.days,
            hours=self.hours,
        )
        return sla_rules.target_hours(targets, kind, hours_per_day)

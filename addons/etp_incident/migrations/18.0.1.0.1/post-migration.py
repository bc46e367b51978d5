# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""External escalations follow their ticket's access now: drop the record rules
they had (kept by an update, being noupdate data)."""

from odoo import SUPERUSER_ID, api

OLD_RULES = (
    "helpdesk_external_escalation_rule_company",
    "helpdesk_external_escalation_rule_user_own",
    "helpdesk_external_escalation_rule_user_team",
    "helpdesk_external_escalation_rule_user",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for name in OLD_RULES:
        rule = env.ref(f"etp_incident.{name}", raise_if_not_found=False)
        if rule:
            rule.unlink()

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import sla as sla_rules


class ResCompany(models.Model):
    _inherit = "res.company"

    etp_sla_warning_percent = fields.Float(
        string="SLA Warning At (%)",
        default=80.0,
        help="Share of an SLA target after which the team leader is warned.",
    )
    etp_priority_urgent_hours = fields.Float(
        string="Very High Priority Within (hours)",
        default=1.0,
        help="A ticket whose procedure deadline is this close becomes very high "
        "priority.",
    )
    etp_priority_high_hours = fields.Float(
        string="High Priority Within (hours)",
        default=24.0,
        help="A ticket whose procedure deadline is this close becomes high priority.",
    )

    @api.constrains(
        "etp_sla_warning_percent",
        "etp_priority_urgent_hours",
        "etp_priority_high_hours",
    )
    def _check_etp_sla_settings(self):
        for company in self:
            if not 0 < company.etp_sla_warning_percent < 100:
                raise ValidationError(
                    self.env._(
                        "The SLA warning share must lie between 0 and 100 %% "
                        "(%(value)s given).",
                        value=company.etp_sla_warning_percent,
                    )
                )
            try:
                company._etp_priority_thresholds()
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "Deadline priority thresholds must be positive hours, "
                        "the very high one not above the high one."
                    )
                ) from error

    def write(self, vals):
        result = super().write(vals)
        if "etp_sla_warning_percent" in vals:
            # open targets warn at the new share
            rows = (
                self.env["helpdesk.ticket.sla"]
                .sudo()
                .search(
                    [
                        ("ticket_id.company_id", "in", self.ids),
                        ("state", "in", sla_rules.OPEN_STATES),
                        ("warned_at", "=", False),
                    ]
                )
            )
            self.env.add_to_compute(rows._fields["warning_date"], rows)
        return result

    def _etp_sla_warning_ratio(self):
        """The warning share as a ratio (0.8 for 80 %)."""
        self.ensure_one()
        percent = self.etp_sla_warning_percent or 80.0
        return percent / 100.0

    def _etp_priority_thresholds(self):
        """``((hours, priority), …)`` for the deadline-aware priority."""
        self.ensure_one()
        return sla_rules.normalise_thresholds(
            [
                (self.etp_priority_urgent_hours, "3"),
                (self.etp_priority_high_hours, "2"),
            ]
        )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    etp_sla_warning_percent = fields.Float(
        related="company_id.etp_sla_warning_percent", readonly=False
    )
    etp_priority_urgent_hours = fields.Float(
        related="company_id.etp_priority_urgent_hours", readonly=False
    )
    etp_priority_high_hours = fields.Float(
        related="company_id.etp_priority_high_hours", readonly=False
    )

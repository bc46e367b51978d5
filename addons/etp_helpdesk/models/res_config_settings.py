# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    etp_retention_ticket_months = fields.Integer(
        related="company_id.etp_retention_ticket_months", readonly=False
    )
    etp_retention_chat_months = fields.Integer(
        related="company_id.etp_retention_chat_months", readonly=False
    )
    etp_retention_consent_months = fields.Integer(
        related="company_id.etp_retention_consent_months", readonly=False
    )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def _etp_lang(self):
        """The language the company's people read: its partner's language,
        else the default language of new contacts, else English."""
        company = self[:1] or self.env.company
        lang = company.sudo().partner_id.lang
        if not lang:
            lang = self.env["ir.default"].sudo()._get("res.partner", "lang")
        if not lang or not self.env["res.lang"]._get_data(code=lang).code:
            return "en_US"
        return lang

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @api.model
    def get_translations_for_webclient(self, modules, lang):
        """Add the JavaScript terms of the upstream modules translated by our
        ``i18n_upstream`` overlays; a translation the upstream module ships
        itself is kept."""
        translations, lang_params = super().get_translations_for_webclient(
            modules, lang
        )
        if not lang or lang == "en_US":
            return translations, lang_params
        overlays = self.env["ir.module.module"]._etp_overlay_web_terms(modules, lang)
        for module, terms in overlays.items():
            own = translations.get(module, {}).get("messages", ())
            merged = dict(terms)
            merged.update({message["id"]: message["string"] for message in own})
            translations[module] = {
                "messages": tuple(
                    {"id": source, "string": value} for source, value in merged.items()
                )
            }
        return translations, lang_params

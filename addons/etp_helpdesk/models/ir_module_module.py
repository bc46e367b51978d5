# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Russian for the upstream modules our product is built on.

An addon ships the translation of an upstream module it depends on as
``<addon>/i18n_upstream/<upstream module>/<lang>.po`` (a complete po file for
the upstream module's pot, e.g. ``etp_helpdesk/i18n_upstream/helpdesk_mgmt/ru.po``).
Odoo loads a module's terms only from that module's own ``i18n/`` folder, so
the overlays are loaded here, after Odoo's own files, whenever the terms of the
owning addon or of the upstream module are (re)loaded: at install or update of
either, on ``--i18n-overwrite`` and when a language is activated.

The model terms (fields, views, selections, menus, data) go to the database
like any po file's. The JavaScript terms are served to the web client by
``ir.http.get_translations_for_webclient``; the Python terms of upstream code
are relabelled by the overrides of upstream's hooks (see the readme).
"""

import os
from functools import lru_cache

from odoo import api, models
from odoo.modules.module import get_module_path
from odoo.tools.translate import (
    JAVASCRIPT_TRANSLATION_COMMENT,
    CodeTranslations,
    TranslationImporter,
)

OVERLAY_DIR = "i18n_upstream"


def _po_names(lang):
    """The po file names tried for a language, base language first (as Odoo's
    get_po_paths does): ru.po, then ru_RU.po."""
    base = lang.split("_", 1)[0]
    return [base] if base == lang else [base, lang]


@lru_cache(maxsize=64)
def _web_terms(path, mtime):
    """The JavaScript terms of an overlay po file ({source: translation}),
    read once per file version."""
    with open(path, "rb") as fileobj:
        return CodeTranslations._read_code_translations_file(
            fileobj,
            lambda row: row.get("value")
            and JAVASCRIPT_TRANSLATION_COMMENT in row["comments"],
        )


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(
        self, modules, langs, overwrite=False, imported_module=False
    ):
        result = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        paths = self._etp_overlay_paths(modules, langs)
        if paths:
            importer = TranslationImporter(self.env.cr, verbose=False)
            for _upstream, lang, path in paths:
                importer.load_file(path, lang)
            importer.save(overwrite=overwrite)
        self._etp_translate_mixin_selections(langs, overwrite=overwrite)
        return result

    @api.model
    def _etp_translate_mixin_selections(self, langs, overwrite=False):
        """Give the selection values a model inherits from a mixin (activity
        state, rating text…) the mixin's own translation.

        Odoo reflects them once per model, under the mixin's module
        (``mail.selection__helpdesk_ticket__activity_state__overdue``), and
        Odoo's po files translate them for Odoo's own models only: on every
        other model they stay English ("Overdue", "Satisfied")."""
        self.env["ir.model.fields.selection"].flush_model()
        for lang in langs:
            if lang == "en_US":
                continue
            self.env.cr.execute(
                """
                UPDATE ir_model_fields_selection sel
                   SET name = sel.name || jsonb_build_object(%(lang)s,
                                                            parent_sel.name->>%(lang)s)
                  FROM ir_model_fields field,
                       ir_model model,
                       ir_model_inherit inherit,
                       ir_model parent,
                       ir_model_fields parent_field,
                       ir_model_fields_selection parent_sel
                 WHERE field.id = sel.field_id
                   AND model.model = field.model
                   AND inherit.model_id = model.id
                   AND parent.id = inherit.parent_id
                   AND parent_field.model = parent.model
                   AND parent_field.name = field.name
                   AND parent_sel.field_id = parent_field.id
                   AND parent_sel.value = sel.value
                   AND parent_sel.name->>'en_US' = sel.name->>'en_US'
                   AND parent_sel.name ? %(lang)s
                   AND (%(overwrite)s OR NOT sel.name ? %(lang)s)
                """,
                {"lang": lang, "overwrite": overwrite},
            )
        self.env["ir.model.fields.selection"].invalidate_model(["name"])

    @api.model
    def _etp_overlay_paths(self, modules, langs):
        """(upstream module, lang, path) of the overlay files to load when the
        terms of ``modules`` are loaded in ``langs``: those owned by one of
        ``modules`` and those translating one of ``modules``, for the upstream
        modules that are installed (or being installed)."""
        modules = set(modules)
        present = modules | set(
            self.sudo()
            .search([("state", "in", ("installed", "to install", "to upgrade"))])
            .mapped("name")
        )
        found = []
        for owner in sorted(present):
            owner_path = get_module_path(owner, display_warning=False)
            overlay_root = owner_path and os.path.join(owner_path, OVERLAY_DIR)
            if not overlay_root or not os.path.isdir(overlay_root):
                continue
            for upstream in sorted(os.listdir(overlay_root)):
                if upstream not in present or not (
                    owner in modules or upstream in modules
                ):
                    continue
                for lang in langs:
                    if lang == "en_US":
                        continue
                    for name in _po_names(lang):
                        path = os.path.join(overlay_root, upstream, name + ".po")
                        if os.path.isfile(path):
                            found.append((upstream, lang, path))
        return found

    @api.model
    def _etp_overlay_web_terms(self, modules, lang):
        """{upstream module: {source: translation}} of the JavaScript terms
        our overlays translate for ``modules`` in ``lang``."""
        terms = {}
        for upstream, _lang, path in self._etp_overlay_paths(modules, [lang]):
            terms.setdefault(upstream, {}).update(
                _web_terms(path, os.path.getmtime(path))
            )
        return terms

"""Bring each addon's i18n/ files in line with the terms its code and data hold.

Usage: i18n_sync.py CONFIG DATABASE [ADDON ...]

For each addon, from a database where it is installed:
- writes ``i18n/<addon>.pot``, the template of its terms (English source);
- brings ``i18n/ru.po`` up to date: keeps the Russian translations it has, adds
  the new terms with an empty msgstr and drops the terms that are gone;
- does the same for each ``i18n_upstream/<module>/ru.po``, the Russian the
  addon ships for an upstream module it depends on (see
  etp_helpdesk/models/ir_module_module.py), against that module's terms.
Prints the terms still without a translation;
addons/etp_stories/tests/test_i18n.py fails while any remain, or while a file
differs from a fresh export.
"""

import io
import os
import sys

import polib

import odoo
from odoo.tools.translate import trans_export

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ("etp_helpdesk", "etp_escalation", "etp_incident")
OVERLAY_DIR = "i18n_upstream"
PLURAL_FORMS_RU = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)


def export(cr, module, lang):
    """The terms of ``module`` as Odoo exports them: a pot for lang None,
    a po with the database's translations otherwise."""
    buffer = io.BytesIO()
    trans_export(lang, [module], buffer, "po", cr)
    fresh = polib.pofile(buffer.getvalue().decode())
    fresh.metadata["Project-Id-Version"] = "Odoo Server 18.0"
    for key in ("POT-Creation-Date", "PO-Revision-Date"):
        fresh.metadata[key] = ""
    return fresh


def overlays(addon):
    """(upstream module, directory) of the upstream translations an addon ships."""
    root = os.path.join(ROOT, "addons", addon, OVERLAY_DIR)
    if not os.path.isdir(root):
        return []
    return [(name, os.path.join(root, name)) for name in sorted(os.listdir(root))]


def sync_po(cr, module, path):
    """Write ``path`` (a ru.po) with the terms of ``module`` and the Russian
    translations the file already has. Returns the untranslated msgids."""
    fresh = export(cr, module, "ru_RU")
    old = polib.pofile(path) if os.path.exists(path) else polib.POFile()
    known = {(e.msgctxt, e.msgid): e.msgstr for e in old if e.msgstr}
    for entry in fresh:
        entry.msgstr = known.get((entry.msgctxt, entry.msgid), "")
    fresh.metadata.update({"Language": "ru", "Plural-Forms": PLURAL_FORMS_RU})
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fresh.save(path)
    return [e.msgid for e in fresh if not e.msgstr]


def sync(cr, addon):
    """Write the addon's pot, ru.po and upstream overlays; returns
    {file: untranslated msgids}."""
    i18n = os.path.join(ROOT, "addons", addon, "i18n")
    os.makedirs(i18n, exist_ok=True)
    export(cr, addon, None).save(os.path.join(i18n, f"{addon}.pot"))
    missing = {f"{addon}/i18n/ru.po": sync_po(cr, addon, os.path.join(i18n, "ru.po"))}
    for upstream, directory in overlays(addon):
        path = os.path.join(directory, "ru.po")
        missing[f"{addon}/{OVERLAY_DIR}/{upstream}/ru.po"] = sync_po(cr, upstream, path)
    return missing


def main(argv):
    config, dbname = argv[1], argv[2]
    addons = argv[3:] or ADDONS
    odoo.tools.config.parse_config(["-c", config])
    registry = odoo.modules.registry.Registry(dbname)
    missing = 0
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["res.lang"]._activate_lang("ru_RU")  # rolled back below
        for addon in addons:
            for name, untranslated in sync(cr, addon).items():
                missing += len(untranslated)
                print(f"{name}: {len(untranslated)} untranslated")
                for msgid in untranslated:
                    print(f"    {msgid!r}")
        cr.rollback()
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

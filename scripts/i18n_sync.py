"""Bring each addon's i18n/ru.po in line with the terms its code and data hold.

Usage: i18n_sync.py CONFIG DATABASE [ADDON ...]

Exports the translatable terms of each addon from a database where it is
installed, keeps the Russian translations ru.po already has, adds the new terms
with an empty msgstr and drops the terms that are gone. Prints the terms still
without a translation; tests/test_i18n.py fails while any remain.
"""

import io
import os
import sys

import polib

import odoo
from odoo.tools.translate import trans_export

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ("etp_helpdesk", "etp_escalation", "etp_incident")


def sync(cr, addon):
    buffer = io.BytesIO()
    trans_export("ru_RU", [addon], buffer, "po", cr)
    fresh = polib.pofile(buffer.getvalue().decode())
    path = os.path.join(ROOT, "addons", addon, "i18n", "ru.po")
    old = polib.pofile(path) if os.path.exists(path) else polib.POFile()
    known = {(e.msgctxt, e.msgid): e.msgstr for e in old if e.msgstr}
    for entry in fresh:
        entry.msgstr = known.get((entry.msgctxt, entry.msgid), entry.msgstr)
    fresh.metadata.update(
        {
            "Project-Id-Version": "Odoo Server 18.0",
            "Language": "ru",
            "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
            "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
        }
    )
    for key in ("POT-Creation-Date", "PO-Revision-Date"):
        fresh.metadata[key] = ""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fresh.save(path)
    return [e.msgid for e in fresh if not e.msgstr]


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
            untranslated = sync(cr, addon)
            missing += len(untranslated)
            print(f"{addon}: {len(untranslated)} untranslated")
            for msgid in untranslated:
                print(f"    {msgid!r}")
        cr.rollback()
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

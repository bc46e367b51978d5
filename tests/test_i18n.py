"""Every addon ships a complete Russian translation.

The terms are read from the installed addons the way Odoo exports them
(`TranslationModuleReader`); each must have a non-empty msgstr in the addon's
i18n/ru.po. `scripts/i18n_sync.py` brings ru.po up to date with new terms.
"""

import os

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

ADDONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "addons")
ADDONS = ("etp_helpdesk", "etp_escalation", "etp_incident")


@tagged("post_install", "-at_install")
class TestRussianTranslations(TransactionCase):
    def test_ru_po_translates_every_term(self):
        for addon in ADDONS:
            with self.subTest(addon=addon):
                path = os.path.join(ADDONS_DIR, addon, "i18n", "ru.po")
                self.assertTrue(os.path.exists(path), f"{path} is missing")
                translated = {
                    entry.msgid for entry in polib.pofile(path) if entry.msgstr.strip()
                }
                reader = TranslationModuleReader(self.env.cr, modules=[addon])
                terms = {source for _m, _t, _n, _r, source, _v, _c in reader}
                self.assertTrue(terms, f"no translatable terms found for {addon}")
                missing = sorted(terms - translated)
                if missing:
                    self.fail(
                        f"{addon}/i18n/ru.po lacks {len(missing)} translations "
                        f"(run scripts/i18n_sync.py), e.g. {missing[:5]}"
                    )

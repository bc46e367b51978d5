"""Every addon ships its terms' template and a complete Russian translation.

For each addon, compared with a fresh export of the installed addon (Odoo's
``trans_export``, as ``scripts/i18n_sync.py`` writes them):
- ``i18n/<addon>.pot`` holds exactly the addon's terms, with their places;
- ``i18n/ru.po`` translates each of them and nothing else;
- each ``i18n_upstream/<module>/ru.po`` does the same for the upstream module
  the addon ships Russian for.
``scripts/i18n_sync.py CONFIG DATABASE`` (run against the test database, which
has no demo data) rewrites the files; then translate the new msgids.
"""

import io
import os

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export

# addons/etp_stories/tests/test_i18n.py
ADDONS_DIR = os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
)
ADDONS = ("etp_helpdesk", "etp_escalation", "etp_incident")
OVERLAY_DIR = "i18n_upstream"


@tagged("post_install", "-at_install")
class TestTranslationFiles(TransactionCase):
    def _export(self, module):
        buffer = io.BytesIO()
        trans_export(None, [module], buffer, "po", self.env.cr)
        return polib.pofile(buffer.getvalue().decode())

    @staticmethod
    def _terms(po):
        return {(entry.msgctxt, entry.msgid): sorted(entry.occurrences) for entry in po}

    def _assert_po_complete(self, path, fresh):
        self.assertTrue(os.path.exists(path), f"{path} is missing")
        shipped = polib.pofile(path)
        expected = set(self._terms(fresh))
        actual = set(self._terms(shipped))
        missing = sorted(msgid for _ctx, msgid in expected - actual)
        stale = sorted(msgid for _ctx, msgid in actual - expected)
        untranslated = sorted(e.msgid for e in shipped if not e.msgstr.strip())
        problems = []
        if missing:
            problems.append(f"{len(missing)} terms missing, e.g. {missing[:5]}")
        if stale:
            problems.append(f"{len(stale)} stale terms, e.g. {stale[:5]}")
        if untranslated:
            problems.append(
                f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
            )
        if problems:
            self.fail(
                f"{os.path.relpath(path, ADDONS_DIR)}: {'; '.join(problems)} "
                "(run scripts/i18n_sync.py against the test database)"
            )

    def test_pot_matches_fresh_export(self):
        for addon in ADDONS:
            with self.subTest(addon=addon):
                path = os.path.join(ADDONS_DIR, addon, "i18n", f"{addon}.pot")
                self.assertTrue(os.path.exists(path), f"{path} is missing")
                fresh = self._terms(self._export(addon))
                self.assertTrue(fresh, f"no translatable terms found for {addon}")
                shipped = self._terms(polib.pofile(path))
                missing = sorted(k[1] for k in set(fresh) - set(shipped))
                stale = sorted(k[1] for k in set(shipped) - set(fresh))
                moved = sorted(
                    k[1] for k in set(fresh) & set(shipped) if fresh[k] != shipped[k]
                )
                self.assertFalse(
                    missing or stale or moved,
                    f"{addon}.pot is out of date (run scripts/i18n_sync.py): "
                    f"missing {missing[:5]}, stale {stale[:5]}, moved {moved[:5]}",
                )
                for entry in polib.pofile(path):
                    self.assertFalse(entry.msgstr, f"{addon}.pot translates {entry}")

    def test_ru_po_translates_every_term(self):
        for addon in ADDONS:
            with self.subTest(addon=addon):
                path = os.path.join(ADDONS_DIR, addon, "i18n", "ru.po")
                self._assert_po_complete(path, self._export(addon))

    def test_upstream_ru_po_translates_every_term(self):
        """Our product ships the Russian of helpdesk_mgmt, helpdesk_mgmt_sla
        and helpdesk_mgmt_rating (their wheels have none)."""
        shipped = {}
        for addon in ADDONS:
            root = os.path.join(ADDONS_DIR, addon, OVERLAY_DIR)
            for module in sorted(os.listdir(root)) if os.path.isdir(root) else []:
                shipped[module] = os.path.join(root, module, "ru.po")
        self.assertEqual(
            set(shipped),
            {"helpdesk_mgmt", "helpdesk_mgmt_sla", "helpdesk_mgmt_rating"},
        )
        for module, path in shipped.items():
            with self.subTest(module=module):
                self._assert_po_complete(path, self._export(module))

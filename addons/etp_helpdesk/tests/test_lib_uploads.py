# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import BaseCase, tagged

from odoo.addons.etp_helpdesk.lib import uploads


@tagged("post_install", "-at_install", "etp_rules")
class TestUploadRules(BaseCase):
    def test_allowed_types(self):
        self.assertTrue(uploads.is_allowed("Протокол.PDF", b"%PDF-1.7"))
        self.assertTrue(uploads.is_allowed("сертификат.cer", b"0\x82"))
        self.assertFalse(uploads.is_allowed("setup.exe", b"MZ"))
        self.assertFalse(uploads.is_allowed("act.pdf", b"MZ\x90\x00"))
        self.assertFalse(uploads.is_allowed("run.elf.txt", b"\x7fELF\x02"))
        self.assertFalse(uploads.is_allowed("no-extension", b"text"))
        self.assertFalse(uploads.is_allowed("script.js", b"alert(1)"))
        self.assertEqual(uploads.parse_extensions(""), uploads.DEFAULT_EXTENSIONS)
        self.assertEqual(
            uploads.parse_extensions(" .PDF, png ,,xml"), ("pdf", "png", "xml")
        )
        self.assertFalse(
            uploads.is_allowed("a.docx", b"PK", uploads.parse_extensions("pdf"))
        )

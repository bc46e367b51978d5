# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.etp_helpdesk.lib import uploads


def test_allowed_types():
    assert uploads.is_allowed("Протокол.PDF", b"%PDF-1.7")
    assert uploads.is_allowed("сертификат.cer", b"0\x82")
    assert not uploads.is_allowed("setup.exe", b"MZ")
    assert not uploads.is_allowed("act.pdf", b"MZ\x90\x00")
    assert not uploads.is_allowed("run.elf.txt", b"\x7fELF\x02")
    assert not uploads.is_allowed("no-extension", b"text")
    assert not uploads.is_allowed("script.js", b"alert(1)")
    assert uploads.parse_extensions("") == uploads.DEFAULT_EXTENSIONS
    assert uploads.parse_extensions(" .PDF, png ,,xml") == ("pdf", "png", "xml")
    assert not uploads.is_allowed("a.docx", b"PK", uploads.parse_extensions("pdf"))

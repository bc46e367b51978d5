# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo.tests import BaseCase, tagged

from odoo.addons.etp_helpdesk.lib import charsets
from odoo.addons.etp_helpdesk.tests.rules import parametrize

TEXT = "Добрый день! Не могу подать заявку на участие в аукционе."
SHOUT = "НЕ МОГУ ПОДАТЬ ЗАЯВКУ, ПОМОГИТЕ"


def _word(text, charset, label=None):
    encoded = base64.b64encode(text.encode(charset)).decode()
    return f"=?{label or charset}?B?{encoded}?="


@tagged("post_install", "-at_install", "etp_rules")
class TestCharsetRules(BaseCase):
    @parametrize(
        "charset, declared",
        [
            ("unknown-8bit", False),
            ("x-unknown", False),
            ("", False),
            (None, False),
            ("utf-8", True),
            ("windows-1251", True),
            ("koi8-r", True),
            ("cp1251", True),
        ],
    )
    def test_is_known_charset(self, charset, declared):
        self.assertIs(charsets.is_known_charset(charset), declared)

    @parametrize(
        "text, charset, expected",
        [
            (TEXT, "utf-8", "utf-8"),
            (TEXT, "cp1251", "windows-1251"),
            (TEXT, "koi8-r", "koi8-r"),
            (SHOUT, "cp1251", "windows-1251"),
            (SHOUT, "koi8-r", "koi8-r"),
            ("Ошибка", "cp1251", "windows-1251"),
            ("Ошибка", "koi8-r", "koi8-r"),
            ("Plain ASCII text", "ascii", "utf-8"),
        ],
    )
    def test_decode_best_effort_finds_the_charset(self, text, charset, expected):
        self.assertEqual(
            charsets.decode_best_effort(text.encode(charset)), (text, expected)
        )

    def test_undecodable_bytes_are_replaced(self):
        text, used = charsets.decode_best_effort(b"Zayavka \x98\x81\x00\xff")
        self.assertEqual(used, charsets.REPLACED)
        self.assertTrue(text.startswith("Zayavka "))
        self.assertIn("\ufffd", text)

    def test_empty_input(self):
        self.assertEqual(charsets.decode_best_effort(b""), ("", "utf-8"))

    def test_russian_score(self):
        self.assertEqual(charsets.russian_score("Hello"), 0.0)
        # the same bytes read in the wrong Cyrillic charset score lower
        for text in (TEXT, SHOUT):
            score = charsets.russian_score(text)
            self.assertLess(
                charsets.russian_score(text.encode("koi8-r").decode("cp1251")), score
            )
            self.assertLess(
                charsets.russian_score(text.encode("cp1251").decode("koi8-r")), score
            )

    @parametrize(
        "raw",
        [
            _word("Не могу войти", "cp1251", "unknown-8bit"),
            _word("Не могу войти", "koi8-r", "x-unknown"),
            "Не могу войти".encode("cp1251").decode("ascii", "surrogateescape"),
        ],
    )
    def test_header_in_an_unknown_charset(self, raw):
        self.assertEqual(charsets.decode_header_best_effort(raw), "Не могу войти")

    @parametrize(
        "raw",
        [
            "Plain subject",
            "Не могу войти",
            _word("Не могу войти", "utf-8"),
            _word("Не могу войти", "cp1251", "windows-1251"),
            # raw UTF-8 (RFC 6532), which the email package reads right
            "Не могу войти".encode().decode("ascii", "surrogateescape"),
        ],
    )
    def test_header_that_needs_nothing(self, raw):
        self.assertIsNone(charsets.decode_header_best_effort(raw))

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import BaseCase, tagged

from odoo.addons.etp_helpdesk.lib import keywords
from odoo.addons.etp_helpdesk.tests.rules import parametrize


def _index(*categories):
    """An index as ``_etp_keyword_index`` builds it, from
    ``(category id, depth, keywords)``."""
    return tuple(
        (pattern, depth, length, category_id)
        for category_id, depth, text in categories
        for pattern, length in keywords.compile_keywords(text)
    )


@tagged("post_install", "-at_install", "etp_rules")
class TestKeywordRules(BaseCase):
    @parametrize(
        "text, expected",
        [
            ("  Ёлка\tи   ЁЖ\n", "елка и еж"),
            ("", ""),
            (None, ""),
        ],
    )
    def test_normalize_text(self, text, expected):
        self.assertEqual(keywords.normalize_text(text), expected)

    def test_compile_keywords_splits_and_skips_empty(self):
        compiled = keywords.compile_keywords("подпис, личн  кабинет;\n ;ЭЦП\n")
        self.assertEqual([length for _pattern, length in compiled], [6, 12, 3])

    def test_compile_keywords_of_nothing(self):
        self.assertEqual(keywords.compile_keywords(False), [])
        self.assertEqual(keywords.compile_keywords(" , ;\n"), [])

    @parametrize(
        "text, expected",
        [
            ("Не могу подписать заявку", 1),  # a word's start
            ("Ошибка при ПОДПИСАНИИ", 1),  # any case
            ("Не открывается личном   кабинете", 2),  # each word's start
            ("переподписать", None),  # not inside a word
            ("кабинет личный", None),  # in the keyword's order
            ("Вопрос про ёлку", 3),  # ё read as е
            ("", None),
        ],
    )
    def test_best_match(self, text, expected):
        index = _index((1, 1, "подпис"), (2, 1, "личн кабинет"), (3, 1, "елк"))
        self.assertEqual(keywords.best_match(text, index), expected)

    def test_deepest_category_wins(self):
        index = _index((1, 1, "подпись заявки"), (2, 2, "подпис"))
        self.assertEqual(keywords.best_match("подпись заявки", index), 2)

    def test_then_longest_keyword(self):
        index = _index((1, 1, "подпис"), (2, 1, "подпись заявки"))
        self.assertEqual(keywords.best_match("подпись заявки", index), 2)

    def test_then_first_listed(self):
        index = _index((1, 1, "заявк"), (2, 1, "заявк"))
        self.assertEqual(keywords.best_match("заявка", index), 1)

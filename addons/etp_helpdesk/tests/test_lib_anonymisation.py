# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import BaseCase, tagged

from odoo.addons.etp_helpdesk.lib import anonymisation
from odoo.addons.etp_helpdesk.lib.anonymisation import Redactor
from odoo.addons.etp_helpdesk.tests.rules import parametrize

MARKS = {
    "email": "[email]",
    "phone": "[тел]",
    "inn": "[ИНН]",
    "snils": "[СНИЛС]",
    "passport": "[паспорт]",
    "card": "[карта]",
    "name": "[имя]",
}

LETTER = """\
Добрый день!
Не подписывается заявка по извещению № 0373100000124000456 (лот 2),
и по закупке 32312345678 (223-ФЗ). Организация: ИНН 7707083893, КПП 773601001,
ОГРН 1027700132195. НМЦК 1 250 000,00 руб., срок подачи 24.11.2026 09:00.
Я работаю как ИП, мой ИНН 500100732259.
Перезвоните мне: +7 (916) 123-45-67 или 8 495 765-43-21, доб. 12.
Почта smirnova.i@hospital1.example.ru.
С уважением, Ирина Смирнова
"""


def redact(text, names=()):
    return Redactor(names, MARKS).text(text)


@tagged("post_install", "-at_install", "etp_rules")
class TestAnonymisationRules(BaseCase):
    def test_letter_loses_the_person_and_keeps_the_procurement(self):
        result = redact(LETTER, ["Ирина Смирнова"])
        for kept in (
            "0373100000124000456",
            "32312345678",
            "7707083893",
            "773601001",
            "1027700132195",
            "1 250 000,00 руб.",
            "24.11.2026 09:00",
            "лот 2",
        ):
            self.assertIn(kept, result)
        for gone in (
            "500100732259",
            "916",
            "765-43-21",
            "smirnova",
            "Ирина",
            "Смирнова",
        ):
            self.assertNotIn(gone, result)
        self.assertIn("мой ИНН [ИНН]", result)
        self.assertIn("Перезвоните мне: [тел] или [тел], доб. 12.", result)
        self.assertIn("Почта [email].", result)
        self.assertIn("С уважением, [имя] [имя]", result)

    @parametrize(
        "phone",
        [
            "+7 (916) 123-45-67",
            "+79161234567",
            "8 916 123 45 67",
            "89161234567",
            "8-800-555-35-35",
            "(495) 123-45-67",
            "+375 29 123 45 67",
            "916 123-45-67",
        ],
    )
    def test_phones_in_every_usual_shape(self, phone):
        self.assertEqual(
            redact(f"Мой номер {phone}, звоните."), "Мой номер [тел], звоните."
        )

    @parametrize(
        "text, expected",
        [
            ("СНИЛС 112-233-445 95", "СНИЛС [СНИЛС]"),
            ("снилс: 11223344595", "снилс: [СНИЛС]"),
            # valid check digits, no keyword: still a СНИЛС
            ("номер 11223344595", "номер [СНИЛС]"),
            # not a СНИЛС (check digits) and no keyword: kept
            ("код 11223344596", "код 11223344596"),
            ("паспорт 45 08 123456", "паспорт [паспорт]"),
            ("паспорт серия 4508 номер 123456", "паспорт серия [паспорт]"),
            ("документ 45 08 123456 выдан", "документ [паспорт] выдан"),
            ("серия 4508 №123456", "серия [паспорт]"),
            ("паспорт 4508123456", "паспорт [паспорт]"),
            ("карта 4276 3800 1234 5679", "карта [карта]"),
            # 16 digits that fail the Luhn check are not a card
            ("код 4276 3800 1234 5674", "код 4276 3800 1234 5674"),
        ],
    )
    def test_identity_documents(self, text, expected):
        self.assertEqual(redact(text), expected)

    @parametrize(
        "text",
        [
            "Извещение 0373100000124000456",
            "Закупка 32312345678",
            "ИНН 7707083893",
            "ИНН/КПП 7707083893/773601001",
            "ОГРН 1027700132195",
            "ОГРНИП 304500116000157",
            "р/с 40702810900000012345",
            "Сумма 30000000000,00 руб.",
            "Дата 24.11.2026, время 09:00",
            "Номер процедуры 1234567",
            # a 10-digit ИНН that also looks like a phone number
            "ИНН 4345678901",
        ],
    )
    def test_procurement_numbers_and_requisites_stay(self, text):
        self.assertEqual(redact(text), text)

    def test_individual_inn_only_with_valid_check_digits(self):
        self.assertEqual(redact("ИНН 500100732259"), "ИНН [ИНН]")
        self.assertEqual(redact("код 500100732258"), "код 500100732258")
        self.assertTrue(anonymisation.is_individual_inn("500100732259"))
        self.assertFalse(anonymisation.is_individual_inn("7707083893"))

    def test_mobile_without_prefix_is_a_phone_unless_after_inn(self):
        self.assertEqual(redact("моб. 9161234567"), "моб. [тел]")
        self.assertEqual(redact("ИНН 9909123454"), "ИНН 9909123454")

    @parametrize(
        "text, expected",
        [
            ("Спасибо, Ирина!", "Спасибо, [имя]!"),
            ("Передайте Ирине Смирновой", "Передайте [имя] [имя]"),
            ("звонила Смирнова И.", "звонила [имя] И."),
            ("для Петра Иванова", "для [имя] [имя]"),
            ("ИРИНА СМИРНОВА", "[имя] [имя]"),
            # other words that only begin like the name stay
            ("Ирис и смирение", "Ирис и смирение"),
        ],
    )
    def test_names_in_any_case(self, text, expected):
        self.assertEqual(redact(text, ["Ирина Смирнова", "Пётр Иванов"]), expected)

    def test_no_names_given_no_word_goes(self):
        self.assertEqual(redact("Ирина Смирнова"), "Ирина Смирнова")
        self.assertEqual(redact("Ирина", ["", None, "ИП", "12"]), "Ирина")

    def test_html_text_is_redacted_and_markup_kept(self):
        value = (
            '<p>Пишите на <a href="mailto:olga@example.ru">olga@example.ru</a>'
            ' или звоните <a href="tel:+79161234567">+7 916 123-45-67</a></p>'
            "<p>Ольга &amp; Ко, извещение 0373100000124000456</p>"
        )
        result = Redactor(["Ольга"], MARKS).html(value)
        self.assertEqual(
            result,
            '<p>Пишите на <a href="mailto:[email]">[email]</a>'
            ' или звоните <a href="tel:">[тел]</a></p>'
            "<p>[имя] &amp; Ко, извещение 0373100000124000456</p>",
        )

    def test_empty_values_are_returned_as_they_are(self):
        redactor = Redactor()
        self.assertEqual(redactor.text(""), "")
        self.assertIs(redactor.text(False), False)
        self.assertIsNone(redactor.html(None))

    def test_default_marks_are_english(self):
        self.assertEqual(anonymisation.redact_text("a@b.ru"), "[email removed]")
        self.assertEqual(
            anonymisation.redact_html("<p>a@b.ru</p>"), "<p>[email removed]</p>"
        )

    @parametrize(
        "vat, ogrn, expected",
        [
            ("500100732259", False, True),
            (False, "304500116000157", True),
            ("7707083893", "1027700132195", False),
            (False, False, False),
        ],
    )
    def test_individual_entrepreneur(self, vat, ogrn, expected):
        self.assertIs(anonymisation.is_individual_entrepreneur(vat, ogrn), expected)

    def test_snils_check_digits(self):
        self.assertTrue(anonymisation.is_valid_snils("112-233-445 95"))
        self.assertFalse(anonymisation.is_valid_snils("112-233-445 96"))
        # issued before check digits existed
        self.assertTrue(anonymisation.is_valid_snils("001-001-997 00"))
        self.assertFalse(anonymisation.is_valid_snils("123"))

    def test_words_of_the_organisation_are_kept(self):
        redactor = Redactor(
            ["ГБУЗ «Городская больница № 1», Ирина Смирнова"],
            MARKS,
            keep=["ГБУЗ «Городская больница № 1»"],
        )
        self.assertEqual(
            redactor.text("ГБУЗ «Городская больница № 1»: Ирина Смирнова"),
            "ГБУЗ «Городская больница № 1»: [имя] [имя]",
        )

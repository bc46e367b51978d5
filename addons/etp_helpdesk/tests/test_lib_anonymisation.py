# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import pytest

from odoo.addons.etp_helpdesk.lib import anonymisation
from odoo.addons.etp_helpdesk.lib.anonymisation import Redactor

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


def test_letter_loses_the_person_and_keeps_the_procurement():
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
        assert kept in result
    for gone in (
        "500100732259",
        "916",
        "765-43-21",
        "smirnova",
        "Ирина",
        "Смирнова",
    ):
        assert gone not in result
    assert "мой ИНН [ИНН]" in result
    assert "Перезвоните мне: [тел] или [тел], доб. 12." in result
    assert "Почта [email]." in result
    assert "С уважением, [имя] [имя]" in result


@pytest.mark.parametrize(
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
def test_phones_in_every_usual_shape(phone):
    assert redact(f"Мой номер {phone}, звоните.") == "Мой номер [тел], звоните."


@pytest.mark.parametrize(
    ("text", "expected"),
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
def test_identity_documents(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
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
def test_procurement_numbers_and_requisites_stay(text):
    assert redact(text) == text


def test_individual_inn_only_with_valid_check_digits():
    assert redact("ИНН 500100732259") == "ИНН [ИНН]"
    assert redact("код 500100732258") == "код 500100732258"
    assert anonymisation.is_individual_inn("500100732259")
    assert not anonymisation.is_individual_inn("7707083893")


def test_mobile_without_prefix_is_a_phone_unless_after_inn():
    assert redact("моб. 9161234567") == "моб. [тел]"
    assert redact("ИНН 9909123454") == "ИНН 9909123454"


@pytest.mark.parametrize(
    ("text", "expected"),
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
def test_names_in_any_case(text, expected):
    assert redact(text, ["Ирина Смирнова", "Пётр Иванов"]) == expected


def test_no_names_given_no_word_goes():
    assert redact("Ирина Смирнова") == "Ирина Смирнова"
    assert redact("Ирина", ["", None, "ИП", "12"]) == "Ирина"


def test_html_text_is_redacted_and_markup_kept():
    value = (
        '<p>Пишите на <a href="mailto:olga@example.ru">olga@example.ru</a>'
        ' или звоните <a href="tel:+79161234567">+7 916 123-45-67</a></p>'
        "<p>Ольга &amp; Ко, извещение 0373100000124000456</p>"
    )
    result = Redactor(["Ольга"], MARKS).html(value)
    assert result == (
        '<p>Пишите на <a href="mailto:[email]">[email]</a>'
        ' или звоните <a href="tel:">[тел]</a></p>'
        "<p>[имя] &amp; Ко, извещение 0373100000124000456</p>"
    )


def test_empty_values_are_returned_as_they_are():
    redactor = Redactor()
    assert redactor.text("") == ""
    assert redactor.text(False) is False
    assert redactor.html(None) is None


def test_default_marks_are_english():
    assert anonymisation.redact_text("a@b.ru") == "[email removed]"
    assert anonymisation.redact_html("<p>a@b.ru</p>") == "<p>[email removed]</p>"


@pytest.mark.parametrize(
    ("vat", "ogrn", "expected"),
    [
        ("500100732259", False, True),
        (False, "304500116000157", True),
        ("7707083893", "1027700132195", False),
        (False, False, False),
    ],
)
def test_individual_entrepreneur(vat, ogrn, expected):
    assert anonymisation.is_individual_entrepreneur(vat, ogrn) is expected


def test_snils_check_digits():
    assert anonymisation.is_valid_snils("112-233-445 95")
    assert not anonymisation.is_valid_snils("112-233-445 96")
    # issued before check digits existed
    assert anonymisation.is_valid_snils("001-001-997 00")
    assert not anonymisation.is_valid_snils("123")


def test_words_of_the_organisation_are_kept():
    redactor = Redactor(
        ["ГБУЗ «Городская больница № 1», Ирина Смирнова"],
        MARKS,
        keep=["ГБУЗ «Городская больница № 1»"],
    )
    assert (
        redactor.text("ГБУЗ «Городская больница № 1»: Ирина Смирнова")
        == "ГБУЗ «Городская больница № 1»: [имя] [имя]"
    )

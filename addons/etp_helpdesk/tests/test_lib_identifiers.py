# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import BaseCase, tagged

from odoo.addons.etp_helpdesk.lib import identifiers
from odoo.addons.etp_helpdesk.tests.rules import parametrize


@tagged("post_install", "-at_install", "etp_rules")
class TestIdentifierRules(BaseCase):
    @parametrize(
        "value, expected",
        [
            ("7707 083 893", "7707083893"),
            ("7707-083-893", "7707083893"),
            ("\u00a07707083893\t", "7707083893"),
            ("77O7083893", "77O7083893"),  # letters are kept for the validators
            ("", ""),
            (None, ""),
        ],
    )
    def test_normalize_digits(self, value, expected):
        self.assertEqual(identifiers.normalize_digits(value), expected)

    @parametrize(
        "value, expected",
        [
            ("7707083893", True),  # ПАО Сбербанк
            ("7736050003", True),  # ПАО «Газпром»
            ("7702070139", True),  # Банк ВТБ (ПАО)
            ("7830002293", True),
            ("500100732259", True),  # individual, two check digits
            (" 7707 083 893 ", True),  # separators are ignored
            ("7707083894", False),  # wrong check digit
            ("500100732258", False),  # wrong second check digit
            ("500100732269", False),  # wrong first check digit
            ("0000000000", False),  # all zeros pass the checksum but are rejected
            ("000000000000", False),
            ("770708389", False),  # 9 digits
            ("77070838931", False),  # 11 digits
            ("5001007322591", False),  # 13 digits
            ("77O7083893", False),  # Latin O instead of zero
            ("７７０７０８３８９３", False),  # full-width digits
            ("", False),
            (None, False),
        ],
    )
    def test_is_valid_inn(self, value, expected):
        self.assertIs(identifiers.is_valid_inn(value), expected)

    @parametrize(
        "value, expected",
        [
            ("773601001", True),
            ("770701001", True),
            ("7736AB001", True),  # reason code with capital Latin letters
            ("7736 01 001", True),
            ("7736ab001", False),  # lowercase letters
            ("7736\u0410\u0411001", False),  # Cyrillic А and Б
            ("77360100", False),  # 8 characters
            ("7736010011", False),  # 10 characters
            ("A73601001", False),  # letter in the tax office code
            ("773601A01", False),  # letter in the serial number
            ("", False),
            (None, False),
        ],
    )
    def test_is_valid_kpp(self, value, expected):
        self.assertIs(identifiers.is_valid_kpp(value), expected)

    @parametrize(
        "value, expected",
        [
            ("1027700132195", True),  # ПАО Сбербанк
            ("1027700070518", True),  # ПАО «Газпром»
            ("1027739609391", True),  # Банк ВТБ (ПАО)
            ("1027700132240", True),  # remainder 10 gives check digit 0
            ("1027700132196", False),  # wrong check digit
            ("0000000000000", False),
            ("102770013219", False),  # 12 digits
            ("304770200000091", False),  # an ОГРНИП is not an ОГРН
            ("10277001321O5", False),
            ("", False),
            (None, False),
        ],
    )
    def test_is_valid_ogrn(self, value, expected):
        self.assertIs(identifiers.is_valid_ogrn(value), expected)

    @parametrize(
        "value, expected",
        [
            # int("30477020000009") % 13 == 11, 11 % 10 == 1: valid, although
            # python-stdnum rejects it (remainders 10, 11 and 12 are the ~15% it
            # gets wrong).
            ("304770200000091", True),
            ("304770200000102", True),  # remainder 12
            ("304770200000210", True),  # remainder 10
            ("312774600000017", True),  # remainder 7
            ("318774600012343", True),
            ("304770200000092", False),  # wrong check digit
            ("304770200000101", False),
            ("000000000000000", False),
            ("30477020000009", False),  # 14 digits
            ("1027700132195", False),  # an ОГРН is not an ОГРНИП
            ("3047702000000911", False),  # 16 digits
            ("", False),
            (None, False),
        ],
    )
    def test_is_valid_ogrnip(self, value, expected):
        self.assertIs(identifiers.is_valid_ogrnip(value), expected)

    @parametrize(
        "value, expected",
        [
            ("0373100000124000456", "eis_44"),
            ("0173200001424000123", "eis_44"),
            ("0373 1000 0012 4000 456", "eis_44"),
            ("32312345678", "eis_223"),
            ("31908765432", "eis_223"),
            ("22312345678", None),  # 11 digits not starting with 3
            ("89161234567", None),  # a phone number
            ("037310000012400045", None),  # 18 digits
            ("40702810900000012345", None),  # 20 digits (bank account)
            ("3231234567", None),  # 10 digits
            ("ЭА-2024-000123", None),  # the platform's own number
            ("032312345678", None),
            ("3231234567A", None),
            ("", None),
            (None, None),
        ],
    )
    def test_classify_notice_number(self, value, expected):
        self.assertEqual(identifiers.classify_notice_number(value), expected)

    @parametrize(
        "value, malformed",
        [
            ("0373100000124000456", False),
            ("32312345678", False),
            ("12345678901", True),
            (" 12345678901 ", True),
            ("ЭА-2026-117", False),
            ("", False),
            (None, False),
            ("1234567890", False),
        ],
    )
    def test_is_malformed_notice_number(self, value, malformed):
        self.assertIs(identifiers.is_malformed_notice_number(value), malformed)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import BaseCase, tagged

from odoo.addons.etp_helpdesk.lib import phones
from odoo.addons.etp_helpdesk.tests.rules import parametrize


@tagged("post_install", "-at_install", "etp_rules")
class TestPhoneRules(BaseCase):
    @parametrize(
        "value, expected",
        [
            # the same mobile number as people write it
            ("+7 (916) 123-45-67", "+79161234567"),
            ("8 916 1234567", "+79161234567"),
            ("8(916)123-45-67", "+79161234567"),
            ("7 916 123 45 67", "+79161234567"),
            ("79161234567", "+79161234567"),
            ("+79161234567", "+79161234567"),
            ("9161234567", "+79161234567"),  # without the trunk prefix
            ("916 123-45-67", "+79161234567"),
            ("+7-916-123-45-67", "+79161234567"),
            ("8.916.123.45.67", "+79161234567"),
            ("\u00a0+7\u00a0916\u00a0123\u201145\u201367 ", "+79161234567"),
            # landlines, free phone, extensions
            ("8 (495) 123-45-67", "+74951234567"),
            ("(495) 123-45-67", "+74951234567"),
            ("8-800-555-35-35", "+78005553535"),
            ("+7 (495) 123-45-67 доб. 123", "+74951234567"),
            ("8 495 123 45 67, доп. 12", "+74951234567"),
            ("+7 495 1234567 ext 5", "+74951234567"),
            ("+7 495 1234567 x5", "+74951234567"),
            # other countries
            ("+375 29 123-45-67", "+375291234567"),
            ("+998 (90) 123-45-67", "+998901234567"),
            ("8 10 375 29 123 45 67", "+375291234567"),  # old international prefix
            ("8 10 7 916 123 45 67", "+79161234567"),
            # not a telephone number
            ("+7 916 123 45 6", None),  # 9 national digits
            ("+7 916 123 45 678", None),  # 11 national digits
            ("8 916 123 45 6", None),  # a digit missing, not area code 891
            ("1234567890", None),  # no Russian area code begins with 1
            ("123-45-67", None),  # 7 digits: city number without the area code
            ("+8 916 1234567", "+79161234567"),  # slip for 8 916: no country 89
            ("+86 10 1234 5678", "+861012345678"),  # China keeps its code
            ("+1234567", None),  # too short for E.164
            ("+1234567890123456", None),  # too long for E.164
            ("6 916 123 45 67", None),  # 11 digits without 7 or 8
            ("номер скрыт", None),
            ("8 916 123 45 67 Ирина", None),
            ("+7 916 +123 45 67", None),
            ("８９１６１２３４５６７", None),  # full-width digits
            ("", None),
            ("   ", None),
            (None, None),
            (79161234567, None),  # not text
        ],
    )
    def test_normalize_phone(self, value, expected):
        self.assertEqual(phones.normalize_phone(value), expected)

    @parametrize(
        "value, expected",
        [
            ("+79161234567", "+7 (916) 123-45-67"),
            ("+74951234567", "+7 (495) 123-45-67"),
            ("+375291234567", "+375291234567"),
            ("", ""),
            (None, ""),
        ],
    )
    def test_format_phone(self, value, expected):
        self.assertEqual(phones.format_phone(value), expected)

    def test_formatted_number_normalises_to_itself(self):
        for raw in ("8 916 1234567", "(495) 123-45-67", "+375 29 123-45-67"):
            normalized = phones.normalize_phone(raw)
            self.assertEqual(
                phones.normalize_phone(phones.format_phone(normalized)), normalized
            )

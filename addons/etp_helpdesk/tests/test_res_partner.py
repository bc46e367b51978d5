# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError

from .common import EtpHelpdeskCommon


class TestPartnerIdentifiers(EtpHelpdeskCommon):
    def test_invalid_identifiers_are_refused_with_a_clear_error(self):
        Partner = self.env["res.partner"]
        cases = [
            ({"vat": "7707083894"}, "INN"),
            ({"kpp": "77360100"}, "KPP"),
            ({"ogrn": "1027700132196"}, "OGRN"),
        ]
        for vals, label in cases:
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, label),
            ):
                Partner.create(dict(vals, name="ООО «Ошибка»", is_company=True))

    def test_valid_identifiers_are_kept(self):
        partner = self.env["res.partner"].create(
            {
                "name": "ИП Петров",
                "vat": "500100732259",
                "ogrn": "304770200000091",
            }
        )
        self.assertEqual(partner.ogrn, "304770200000091")

    def test_foreign_vat_is_not_checked_as_inn(self):
        partner = self.env["res.partner"].create(
            {
                "name": "Acme GmbH",
                "vat": "DE123456789",
                "country_id": self.env.ref("base.de").id,
            }
        )
        self.assertEqual(partner.vat, "DE123456789")

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import identifiers, phones

PROCUREMENT_ROLES = [
    ("customer", "Customer"),
    ("supplier", "Supplier"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    procurement_role = fields.Selection(
        PROCUREMENT_ROLES,
        help="Role of the organisation on the platform. Requests from its "
        "contacts go to the desk of this audience when the channel does not "
        "tell it.",
        index=True,
    )
    kpp = fields.Char(string="KPP", size=9, help="Tax registration reason code.")
    ogrn = fields.Char(
        string="OGRN / OGRNIP",
        size=15,
        help="Primary state registration number: 13 digits (OGRN) for an "
        "organisation, 15 digits (OGRNIP) for an individual entrepreneur.",
    )
    phone_normalized = fields.Char(
        compute="_compute_phone_normalized",
        store=True,
        index="btree_not_null",
        help="Phone in the +7XXXXXXXXXX form, to find the caller of a phone call.",
    )
    mobile_normalized = fields.Char(
        compute="_compute_phone_normalized",
        store=True,
        index="btree_not_null",
        help="Mobile in the +7XXXXXXXXXX form, to find the caller of a phone call.",
    )

    @api.depends("phone", "mobile")
    def _compute_phone_normalized(self):
        for partner in self:
            partner.phone_normalized = phones.normalize_phone(partner.phone) or False
            partner.mobile_normalized = phones.normalize_phone(partner.mobile) or False

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["procurement_role", "kpp", "ogrn"]

    def _etp_is_russian(self):
        self.ensure_one()
        return not self.country_id or self.country_id.code == "RU"

    @api.constrains("vat", "country_id")
    def _check_vat_inn(self):
        for partner in self:
            if not partner.vat or not partner._etp_is_russian():
                continue
            if not identifiers.is_valid_inn(partner.vat):
                raise ValidationError(
                    self.env._(
                        "INN %(inn)s of %(partner)s is invalid: it must have 10 "
                        "digits (organisation) or 12 digits (individual) with "
                        "correct check digits.",
                        inn=partner.vat,
                        partner=partner.display_name,
                    )
                )

    @api.constrains("kpp")
    def _check_kpp(self):
        for partner in self:
            if partner.kpp and not identifiers.is_valid_kpp(partner.kpp):
                raise ValidationError(
                    self.env._(
                        "KPP %(kpp)s of %(partner)s is invalid: it must have 9 "
                        "characters, 4 digits, 2 digits or capital Latin letters, "
                        "then 3 digits.",
                        kpp=partner.kpp,
                        partner=partner.display_name,
                    )
                )

    @api.constrains("ogrn")
    def _check_ogrn(self):
        for partner in self:
            value = partner.ogrn
            if not value:
                continue
            if not (
                identifiers.is_valid_ogrn(value) or identifiers.is_valid_ogrnip(value)
            ):
                raise ValidationError(
                    self.env._(
                        "OGRN %(ogrn)s of %(partner)s is invalid: an OGRN has 13 "
                        "digits and an OGRNIP 15 digits, with a correct check "
                        "digit.",
                        ogrn=value,
                        partner=partner.display_name,
                    )
                )

    def _get_gravatar_image(self, email):
        """No Gravatar: typing an email on a contact form would send a hash
        of it to gravatar.com. Contacts get Odoo's own placeholder avatar."""
        return False

    def _etp_find_by_inn(self, inns):
        """Companies whose INN is one of ``inns``, in the order of ``inns``."""
        if not inns:
            return self.browse()
        partners = self.search(
            [("vat", "in", list(inns)), ("is_company", "=", True)], order="id"
        )
        by_inn = {p.vat: p for p in reversed(partners)}
        return self.browse([by_inn[i].id for i in inns if i in by_inn])

    def _etp_find_by_phone(self, phone):
        """Contacts whose phone or mobile is ``phone`` written in any usual
        way; people before companies, the most recently created first."""
        normalized = phones.normalize_phone(phone)
        if not normalized:
            return self.browse()
        return self.search(
            [
                "|",
                ("phone_normalized", "=", normalized),
                ("mobile_normalized", "=", normalized),
            ],
            order="is_company, id desc",
        )

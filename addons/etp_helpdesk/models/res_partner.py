# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import identifiers, phones, timezones

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
    etp_consent_withdrawn_at = fields.Datetime(
        string="Consent Withdrawn On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The person withdrew their consent to the processing of their "
        "personal data: no request is linked to them without a new consent, "
        "their closed tickets and finished chats are anonymised.",
    )
    etp_anonymised_at = fields.Datetime(
        string="Personal Data Removed On",
        readonly=True,
        copy=False,
        help="When this contact's personal data was removed.",
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

    def write(self, vals):
        result = super().write(vals)
        if "lang" in vals and self.env["res.company"].sudo().search_count(
            [("partner_id", "in", self.ids)], limit=1
        ):
            # a company's language (res.company._etp_lang, cached)
            self.env.registry.clear_cache()
        return result

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
        """Companies whose INN is one of ``inns``, in the order of ``inns``
        (read with what routing a request by them needs)."""
        if not inns:
            return self.browse()
        partners = self.search_fetch(
            [("vat", "in", list(inns)), ("is_company", "=", True)],
            ["vat", "commercial_partner_id", "procurement_role", "tz"],
            order="id",
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

    def _etp_requester_tz(self, own_tz=False, browser_tz=False):
        """``(zone, source)`` of a requester who is this contact (``self`` may
        be empty: a visitor nobody knows), by the one rule of
        ``lib.timezones.resolve``: ``own_tz`` (the ticket's own value), the
        contact's zone, the organisation's, ``browser_tz`` (the zone the
        browser reported), the region of the organisation, Moscow.

        Reads the contact and its organisation as superuser: whoever sees a
        ticket or a chat may learn its requester's zone, nothing more.
        """
        if len(self) > 1:
            self.ensure_one()
        # no slicing: it would lose the prefetching of the other requesters
        partner = self.sudo()
        organisation = partner.commercial_partner_id
        # A person without organisation is their own commercial partner: their
        # zone counts as the contact's, their address as the organisation's.
        contact_tz = partner.tz if partner and not partner.is_company else False
        organisation_tz = (
            organisation.tz
            if organisation and (organisation != partner or partner.is_company)
            else False
        )
        russian = bool(organisation) and organisation._etp_is_russian()
        state = organisation.state_id
        return timezones.resolve(
            ticket_tz=own_tz,
            contact_tz=contact_tz,
            organisation_tz=organisation_tz,
            browser_tz=browser_tz,
            state_code=state.code if state.country_id.code == "RU" else None,
            kpp=organisation.kpp if russian else None,
            inn=organisation.vat if russian else None,
        )

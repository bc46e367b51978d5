# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import datetime

from odoo.tests import Form

from odoo.addons.mail.tools.discuss import Store

from .common import EtpHelpdeskCommon
from .livechat_common import LivechatTicketCommon

# 24.11.2026 02:20 in Moscow: night in Moscow, morning in Vladivostok.
NOW = datetime(2026, 11, 23, 23, 20)
# a deadline at 02:50 МСК on the same night
DEADLINE = datetime(2026, 11, 23, 23, 50)


def inn10(base):
    """A valid 10-digit ИНН from its first nine digits."""
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return base + str(
        sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11 % 10
    )


class RequesterTzCommon(EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.ru = cls.env.ref("base.ru")
        cls.primorye = cls.env.ref("base.state_ru_pri")
        # An organisation that told nothing but its address in Vladivostok.
        cls.org_far = Partner.create(
            {
                "name": "ООО «Дальневосточная поставка»",
                "is_company": True,
                "country_id": cls.ru.id,
                "state_id": cls.primorye.id,
                "city": "Владивосток",
                "procurement_role": "supplier",
            }
        )
        cls.contact_far = Partner.create(
            {
                "name": "Анна Ким",
                "parent_id": cls.org_far.id,
                "email": "kim@dv-postavka.example.ru",
            }
        )
        cls.org_ural = Partner.create(
            {
                "name": "ГАУЗ «Областная больница»",
                "is_company": True,
                "procurement_role": "customer",
                "tz": "Asia/Yekaterinburg",
            }
        )
        cls.contact_ural = Partner.create(
            {"name": "Ольга Петрова", "parent_id": cls.org_ural.id}
        )

    def _zone(self, ticket):
        return ticket.requester_tz, ticket.requester_tz_source

    def _clock(self, ticket):
        return ticket.requester_now_display, ticket.requester_is_night


class TestRequesterTzRule(RequesterTzCommon):
    """Each step of the one rule, with both clocks frozen at 02:20 МСК."""

    def test_1_the_ticket_own_value_wins(self):
        with self._at(NOW):
            ticket = self._ticket(
                partner_id=self.contact_supplier.id,  # Vladivostok
                requester_tz="Europe/Kaliningrad",
                requester_browser_tz="Asia/Omsk",
                procedure_deadline=DEADLINE,
            )
            self.assertEqual(self._zone(ticket), ("Europe/Kaliningrad", "ticket"))
            self.assertEqual(ticket.requester_tz_own, "Europe/Kaliningrad")
            self.assertEqual(self._clock(ticket), ("01:20 (MSK\u22121)", True))
            self.assertEqual(
                ticket.procedure_deadline_display,
                "24.11.2026 02:50 MSK (01:50 your time)",
            )

    def test_2_else_the_contact_zone(self):
        with self._at(NOW):
            ticket = self._ticket(
                partner_id=self.contact_supplier.id,
                requester_browser_tz="Asia/Omsk",
                procedure_deadline=DEADLINE,
            )
            self.assertEqual(self._zone(ticket), ("Asia/Vladivostok", "contact"))
            self.assertEqual(self._clock(ticket), ("09:20 (MSK+7)", False))
            self.assertEqual(
                ticket.procedure_deadline_display,
                "24.11.2026 02:50 MSK (09:50 your time)",
            )
            self.assertEqual(
                ticket.procedure_deadline_operator_display,
                "24.11.2026 02:50 MSK (09:50 the requester's time)",
            )

    def test_3_else_the_organisation_zone(self):
        with self._at(NOW):
            ticket = self._ticket(
                partner_id=self.contact_ural.id, requester_browser_tz="Asia/Omsk"
            )
            self.assertEqual(self._zone(ticket), ("Asia/Yekaterinburg", "organisation"))
            self.assertEqual(self._clock(ticket), ("04:20 (MSK+2)", True))
            # the organisation itself as the requester
            ticket = self._ticket(partner_id=self.org_ural.id)
            self.assertEqual(self._zone(ticket), ("Asia/Yekaterinburg", "organisation"))

    def test_4_else_the_zone_the_browser_reported(self):
        with self._at(NOW):
            # an anonymous visitor of the web form
            ticket = self._ticket(
                partner_email="visitor@example.ru", requester_browser_tz="Asia/Omsk"
            )
            self.assertEqual(self._zone(ticket), ("Asia/Omsk", "browser"))
            self.assertEqual(self._clock(ticket), ("05:20 (MSK+3)", True))
            # the browser comes before the region of the address
            ticket = self._ticket(
                partner_id=self.contact_far.id, requester_browser_tz="Asia/Omsk"
            )
            self.assertEqual(self._zone(ticket), ("Asia/Omsk", "browser"))

    def test_5_else_the_region_of_the_organisation(self):
        with self._at(NOW):
            ticket = self._ticket(
                partner_id=self.contact_far.id, procedure_deadline=DEADLINE
            )
            self.assertEqual(self._zone(ticket), ("Asia/Vladivostok", "region"))
            self.assertEqual(self._clock(ticket), ("09:20 (MSK+7)", False))
            self.assertEqual(
                ticket.procedure_deadline_display,
                "24.11.2026 02:50 MSK (09:50 your time)",
            )
            # no address: the region code of the KPP, then of the INN
            self.org_far.write(
                {
                    "state_id": False,
                    "vat": inn10("770708389"),
                    "kpp": "540601001",
                }
            )
            self.assertEqual(self._zone(ticket), ("Asia/Novosibirsk", "region"))
            self.org_far.kpp = False
            self.assertEqual(self._zone(ticket), ("Europe/Moscow", "region"))
            self.org_far.vat = inn10("410100000")
            self.assertEqual(self._zone(ticket), ("Asia/Kamchatka", "region"))
            self.assertEqual(self._clock(ticket), ("11:20 (MSK+9)", False))

    def test_6_else_moscow(self):
        with self._at(NOW):
            ticket = self._ticket(partner_email="visitor@example.ru")
            self.assertEqual(self._zone(ticket), ("Europe/Moscow", "default"))
            self.assertEqual(self._clock(ticket), ("02:20 (MSK)", True))
            ticket.procedure_deadline = DEADLINE
            self.assertEqual(ticket.procedure_deadline_display, "24.11.2026 02:50 MSK")

    def test_a_foreign_region_tells_nothing(self):
        """Alabama's code is AL, as the Altai Republic's: only Russian regions
        count, and a foreign organisation's tax number is no INN."""
        usa = self.env.ref("base.us")
        self.org_far.write(
            {
                "country_id": usa.id,
                "state_id": self.env.ref("base.state_us_1").id,
                "vat": inn10("410100000"),
            }
        )
        self.assertEqual(self.env.ref("base.state_us_1").code, "AL")
        ticket = self._ticket(partner_id=self.contact_far.id)
        self.assertEqual(self._zone(ticket), ("Europe/Moscow", "default"))

    def test_operator_sets_then_clears_the_ticket_value(self):
        ticket = self._ticket(partner_id=self.contact_far.id)
        ticket.with_user(self.operator).requester_tz = "Asia/Magadan"
        self.assertEqual(self._zone(ticket), ("Asia/Magadan", "ticket"))
        # the organisation learns its zone: the ticket keeps its own value
        self.org_far.tz = "Asia/Sakhalin"
        self.assertEqual(self._zone(ticket), ("Asia/Magadan", "ticket"))
        ticket.with_user(self.operator).requester_tz = False
        self.assertFalse(ticket.requester_tz_own)
        self.assertEqual(self._zone(ticket), ("Asia/Sakhalin", "organisation"))

    def test_the_ticket_follows_its_contact(self):
        ticket = self._ticket(partner_id=self.contact_far.id)
        self.assertEqual(self._zone(ticket), ("Asia/Vladivostok", "region"))
        self.contact_far.tz = "Asia/Yakutsk"
        self.assertEqual(self._zone(ticket), ("Asia/Yakutsk", "contact"))
        ticket.partner_id = self.contact_ural
        self.assertEqual(self._zone(ticket), ("Asia/Yekaterinburg", "organisation"))

    def test_night_is_marked_from_22_to_8(self):
        ticket = self._ticket(partner_id=self.contact_supplier.id)  # МСК+7
        for moment, local, night in (
            (datetime(2026, 11, 24, 11, 59), "21:59 (MSK+7)", False),
            (datetime(2026, 11, 24, 12, 0), "22:00 (MSK+7)", True),
            (datetime(2026, 11, 24, 21, 59), "07:59 (MSK+7)", True),
            (datetime(2026, 11, 24, 22, 0), "08:00 (MSK+7)", False),
        ):
            with self._at(moment):
                self.env.invalidate_all()
                self.assertEqual(self._clock(ticket), (local, night))

    def test_the_operator_form_shows_the_clock_and_the_source(self):
        with self._at(NOW):
            ticket = self._ticket(partner_id=self.contact_far.id)
            form = Form(ticket.with_user(self.operator))
            self.assertEqual(form.requester_now_display, "09:20 (MSK+7)")
            self.assertFalse(form.requester_is_night)
            self.assertEqual(form.requester_tz, "Asia/Vladivostok")
            self.assertEqual(form.requester_tz_source, "region")
            form.requester_tz = "Asia/Omsk"
            form.save()
        self.assertEqual(self._zone(ticket), ("Asia/Omsk", "ticket"))

    def test_zones_are_picked_by_russian_names_russia_first(self):
        """The operator picks the requester's zone among Russia's eleven, by
        their cities, before the rest of the world (no «Africa/Abidjan»)."""
        self._etp_speak_russian(self.operator)
        Ticket = self.env["helpdesk.ticket"].with_user(self.operator)
        fields = Ticket.with_context(lang="ru_RU").fields_get(
            ["requester_tz", "requester_tz_own", "requester_browser_tz"],
            ["selection"],
        )
        for name, description in fields.items():
            labels = [label for _value, label in description["selection"]]
            with self.subTest(field=name):
                self.assertEqual(
                    labels[:11],
                    [
                        "Калининград (МСК\u22121)",
                        "Москва (МСК)",
                        "Самара (МСК+1)",
                        "Екатеринбург (МСК+2)",
                        "Омск (МСК+3)",
                        "Красноярск (МСК+4)",
                        "Иркутск (МСК+5)",
                        "Якутск (МСК+6)",
                        "Владивосток (МСК+7)",
                        "Магадан (МСК+8)",
                        "Камчатка (МСК+9)",
                    ],
                )
                self.assertIn("Новосибирск (МСК+4)", labels[11:30])
                self.assertTrue(all(re.search("[А-Яа-я]", label) for label in labels))
        # the values stay IANA zones: what the rule and the clock work with
        ticket = self._ticket(partner_id=self.contact_far.id)
        ticket.with_user(self.operator).requester_tz = "Asia/Kamchatka"
        self.assertEqual(self._zone(ticket), ("Asia/Kamchatka", "ticket"))

    def test_query_count_is_flat(self):
        """The rule reads the contacts and organisations of a batch at once."""
        Partner = self.env["res.partner"]

        def tickets(count):
            orgs = Partner.create(
                [
                    {
                        "name": f"ООО «Поставщик {n}»",
                        "is_company": True,
                        "state_id": self.primorye.id,
                        "country_id": self.ru.id,
                    }
                    for n in range(count)
                ]
            )
            contacts = Partner.create(
                [{"name": f"Контакт {org.id}", "parent_id": org.id} for org in orgs]
            )
            return self.env["helpdesk.ticket"].browse(
                [
                    self._ticket(partner_id=c.id, procedure_deadline=NOW).id
                    for c in contacts
                ]
            )

        def queries(records):
            self.env.invalidate_all()
            records = records.browse(records.ids)
            with self._count_queries() as counted:
                records.mapped("procedure_deadline_display")
                records.mapped("requester_now_display")
            return counted.count

        small, large = tickets(2), tickets(20)
        queries(small)
        self.assertEqual(queries(small), queries(large))
        self.assertEqual(set(large.mapped("requester_tz_source")), {"region"})


class TestRequesterClockInTheChat(LivechatTicketCommon):
    def test_operator_store_query_count_is_flat(self):
        """The operator's messaging loads every open chat with its requester's
        clock: no query per chat."""

        def chats(count):
            records = self.env["discuss.channel"]
            for n in range(count):
                guest = self.env["mail.guest"].create(
                    {"name": f"Гость {n}", "timezone": "Asia/Omsk"}
                )
                records |= self._session(self.livechat_supplier, guest=guest)
            return records.with_user(self.chat_operator)

        def queries(records):
            self.env.invalidate_all()
            with self._count_queries() as counted:
                result = Store(records).get_result()
                clocks = [
                    c.get("etp_requester_clock") for c in result["discuss.channel"]
                ]
                self.assertEqual({c["tz"] for c in clocks}, {"Asia/Omsk"})
            return counted.count

        small, large = chats(2), chats(8)
        queries(small)
        self.assertEqual(queries(small), queries(large))

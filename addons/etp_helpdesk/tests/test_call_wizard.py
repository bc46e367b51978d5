# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user
from odoo.tools import html2plaintext

from .common import EtpHelpdeskCommon


class TestCallWizard(EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel_phone = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone")
        cls.contact_customer.phone = "8 916 1234567"
        cls.contact_supplier.mobile = "+7-999-765-43-21"
        cls.own_operator = new_test_user(
            cls.env,
            login="etp-operator-phone",
            name="Оператор телефонной линии",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.team_customer_l1.user_ids = [Command.link(cls.own_operator.id)]
        cls.Wizard = cls.env["helpdesk.ticket.call.wizard"].with_user(cls.own_operator)

    def _open_ticket(self, **vals):
        vals.setdefault("partner_id", self.contact_customer.id)
        vals.setdefault("user_id", self.own_operator.id)
        return self._ticket(**vals)

    def test_partner_found_from_any_phone_format(self):
        for phone in ("+7 (916) 123-45-67", "89161234567", "7 916 123 45 67"):
            with self.subTest(phone=phone):
                wizard = self.Wizard.create({"phone": phone})
                self.assertEqual(wizard.partner_id, self.contact_customer)
                self.assertEqual(wizard.audience, "customer")
                self.assertEqual(wizard.phone_normalized, "+7 (916) 123-45-67")
        wizard = self.Wizard.create({"phone": "8 (999) 765 43 21"})
        self.assertEqual(wizard.partner_id, self.contact_supplier)
        self.assertEqual(wizard.audience, "supplier")

    def test_call_time_in_moscow_and_the_callers_time(self):
        wizard = self.Wizard.create(
            {"phone": "8 (999) 765 43 21", "call_date": datetime(2026, 11, 24, 7, 5)}
        )
        self.assertIn(
            "24.11.2026 10:05 MSK (17:05 the requester's time)",
            html2plaintext(wizard._etp_call_summary("Перезвонить утром")),
        )

    def test_partner_phone_is_stored_normalised(self):
        self.assertEqual(self.contact_customer.phone_normalized, "+79161234567")
        self.assertEqual(self.contact_supplier.mobile_normalized, "+79997654321")
        self.contact_customer.phone = "не указан"
        self.assertFalse(self.contact_customer.phone_normalized)

    def test_new_ticket_from_a_known_caller(self):
        wizard = self.Wizard.create(
            {
                "phone": "+7 (916) 123-45-67",
                "call_date": datetime(2026, 11, 24, 7, 5),
                "notes": "Не приходит письмо для восстановления пароля.\n"
                "Проверили адрес <smirnova@hospital1.example.ru>.",
            }
        )
        self.assertEqual(wizard.mode, "new")
        self.assertFalse(wizard.ticket_id)
        action = wizard.action_confirm()
        ticket = self.env["helpdesk.ticket"].browse(action["res_id"])
        self.assertRecordValues(
            ticket,
            [
                {
                    "channel_id": self.channel_phone.id,
                    "partner_id": self.contact_customer.id,
                    "partner_name": "Ирина Смирнова",
                    "partner_email": "smirnova@hospital1.example.ru",
                    "audience": "customer",
                    "team_id": self.team_customer_l1.id,
                    "user_id": self.own_operator.id,
                }
            ],
        )
        self.assertIn("Ирина Смирнова", ticket.name)
        self.assertIn(
            "Не приходит письмо для восстановления пароля.", ticket.description
        )
        self.assertIn("&lt;smirnova@hospital1.example.ru&gt;", ticket.description)
        self.assertIn("+7 (916) 123-45-67", ticket.description)
        self.assertIn("24.11.2026 10:05 MSK", ticket.description)
        # the notes speak of a password: the ticket has its category and playbook
        self.assertEqual(
            ticket.category_id,
            self.env.ref("etp_helpdesk.helpdesk_ticket_category_access_login"),
        )
        self.assertTrue(ticket.checklist_ids)
        self.assertTrue(ticket.with_user(self.own_operator).has_access("write"))

    def test_call_added_to_the_most_recent_open_ticket(self):
        older = self._open_ticket(name="Старое обращение")
        recent = self._open_ticket(name="Текущее обращение")
        self._open_ticket(name="Закрытое", stage_id=self.stage_done.id)
        self._open_ticket(name="Чужое", partner_id=self.contact_supplier.id)
        tickets_before = self.env["helpdesk.ticket"].search_count([])
        wizard = self.Wizard.create(
            {"phone": "+7 (916) 123-45-67", "notes": "Перезвонила: ошибка ушла."}
        )
        self.assertEqual(wizard.ticket_id, recent)
        self.assertEqual(wizard.mode, "existing")
        action = wizard.action_confirm()
        self.assertEqual(action["res_id"], recent.id)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), tickets_before)
        note = recent.message_ids[:1]
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(note.author_id, self.own_operator.partner_id)
        self.assertIn("Перезвонила: ошибка ушла.", note.body)
        self.assertIn("Phone call on", note.body)
        self.assertIn("+7 (916) 123-45-67", note.body)
        self.assertNotIn("Перезвонила", older.message_ids.mapped("body"))

    def test_operator_may_start_a_new_ticket_despite_an_open_one(self):
        self._open_ticket(name="Текущее обращение")
        wizard = self.Wizard.create(
            {
                "phone": "89161234567",
                "mode": "new",
                "name": "Новый вопрос по звонку",
                "notes": "Вопрос про ценовое предложение.",
            }
        )
        ticket = self.env["helpdesk.ticket"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual(ticket.name, "Новый вопрос по звонку")
        self.assertEqual(ticket.partner_id, self.contact_customer)

    def test_unknown_number(self):
        wizard = self.Wizard.create(
            {"phone": "+7 (495) 000-11-22", "notes": "Спросили про регистрацию в ЕИС."}
        )
        self.assertFalse(wizard.partner_id)
        self.assertFalse(wizard.ticket_id)
        self.assertFalse(wizard.audience)
        self.assertEqual(wizard.mode, "new")
        ticket = self.env["helpdesk.ticket"].browse(wizard.action_confirm()["res_id"])
        self.assertRecordValues(
            ticket,
            [
                {
                    "partner_id": False,
                    "partner_name": "+7 (495) 000-11-22",
                    "channel_id": self.channel_phone.id,
                    "user_id": self.own_operator.id,
                }
            ],
        )
        self.assertIn("+7 (495) 000-11-22", ticket.name)
        self.assertIn("+7 (495) 000-11-22", ticket.description)
        self.assertIn("Спросили про регистрацию в ЕИС.", ticket.description)

    def test_unknown_caller_with_audience_chosen_lands_in_line_1(self):
        wizard = self.Wizard.create(
            {"phone": "номер скрыт", "audience": "customer", "notes": "Вопрос."}
        )
        self.assertFalse(wizard.partner_id)
        ticket = self.env["helpdesk.ticket"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual(ticket.team_id, self.team_customer_l1)
        self.assertEqual(ticket.partner_name, "номер скрыт")

    def test_missing_notes_is_a_clear_error(self):
        ticket = self._open_ticket()
        messages = len(ticket.message_ids)
        count = self.env["helpdesk.ticket"].search_count([])
        for notes in (False, "   \n "):
            for mode in ("new", "existing"):
                with self.subTest(notes=notes, mode=mode):
                    wizard = self.Wizard.create(
                        {"phone": "+79161234567", "notes": notes, "mode": mode}
                    )
                    with self.assertRaisesRegex(UserError, "Notes"):
                        wizard.action_confirm()
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), count)
        self.assertEqual(len(ticket.message_ids), messages)

    def test_existing_mode_needs_a_ticket(self):
        wizard = self.Wizard.create(
            {"phone": "+7 495 000 11 22", "mode": "existing", "notes": "Вопрос."}
        )
        with self.assertRaisesRegex(UserError, "open ticket"):
            wizard.action_confirm()

    def test_wizard_form_proposes_caller_and_ticket(self):
        recent = self._open_ticket(name="Текущее обращение")
        with Form(self.Wizard) as form:
            form.phone = "+7 (916) 123-45-67"
            self.assertEqual(form.partner_id, self.contact_customer)
            self.assertEqual(form.ticket_id, recent)
            self.assertEqual(form.mode, "existing")
            form.notes = "Уточнила номер извещения."
            # another number: no caller, a new ticket
            form.phone = "+7 (495) 000-11-22"
            self.assertFalse(form.partner_id)
            self.assertFalse(form.ticket_id)
            self.assertEqual(form.mode, "new")
        self.assertTrue(form.record.call_date)

    def test_caller_search_uses_the_stored_normalised_phone(self):
        # 20 more contacts with phones do not change the cost of the search
        self.env["res.partner"].create(
            [
                {"name": f"Контакт {i}", "phone": f"8 903 000 00 {i:02d}"}
                for i in range(20)
            ]
        )
        self.env.flush_all()
        Partner = self.env["res.partner"].with_user(self.own_operator)
        Partner._etp_find_by_phone("+7 903 000-00-01")  # warm the rule cache
        with self.assertQueryCount(1):
            found = Partner._etp_find_by_phone("+7 903 000-00-07")
        self.assertEqual(found.name, "Контакт 7")

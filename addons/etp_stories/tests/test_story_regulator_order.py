"""Story: a FAS (УФАС) order requires cancelling the protocols of a joint procurement.

The Moscow FAS orders the cancellation of the protocols of joint procurement
0373100000124000789, whose 13 customers are city hospitals. Support opens an
emergency case, creates one ticket per customer and sends each contact the
step-by-step instructions to withdraw the contract in ЕИС. The case cannot be
closed while customers are still working; reminders go out a day before the
deadline to those who have not finished; support follows each customer until
13 of 13 are done, and closes the case.
"""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

NOTICE = "0373100000124000789"
# 27.11.2026 18:00 MSK
DEADLINE = datetime(2026, 11, 27, 15, 0)
INSTRUCTIONS = """
<ol>
  <li>Войдите в личный кабинет ЕИС (zakupki.gov.ru) под учётной записью
      организации.</li>
  <li>Откройте раздел «Реестр контрактов».</li>
  <li>Найдите контракт по номеру извещения 0373100000124000789.</li>
  <li>Нажмите «Отменить/внести изменения».</li>
  <li>В поле «Основание» укажите предписание УФАС по г. Москве
      № 077/06/106-12345/2026.</li>
  <li>Подпишите изменения электронной подписью руководителя.</li>
  <li>Ответьте на это письмо: напишите, что контракт отменён.</li>
</ol>
"""
HOSPITALS = [
    "ГБУЗ «Городская клиническая больница № 12 ДЗМ»",
    "ГБУЗ «Городская клиническая больница № 29 ДЗМ»",
    "ГБУЗ «Городская клиническая больница № 51 ДЗМ»",
    "ГБУЗ «Городская поликлиника № 8 ДЗМ»",
    "ГБУЗ «Городская поликлиника № 22 ДЗМ»",
    "ГБУЗ «Городская поликлиника № 109 ДЗМ»",
    "ГБУЗ «Детская городская поликлиника № 32 ДЗМ»",
    "ГБУЗ «Детская городская клиническая больница № 9 ДЗМ»",
    "ГБУЗ «Консультативно-диагностический центр № 4 ДЗМ»",
    "ГБУЗ «Клинический госпиталь ветеранов войн № 2 ДЗМ»",
    "ГБУЗ «Родильный дом № 17 ДЗМ»",
    "ГБУЗ «Стоматологическая поликлиника № 33 ДЗМ»",
    "ГБУЗ «Психиатрическая клиническая больница № 4 ДЗМ»",
]


def inn10(base):
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return base + str(
        sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11 % 10
    )


class TestStoryRegulatorOrder(EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.coordinator = new_test_user(
            cls.env,
            login="etp-coordinator",
            name="Мария Лебедева",
            email="lebedeva@etp-support.example.ru",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        Partner = cls.env["res.partner"]
        cls.customers = Partner.create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "vat": inn10(f"77{n + 10:02d}4{n:02d}51"),
                    "procurement_role": "customer",
                    "tz": "Europe/Moscow",
                }
                for n, name in enumerate(HOSPITALS)
            ]
        )
        cls.contacts = Partner.create(
            [
                {
                    "name": f"Контрактный управляющий {n + 1}",
                    "parent_id": customer.id,
                    "email": f"cu{n + 1}@hospital{n + 1}.example.ru",
                }
                for n, customer in enumerate(cls.customers)
            ]
        )
        # a customer's contract manager who logs in to the portal
        cls.portal_manager = new_test_user(
            cls.env,
            login="cu1-portal",
            groups="base.group_portal",
            partner_id=cls.contacts[0].id,
        )

    def test_regulator_order_followed_to_13_of_13(self):
        Case = self.env["helpdesk.emergency.case"].with_user(self.coordinator)
        with freeze_time("2026-11-25 07:00:00"):  # 10:00 MSK, two days ahead
            case = Case.create(
                {
                    "name": "Предписание УФАС по г. Москве № 077/06/106-12345/2026: "
                    "отмена протоколов",
                    "regulator_order": "Предписание УФАС по г. Москве "
                    "№ 077/06/106-12345/2026",
                    "procedure_number": NOTICE,
                    "deadline": DEADLINE,
                    "audience": "customer",
                    "instructions": INSTRUCTIONS,
                    "line_ids": [
                        Command.create(
                            {"partner_id": customer.id, "contact_id": contact.id}
                        )
                        for customer, contact in zip(
                            self.customers, self.contacts, strict=True
                        )
                    ],
                }
            )
            self.assertEqual(case.user_id, self.coordinator)
            self.assertEqual(case.progress_display, "0 of 13 done")

            # «Создать обращения и разослать инструкции»
            case.action_send_instructions()

        tickets = case.ticket_ids
        self.assertEqual(len(tickets), 13)
        self.assertEqual(tickets.partner_id, self.contacts)
        self.assertEqual(set(tickets.mapped("procedure_number")), {NOTICE})
        self.assertEqual(set(tickets.mapped("procedure_deadline_kind")), {"regulator"})
        self.assertEqual(tickets.team_id, self.team_customer_l1)
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("message_type", "=", "comment"),
            ]
        )
        self.assertEqual(len(messages), 13, "one message per contact")
        for ticket in tickets:
            message = messages.filtered(lambda m, t=ticket: m.res_id == t.id)
            self.assertEqual(message.partner_ids, ticket.partner_id)
            self.assertIn("27.11.2026 18:00 MSK", message.body)
            self.assertIn("Реестр контрактов", message.body)
            self.assertIn(ticket.number, message.body)
        outgoing = self.env["mail.mail"].search(
            [("mail_message_id", "in", messages.ids)]
        )
        self.assertEqual(len(outgoing), 13)
        self.assertEqual(outgoing.recipient_ids, self.contacts)

        # the portal user sees their hospital's ticket, never the case
        own = case.line_ids[0].ticket_id.with_user(self.portal_manager)
        own.check_access("read")
        with self.assertRaises(AccessError):
            case.with_user(self.portal_manager).check_access("read")
        with self.assertRaises(AccessError):
            case.line_ids[1].ticket_id.with_user(self.portal_manager).check_access(
                "read"
            )

        lines = case.line_ids.with_user(self.coordinator)
        done_stage = self.stage_done
        for line in lines[:5]:
            line.ticket_id.stage_id = done_stage
        self.assertEqual(case.progress_display, "5 of 13 done")

        # closing early is refused and names who is missing
        with self.assertRaises(UserError) as refused:
            case.action_done()
        self.assertIn("8 organisations have not finished", str(refused.exception))
        self.assertIn(HOSPITALS[12], str(refused.exception))
        self.assertEqual(case.state, "in_progress")

        # a day before the deadline, the 8 that have not finished are reminded
        with freeze_time(DEADLINE - timedelta(hours=23)):
            self.env["helpdesk.emergency.case"]._cron_send_reminders()
            self.env["helpdesk.emergency.case"]._cron_send_reminders()
        reminders = self.env["mail.message"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("subject", "ilike", "Reminder"),
            ]
        )
        self.assertEqual(len(reminders), 8)
        self.assertEqual(reminders.partner_ids, lines[5:].contact_id)

        for done, line in enumerate(lines[5:], start=6):
            line.ticket_id.stage_id = done_stage
            self.assertEqual(case.progress_display, f"{done} of 13 done")
        self.assertEqual(case.progress, 100.0)

        case.action_done()
        self.assertEqual(case.state, "done")
        self.assertEqual(set(case.line_ids.mapped("status")), {"done"})

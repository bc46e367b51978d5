# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Emergency cases and incident emails follow the desk's one time-zone rule;
a requester in Vladivostok reads every time in both clocks, in Russian."""

from datetime import datetime, timedelta

from odoo import Command

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

NOTICE = "0373100000124000456"
# 26.11.2026 12:00 МСК = 19:00 in Vladivostok
CASE_DEADLINE = datetime(2026, 11, 26, 9, 0)
# 24.11.2026 02:50 МСК = 09:50 in Vladivostok
PROCEDURE_DEADLINE = datetime(2026, 11, 23, 23, 50)
# the incident is fixed at 02:35 МСК = 09:35 in Vladivostok
RESOLVED = datetime(2026, 11, 23, 23, 35)


class TestRequesterTzInCasesAndEmails(EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ru_RU")
        Partner = cls.env["res.partner"]
        # Nobody set a time zone: the organisation's address is in Primorye.
        cls.org_far = Partner.create(
            {
                "name": "ООО «Приморская поставка»",
                "is_company": True,
                "country_id": cls.env.ref("base.ru").id,
                "state_id": cls.env.ref("base.state_ru_pri").id,
                "city": "Владивосток",
                "procurement_role": "supplier",
            }
        )
        cls.contact_far = Partner.create(
            {
                "name": "Анна Ким",
                "parent_id": cls.org_far.id,
                "email": "kim@primpostavka.example.ru",
                "lang": "ru_RU",
            }
        )

    def test_case_line_and_child_ticket_use_the_rule(self):
        case = self.env["helpdesk.emergency.case"].create(
            {
                "name": "Предписание ФАС: внесение изменений в извещение",
                "procedure_number": NOTICE,
                "deadline": CASE_DEADLINE,
                "instructions": "<p>Внесите изменения в извещение в ЕИС.</p>",
                "audience": "supplier",
                "line_ids": [
                    Command.create(
                        {
                            "partner_id": self.org_far.id,
                            "contact_id": self.contact_far.id,
                        }
                    ),
                    Command.create(
                        {
                            "partner_id": self.org_supplier.id,
                            "contact_id": self.contact_supplier.id,
                        }
                    ),
                ],
            }
        )
        far, known = case.line_ids
        self.assertEqual((far.tz, far.tz_source), ("Asia/Vladivostok", "region"))
        self.assertEqual((known.tz, known.tz_source), ("Asia/Vladivostok", "contact"))
        self.assertEqual(
            far.deadline_local, "26.11.2026 12:00 MSK (19:00 the requester's time)"
        )
        case.action_send_instructions()
        ticket = far.ticket_id
        self.assertFalse(ticket.requester_tz_own, "no value of its own")
        self.assertEqual(
            (ticket.requester_tz, ticket.requester_tz_source),
            ("Asia/Vladivostok", "region"),
        )
        # the instructions reach Anna in Russian, with the deadline in both times
        message = ticket.message_ids.filtered(
            lambda m: m.message_type == "comment" and m.partner_ids == self.contact_far
        )
        self.assertEqual(len(message), 1)
        both = "26.11.2026 12:00 МСК (19:00 по вашему времени)"
        self.assertIn(f"Срок исполнения: <strong>{both}</strong>", message.body)
        self.assertTrue(message.subject.endswith(f"что нужно сделать до {both}"))
        # and so does the reminder an hour before the deadline
        with self._at(CASE_DEADLINE - timedelta(hours=1)):
            self.env["helpdesk.emergency.case"]._cron_send_reminders()
        reminder = ticket.message_ids.filtered(
            lambda m: (m.subject or "").startswith(f"[{ticket.number}] Напоминание")
        )
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.partner_ids, self.contact_far)
        self.assertIn(
            f"срок исполнения истекает <strong>{both}</strong>",
            " ".join(reminder.body.split()),
        )

    def test_incident_email_for_a_vladivostok_requester(self):
        """The incident status email, rendered for a requester whose zone comes
        from her organisation's region, tells both times in Russian."""
        ticket = self._ticket(
            name="Не подписывается ценовое предложение",
            partner_id=self.contact_far.id,
            procedure_number=NOTICE,
            procedure_deadline=PROCEDURE_DEADLINE,
        )
        incident = self.env["helpdesk.incident"].create(
            {"title": "Сбой подписи", "ticket_ids": [Command.set(ticket.ids)]}
        )
        incident.action_hand_to_it()
        with self._at(RESOLVED):
            incident.action_resolve()
        self.assertEqual(incident.resolved_at, RESOLVED)
        message = ticket.message_ids.filtered(
            lambda m: m.message_type == "comment"
            and "Техническая проблема устранена" in (m.subject or "")
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.contact_far)
        text = " ".join(message.body.split())
        self.assertIn(
            "устранена в <strong>24.11.2026 02:35 МСК (09:35 по вашему времени)"
            "</strong>.",
            text,
        )
        self.assertIn(
            f"по закупке № {NOTICE}, до срока "
            "<strong>24.11.2026 02:50 МСК (09:50 по вашему времени)</strong>.",
            text,
        )

    def test_incident_email_in_moscow_time_only_for_a_moscow_requester(self):
        ticket = self._ticket(
            name="Не подписывается заявка",
            partner_id=self.contact_customer.id,  # the organisation is in Moscow
            procedure_deadline=PROCEDURE_DEADLINE,
        )
        self.contact_customer.lang = "ru_RU"
        incident = self.env["helpdesk.incident"].create(
            {"title": "Сбой подписи", "ticket_ids": [Command.set(ticket.ids)]}
        )
        incident.action_hand_to_it()
        with self._at(RESOLVED):
            incident.action_resolve()
        body = " ".join(
            ticket.message_ids.filtered(
                lambda m: m.partner_ids == self.contact_customer
            ).body.split()
        )
        self.assertIn("устранена в <strong>24.11.2026 02:35 МСК</strong>.", body)
        self.assertIn("до срока <strong>24.11.2026 02:50 МСК</strong>.", body)
        self.assertNotIn("по вашему времени", body)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

# Long before any test database was built: no other ticket is that old.
T0 = datetime(2025, 3, 3, 9, 0)


@tagged("post_install", "-at_install", "is_query_count")
class TestSpike(EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["helpdesk.ticket.category"]
        cls.category = Category.create({"name": "Подписание (тест всплеска)"})
        cls.other_category = Category.create({"name": "Вход (тест всплеска)"})
        cls.Spike = cls.env["helpdesk.incident.spike"]
        # N and M as shipped; set explicitly so a changed database default
        # cannot change what the tests mean
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("etp_incident.spike_threshold", "10")
        params.set_param("etp_incident.spike_window_minutes", "15")
        cls.supervisor = new_test_user(
            cls.env,
            login="etp-supervisor",
            name="Марина Супервизор",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.operator_own = new_test_user(
            cls.env,
            login="etp-operator-own",
            name="Оператор (свои обращения)",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="etp-portal-spike",
            name="Поставщик портала",
            groups="base.group_portal",
        )

    # --- helpers -----------------------------------------------------------

    def _tickets(self, minutes, category=None, start=T0):
        tickets = self.env["helpdesk.ticket"]
        for minute in minutes:
            with self._at(start + timedelta(minutes=minute)):
                tickets |= self._ticket(
                    name="Не могу подписать заявку",
                    description="<p>КриптоПро: ошибка при подписании заявки</p>",
                    partner_id=self.contact_supplier.id,
                    category_id=(category or self.category).id,
                )
        return tickets

    def _detect(self, moment):
        with self._at(moment):
            return self.Spike._cron_detect_spikes()

    def _flags(self, category=None):
        return self.Spike.search([("category_id", "=", (category or self.category).id)])

    # --- detection -----------------------------------------------------------

    def test_n_tickets_within_m_minutes_raise_one_flag(self):
        tickets = self._tickets([0, 1.5, 3, 4.5, 6, 7.5, 9, 10.5, 12, 13.5])
        created = self._detect(T0 + timedelta(minutes=16))
        self.assertEqual(len(created), 1)
        self.assertEqual(self._flags(), created)
        self.assertEqual(created.ticket_ids, tickets)
        self.assertEqual(created.ticket_count, 10)
        self.assertEqual(created.state, "new")
        self.assertEqual(created.window_start, T0)
        self.assertEqual(created.window_end, T0 + timedelta(minutes=13, seconds=30))
        self.assertEqual(created.company_id, self.env.company)

    def test_one_ticket_short_of_n_raises_nothing(self):
        self._tickets(range(9))
        self.assertFalse(self._detect(T0 + timedelta(minutes=10)))
        self.assertFalse(self._flags())

    def test_n_tickets_spread_over_more_than_m_minutes_raise_nothing(self):
        self._tickets(range(0, 20, 2))  # ten tickets over 18 minutes
        self.assertFalse(self._detect(T0 + timedelta(minutes=20)))
        self.assertFalse(self._flags())

    def test_categories_are_counted_apart(self):
        self._tickets(range(5))
        self._tickets(range(5), category=self.other_category)
        self.assertFalse(self._detect(T0 + timedelta(minutes=6)))

    def test_linked_or_closed_tickets_are_not_counted(self):
        tickets = self._tickets(range(10))
        incident = self.env["helpdesk.incident"].create({"title": "Сбой подписи"})
        tickets[0].incident_id = incident
        self.assertFalse(self._detect(T0 + timedelta(minutes=11)))
        tickets[0].incident_id = False
        tickets[1].stage_id = self.stage_done
        self.assertFalse(self._detect(T0 + timedelta(minutes=11)))
        self.assertFalse(self._flags())

    def test_tickets_of_an_incident_are_not_counted(self):
        """Twelve tickets within minutes, eleven of them already linked to an
        incident: line 2 knows, nothing to flag."""
        tickets = self._tickets(range(12))
        incident = self.env["helpdesk.incident"].create({"title": "Сбой подписи"})
        tickets[:11].incident_id = incident
        self.assertFalse(self._detect(T0 + timedelta(minutes=13)))
        self.assertFalse(self._flags())

    def test_child_tickets_of_an_emergency_case_are_not_counted(self):
        """The FAS order of the demo: a case opens eleven tickets of one
        category at once. That is the desk at work, not a platform failure;
        nine ordinary tickets beside them are no spike either."""
        Partner = self.env["res.partner"]
        orgs = Partner.create(
            [
                {"name": f"ГБУЗ «Городская больница № {n}»", "is_company": True}
                for n in range(1, 12)
            ]
        )
        contacts = Partner.create(
            [
                {
                    "name": f"Контрактный управляющий {n}",
                    "parent_id": org.id,
                    "email": f"zakupki@gb{n}.example.ru",
                }
                for n, org in enumerate(orgs, 1)
            ]
        )
        with self._at(T0):
            case = self.env["helpdesk.emergency.case"].create(
                {
                    "name": "Предписание УФАС № 077/06/106-12345/2026",
                    "procedure_number": "0373100000124000789",
                    "deadline": T0 + timedelta(days=2),
                    "instructions": "<p>Отмените контракт в ЕИС.</p>",
                    "audience": "customer",
                    "line_ids": [
                        Command.create({"partner_id": org.id, "contact_id": c.id})
                        for org, c in zip(orgs, contacts, strict=True)
                    ],
                }
            )
            case.action_send_instructions()
            # the operator sorts them into one category
            case.ticket_ids.category_id = self.category
        self.assertEqual(len(case.ticket_ids), 11)
        self._tickets(range(1, 10))
        self.assertFalse(self._detect(T0 + timedelta(minutes=11)))
        self.assertFalse(self._flags())
        # the tenth ordinary ticket makes a spike of ordinary tickets only
        tenth = self._tickets([10])
        flag = self._detect(T0 + timedelta(minutes=11))
        self.assertEqual(flag.ticket_count, 10)
        self.assertIn(tenth, flag.ticket_ids)
        self.assertFalse(flag.ticket_ids & case.ticket_ids)

    def test_n_and_m_come_from_system_parameters(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("etp_incident.spike_threshold", "3")
        params.set_param("etp_incident.spike_window_minutes", "5")
        self._tickets([0, 2, 4])
        self.assertEqual(len(self._detect(T0 + timedelta(minutes=5))), 1)

        # a bad value falls back to the default N = 10, with a warning
        params.set_param("etp_incident.spike_threshold", "много")
        self._tickets([0, 2, 4], category=self.other_category)
        with self.assertLogs(
            "odoo.addons.etp_incident.models.helpdesk_incident_spike_detection",
            "WARNING",
        ) as logs:
            self.assertFalse(self._detect(T0 + timedelta(minutes=5)))
        self.assertIn("etp_incident.spike_threshold", logs.output[0])

    def test_supervisors_are_notified_with_a_link(self):
        self._tickets(range(10))
        flag = self._detect(T0 + timedelta(minutes=11))
        message = flag.message_ids.filtered(lambda m: m.partner_ids)
        self.assertEqual(len(message), 1)
        self.assertIn(self.supervisor.partner_id, message.partner_ids)
        self.assertNotIn(self.operator.partner_id, message.partner_ids)
        self.assertIn(
            f"/mail/view?model=helpdesk.incident.spike&amp;res_id={flag.id}",
            message.body,
        )
        notified = self.env["mail.notification"].search(
            [("mail_message_id", "=", message.id)]
        )
        self.assertIn(self.supervisor.partner_id, notified.res_partner_id)

    def test_component_is_guessed_from_the_category(self):
        signature = self.env.ref(
            "etp_helpdesk.helpdesk_ticket_category_access_signature"
        )
        self._tickets(range(10), category=signature)
        flag = self._detect(T0 + timedelta(minutes=11))
        self.assertEqual(flag.component, "signature")

    # --- the same spike never raises a second flag ---------------------------

    def test_rerun_and_dismissal_raise_no_second_flag(self):
        tickets = self._tickets(range(10))
        flag = self._detect(T0 + timedelta(minutes=11))
        self.assertFalse(self._detect(T0 + timedelta(minutes=12)))
        self.assertEqual(self._flags(), flag)

        flag.with_user(self.operator).write({"dismiss_reason": "Учебная рассылка"})
        flag.with_user(self.operator).action_dismiss()
        self.assertFalse(self._detect(T0 + timedelta(minutes=13)))
        self.assertEqual(self._flags(), flag)
        self.assertEqual(flag.ticket_ids, tickets)
        self.assertEqual(flag.state, "dismissed")

    def test_tickets_continuing_a_spike_extend_its_flag(self):
        self._tickets(range(10))
        flag = self._detect(T0 + timedelta(minutes=11))
        notes = len(flag.message_ids)
        later = self._tickets([12, 14])
        self.assertFalse(self._detect(T0 + timedelta(minutes=15)))
        self.assertEqual(self._flags(), flag)
        self.assertEqual(flag.ticket_count, 12)
        self.assertLessEqual(later, flag.ticket_ids)
        self.assertEqual(flag.window_end, T0 + timedelta(minutes=14))
        # a note in the chatter, no second notification to the supervisors
        new_messages = flag.message_ids[: len(flag.message_ids) - notes]
        self.assertTrue(new_messages)
        self.assertFalse(new_messages.partner_ids)

    def test_dismissed_flag_absorbs_the_rest_of_its_spike(self):
        """Decision: tickets that keep a dismissed spike dense join the
        dismissed flag silently; they never raise a flag of their own."""
        self._tickets(range(10))
        flag = self._detect(T0 + timedelta(minutes=11))
        flag.dismiss_reason = "Плановые работы УЦ, пользователи предупреждены"
        flag.action_dismiss()
        later = self._tickets(range(11, 21))  # ten more: a spike on their own
        self.assertFalse(self._detect(T0 + timedelta(minutes=22)))
        self.assertEqual(self._flags(), flag)
        self.assertEqual(flag.state, "dismissed")
        self.assertLessEqual(later, flag.ticket_ids)

    def test_new_spike_after_a_quiet_gap_raises_a_new_flag(self):
        self._tickets(range(10))
        first = self._detect(T0 + timedelta(minutes=11))
        first.dismiss_reason = "Ложная тревога"
        first.action_dismiss()
        self._tickets([45])  # a lone ticket: no spike
        second_tickets = self._tickets(range(70, 80))
        second = self._detect(T0 + timedelta(minutes=81))
        self.assertEqual(len(second), 1)
        self.assertNotEqual(second, first)
        self.assertEqual(second.ticket_ids, second_tickets)
        self.assertEqual(self._flags(), first | second)

    # --- dismiss and register --------------------------------------------------

    def test_dismiss_needs_a_reason_and_a_new_flag(self):
        self._tickets(range(10))
        flag = self._detect(T0 + timedelta(minutes=11)).with_user(self.operator)
        with self.assertRaisesRegex(UserError, "Say why"):
            flag.action_dismiss()
        self.assertEqual(flag.state, "new")
        flag.dismiss_reason = "  "
        with self.assertRaisesRegex(UserError, "Say why"):
            flag.action_dismiss()
        flag.dismiss_reason = "Одна организация, один сотрудник"
        flag.action_dismiss()
        self.assertEqual(flag.state, "dismissed")
        self.assertEqual(flag.dismissed_by_id, self.operator)
        self.assertTrue(flag.dismissed_at)
        with self.assertRaisesRegex(UserError, "no longer new"):
            flag.action_dismiss()
        with self.assertRaisesRegex(UserError, "already handled"):
            flag.action_register_incident()

    def test_dismiss_dialog_opens_the_flag(self):
        self._tickets(range(10))
        flag = self._detect(T0 + timedelta(minutes=11))
        action = flag.action_open_dismiss()
        self.assertEqual((action["res_model"], action["res_id"]), (flag._name, flag.id))
        self.assertEqual(action["target"], "new")

    def test_register_incident_links_the_flag_tickets(self):
        tickets = self._tickets(range(10))
        flag = self._detect(T0 + timedelta(minutes=11)).with_user(self.operator)
        flag.component = "signature"
        action = flag.action_register_incident()
        incident = self.env["helpdesk.incident"].browse(action["res_id"])
        self.assertEqual(flag.state, "incident_created")
        self.assertEqual(flag.incident_id, incident)
        self.assertEqual(incident.ticket_ids, tickets)
        self.assertEqual(incident.component, "signature")
        self.assertEqual(incident.detected_at, T0)
        self.assertIn(self.category.name, incident.title)
        self.assertIn(tickets[0].number, incident.description)
        with self.assertRaisesRegex(UserError, "already handled"):
            flag.action_register_incident()

        # tickets of the same spike arriving later join the flag, and one
        # click links them to the incident too
        later = self._tickets([12, 13])
        self.assertFalse(self._detect(T0 + timedelta(minutes=14)))
        self.assertLessEqual(later, flag.ticket_ids)
        self.assertEqual(flag.unlinked_ticket_count, 2)
        flag.action_link_tickets()
        self.assertEqual(incident.ticket_ids, tickets | later)
        self.assertEqual(flag.unlinked_ticket_count, 0)

    def test_a_failing_spike_is_logged_and_the_others_go_on(self):
        self._tickets(range(10))
        self._tickets(range(10), category=self.other_category)
        Spike = type(self.Spike)
        notify = Spike._etp_notify_supervisors

        def notify_or_fail(spike, supervisors):
            if spike.category_id == self.category:
                raise ValueError("mail server is down")
            return notify(spike, supervisors)

        with (
            patch.object(Spike, "_etp_notify_supervisors", notify_or_fail),
            self.assertLogs(
                "odoo.addons.etp_incident.models.helpdesk_incident_spike_detection",
                "ERROR",
            ) as logs,
        ):
            created = self._detect(T0 + timedelta(minutes=11))
        self.assertIn("mail server is down", "\n".join(logs.output))
        self.assertEqual(created.category_id, self.other_category)
        # the failed spike left nothing behind and is flagged on the next run
        self.assertFalse(self._flags())
        retried = self._detect(T0 + timedelta(minutes=12))
        self.assertEqual(retried.category_id, self.category)
        self.assertEqual(retried.ticket_count, 10)

    # --- one query pattern -----------------------------------------------------

    def _queries(self, func):
        self.env.invalidate_all()
        with self._count_queries() as queries:
            result = func()
        return queries.count, result

    def test_cron_query_count_does_not_grow_with_tickets(self):
        Category = self.env["helpdesk.ticket.category"]
        warm_up, ten, forty = Category.create(
            [{"name": "Прогрев"}, {"name": "Десять"}, {"name": "Сорок"}]
        )
        noise = Category.create([{"name": "Шум 1"}, {"name": "Шум 2"}])
        # each case in its own hour, so that the runs do not see each other
        self._tickets(range(10), category=warm_up)
        self._detect(T0 + timedelta(minutes=11))

        start_10 = T0 + timedelta(hours=3)
        self._tickets(range(10), category=ten, start=start_10)
        count_10, flag_10 = self._queries(
            lambda: self._detect(start_10 + timedelta(minutes=11))
        )
        self.assertEqual(flag_10.ticket_count, 10)

        start_40 = T0 + timedelta(hours=6)
        self._tickets([m / 2 for m in range(24)], category=forty, start=start_40)
        self._tickets(range(0, 16, 2), category=noise[0], start=start_40)
        self._tickets(range(0, 16, 2), category=noise[1], start=start_40)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(count_10):
            flag_40 = self._detect(start_40 + timedelta(minutes=16))
        self.assertEqual(flag_40.ticket_count, 24)
        self.assertEqual(len(flag_40), 1)

    # --- security ----------------------------------------------------------------

    def test_lowest_operator_reads_but_cannot_dismiss(self):
        self._tickets(range(10))
        flag = self._detect(T0 + timedelta(minutes=11))
        as_own = flag.with_user(self.operator_own)
        self.assertEqual(as_own.state, "new")
        with self.assertRaises(AccessError):
            as_own.write({"dismiss_reason": "Не инцидент"})

    def test_portal_users_cannot_read_spikes(self):
        self._tickets(range(10))
        flag = self._detect(T0 + timedelta(minutes=11))
        with self.assertRaises(AccessError):
            self.Spike.with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            flag.with_user(self.portal_user).read(["state"])

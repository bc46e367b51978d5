# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

WAITING_STAGE = "etp_escalation.helpdesk_ticket_stage_waiting_external"
SENT_AT = datetime(2026, 3, 2, 10, 0)


@tagged("post_install", "-at_install", "is_query_count")
class TestExternalEscalation(EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.waiting_stage = cls.env.ref(WAITING_STAGE)
        cls.stage_in_progress = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )
        cls.eis = cls.env.ref("etp_incident.helpdesk_external_party_eis")
        cls.esia = cls.env.ref("etp_incident.helpdesk_external_party_esia")
        cls.Escalation = cls.env["helpdesk.external.escalation"]
        # the lowest operator role, member of the supplier desk
        cls.operator_own = new_test_user(
            cls.env,
            login="etp-operator-own-ext",
            name="Оператор поставщиков",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.team_supplier_l1.user_ids |= cls.operator_own
        cls.other_operator = new_test_user(
            cls.env,
            login="etp-operator-other-ext",
            name="Оператор заказчиков",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="etp-portal-ext",
            name="Олег Кузнецов (портал)",
            groups="base.group_portal",
        )

    def _contract_ticket(self):
        ticket = self._ticket(
            name="Контракт не отображается в реестре ЕИС",
            description="<p>Контракт по извещению 0373100000124000123 подписан, "
            "но в реестре контрактов ЕИС его нет.</p>",
            partner_id=self.contact_supplier.id,
            team_id=self.team_supplier_l1.id,
            user_id=self.operator_own.id,
        )
        ticket.stage_id = self.stage_in_progress
        return ticket

    def _escalation(self, ticket, party=None, **vals):
        return self.Escalation.with_user(self.operator_own).create(
            {
                "ticket_id": ticket.id,
                "party_id": (party or self.eis).id,
                "external_ref": "ЕИС-2026-118734",
                **vals,
            }
        )

    def test_seeded_parties(self):
        names = {
            self.env.ref(f"etp_incident.helpdesk_external_party_{xmlid}").name
            for xmlid in ("eis", "esia", "certification_centre")
        }
        self.assertEqual(
            names, {"ЕИС (zakupki.gov.ru)", "ЕСИА (Госуслуги)", "Удостоверяющий центр"}
        )

    def test_open_escalation_pauses_the_sla_and_the_answer_restores_it(self):
        ticket = self._contract_ticket()
        # the desks' SLA policies (etp_escalation) pause in the waiting stage
        running = ticket.ticket_sla_ids.filtered(lambda r: r.state == "in_progress")
        self.assertTrue(running)
        escalation = self._escalation(ticket)
        self.assertEqual(escalation.state, "draft")
        self.assertEqual(escalation.channel, "portal")  # the party's usual one
        self.assertEqual(ticket.stage_id, self.stage_in_progress)

        with freeze_time(SENT_AT):
            escalation.action_send()
        self.assertEqual(escalation.sent_at, SENT_AT)
        self.assertEqual(escalation.due_date, date(2026, 3, 7))  # 5 days for ЕИС
        self.assertEqual(escalation.previous_stage_id, self.stage_in_progress)
        self.assertEqual(ticket.stage_id, self.waiting_stage)
        self.assertEqual(set(running.mapped("state")), {"on_hold"})

        escalation.action_wait()
        self.assertEqual(ticket.stage_id, self.waiting_stage)

        escalation.answer = "Пакет документов загружен повторно, контракт в реестре."
        escalation.action_answer()
        self.assertEqual(escalation.state, "answered")
        self.assertTrue(escalation.answered_at)
        self.assertEqual(ticket.stage_id, self.stage_in_progress)
        self.assertEqual(set(running.mapped("state")), {"in_progress"})

    def test_ticket_waits_until_the_last_open_escalation(self):
        ticket = self._contract_ticket()
        to_eis = self._escalation(ticket)
        to_esia = self._escalation(ticket, party=self.esia, external_ref=False)
        (to_eis | to_esia).action_send()
        self.assertEqual(ticket.stage_id, self.waiting_stage)
        self.assertEqual(to_esia.previous_stage_id, self.stage_in_progress)
        to_eis.action_answer()
        self.assertEqual(ticket.stage_id, self.waiting_stage)
        self.assertIn("on_hold", ticket.ticket_sla_ids.mapped("state"))
        to_esia.action_close()
        self.assertEqual(ticket.stage_id, self.stage_in_progress)

    def test_created_open_pauses_at_once(self):
        ticket = self._contract_ticket()
        escalation = self._escalation(ticket, state="waiting")
        self.assertTrue(escalation.sent_at)
        self.assertEqual(ticket.stage_id, self.waiting_stage)

    def test_ticket_moved_by_hand_is_left_alone(self):
        ticket = self._contract_ticket()
        escalation = self._escalation(ticket)
        escalation.action_send()
        ticket.stage_id = self.stage_new
        escalation.action_answer()
        self.assertEqual(ticket.stage_id, self.stage_new)

    def test_reopen_pauses_again_from_the_current_stage(self):
        ticket = self._contract_ticket()
        escalation = self._escalation(ticket)
        escalation.action_send()
        escalation.action_answer()
        ticket.stage_id = self.stage_new
        escalation.action_reopen()
        self.assertEqual(escalation.state, "waiting")
        self.assertEqual(ticket.stage_id, self.waiting_stage)
        escalation.action_close()
        self.assertEqual(ticket.stage_id, self.stage_new)

    def test_closed_ticket_cannot_be_escalated(self):
        ticket = self._contract_ticket()
        ticket.stage_id = self.stage_done
        escalation = self._escalation(ticket)
        with self.assertRaisesRegex(UserError, "is closed"):
            escalation.action_send()
        self.assertEqual(escalation.state, "draft")
        self.assertEqual(ticket.stage_id, self.stage_done)

    def test_state_machine_and_deletion(self):
        ticket = self._contract_ticket()
        escalation = self._escalation(ticket)
        with self.assertRaisesRegex(UserError, "cannot become"):
            escalation.action_answer()
        escalation.action_send()
        manager_view = escalation.with_user(self.env.ref("base.user_admin"))
        with self.assertRaisesRegex(UserError, "still open"):
            manager_view.unlink()
        escalation.action_close()
        with self.assertRaisesRegex(UserError, "cannot become"):
            escalation.action_close()
        manager_view.unlink()
        self.assertFalse(escalation.exists())
        self.assertEqual(ticket.stage_id, self.stage_in_progress)

    def test_overdue_escalation_raises_one_activity(self):
        ticket = self._contract_ticket()
        escalation = self._escalation(ticket)
        with freeze_time(SENT_AT):
            escalation.action_send()
        todo = self.env.ref("mail.mail_activity_data_todo")
        with freeze_time(datetime(2026, 3, 7, 12, 0)):  # the due day itself
            self.assertFalse(self.Escalation._cron_notify_overdue())
            self.assertFalse(escalation.is_overdue)
        with freeze_time(datetime(2026, 3, 8, 9, 0)):
            escalation.invalidate_recordset(["is_overdue"])
            self.assertTrue(escalation.is_overdue)
            self.assertEqual(
                self.Escalation.search(
                    [("is_overdue", "=", True), ("id", "=", escalation.id)]
                ),
                escalation,
            )
            self.assertEqual(self.Escalation._cron_notify_overdue(), escalation)
            self.assertFalse(self.Escalation._cron_notify_overdue())
        activity = escalation.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, todo)
        self.assertEqual(activity.user_id, self.operator_own)
        self.assertIn("ЕИС", activity.summary)
        self.assertTrue(escalation.overdue_notified)

        # the same due date written again changes nothing; a new one arms it
        escalation.due_date = date(2026, 3, 7)
        self.assertTrue(escalation.overdue_notified)
        escalation.due_date = date(2026, 3, 10)
        self.assertFalse(escalation.overdue_notified)
        with freeze_time(datetime(2026, 3, 11, 9, 0)):
            self.assertEqual(self.Escalation._cron_notify_overdue(), escalation)
        self.assertEqual(len(escalation.activity_ids), 2)

    def _overdue_batch(self, count, day):
        escalations = self.Escalation
        for _index in range(count):
            escalations |= self._escalation(self._contract_ticket())
        with freeze_time(datetime(2026, 3, day)):
            escalations.action_send()
        self.env.flush_all()
        self.env.invalidate_all()
        return datetime(2026, 3, day + 10)

    def test_overdue_cron_query_count_does_not_grow(self):
        with freeze_time(self._overdue_batch(1, 1)):  # warm-up
            self.Escalation._cron_notify_overdue()
        moment = self._overdue_batch(2, 2)
        with self._count_queries() as two, freeze_time(moment):
            self.assertEqual(len(self.Escalation._cron_notify_overdue()), 2)
        moment = self._overdue_batch(8, 3)
        with self._count_queries(two.count) as eight, freeze_time(moment):
            self.assertEqual(len(self.Escalation._cron_notify_overdue()), 8)
        self.assertEqual(two.count, eight.count)

    def test_answered_escalation_is_never_overdue(self):
        escalation = self._escalation(self._contract_ticket())
        with freeze_time(SENT_AT):
            escalation.action_send()
        escalation.action_answer()
        with freeze_time(datetime(2026, 4, 1)):
            escalation.invalidate_recordset(["is_overdue"])
            self.assertFalse(escalation.is_overdue)
            self.assertFalse(self.Escalation._cron_notify_overdue())

    def test_ticket_lists_its_external_escalations(self):
        ticket = self._contract_ticket()
        escalation = self._escalation(ticket)
        self.assertEqual(ticket.external_escalation_count, 1)
        action = ticket.action_view_external_escalations()
        self.assertEqual(self.Escalation.search(action["domain"]), escalation)
        self.assertEqual(action["context"]["default_ticket_id"], ticket.id)

    def test_operators_see_escalations_of_the_tickets_they_see(self):
        escalation = self._escalation(self._contract_ticket())
        self.assertEqual(
            self.Escalation.with_user(self.other_operator).search(
                [("id", "=", escalation.id)]
            ),
            self.Escalation,
        )
        with self.assertRaises(AccessError):
            escalation.with_user(self.other_operator).read(["state"])
        self.assertEqual(
            escalation.with_user(self.operator).external_ref, "ЕИС-2026-118734"
        )

    def test_portal_users_cannot_read_external_escalations(self):
        escalation = self._escalation(self._contract_ticket())
        with self.assertRaises(AccessError):
            self.Escalation.with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            escalation.with_user(self.portal_user).read(["external_ref"])
        with self.assertRaises(AccessError):
            self.eis.with_user(self.portal_user).read(["name"])

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon


class TestEscalation(EtpHelpdeskCommon):
    def _wizard(self, ticket, direction="escalate"):
        action = (
            ticket.action_escalate()
            if direction == "escalate"
            else ticket.action_send_back()
        )
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    def test_escalation_follows_the_path_and_is_recorded(self):
        ticket = self._ticket(partner_id=self.contact_supplier.id)
        wizard = self._wizard(ticket)
        self.assertEqual(wizard.team_id, self.team_supplier_l2)
        wizard.reason = "Нужен доступ к журналу событий аукциона"
        wizard.tried = "Проверили сертификат и плагин"
        wizard.save().action_confirm()
        self.assertEqual(ticket.team_id, self.team_supplier_l2)
        self.assertEqual(ticket.support_line, "2")
        history = ticket.escalation_ids
        self.assertEqual(len(history), 1)
        self.assertRecordValues(
            history,
            [
                {
                    "from_team_id": self.team_supplier_l1.id,
                    "from_line": "1",
                    "to_team_id": self.team_supplier_l2.id,
                    "to_line": "2",
                    "kind": "manual",
                    "tried": "Проверили сертификат и плагин",
                    "user_id": self.env.user.id,
                }
            ],
        )

    def test_send_back_returns_to_the_previous_line(self):
        ticket = self._ticket(partner_id=self.contact_customer.id)
        ticket._etp_move_to_team(self.team_customer_l2, "Сложный случай")
        wizard = self._wizard(ticket, "return")
        self.assertEqual(wizard.team_id, self.team_customer_l1)
        wizard.reason = "Типовой вопрос, ответ в базе знаний"
        wizard.save().action_confirm()
        self.assertEqual(ticket.team_id, self.team_customer_l1)
        self.assertEqual(ticket.escalation_ids[0].kind, "return")

    def test_reason_is_required(self):
        ticket = self._ticket(partner_id=self.contact_customer.id)
        with self.assertRaises(UserError):
            ticket._etp_move_to_team(self.team_customer_l2, "  ")
        self.assertEqual(ticket.team_id, self.team_customer_l1)
        self.assertFalse(ticket.escalation_ids)

    def test_team_cannot_escalate_to_itself(self):
        with self.assertRaises(ValidationError):
            self.team_l3.escalation_team_id = self.team_l3

    def test_a_batch_of_moves_is_recorded_ticket_by_ticket(self):
        """Tickets of both audiences escalated in one batch: each to its own
        next line, each with its history row and its chatter note; a ticket
        whose stage belongs to its old team only takes the first stage of
        the new one."""
        triage = self.env["helpdesk.ticket.stage"].create(
            {
                "name": "Разбор на 1 линии",
                "sequence": 2,
                "team_ids": [(6, 0, self.team_customer_l1.ids)],
            }
        )
        customer = self._ticket(partner_id=self.contact_customer.id)
        customer.stage_id = triage
        supplier = self._ticket(partner_id=self.contact_supplier.id)
        self.env["helpdesk.ticket"]._etp_move_to_teams(
            [
                (customer, self.team_customer_l2, "Нужен анализ протокола"),
                (supplier, self.team_supplier_l2, "Нужен журнал аукциона"),
            ],
            kind="sla_breach",
        )
        self.assertEqual(customer.team_id, self.team_customer_l2)
        self.assertEqual(supplier.team_id, self.team_supplier_l2)
        self.assertEqual(
            customer.stage_id, self.team_customer_l2._get_applicable_stages()[:1]
        )
        self.assertNotEqual(customer.stage_id, triage)
        for ticket, reason in (
            (customer, "Нужен анализ протокола"),
            (supplier, "Нужен журнал аукциона"),
        ):
            self.assertRecordValues(
                ticket.escalation_ids, [{"kind": "sla_breach", "reason": reason}]
            )
            notes = ticket.message_ids.filtered(lambda m, r=reason: r in str(m.body))
            self.assertEqual(len(notes), 1)
            self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))

    def test_nothing_moves_when_one_move_of_the_batch_is_wrong(self):
        first = self._ticket(partner_id=self.contact_customer.id)
        second = self._ticket(partner_id=self.contact_customer.id)
        with self.assertRaises(UserError):
            self.env["helpdesk.ticket"]._etp_move_to_teams(
                [
                    (first, self.team_customer_l2, "Сложный случай"),
                    (second, self.team_customer_l1, "Уже на месте"),
                ]
            )
        self.assertEqual((first | second).team_id, self.team_customer_l1)
        self.assertFalse((first | second).escalation_ids)

    def test_history_rows_are_stored_as_create_would(self):
        """The moves' history is written in one INSERT (``_etp_insert``):
        the same values as the ORM's create, the ticket's audience and
        company included, and every stored field of the model is written."""
        ticket = self._ticket(partner_id=self.contact_supplier.id)
        history = ticket._etp_move_to_team(
            self.team_supplier_l2, "Нужен журнал аукциона", tried="Перезапуск"
        )
        self.assertEqual(ticket.escalation_ids, history)
        self.assertEqual(ticket.escalation_count, 1)
        self.assertRecordValues(
            history,
            [
                {
                    "ticket_id": ticket.id,
                    "from_team_id": self.team_supplier_l1.id,
                    "from_line": "1",
                    "to_team_id": self.team_supplier_l2.id,
                    "to_line": "2",
                    "kind": "manual",
                    "reason": "Нужен журнал аукциона",
                    "tried": "Перезапуск",
                    "user_id": self.env.user.id,
                    "audience": "supplier",
                    "company_id": ticket.company_id.id,
                    "create_uid": self.env.user.id,
                }
            ],
        )
        Escalation = self.env["helpdesk.ticket.escalation"]
        stored = {
            name
            for name, field in Escalation._fields.items()
            if field.store
            and field.column_type
            and name not in models.LOG_ACCESS_COLUMNS
        } - {"id"}
        self.assertEqual(
            stored,
            set(Escalation._ETP_INSERTED),
            "a stored field of the escalation history that _etp_insert does not write",
        )

    def test_history_insert_checks_access(self):
        portal = new_test_user(
            self.env, login="etp-escalation-portal", groups="base.group_portal"
        )
        ticket = self._ticket(partner_id=self.contact_supplier.id)
        with self.assertRaises(AccessError):
            self.env["helpdesk.ticket.escalation"].with_user(portal)._etp_insert(
                [
                    {
                        "ticket_id": ticket.id,
                        "to_team_id": self.team_supplier_l2.id,
                        "reason": "Чужая эскалация",
                    }
                ]
            )
        self.assertFalse(ticket.escalation_ids)

    def test_batch_notes_have_their_own_message_id(self):
        """The notes of a batch move each get a Message-Id of their own: the
        mail gateway's duplicate check looks emails up by Message-Id."""
        first = self._ticket(partner_id=self.contact_customer.id)
        second = self._ticket(partner_id=self.contact_customer.id)
        notes = (first | second)._etp_log_notes(
            {first.id: Markup("<p>Первая</p>"), second.id: Markup("<p>Вторая</p>")}
        )
        self.assertEqual(notes.mapped("res_id"), [first.id, second.id])
        self.assertEqual(len(set(notes.mapped("message_id"))), 2)

"""Story: a customer has to correct a protocol that is already signed.

A contracting officer of a hospital asks how to correct an error in the
summary protocol she has signed. The request lands with customers' line 1,
which escalates it to customers' line 2 with the reason and what was tried;
line 2 solves it. The ticket's history shows both steps, and the suppliers'
line 1 never sees the ticket.
"""

from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

# 10 March 2026 in Moscow time (UTC+3); Odoo stores naive UTC
ASKED = "2026-03-10 07:12:00"  # 10:12 MSK
ESCALATED = "2026-03-10 07:31:00"  # 10:31 MSK
SOLVED = "2026-03-10 09:05:00"  # 12:05 MSK


class TestStoryProtocolCorrection(EtpHelpdeskCommon):
    @classmethod
    def default_env_context(cls):
        # the chatter as in production: tracking, creation log, followers
        return {"no_reset_password": True}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.line1 = new_test_user(
            cls.env,
            login="story-customer-l1",
            name="Анна Волкова",
            groups="etp_escalation.group_etp_line1_customer",
        )
        cls.line2 = new_test_user(
            cls.env,
            login="story-customer-l2",
            name="Елена Морозова",
            groups="etp_escalation.group_etp_line2_customer",
        )
        cls.supplier_line1 = new_test_user(
            cls.env,
            login="story-supplier-l1",
            name="Дмитрий Соколов",
            groups="etp_escalation.group_etp_line1_supplier",
        )
        cls.team_customer_l1.user_ids = [(4, cls.line1.id)]
        cls.team_customer_l2.user_ids = [(4, cls.line2.id)]
        cls.team_supplier_l1.user_ids = [(4, cls.supplier_line1.id)]

    def _flush_tracking(self):
        """Log the pending field tracking now, as a commit would."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_line1_escalates_line2_solves(self):
        # 1. The customer asks; the ticket lands with customers' line 1
        with freeze_time(ASKED):
            ticket = self.env["helpdesk.ticket"].create(
                {
                    "name": "Как исправить протокол после подписания?",
                    "partner_id": self.contact_customer.id,
                    "description": "<p>Здравствуйте! Вчера подписали протокол "
                    "подведения итогов по извещению 0373100000124000456 и "
                    "заметили ошибку в протоколе: неверно указан ИНН "
                    "победителя. Как внести исправление?</p>",
                }
            )
        self.assertRecordValues(
            ticket,
            [
                {
                    "audience": "customer",
                    "team_id": self.team_customer_l1.id,
                    "support_line": "1",
                    "procedure_number": "0373100000124000456",
                    "category_id": self.env.ref(
                        "etp_helpdesk.helpdesk_ticket_category_documents_correction"
                    ).id,
                }
            ],
        )
        as_line1 = ticket.with_user(self.line1)
        self.assertEqual(as_line1.read(["name"])[0]["id"], ticket.id)

        # 2. Line 1 escalates it to customers' line 2 with a reason
        with freeze_time(ESCALATED):
            action = as_line1.action_escalate()
            wizard = Form(
                self.env[action["res_model"]]
                .with_user(self.line1)
                .with_context(**action["context"])
            )
            self.assertEqual(wizard.team_id, self.team_customer_l2)
            wizard.reason = (
                "Протокол уже подписан: исправление возможно только через "
                "аннулирование и новый протокол, нужен доступ 2 линии"
            )
            wizard.tried = "Дали ссылку на инструкцию по протоколам"
            wizard.save().action_confirm()
            self._flush_tracking()
        self.assertEqual(ticket.team_id, self.team_customer_l2)
        self.assertEqual(ticket.support_line, "2")

        # 3. Line 2 solves it
        as_line2 = ticket.with_user(self.line2)
        with freeze_time(SOLVED):
            as_line2.message_post(
                body="Сформировали новый протокол с исправленным ИНН; "
                "прежний аннулирован, изменения размещены в ЕИС.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            as_line2.stage_id = self.stage_done
            self._flush_tracking()
        self.assertEqual(ticket.stage_id, self.stage_done)
        self.assertTrue(ticket.closed)

        # 4. The history shows both steps: the escalation from line 1 to
        # line 2 with its reason, and the solving by line 2, in this order
        self.assertRecordValues(
            ticket.escalation_ids,
            [
                {
                    "from_team_id": self.team_customer_l1.id,
                    "from_line": "1",
                    "to_team_id": self.team_customer_l2.id,
                    "to_line": "2",
                    "kind": "manual",
                    "user_id": self.line1.id,
                    "reason": wizard.reason,
                    "tried": "Дали ссылку на инструкцию по протоколам",
                }
            ],
        )
        messages = ticket.message_ids.sorted(lambda m: (m.date, m.id))
        stage_field = self.env["ir.model.fields"]._get("helpdesk.ticket", "stage_id")
        escalated = messages.filtered(
            lambda m: m.author_id == self.line1.partner_id and wizard.reason in m.body
        )
        solved = messages.filtered(
            lambda m: m.tracking_value_ids.filtered(
                lambda v: v.field_id == stage_field
                and v.new_value_integer == self.stage_done.id
            )
        )
        self.assertEqual(len(escalated), 1)
        self.assertEqual(len(solved), 1)
        self.assertEqual(escalated.date, datetime.fromisoformat(ESCALATED))
        self.assertEqual(solved.author_id, self.line2.partner_id)
        self.assertEqual(solved.date, datetime.fromisoformat(SOLVED))
        self.assertLess(escalated.date, solved.date)
        # line 2 reads that history itself
        self.assertEqual(
            self.env["helpdesk.ticket.escalation"]
            .with_user(self.line2)
            .search([("ticket_id", "=", ticket.id)])
            .reason,
            wizard.reason,
        )

        # 5. The suppliers' line 1 cannot read the ticket nor its history
        with self.assertRaises(AccessError):
            ticket.with_user(self.supplier_line1).read(["name"])
        with self.assertRaises(AccessError):
            ticket.escalation_ids.with_user(self.supplier_line1).read(["reason"])
        self.assertFalse(
            self.env["helpdesk.ticket"]
            .with_user(self.supplier_line1)
            .search_count([("procedure_number", "=", "0373100000124000456")])
        )

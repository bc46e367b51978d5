# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The line rules' common set-up: one operator per line and audience, a
supervisor, and a ticket in every place a ticket can be."""

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon


class EtpSecurityCommon(EtpHelpdeskCommon):
    """One operator per line and audience, a supervisor, and a ticket in
    every place a ticket can be: each line and audience, with line 3 and
    back, and unsorted (no audience yet)."""

    @classmethod
    def default_env_context(cls):
        # followers as in production (who posts a comment follows the
        # ticket, and followers read it through helpdesk_mgmt's rule), but
        # no field tracking
        return {"no_reset_password": True, "mail_notrack": True}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, group):
            return new_test_user(cls.env, login=login, groups=f"etp_escalation.{group}")

        cls.op_customer_l1 = user("etp-c1", "group_etp_line1_customer")
        cls.op_supplier_l1 = user("etp-s1", "group_etp_line1_supplier")
        cls.op_customer_l2 = user("etp-c2", "group_etp_line2_customer")
        cls.op_supplier_l2 = user("etp-s2", "group_etp_line2_supplier")
        cls.engineer_l3 = user("etp-e3", "group_etp_line3")
        cls.supervisor = user("etp-sv", "group_etp_supervisor")

        customer = cls.contact_customer.id
        supplier = cls.contact_supplier.id
        cls.t_customer_l1 = cls._ticket(
            name="Не приходят уведомления о заявках", partner_id=customer
        )
        cls.t_supplier_l1 = cls._ticket(
            name="Не отображается процедура", partner_id=supplier
        )
        cls.t_customer_l2 = cls._ticket(
            name="Расхождение в журнале событий",
            partner_id=customer,
            team_id=cls.team_customer_l2.id,
        )
        cls.t_supplier_l2 = cls._ticket(
            name="Заблокирован счёт для обеспечения",
            partner_id=supplier,
            team_id=cls.team_supplier_l2.id,
        )
        # customer ticket now with line 3
        cls.t_customer_l3 = cls._ticket(
            name="Ошибка интеграции с ЕИС",
            partner_id=customer,
            team_id=cls.team_customer_l2.id,
        )
        cls.t_customer_l3._etp_move_to_team(cls.team_l3, "Нужен разбор логов")
        # customer ticket that went to line 3 and came back to line 2
        cls.t_returned = cls._ticket(
            name="Не формируется протокол",
            partner_id=customer,
            team_id=cls.team_customer_l2.id,
        )
        cls.t_returned._etp_move_to_team(cls.team_l3, "Подозрение на сбой")
        cls.t_returned._etp_move_to_team(
            cls.team_customer_l2, "Сбоя нет, нужна консультация", kind="return"
        )
        # supplier ticket put straight on line 3, never escalated
        cls.t_supplier_l3 = cls._ticket(
            name="Ошибка API площадки",
            partner_id=supplier,
            team_id=cls.team_l3.id,
        )
        # nobody knows the audience yet: no team, or on a line-1 desk
        cls.t_unsorted = cls._ticket(name="Помогите, пожалуйста")
        cls.t_unsorted_l1 = cls._ticket(
            name="Вопрос по площадке", team_id=cls.team_customer_l1.id
        )
        cls.t_unsorted_l1.audience = False

        cls.all_tickets = (
            cls.t_customer_l1
            | cls.t_supplier_l1
            | cls.t_customer_l2
            | cls.t_supplier_l2
            | cls.t_customer_l3
            | cls.t_returned
            | cls.t_supplier_l3
            | cls.t_unsorted
            | cls.t_unsorted_l1
        )
        unsorted = cls.t_unsorted | cls.t_unsorted_l1
        cls.visible = {
            cls.op_customer_l1: cls.t_customer_l1 | unsorted,
            cls.op_supplier_l1: cls.t_supplier_l1 | unsorted,
            cls.op_customer_l2: cls.t_customer_l1
            | cls.t_customer_l2
            | cls.t_returned
            | unsorted,
            cls.op_supplier_l2: cls.t_supplier_l1 | cls.t_supplier_l2 | unsorted,
            cls.engineer_l3: cls.t_customer_l3 | cls.t_returned | cls.t_supplier_l3,
            cls.supervisor: cls.all_tickets,
        }

    def assertCannotWrite(self, ticket, user):
        """``user`` can change neither the assignee, nor the priority, nor the
        stage of ``ticket``; nothing changes."""
        before = ticket.read(["user_id", "priority", "stage_id"])[0]
        stage = (
            self.stage_done if ticket.stage_id != self.stage_done else self.stage_new
        )
        for field, value in (
            ("user_id", user.id),
            ("priority", "3" if ticket.priority != "3" else "0"),
            ("stage_id", stage.id),
        ):
            with self.subTest(user=user.login, field=field):
                with self.assertRaises(AccessError):
                    ticket.with_user(user).write({field: value})
        ticket.invalidate_recordset()
        self.assertEqual(ticket.read(["user_id", "priority", "stage_id"])[0], before)

    def _escalate(self, ticket, user, reason, tried=None):
        """Escalate ``ticket`` as ``user`` through the Escalate wizard."""
        action = ticket.with_user(user).action_escalate()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )
        wizard.reason = reason
        if tried:
            wizard.tried = tried
        return wizard.save().action_confirm()

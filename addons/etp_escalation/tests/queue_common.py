# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The queue tests' common set-up (shared with the dashboard tests)."""

from odoo import Command
from odoo.tests import new_test_user

from .sla_common import EtpSlaCommon


class EtpQueueCommon(EtpSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a line-1 customer operator working on the customers' line-1 desk
        cls.op_l1 = new_test_user(
            cls.env,
            login="etp-queue-l1",
            name="Анна Лебедева",
            groups="etp_escalation.group_etp_line1_customer",
        )
        # a line-2 customer operator: sees line 1 too, works on line 2
        cls.op_l2 = new_test_user(
            cls.env,
            login="etp-queue-l2",
            name="Дмитрий Орлов",
            groups="etp_escalation.group_etp_line2_customer",
        )
        cls.supervisor = new_test_user(
            cls.env,
            login="etp-queue-supervisor",
            name="Супервизор смены",
            groups="etp_escalation.group_etp_supervisor",
        )
        cls.team_customer_l1.user_ids = [Command.link(cls.op_l1.id)]
        cls.team_customer_l2.user_ids = [Command.link(cls.op_l2.id)]

    def _reply(self, tickets, user):
        for ticket in tickets:
            ticket.with_user(user).message_post(
                body="Ответ оператора",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

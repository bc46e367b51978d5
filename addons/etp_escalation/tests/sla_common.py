# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The SLA tests' common set-up: T0, the policies, a 24/7 desk, an operator
(shared by the SLA, queue, priority, cron, stage and adoption tests)."""

from datetime import datetime

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

# 24.11.2026 02:10 MSK
T0 = datetime(2026, 11, 23, 23, 10)


class EtpSlaCommon(EtpHelpdeskCommon):
    """Policies, a 24/7 desk with a leader, the waiting stages, an operator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.env["helpdesk.sla"].search([]).write({"active": False})
        cls.calendar = ref("etp_escalation.resource_calendar_24_7")
        cls.stage_in_progress = ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.stage_wait_requester = ref(
            "etp_escalation.helpdesk_ticket_stage_waiting_requester"
        )
        cls.stage_wait_external = ref(
            "etp_escalation.helpdesk_ticket_stage_waiting_external"
        )
        cls.teams = (
            cls.team_customer_l1
            | cls.team_supplier_l1
            | cls.team_customer_l2
            | cls.team_supplier_l2
            | cls.team_l3
        )
        cls.teams.write(
            {"use_sla": True, "resource_calendar_id": cls.calendar.id, "user_id": False}
        )
        cls.leader = new_test_user(
            cls.env,
            login="etp-sla-leader",
            name="Руководитель 1 линии",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.operator_own = new_test_user(
            cls.env,
            login="etp-sla-operator",
            name="Оператор заказчиков",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        (cls.team_customer_l1 | cls.team_supplier_l1).write(
            {
                "user_id": cls.leader.id,
                "user_ids": [Command.link(cls.operator_own.id)],
            }
        )
        cls.category_signature = ref(
            "etp_helpdesk.helpdesk_ticket_category_access_signature"
        )
        paused = [Command.set((cls.stage_wait_requester | cls.stage_wait_external).ids)]
        Policy = cls.env["helpdesk.sla"]
        common = {"stage_id": cls.stage_done.id, "ignore_stage_ids": paused}
        cls.policy_base = Policy.create(
            dict(
                common,
                name="Базовая: ответ 1 ч, решение 8 ч",
                first_response_time=1,
                resolution_time=8,
            )
        )
        cls.policy_customer_l1 = Policy.create(
            dict(
                common,
                name="Заказчики, 1 линия: ответ 15 мин, решение 2 ч",
                audience="customer",
                support_line="1",
                first_response_time=0.25,
                resolution_time=2,
            )
        )
        cls.policy_supplier_l1 = Policy.create(
            dict(
                common,
                name="Поставщики, 1 линия: ответ 15 мин, решение 2 ч",
                audience="supplier",
                support_line="1",
                first_response_time=0.25,
                resolution_time=2,
            )
        )
        cls.policy_urgent = Policy.create(
            dict(
                common,
                name="Срочно (аукцион): ответ 5 мин, решение 30 мин",
                priority="3",
                first_response_time=5 / 60,
                resolution_time=0.5,
            )
        )
        cls.policy_signature = Policy.create(
            dict(
                common,
                name="Электронная подпись: ответ 15 мин, решение 1 ч",
                category_ids=[Command.set(cls.category_signature.ids)],
                first_response_time=0.25,
                resolution_time=1,
            )
        )

    def _customer_ticket(self, **vals):
        vals.setdefault("partner_id", self.contact_customer.id)
        return self._ticket(**vals)

    def _supplier_ticket(self, **vals):
        vals.setdefault("partner_id", self.contact_supplier.id)
        return self._ticket(**vals)

    @staticmethod
    def _row(ticket, kind):
        return ticket.ticket_sla_ids.filtered(lambda r: r.target_kind == kind).sorted(
            "id"
        )[-1:]

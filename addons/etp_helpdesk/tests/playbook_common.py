# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The playbook tests' shared case: categories with their playbooks and
the operators who work them (test_playbook*.py)."""

from odoo import Command
from odoo.tests import new_test_user

from .common import EtpHelpdeskCommon


class PlaybookCase(EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.cat_login = ref("etp_helpdesk.helpdesk_ticket_category_access_login")
        cls.cat_signature = ref(
            "etp_helpdesk.helpdesk_ticket_category_access_signature"
        )
        cls.cat_find_signed = ref(
            "etp_helpdesk.helpdesk_ticket_category_contracts_find_signed"
        )
        cls.cat_price_offers = ref(
            "etp_helpdesk.helpdesk_ticket_category_applications_price_offers"
        )
        # A playbook of our own: a parent step shared by two subcategories.
        Category = cls.env["helpdesk.ticket.category"]
        cls.cat_parent = Category.create(
            {
                "name": "Тестовый раздел",
                "playbook_step_ids": [
                    Command.create({"name": "Представиться", "sequence": 1})
                ],
            }
        )
        cls.cat_a = Category.create(
            {
                "name": "Тест А",
                "parent_id": cls.cat_parent.id,
                "playbook_step_ids": [
                    Command.create(
                        {"name": "Шаг А2", "sequence": 20, "description": "Второй"}
                    ),
                    Command.create(
                        {"name": "Шаг А1", "sequence": 10, "description": "Первый"}
                    ),
                ],
            }
        )
        cls.cat_b = Category.create(
            {
                "name": "Тест Б",
                "parent_id": cls.cat_parent.id,
                "playbook_step_ids": [Command.create({"name": "Шаг Б1"})],
            }
        )
        cls.step_parent = cls.cat_parent.playbook_step_ids
        cls.own_operator = new_test_user(
            cls.env,
            login="etp-operator-own",
            name="Оператор, свои обращения",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.team_customer_l1.user_ids = [Command.link(cls.own_operator.id)]
        cls.manager = new_test_user(
            cls.env,
            login="etp-manager",
            name="Руководитель поддержки",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )

    def _steps(self, ticket):
        return ticket.checklist_ids.sorted(lambda line: (line.sequence, line.id))

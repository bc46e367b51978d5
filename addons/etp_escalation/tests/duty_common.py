# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The duty tests' common set-up: the night of Monday 9 to Tuesday 10 March
2026, the operators on duty and the roster."""

from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.etp_escalation.lib import duty
from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

# Tuesday 10 March 2026, 02:10 МСК = Monday 9 March, 23:10 UTC
NIGHT = "2026-03-09 23:10:00"
# Tuesday 10 March 2026, 12:00 МСК
NOON = "2026-03-10 09:00:00"
MONDAY = date(2026, 3, 9)
TUESDAY = date(2026, 3, 10)


class DutyCommon(EtpHelpdeskCommon):
    """Supplier line 1 with a day and two night operators, customer lines 1
    and 2, a supervisor who leads the desks, and a roster around the night
    of Monday 9 to Tuesday 10 March 2026 (Moscow time)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, name, group):
            return new_test_user(
                cls.env,
                login=login,
                name=name,
                tz="Europe/Moscow",
                groups=f"etp_escalation.{group}",
            )

        cls.op_day = user("duty-s1-day", "Мария Дневная", "group_etp_line1_supplier")
        cls.op_night = user("duty-s1-night", "Пётр Ночной", "group_etp_line1_supplier")
        cls.op_night_2 = user(
            "duty-s1-night2", "Павел Полуночный", "group_etp_line1_supplier"
        )
        cls.op_customer_l1 = user(
            "duty-c1", "Анна Заказчикова", "group_etp_line1_customer"
        )
        cls.op_customer_l2_a = user(
            "duty-c2a", "Елена Вторая", "group_etp_line2_customer"
        )
        cls.op_customer_l2_b = user(
            "duty-c2b", "Сергей Второй", "group_etp_line2_customer"
        )
        cls.supervisor = user("duty-sv", "Ольга Старшая", "group_etp_supervisor")
        cls.team_supplier_l1.write(
            {
                "duty_enabled": True,
                "user_id": cls.supervisor.id,
                "user_ids": [
                    Command.link(u.id)
                    for u in (cls.op_day, cls.op_night, cls.op_night_2)
                ],
            }
        )
        cls.team_customer_l1.write(
            {
                "duty_enabled": True,
                "user_id": cls.supervisor.id,
                "user_ids": [Command.link(cls.op_customer_l1.id)],
            }
        )
        cls.team_customer_l2.write(
            {
                "duty_enabled": True,
                "assignment_method": "least_loaded",
                "user_id": cls.supervisor.id,
                "user_ids": [
                    Command.link(cls.op_customer_l2_a.id),
                    Command.link(cls.op_customer_l2_b.id),
                ],
            }
        )
        Shift = cls.env["helpdesk.duty.shift"]
        cls.Shift = Shift
        cls.day_shifts = Shift.create(
            [
                cls._shift_vals(cls.op_day, cls.team_supplier_l1, day, "08:00", "20:00")
                for day in (MONDAY, TUESDAY)
            ]
        )
        cls.night_shift = Shift.create(
            cls._shift_vals(
                cls.op_night, cls.team_supplier_l1, MONDAY, "20:00", "08:00"
            )
        )
        cls.customer_shifts = Shift.create(
            [
                cls._shift_vals(user, team, day, start, end)
                for user, team in (
                    (cls.op_customer_l1, cls.team_customer_l1),
                    (cls.op_customer_l2_a, cls.team_customer_l2),
                    (cls.op_customer_l2_b, cls.team_customer_l2),
                )
                for day, start, end in (
                    (MONDAY, "08:00", "20:00"),
                    (MONDAY, "20:00", "08:00"),
                )
            ]
        )

    @classmethod
    def _shift_vals(cls, user, team, day, start, end):
        date_start, date_end = duty.shift_bounds(day, start, end)
        return {
            "user_id": user.id,
            "team_id": team.id,
            "date_start": date_start,
            "date_end": date_end,
        }

    def _supplier_ticket(self, **vals):
        vals.setdefault("name", "Не могу подать ценовое предложение")
        vals.setdefault("partner_id", self.contact_supplier.id)
        return self._ticket(**vals)

    def _leader_activities(self, tickets):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("user_id", "=", self.supervisor.id),
            ]
        )

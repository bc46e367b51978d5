# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tickets that were open before the addon came, and tickets no desk holds.

etp_helpdesk's tickets (the demo's among them) are created before this addon
is installed: its install hook gives them what a new ticket gets.
"""

from datetime import timedelta

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.etp_escalation import post_init_hook

from .sla_common import T0, EtpSlaCommon


class TestOpenTicketsAtInstall(EtpSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.night_operator = new_test_user(
            cls.env,
            login="etp-adopt-night",
            name="Дмитрий Ночной",
            groups="etp_escalation.group_etp_line1_supplier",
        )
        cls.team_supplier_l1.write(
            {
                "user_ids": [Command.link(cls.night_operator.id)],
                "assignment_method": "round_robin",
            }
        )

    def _before_install(self):
        """Tickets of the desks as etp_helpdesk alone made them: no targets,
        nobody assigned by the roster, the priority a person gave."""
        self.teams.write({"use_sla": False, "duty_enabled": False})
        with self._at(T0 - timedelta(hours=3)):
            answered = self._customer_ticket(name="Не могу войти в личный кабинет")
        with self._at(T0 - timedelta(hours=2)):
            answered.with_user(self.operator_own).message_post(
                body="Проверьте, пожалуйста, раскладку клавиатуры.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        with self._at(T0 - timedelta(minutes=2)):
            auction = self._supplier_ticket(
                name="Не могу подать ценовое предложение",
                procedure_deadline=T0 + timedelta(minutes=10),
                procedure_deadline_kind="auction",
            )
            unsorted = self._ticket(
                name="Реорганизация: как перенести аккредитацию?",
                partner_name="Мария Орлова",
                partner_email="orlova@example.ru",
            )
            solved = self._customer_ticket(name="Где найти протокол?")
            solved.stage_id = self.stage_done
        tickets = answered | auction | unsorted | solved
        # what this addon's own create() and reply hook added
        auction.with_context(etp_auto_priority=True).priority = "1"
        tickets.ticket_sla_ids.unlink()
        tickets.write({"priority_manual": False, "first_response_date": False})
        tickets.flush_recordset()
        self.assertFalse(tickets.user_id)
        # the addon arrives: 24/7 desks with SLA, the roster of the night
        self.teams.write({"use_sla": True})
        self.team_supplier_l1.duty_enabled = True
        self.env["helpdesk.duty.shift"].create(
            {
                "user_id": self.night_operator.id,
                "team_id": self.team_supplier_l1.id,
                "date_start": T0 - timedelta(hours=3),
                "date_end": T0 + timedelta(hours=9),
            }
        )
        return answered, auction, unsorted, solved

    def test_open_tickets_get_what_a_new_ticket_gets(self):
        answered, auction, unsorted, solved = self._before_install()
        with self._at(T0, flush=True):
            post_init_hook(self.env)

        # the night auction: raised to «very high», assigned, on the clock
        self.assertEqual(auction.priority, "3")
        self.assertEqual(auction.priority_manual, "1")
        self.assertEqual(auction.user_id, self.night_operator)
        self.assertEqual(auction.ticket_sla_ids.sla_id, self.policy_urgent)
        self.assertEqual(
            self._row(auction, "first_response").deadline,
            T0 + timedelta(minutes=5),
        )
        # the resolution target never ends after the auction's window
        self.assertEqual(
            self._row(auction, "resolution").deadline, T0 + timedelta(minutes=10)
        )
        with self._at(T0):
            auction.invalidate_recordset()
            self.assertEqual(
                auction.with_context(lang="ru_RU").sla_time_left, "осталось 5 мин"
            )
        self.assertTrue(
            auction.message_ids.filtered(
                lambda m: "Priority set to" in str(m.body) or "Приоритет" in str(m.body)
            )
        )

        # the clock of an old ticket starts now (it would breach at once from
        # its creation); its first response was already given
        self.assertEqual(answered.first_response_date, T0 - timedelta(hours=2))
        self.assertEqual(self._row(answered, "first_response").state, "accomplished")
        resolution = self._row(answered, "resolution")
        self.assertEqual(resolution.state, "in_progress")
        self.assertEqual(resolution.deadline, T0 + timedelta(hours=2))

        # nobody knows the audience yet: no desk, yet the clock runs (line 1)
        self.assertFalse(unsorted.team_id)
        self.assertEqual(unsorted.ticket_sla_ids.sla_id, self.policy_base)
        self.assertEqual(
            self._row(unsorted, "first_response").deadline, T0 + timedelta(hours=1)
        )
        self.assertFalse(solved.ticket_sla_ids)

    def test_adoption_is_idempotent(self):
        __, auction, __, __ = self._before_install()
        with self._at(T0, flush=True):
            post_init_hook(self.env)
        rows = auction.ticket_sla_ids
        messages = auction.message_ids
        with self._at(T0 + timedelta(minutes=1), flush=True):
            self.env["helpdesk.ticket"]._etp_adopt_open_tickets()
        self.assertEqual(auction.ticket_sla_ids, rows)
        self.assertEqual(auction.message_ids, messages)
        self.assertEqual(auction.user_id, self.night_operator)


class TestUnsortedTickets(EtpSlaCommon):
    def test_unsorted_ticket_counts_as_line_1(self):
        with self._at(T0):
            ticket = self._ticket(partner_name="Мария Орлова")
        self.assertFalse(ticket.team_id)
        self.assertEqual(ticket.ticket_sla_ids.sla_id, self.policy_base)
        self.assertEqual(
            ticket.sla_deadline_display,
            f"{(T0 + timedelta(hours=4)).strftime('%d.%m.%Y %H:%M')} MSK",
        )
        # sorted into the customers' desk: the desk's policy takes over
        with self._at(T0 + timedelta(minutes=20)):
            ticket.audience = "customer"
            ticket.team_id = self.team_customer_l1
        self.assertEqual(ticket.ticket_sla_ids.sla_id, self.policy_customer_l1)

    def test_no_clock_when_line_1_counts_no_sla(self):
        (self.team_customer_l1 | self.team_supplier_l1).use_sla = False
        ticket = self._ticket(partner_name="Мария Орлова")
        self.assertFalse(ticket.ticket_sla_ids)

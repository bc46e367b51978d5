# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from odoo.exceptions import ValidationError

from .common import EtpHelpdeskCommon


class TestIntake(EtpHelpdeskCommon):
    def test_audience_from_team_of_the_channel(self):
        ticket = self._ticket(team_id=self.team_supplier_l1.id)
        self.assertEqual(ticket.audience, "supplier")

    def test_explicit_audience_wins_over_partner_role(self):
        ticket = self._ticket(audience="customer", partner_id=self.contact_supplier.id)
        self.assertEqual(ticket.audience, "customer")
        self.assertEqual(ticket.team_id, self.team_customer_l1)

    def test_audience_from_partner_role_lands_in_line_1(self):
        ticket = self._ticket(partner_id=self.contact_supplier.id)
        self.assertEqual(ticket.audience, "supplier")
        self.assertEqual(ticket.team_id, self.team_supplier_l1)
        self.assertEqual(ticket.stage_id, self.stage_new)
        self.assertEqual(ticket.requester_tz, "Asia/Vladivostok")

    def test_unknown_audience_is_left_for_the_operator(self):
        stranger = self.env["res.partner"].create({"name": "Неизвестный"})
        ticket = self._ticket(partner_id=stranger.id)
        self.assertFalse(ticket.audience)
        self.assertFalse(ticket.team_id)
        unknown = self.env["helpdesk.ticket"].search([("audience", "=", False)])
        self.assertIn(ticket, unknown)

    def test_notice_number_and_inn_extracted_from_text(self):
        ticket = self._ticket(
            name="Не могу подать заявку",
            description="<p>Извещение № 0373100000124000456, ИНН 7736050003, "
            "тел. +7 (495) 123-45-67</p>",
        )
        self.assertEqual(ticket.procedure_number, "0373100000124000456")
        self.assertEqual(ticket.procedure_kind, "eis_44")
        # the organisation of the INN is suggested, not linked; its
        # procurement role still routes the ticket
        self.assertFalse(ticket.partner_id)
        self.assertRecordValues(
            ticket,
            [
                {
                    "suggested_partner_id": self.org_supplier.id,
                    "suggestion_source": "inn",
                    "suggestion_hint": "7736050003",
                    "audience": "supplier",
                }
            ],
        )

    def test_procedure_kind(self):
        ticket = self._ticket(procedure_number="32312345678")
        self.assertEqual(ticket.procedure_kind, "eis_223")
        ticket.procedure_number = "ЭА-2026-117"
        self.assertEqual(ticket.procedure_kind, "platform")
        with self.assertRaises(ValidationError):
            ticket.procedure_number = "12345678901"

    def test_deadline_shown_in_moscow_and_requester_time(self):
        ticket = self._ticket(
            partner_id=self.contact_supplier.id,
            procedure_deadline=datetime(2026, 11, 24, 23, 20),  # UTC
        )
        self.assertEqual(
            ticket.procedure_deadline_display, "25.11.2026 02:20 MSK (09:20 your time)"
        )
        self.assertEqual(
            ticket.procedure_deadline_operator_display,
            "25.11.2026 02:20 MSK (09:20 the requester's time)",
        )

    def test_time_left_until_the_procedure_deadline(self):
        """The night auction: the form tells how long the price window stays
        open, in the operator's language, and how urgent that is."""
        t0 = datetime(2026, 11, 24, 23, 10)
        with self._at(t0):
            ticket = self._ticket(
                partner_id=self.contact_supplier.id,
                procedure_deadline=t0 + timedelta(minutes=10),
                procedure_deadline_kind="auction",
            )
            ru = ticket.with_context(lang="ru_RU")
            self.assertEqual(ticket.procedure_time_left, "10 min left")
            self.assertEqual(ru.procedure_time_left, "осталось 10 мин")
            self.assertEqual(ticket.procedure_urgency, "imminent")
        steps = [
            (timedelta(minutes=9, seconds=30), "меньше минуты", "imminent"),
            (timedelta(minutes=-50), "осталось 1 ч 0 мин", "near"),
            (timedelta(hours=-25), "осталось 1 дн. 1 ч", False),
            (timedelta(minutes=75), "просрочено на 1 ч 5 мин", "passed"),
        ]
        for shift, text, urgency in steps:
            with self.subTest(shift=shift), self._at(t0 + shift):
                ticket.invalidate_recordset()
                self.assertIn(text, ru.procedure_time_left)
                self.assertEqual(ticket.procedure_urgency, urgency)
        # a solved ticket is no longer urgent
        with self._at(t0):
            ticket.stage_id = self.stage_done
            self.assertFalse(ticket.procedure_urgency)
        ticket.procedure_deadline = False
        self.assertFalse(ticket.procedure_time_left)

    def test_channel_intake_is_never_assigned_to_the_bot(self):
        self.env.company.helpdesk_mgmt_ticket_auto_assign = True
        ticket = self._ticket(partner_id=self.contact_customer.id)
        self.assertTrue(self.env.user._is_superuser())
        self.assertFalse(ticket.user_id)
        self.team_customer_l1.user_ids = self.operator
        mine = (
            self.env["helpdesk.ticket"]
            .with_user(self.operator)
            .create(
                {
                    "name": "Звонок",
                    "description": "<p>Вопрос по входу</p>",
                    "team_id": self.team_customer_l1.id,
                }
            )
        )
        self.assertEqual(mine.user_id, self.operator)

    def test_tickets_created_together_draw_numbers_and_stage_at_once(self):
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "helpdesk.ticket.sequence")], limit=1
        )
        Ticket = self.env["helpdesk.ticket"].with_user(self.operator)
        first = Ticket.create({"name": "Один", "description": "<p>Текст</p>"})
        self.env.flush_all()
        vals_list = [
            {
                "name": f"Вопрос {index}",
                "description": "<p>Текст</p>",
                "team_id": self.team_supplier_l1.id,
            }
            for index in range(5)
        ]
        vals_list.append(
            {
                "name": "С номером",
                "description": "<p>Текст</p>",
                "team_id": self.team_supplier_l1.id,
                "number": "ВРУЧНУЮ-1",
            }
        )
        tickets = Ticket.create(vals_list)
        # the next numbers of the sequence, in order, formatted by it
        start = int(first.number.removeprefix(sequence.prefix))
        self.assertEqual(
            tickets[:5].mapped("number"),
            [sequence.get_next_char(start + step) for step in range(1, 6)],
        )
        self.assertEqual(tickets[5].number, "ВРУЧНУЮ-1")
        # the first stage of the desk, as for a ticket created alone
        self.assertEqual(
            tickets.stage_id, self.team_supplier_l1._get_applicable_stages()[:1]
        )
        # one at a time, the next number follows
        last = Ticket.create({"name": "Ещё", "description": "<p>Текст</p>"})
        self.assertEqual(last.number, sequence.get_next_char(start + 6))

    def test_ticket_numbers_follow_the_sequence_without_looking_it_up(self):
        """Each new ticket draws its number without searching and reading the
        sequence again (the lookup is cached); a change of the sequence is
        followed at once."""
        Sequence = self.env["ir.sequence"]
        shared = Sequence.search([("code", "=", "helpdesk.ticket.sequence")], limit=1)
        Ticket = self.env["helpdesk.ticket"].with_user(self.operator)
        first = Ticket.create({"name": "Один", "description": "<p>Текст</p>"})
        start = int(first.number.removeprefix(shared.prefix))
        # a warm lookup: the number costs its nextval only
        with self._count_queries(1):
            number = Ticket._prepare_ticket_number({})
        self.assertEqual(number, shared.get_next_char(start + 1))
        # a new prefix: the next number has it
        shared.prefix = "ОБР-"
        self.assertEqual(
            Ticket.create({"name": "Два", "description": "<p>Текст</p>"}).number,
            f"ОБР-{start + 2:0{shared.padding}d}",
        )
        # the company's own sequence wins over the shared one, from its creation
        own = Sequence.create(
            {
                "name": "Обращения компании",
                "code": "helpdesk.ticket.sequence",
                "company_id": self.env.company.id,
                "prefix": "К-",
                "padding": 4,
            }
        )
        self.assertEqual(
            Ticket.create({"name": "Три", "description": "<p>Текст</p>"}).number,
            "К-0001",
        )
        # archived: back to the shared one
        own.active = False
        self.assertEqual(
            Ticket.create({"name": "Четыре", "description": "<p>Текст</p>"}).number,
            f"ОБР-{start + 3:0{shared.padding}d}",
        )
        # another sequence (stock, point of sale…) leaves the cache alone
        Sequence.create({"name": "Склад", "code": "etp.test.other", "padding": 3})
        with self._count_queries(1):
            number = Ticket._prepare_ticket_number({})
        self.assertEqual(number, f"ОБР-{start + 4:0{shared.padding}d}")
        # asked for archived sequences too: helpdesk_mgmt's search, as asked
        own.write({"active": False, "prefix": "А-"})
        archived = Ticket.with_context(active_test=False)._prepare_ticket_number({})
        self.assertEqual(archived, "А-0002")
        self.assertEqual(
            Ticket.create({"name": "Пять", "description": "<p>Текст</p>"}).number,
            f"ОБР-{start + 5:0{shared.padding}d}",
        )
        # gapless: helpdesk_mgmt's draw, which moves the sequence's counter
        shared.write({"implementation": "no_gap", "number_next": 500})
        self.assertEqual(
            Ticket.create({"name": "Шесть", "description": "<p>Текст</p>"}).number,
            f"ОБР-{500:0{shared.padding}d}",
        )
        shared.invalidate_recordset(["number_next"])
        self.assertEqual(shared.number_next, 501)

    def test_applicable_stages_are_cached_and_follow_the_stages(self):
        """The stages a team may use are looked up once (every new ticket and
        every change of team asks); creating, restricting, reordering,
        archiving a stage or deleting a team is followed at once."""
        Stage = self.env["helpdesk.ticket.stage"]
        team = self.team_supplier_l1
        other = self.env["helpdesk.ticket.team"].create({"name": "Другая линия"})

        def upstream(team):
            return Stage.search(
                [
                    ("company_id", "in", [False, team.company_id.id]),
                    "|",
                    ("team_ids", "=", False),
                    ("team_ids", "=", team.id),
                ]
            )

        no_team = self.env["helpdesk.ticket.team"]
        stages, common = team._get_applicable_stages(), no_team._get_applicable_stages()
        self.assertEqual(stages, upstream(team))
        with self._count_queries(0):
            self.assertEqual(team._get_applicable_stages(), stages)
            self.assertEqual(no_team._get_applicable_stages(), common)
        # a stage of another team only
        theirs = Stage.create(
            {"name": "Ждём ЕИС", "sequence": 0, "team_ids": [(6, 0, other.ids)]}
        )
        self.assertNotIn(theirs, team._get_applicable_stages())
        self.assertEqual(other._get_applicable_stages()[:1], theirs)
        theirs.team_ids = [(4, team.id)]
        self.assertEqual(team._get_applicable_stages()[:1], theirs)
        # reordered
        theirs.sequence = 1000
        self.assertEqual(team._get_applicable_stages()[-1:], theirs)
        self.assertEqual(team._get_applicable_stages(), upstream(team))
        # archived
        theirs.active = False
        self.assertNotIn(theirs, team._get_applicable_stages())
        self.assertIn(
            theirs,
            team.with_context(active_test=False)._get_applicable_stages(),
        )
        # a stage of a deleted team serves every team
        theirs.write({"active": True, "team_ids": [(6, 0, other.ids)]})
        self.assertNotIn(theirs, team._get_applicable_stages())
        other.unlink()
        self.assertIn(theirs, team._get_applicable_stages())
        self.assertEqual(team._get_applicable_stages(), upstream(team))

    def test_creating_more_tickets_together_costs_no_more_queries(self):
        # without the mail layer's work, which follows each ticket on its own
        Ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.operator)
            .with_context(tracking_disable=True)
        )
        counts = {}
        for size in (2, 2, 12):  # the first run fills the caches
            with self._count_queries() as queries:
                Ticket.create(
                    [
                        {
                            "name": f"Вопрос {index}",
                            "description": "<p>Не могу войти</p>",
                            "team_id": self.team_supplier_l1.id,
                        }
                        for index in range(size)
                    ]
                )
            counts[size] = queries.count
        self.assertEqual(counts[2], counts[12])

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import ValidationError
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


class TestSlaPolicies(EtpSlaCommon):
    def test_one_policy_gives_two_targets(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        self.assertEqual(ticket.team_id, self.team_customer_l1)
        self.assertRecordValues(
            ticket.ticket_sla_ids.sorted("target_kind"),
            [
                {
                    "sla_id": self.policy_customer_l1.id,
                    "target_kind": "first_response",
                    "state": "in_progress",
                    "hours": 0.25,
                    "deadline": T0 + timedelta(minutes=15),
                },
                {
                    "sla_id": self.policy_customer_l1.id,
                    "target_kind": "resolution",
                    "state": "in_progress",
                    "hours": 2.0,
                    "deadline": T0 + timedelta(hours=2),
                },
            ],
        )
        # 80 % of the target by default
        self.assertEqual(
            self._row(ticket, "first_response").warning_date,
            T0 + timedelta(minutes=12),
        )
        self.assertTrue(ticket.sla_fits)

    def test_most_specific_policy_wins(self):
        with self._at(T0):
            customer = self._customer_ticket()
            signature = self._customer_ticket(category_id=self.category_signature.id)
            urgent = self._customer_ticket(
                category_id=self.category_signature.id, priority="3"
            )
            line3 = self._ticket(
                partner_id=self.contact_customer.id, team_id=self.team_l3.id
            )
        self.assertEqual(customer.ticket_sla_ids.sla_id, self.policy_customer_l1)
        # a category beats audience and line
        self.assertEqual(signature.ticket_sla_ids.sla_id, self.policy_signature)
        # the priority beats everything else
        self.assertEqual(urgent.ticket_sla_ids.sla_id, self.policy_urgent)
        # nothing specific for line 3: the base policy
        self.assertEqual(line3.ticket_sla_ids.sla_id, self.policy_base)
        self.assertEqual(customer._get_sla(), self.policy_customer_l1)

    def test_criteria_choose_the_policies(self):
        """Upstream's criteria (team, tags, category) and ours (company,
        audience, line, priority) choose the policies that apply; a policy of
        a category covers its sub-categories."""
        ref = self.env.ref
        access = ref("etp_helpdesk.helpdesk_ticket_category_access")
        login = ref("etp_helpdesk.helpdesk_ticket_category_access_login")
        tag = self.env["helpdesk.ticket.tag"].create({"name": "ЕИС"})
        other_company = self.env["res.company"].create({"name": "Другая ЭТП"})
        Policy = self.env["helpdesk.sla"]
        common = {"stage_id": self.stage_done.id, "resolution_time": 4}
        access_policy = Policy.create(
            dict(common, name="Доступ", category_ids=[Command.set(access.ids)])
        )
        Policy.create(
            dict(
                common,
                name="Другая компания",
                company_id=other_company.id,
                priority="1",
            )
        )
        Policy.create(
            dict(
                common,
                name="Поставщики",
                team_ids=[Command.set(self.team_supplier_l1.ids)],
                priority="1",
            )
        )
        tag_policy = Policy.create(
            dict(common, name="ЕИС", tag_ids=[Command.set(tag.ids)], priority="1")
        )
        # a sub-category of «Доступ», line 1 of customers: the category wins
        ticket = self._customer_ticket(category_id=login.id)
        self.assertEqual(ticket._get_sla(), access_policy)
        self.assertEqual(ticket.ticket_sla_ids.sla_id, access_policy)
        # another company's and another team's policies never apply
        ticket = self._customer_ticket(priority="1")
        self.assertEqual(ticket._get_sla(), self.policy_customer_l1)
        ticket.tag_ids = tag
        self.assertEqual(ticket._get_sla(), tag_policy)
        self.assertEqual(
            ticket.ticket_sla_ids.filtered(lambda r: r.state == "in_progress").sla_id,
            tag_policy,
        )

    def test_equally_specific_policies_all_apply(self):
        """As in helpdesk_mgmt_sla, when no policy is more specific (nor has a
        lower sequence), each gives its targets."""
        twin = self.policy_customer_l1.copy({"name": "Заказчики, 1 линия (копия)"})
        ticket = self._customer_ticket()
        self.assertEqual(ticket._get_sla(), self.policy_customer_l1 | twin)
        self.assertEqual(len(ticket.ticket_sla_ids), 4)
        twin.sequence = 20
        self.assertFalse(ticket.sla_fits)
        ticket.refresh_sla()
        self.assertEqual(ticket.ticket_sla_ids.sla_id, self.policy_customer_l1)
        self.assertTrue(ticket.sla_fits)

    def test_policy_without_first_response_gives_one_target(self):
        self.policy_customer_l1.first_response_time = 0
        ticket = self._customer_ticket()
        self.assertEqual(ticket.ticket_sla_ids.mapped("target_kind"), ["resolution"])

    def test_team_without_sla_gets_no_targets(self):
        self.team_customer_l1.use_sla = False
        ticket = self._customer_ticket()
        self.assertFalse(ticket.ticket_sla_ids)
        self.assertTrue(ticket.sla_fits)

    def test_policy_needs_a_target_and_a_valid_filter(self):
        with self.assertRaises(ValidationError):
            self.env["helpdesk.sla"].create({"name": "Пустая политика"})
        with self.assertRaises(ValidationError):
            self.env["helpdesk.sla"].create(
                {"name": "Отрицательная", "first_response_time": -1}
            )
        with self.assertRaises(ValidationError):
            self.env["helpdesk.sla"].create(
                {
                    "name": "Кривой фильтр",
                    "resolution_time": 1,
                    "domain": "[('no_such_field', '=', 1)]",
                }
            )

    def test_new_policy_is_seen_at_once(self):
        """The policy cache is cleared when a policy changes."""
        ticket = self._customer_ticket()
        self.assertEqual(ticket.ticket_sla_ids.sla_id, self.policy_customer_l1)
        team_policy = self.env["helpdesk.sla"].create(
            {
                "name": "Только эта команда",
                "audience": "customer",
                "support_line": "1",
                "team_ids": [Command.set(self.team_customer_l1.ids)],
                "first_response_time": 0.5,
                "resolution_time": 3,
                "stage_id": self.stage_done.id,
            }
        )
        self.assertFalse(ticket.sla_fits)
        ticket.refresh_sla()
        self.assertEqual(
            ticket.ticket_sla_ids.filtered(lambda r: r.state == "in_progress").sla_id,
            team_policy,
        )
        self.assertTrue(ticket.sla_fits)

    def test_escalation_switches_open_targets_and_keeps_met_ones(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        with self._at(T0 + timedelta(minutes=5)):
            ticket.with_user(self.operator_own).message_post(
                body="Здравствуйте! Проверяем.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        with self._at(T0 + timedelta(minutes=30)):
            ticket._etp_move_to_team(self.team_l3, "Нужен инженер")
        rows = ticket.ticket_sla_ids
        met = rows.filtered(lambda r: r.target_kind == "first_response")
        self.assertRecordValues(
            met, [{"sla_id": self.policy_customer_l1.id, "state": "accomplished"}]
        )
        resolution = rows.filtered(lambda r: r.target_kind == "resolution")
        self.assertRecordValues(
            resolution,
            [
                {
                    "sla_id": self.policy_base.id,
                    "state": "in_progress",
                    # line 3's target counts from the escalation
                    "deadline": T0 + timedelta(minutes=30, hours=8),
                }
            ],
        )

    def test_deadlines_shown_in_moscow_and_requester_time(self):
        with self._at(T0):
            ticket = self._supplier_ticket()
        self.assertEqual(ticket.requester_tz, "Asia/Vladivostok")
        row = self._row(ticket, "first_response")
        self.assertEqual(
            row.deadline_display, "24.11.2026 02:25 MSK (09:25 the requester's time)"
        )
        self.assertEqual(ticket.sla_deadline_display, row.deadline_display)
        self.assertIn("Поставщики, 1 линия", row.display_name)


class TestFirstResponse(EtpSlaCommon):
    def _post(self, ticket, user, **kwargs):
        kwargs.setdefault("body", "Ответ")
        return ticket.with_user(user).message_post(**kwargs)

    def test_operator_public_reply_meets_first_response(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        with self._at(T0 + timedelta(minutes=7)):
            self._post(
                ticket,
                self.operator_own,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(ticket.first_response_date, T0 + timedelta(minutes=7))
        self.assertEqual(self._row(ticket, "first_response").state, "accomplished")
        self.assertEqual(self._row(ticket, "resolution").state, "in_progress")
        # a second reply changes nothing
        with self._at(T0 + timedelta(minutes=9)):
            self._post(
                ticket,
                self.operator_own,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(ticket.first_response_date, T0 + timedelta(minutes=7))

    def test_note_does_not_count(self):
        with self._at(T0):
            ticket = self._customer_ticket()
            self._post(
                ticket,
                self.operator_own,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        self.assertFalse(ticket.first_response_date)
        self.assertEqual(self._row(ticket, "first_response").state, "in_progress")

    def test_requester_reply_does_not_count(self):
        portal = new_test_user(
            self.env,
            login="etp-sla-portal",
            groups="base.group_portal",
            partner_id=self.contact_customer.id,
        )
        with self._at(T0):
            ticket = self._customer_ticket()
            ticket.message_subscribe(partner_ids=self.contact_customer.ids)
            self._post(
                ticket,
                portal,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            # an email from the requester through the gateway
            ticket.message_post(
                body="Письмо заявителя",
                author_id=self.contact_customer.id,
                message_type="email",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertFalse(ticket.first_response_date)
        self.assertEqual(self._row(ticket, "first_response").state, "in_progress")

    def test_late_reply_expires_the_target(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        with self._at(T0 + timedelta(minutes=20)):
            self._post(
                ticket,
                self.operator_own,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(self._row(ticket, "first_response").state, "expired")
        self.assertEqual(ticket.first_response_date, T0 + timedelta(minutes=20))


class TestSlaPause(EtpSlaCommon):
    def test_waiting_stages_move_the_deadline(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        resolution = self._row(ticket, "resolution")
        self.assertEqual(resolution.deadline, T0 + timedelta(hours=2))
        with self._at(T0 + timedelta(minutes=30)):
            ticket.stage_id = self.stage_wait_requester
        self.assertEqual(resolution.state, "on_hold")
        self.assertAlmostEqual(resolution.consumed_time, 0.5, places=6)
        with self._at(T0 + timedelta(minutes=70)):
            ticket.stage_id = self.stage_wait_external
        self.assertEqual(resolution.state, "on_hold")
        self.assertAlmostEqual(resolution.consumed_time, 0.5, places=6)
        with self._at(T0 + timedelta(minutes=90)):
            ticket.stage_id = self.stage_in_progress
        # paused for 60 minutes: the deadline moved by 60 minutes
        self.assertEqual(resolution.state, "in_progress")
        self.assertEqual(resolution.deadline, T0 + timedelta(hours=3))
        with self._at(T0 + timedelta(hours=2, minutes=30)):
            ticket.stage_id = self.stage_done
        self.assertEqual(resolution.state, "accomplished")
        self.assertAlmostEqual(resolution.consumed_time, 1.5, places=6)

    def test_closing_after_the_deadline_expires(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        with self._at(T0 + timedelta(hours=3)):
            ticket.stage_id = self.stage_done
        self.assertEqual(self._row(ticket, "resolution").state, "expired")

    def test_reopening_restarts_the_resolution_clock(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        with self._at(T0 + timedelta(hours=1)):
            ticket.stage_id = self.stage_done
        resolution = self._row(ticket, "resolution")
        self.assertEqual(resolution.state, "accomplished")
        with self._at(T0 + timedelta(hours=5)):
            ticket.stage_id = self.stage_in_progress
        self.assertEqual(resolution.state, "in_progress")
        # one hour was used before closing: one hour left from the reopening
        self.assertEqual(resolution.deadline, T0 + timedelta(hours=6))

    def test_stage_change_of_many_tickets_is_batched(self):
        with self._at(T0):
            tickets = self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Вопрос {n}",
                        "description": "<p>Текст</p>",
                        "partner_id": self.contact_customer.id,
                    }
                    for n in range(20)
                ]
            )
        self.env.flush_all()
        self.env.invalidate_all()
        with self._at(T0 + timedelta(minutes=10)):
            tickets.write({"stage_id": self.stage_wait_requester.id})
            self.env.flush_all()
        self.assertEqual(set(tickets.ticket_sla_ids.mapped("state")), {"on_hold"})

    def test_business_hours_calendar_still_works(self):
        office = self.env["resource.calendar"].create(
            {
                "name": "Будни 9–18 МСК",
                "tz": "Europe/Moscow",
                "company_id": False,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": str(day),
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 18,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        self.team_customer_l1.resource_calendar_id = office
        # Friday 27.11.2026 17:00 MSK = 14:00 UTC
        friday = datetime(2026, 11, 27, 14, 0)
        with self._at(friday):
            ticket = self._customer_ticket()
        # two working hours: one on Friday, one on Monday from 09:00 MSK
        self.assertEqual(
            self._row(ticket, "resolution").deadline, datetime(2026, 11, 30, 7, 0)
        )
        with self._at(friday + timedelta(minutes=30)):
            ticket.stage_id = self.stage_wait_requester
        self.assertAlmostEqual(
            self._row(ticket, "resolution").consumed_time, 0.5, places=6
        )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command
from odoo.exceptions import ValidationError

from .sla_common import T0, EtpSlaCommon


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

    def test_new_targets_read_the_policies_from_the_cache_and_follow_changes(self):
        """A new ticket's targets take their policy's hours and stages from
        the cached policy table, without reading the policies; a change of a
        policy, even one not yet saved, is what the next ticket gets."""
        with self._at(T0):
            self._customer_ticket()  # the policy table is cached
        self.env.invalidate_all()
        with self._at(T0):
            with self._count_queries(0, flush=False):
                self.env["helpdesk.sla"]._etp_cache_facts()
            policy = self.policy_customer_l1
            self.assertEqual(policy.stage_id, self.stage_done)
            self.assertIn(self.stage_wait_requester, policy.ignore_stage_ids)
            self.assertEqual(policy.first_response_time, 0.25)
        self.policy_customer_l1.first_response_time = 0.5
        self.policy_customer_l1.ignore_stage_ids = [
            Command.unlink(self.stage_wait_requester.id)
        ]
        with self._at(T0):
            ticket = self._customer_ticket()
        first = self._row(ticket, "first_response")
        self.assertEqual(first.hours, 0.5)
        self.assertEqual(first.deadline, T0 + timedelta(minutes=30))
        self.assertNotIn(self.stage_wait_requester, first.sla_id.ignore_stage_ids)

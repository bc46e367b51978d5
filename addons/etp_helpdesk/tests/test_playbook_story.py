# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The playbook, continued: flat query counts of the checklists, the whole
story of a categorised email, the seeded playbooks and canned responses."""

from odoo.exceptions import AccessError

from .playbook_common import PlaybookCase

EMAIL = """\
From: Ирина Смирнова <smirnova@hospital1.example.ru>
To: support-customers@etp-support.example.ru
Subject: {subject}
Message-ID: <{msg_id}@mail.example.ru>
Date: Tue, 24 Nov 2026 09:12:00 +0300
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{body}
"""


class TestPlaybook(PlaybookCase):
    def test_checklist_query_count_is_flat(self):
        Ticket = self.env["helpdesk.ticket"].with_context(tracking_disable=True)

        def make(count):
            return Ticket.create(
                [
                    {"name": f"Обращение {i}", "description": "<p>Текст</p>"}
                    for i in range(count)
                ]
            )

        for count in (5, 20):
            tickets = make(count)
            tickets.write({"category_id": self.cat_a.id})
            self.env.flush_all()
            self.env.invalidate_all()
            # switching category: read lines, playbooks, drop, add, recompute;
            # the rest etp_escalation's: the category may choose another SLA
            # policy (the policies and their criteria, the line-1 desks that
            # give tickets without a team their clock, the tickets' targets)
            with self.assertQueryCount(23):
                tickets.write({"category_id": self.cat_b.id})
                self.env.flush_all()
            self.assertEqual(len(tickets.checklist_ids), 2 * count)

    def test_checklist_creation_adds_a_flat_number_of_queries(self):
        """Creating tickets with a category costs the same few queries more
        than creating them without one, whatever the size of the batch."""
        Ticket = self.env["helpdesk.ticket"].with_context(tracking_disable=True)
        # warm the caches (ORM defaults, sequences, keyword index)
        Ticket.create({"name": "-", "description": "-", "category_id": self.cat_a.id})
        Ticket.create({"name": "-", "description": "-"})
        extra = {}
        for count in (5, 20):
            costs = []
            for category in (False, self.cat_a.id):
                vals_list = [
                    {
                        "name": f"Обращение {i}",
                        "description": "<p>Текст</p>",
                        "category_id": category,
                    }
                    for i in range(count)
                ]
                self.env.invalidate_all()
                with self._count_queries() as queries:
                    Ticket.create(vals_list)
                costs.append(queries.count)
            extra[count] = costs[1] - costs[0]
        # one INSERT for the lines (per 100 lines), progress read; its UPDATE
        # joins the one the ticket gets anyway (the playbooks are cached)
        self.assertEqual(extra, {5: 2, 20: 2})

    # ------------------------------------------------------------------
    # The story
    # ------------------------------------------------------------------

    def test_story_login_email_categorised_playbook_solved(self):
        alias_domain = self.env["mail.alias.domain"].create(
            {"name": "etp-support.example.ru"}
        )
        self.team_customer_l1.alias_id.alias_domain_id = alias_domain
        ticket_id = self.env["mail.thread"].message_process(
            "helpdesk.ticket",
            EMAIL.format(
                subject="Не могу войти в личный кабинет",
                msg_id="story-login",
                body="Добрый день! Не могу войти в личный кабинет, пишет "
                "«неверный пароль».",
            ),
        )
        ticket = self.env["helpdesk.ticket"].browse(ticket_id)
        self.assertRecordValues(
            ticket,
            [
                {
                    "team_id": self.team_customer_l1.id,
                    "audience": "customer",
                    "category_id": self.cat_login.id,
                    "partner_id": self.contact_customer.id,
                }
            ],
        )
        steps = self._steps(ticket)
        self.assertEqual(steps[0].name, "Установить, кто обращается")  # «Доступ»
        self.assertIn("Восстановить пароль или снять блокировку", steps.mapped("name"))
        self.assertGreaterEqual(len(steps), 5)
        # a line-1 operator takes it, works through the playbook, solves it
        ticket = ticket.with_user(self.operator)
        ticket.assign_to_me()
        for line in self._steps(ticket):
            line.done = True
        self.assertEqual(ticket.checklist_progress, 100.0)
        ticket.stage_id = self.stage_done
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.checklist_ids.done_by, self.operator)

    def test_seeded_playbooks(self):
        ref = self.env.ref
        for xmlid in (
            "helpdesk_ticket_category_access_login",
            "helpdesk_ticket_category_access_signature",
            "helpdesk_ticket_category_contracts_find_signed",
            "helpdesk_ticket_category_documents_correction",
            "helpdesk_ticket_category_organisation_reorganisation",
        ):
            with self.subTest(category=xmlid):
                category = ref(f"etp_helpdesk.{xmlid}")
                self.assertGreaterEqual(len(category.playbook_step_ids), 4)
                self.assertTrue(all(category.playbook_step_ids.mapped("description")))
                self.assertTrue(category.keywords)
        signature = " ".join(
            ref(
                "etp_helpdesk.helpdesk_ticket_category_access_signature"
            ).playbook_step_ids.mapped(lambda s: f"{s.name} {s.description}")
        )
        for needle in (
            "КриптоПро CSP",
            "Browser plug-in",
            "корневой",
            "Действителен",
            "МЧД",
        ):
            self.assertIn(needle, signature)

    def test_canned_responses_shared_with_operators(self):
        Canned = self.env["mail.canned.response"].with_user(self.own_operator)
        sources = set(Canned.search([]).mapped("source"))
        self.assertLessEqual(
            {"вход", "подпись", "контракт", "протокол", "реорганизация"}, sources
        )
        response = Canned.search([("source", "=", "вход")])
        with self.assertRaises(AccessError):
            response.substitution = "Изменено"

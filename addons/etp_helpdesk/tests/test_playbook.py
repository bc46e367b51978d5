# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user

from .playbook_common import PlaybookCase


class TestPlaybook(PlaybookCase):
    # ------------------------------------------------------------------
    # Categorisation from keywords
    # ------------------------------------------------------------------

    def test_login_text_gets_login_category(self):
        ticket = self._ticket(
            name="Вопрос по площадке",
            description="<p>Добрый день! Не могу войти в личный кабинет.</p>",
        )
        self.assertEqual(ticket.category_id, self.cat_login)
        for text in (
            "В личном кабинете не открывается раздел «Заявки»",
            "Забыла пароль от площадки",
            "Не приходит письмо для восстановления пароля",
        ):
            with self.subTest(text=text):
                ticket = self._ticket(name="Вопрос", description=f"<p>{text}</p>")
                self.assertEqual(ticket.category_id, self.cat_login)

    def test_signature_text_gets_signature_category(self):
        for text in (
            "Не устанавливается КриптоПро ЭЦП Browser plug-in",
            "При подаче заявки ошибка: сертификат недействителен",
            "Сотрудник подписывает по МЧД, площадка не принимает доверенность",
            "Не подписывается заявка: ошибка КриптоПро",
        ):
            with self.subTest(text=text):
                ticket = self._ticket(name="Ошибка", description=f"<p>{text}</p>")
                self.assertEqual(ticket.category_id, self.cat_signature)

    def test_more_specific_keyword_wins(self):
        ticket = self._ticket(
            name="Где найти подписанный контракт?",
            description="<p>Подпись поставили обе стороны, а файла нет.</p>",
        )
        self.assertEqual(ticket.category_id, self.cat_find_signed)
        ticket = self._ticket(
            name="ЦЕНОВОЕ ПРЕДЛОЖЕНИЕ не отправляется",
            description="<p>Аукцион идёт</p>",
        )
        self.assertEqual(ticket.category_id, self.cat_price_offers)

    def test_subcategory_wins_over_parent_and_keyword_starts_a_word(self):
        self.cat_parent.keywords = "шлюз платежей, шлюз"
        self.cat_a.keywords = "шлюзов"
        self.cat_b.keywords = "ёжик"
        self.assertEqual(
            self._ticket(name="Шлюз платежей", description="<p>-</p>").category_id,
            self.cat_parent,
        )
        # the parent's keyword is longer, the subcategory still wins
        self.assertEqual(
            self._ticket(
                name="Шлюз платежей", description="<p>Нет шлюзов</p>"
            ).category_id,
            self.cat_a,
        )
        # ё and е are the same letter; a keyword inside a word does not count
        self.assertEqual(
            self._ticket(name="Ежики", description="<p>-</p>").category_id, self.cat_b
        )
        self.assertFalse(
            self._ticket(name="Межшлюзовой", description="<p>-</p>").category_id
        )

    def test_no_keyword_leaves_category_empty(self):
        ticket = self._ticket(
            name="Вопрос", description="<p>Добрый день, подскажите часы работы.</p>"
        )
        self.assertFalse(ticket.category_id)
        self.assertFalse(ticket.checklist_ids)

    def test_given_category_is_kept(self):
        ticket = self._ticket(
            name="Не могу войти в личный кабинет", category_id=self.cat_b.id
        )
        self.assertEqual(ticket.category_id, self.cat_b)

    def test_archived_category_is_not_proposed(self):
        self.cat_b.keywords = "ёжик"
        self.cat_b.active = False
        self.assertFalse(self._ticket(name="Ёжик").category_id)

    # ------------------------------------------------------------------
    # Checklist
    # ------------------------------------------------------------------

    def test_checklist_follows_parent_then_own_steps(self):
        ticket = self._ticket(category_id=self.cat_a.id)
        self.assertEqual(
            self._steps(ticket).mapped("name"), ["Представиться", "Шаг А1", "Шаг А2"]
        )
        self.assertEqual(self._steps(ticket)[1].description, "Первый")
        self.assertRecordValues(
            ticket,
            [
                {
                    "checklist_done_count": 0,
                    "checklist_total_count": 3,
                    "checklist_progress": 0.0,
                }
            ],
        )

    def test_checklist_created_when_category_set_later(self):
        ticket = self._ticket()
        self.assertFalse(ticket.checklist_ids)
        ticket.category_id = self.cat_b
        self.assertEqual(
            self._steps(ticket).mapped("name"), ["Представиться", "Шаг Б1"]
        )

    def test_lowest_operator_ticks_a_step_and_progress_follows(self):
        ticket = self._ticket(category_id=self.cat_a.id, user_id=self.own_operator.id)
        line = self._steps(ticket)[0].with_user(self.own_operator)
        line.done = True
        self.assertRecordValues(
            line,
            [{"done": True, "done_by": self.own_operator.id}],
        )
        self.assertTrue(line.done_date)
        self.assertEqual(ticket.checklist_done_count, 1)
        self.assertAlmostEqual(ticket.checklist_progress, 100.0 / 3, places=2)
        # the stored value is right after a flush, not only in the cache
        ticket.invalidate_recordset()
        self.assertEqual(ticket.checklist_done_count, 1)
        line.done = False
        self.assertFalse(line.done_by)
        self.assertFalse(line.done_date)
        self.assertEqual(ticket.checklist_progress, 0.0)

    def test_ticking_in_the_ticket_form(self):
        ticket = self._ticket(category_id=self.cat_b.id, user_id=self.own_operator.id)
        with Form(ticket.with_user(self.own_operator)) as form:
            with form.checklist_ids.edit(0) as line:
                line.done = True
            with form.checklist_ids.edit(1) as line:
                line.done = True
            self.assertEqual(form.checklist_progress, 100.0)
        self.assertEqual(ticket.checklist_done_count, 2)
        self.assertEqual(ticket.checklist_ids.done_by, self.own_operator)

    def test_lowest_operator_cannot_delete_a_step(self):
        ticket = self._ticket(category_id=self.cat_a.id, user_id=self.own_operator.id)
        line = ticket.checklist_ids[:1]
        with self.assertRaises(AccessError):
            line.with_user(self.own_operator).unlink()
        line.with_user(self.manager).unlink()
        self.assertEqual(ticket.checklist_total_count, 2)

    def test_lowest_operator_cannot_change_the_playbook(self):
        step = self.cat_a.playbook_step_ids[:1]
        self.assertEqual(step.with_user(self.own_operator).name, step.name)
        with self.assertRaises(AccessError):
            step.with_user(self.own_operator).name = "Пропустить"
        with self.assertRaises(AccessError):
            self.env["helpdesk.playbook.step"].with_user(self.own_operator).create(
                {"category_id": self.cat_a.id, "name": "Новый шаг"}
            )
        step.with_user(self.manager).name = "Шаг А1, уточнённый"

    def test_steps_of_foreign_ticket_are_hidden(self):
        colleague = new_test_user(
            self.env,
            login="etp-colleague",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        ticket = self._ticket(category_id=self.cat_a.id, user_id=colleague.id)
        line = ticket.checklist_ids[:1].with_user(self.own_operator)
        with self.assertRaises(AccessError):
            line.read(["name"])
        with self.assertRaises(AccessError):
            line.write({"done": True})
        self.assertFalse(ticket.checklist_ids.filtered("done"))
        Checklist = self.env["helpdesk.ticket.checklist"]
        self.assertFalse(
            Checklist.with_user(self.own_operator).search(
                [("ticket_id", "=", ticket.id)]
            )
        )
        self.assertEqual(
            len(Checklist.with_user(colleague).search([("ticket_id", "=", ticket.id)])),
            3,
        )
        # the colleague works on it
        ticket.checklist_ids[:1].with_user(colleague).done = True

    def test_portal_user_has_no_access_to_steps(self):
        portal = new_test_user(
            self.env,
            login="etp-portal",
            groups="base.group_portal",
            partner_id=self.contact_customer.id,
        )
        ticket = self._ticket(category_id=self.cat_a.id)
        with self.assertRaises(AccessError):
            ticket.checklist_ids.with_user(portal).read(["name"])
        with self.assertRaises(AccessError):
            self.cat_a.playbook_step_ids.with_user(portal).read(["name"])

    def test_operator_adds_a_step_by_hand(self):
        ticket = self._ticket(category_id=self.cat_a.id, user_id=self.own_operator.id)
        ticket.with_user(self.own_operator).write(
            {"checklist_ids": [Command.create({"name": "Перезвонить завтра"})]}
        )
        self.assertEqual(self._steps(ticket)[-1].name, "Перезвонить завтра")
        self.assertEqual(ticket.checklist_total_count, 4)
        # a hand-made line survives a change of category
        ticket.category_id = self.cat_b
        self.assertIn("Перезвонить завтра", ticket.checklist_ids.mapped("name"))

    def test_changing_category_keeps_done_steps_that_remain(self):
        ticket = self._ticket(category_id=self.cat_a.id)
        parent_line, a1_line, _a2_line = self._steps(ticket)
        (parent_line | a1_line).write({"done": True})
        done_by = parent_line.done_by
        ticket.category_id = self.cat_b
        self.assertEqual(
            self._steps(ticket).mapped("name"), ["Представиться", "Шаг Б1"]
        )
        self.assertTrue(parent_line.exists())
        self.assertRecordValues(
            parent_line,
            [{"done": True, "done_by": done_by.id, "step_id": self.step_parent.id}],
        )
        self.assertFalse(a1_line.exists())
        self.assertRecordValues(
            ticket,
            [
                {
                    "checklist_done_count": 1,
                    "checklist_total_count": 2,
                    "checklist_progress": 50.0,
                }
            ],
        )
        ticket.category_id = False
        self.assertFalse(ticket.checklist_ids)
        self.assertEqual(ticket.checklist_total_count, 0)

    def test_checklist_is_a_copy_of_the_playbook(self):
        ticket = self._ticket(category_id=self.cat_b.id)
        step_b1 = self.cat_b.playbook_step_ids
        step_b1.name = "Шаг Б1, новая редакция"
        self.assertIn("Шаг Б1", ticket.checklist_ids.mapped("name"))
        # a step removed from the playbook stays on tickets as a hand-made line
        step_b1.unlink()
        self.assertEqual(ticket.checklist_total_count, 2)

    def test_batch_creation_of_checklists(self):
        vals_list = [
            {
                "name": f"Обращение {i}",
                "description": "<p>Текст</p>",
                "category_id": (self.cat_a if i % 2 else self.cat_b).id,
            }
            for i in range(20)
        ]
        tickets = self.env["helpdesk.ticket"].create(vals_list)
        self.assertEqual(tickets.mapped("checklist_total_count"), [2, 3] * 10)
        self.assertEqual(len(tickets.checklist_ids), 50)

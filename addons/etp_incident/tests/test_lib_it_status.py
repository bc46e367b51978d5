# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import BaseCase, tagged

from odoo.addons.etp_helpdesk.tests.rules import parametrize
from odoo.addons.etp_incident.lib import it_status


@tagged("post_install", "-at_install", "etp_rules")
class TestItStatusRules(BaseCase):
    @parametrize(
        "text",
        [
            "Исправлено.",
            "исправлено, проверьте",
            "ИСПРАВЛЕНО",
            "Добрый день! Сбой устранено, плагин снова работает",
            "Решено: откатили релиз",
            "Устранено в 23:40 МСК",
            "Было в работе, теперь исправлено.",
            "Коллеги,\nне знаю почему, но исправлено",
        ],
    )
    def test_resolved(self, text):
        self.assertEqual(it_status.parse_status(text), it_status.RESOLVED)

    @parametrize(
        "text",
        [
            "Взяли в работе",
            "В работе, ориентировочно 30 минут",
            "Инцидент в  работе у дежурной смены",
            "В РАБОТЕ",
            # a negated «fixed» with a «working on it»: still in progress
            "Пока не исправлено, в работе",
        ],
    )
    def test_in_progress(self, text):
        self.assertEqual(it_status.parse_status(text), it_status.IN_PROGRESS)

    @parametrize(
        "text",
        [
            "",
            None,
            "Спасибо, посмотрим",
            "Не исправлено",
            "Ещё не решено",
            "пока не до конца устранено",
            "не в работе",
            # the keyword must start a word
            "неисправлено",
            "Проблема в работеспособности плагина",
            "перерешено",
        ],
    )
    def test_nothing_recognisable(self, text):
        self.assertIsNone(it_status.parse_status(text))

    def test_quoted_original_is_not_read(self):
        reply = (
            "Спасибо, приняли.\n"
            "\n"
            "> Напишите «в работе», когда начнёте, и «исправлено», когда сбой\n"
            "> будет устранён.\n"
        )
        self.assertIsNone(it_status.parse_status(reply))

    @parametrize(
        "header",
        [
            "24.11.2026, 23:05, Оператор поддержки пишет:",
            "On Tue, 24 Nov 2026 at 23:05, Operator <op@etp.example.ru> wrote:",
            "вт, 24 нояб. 2026 г. в 23:05, Оператор <op@etp.example.ru>:",
            "-----Original Message-----",
            "-------- Исходное сообщение --------",
            "От: Служба поддержки <support@etp.example.ru>",
            "From: Support <support@etp.example.ru>",
        ],
    )
    def test_text_under_a_reply_header_is_not_read(self, header):
        reply = f"Приняли, разбираемся.\n{header}\nНапишите «исправлено», когда…"
        self.assertEqual(it_status.strip_quoted(reply), "Приняли, разбираемся.")
        self.assertIsNone(it_status.parse_status(reply))

    def test_own_text_before_the_quote_counts(self):
        reply = "Исправлено.\n\n24.11.2026, 23:05, Поддержка пишет:\n> в работе"
        self.assertEqual(it_status.parse_status(reply), it_status.RESOLVED)

    @parametrize(
        "current, target, expected",
        [
            ("new", "in_progress", True),
            ("handed_to_it", "in_progress", True),
            ("handed_to_it", "resolved", True),
            ("in_progress", "resolved", True),
            ("in_progress", "in_progress", False),
            ("resolved", "in_progress", False),
            ("resolved", "resolved", False),
            ("closed", "resolved", False),
        ],
    )
    def test_is_forward(self, current, target, expected):
        self.assertIs(it_status.is_forward(current, target), expected)

    def test_is_forward_refuses_unknown_states(self):
        with self.assertRaisesRegex(ValueError, "unknown_state"):
            it_status.is_forward("handed_to_it", "done")

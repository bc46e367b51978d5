# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .livechat_common import VISITOR_TEXT, LivechatTicketCommon


class TestLivechatTicket(LivechatTicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.guest = cls.env["mail.guest"].create({"name": "Гость 4512"})

    def _supplier_conversation(self):
        channel = self._session(self.livechat_supplier, guest=self.guest)
        screenshot = self._guest_file(
            "ошибка-подписи.png", b"\x89PNG screenshot of the error", "image/png"
        )
        with freeze_time("2026-03-02 07:15:00"):
            self._guest_says(channel, self.guest, VISITOR_TEXT)
        with freeze_time("2026-03-02 07:16:00"):
            self._user_says(
                channel, self.chat_operator, "Пришлите, пожалуйста, снимок экрана."
            )
        with freeze_time("2026-03-02 07:18:00"):
            self._guest_says(
                channel,
                self.guest,
                "Вот снимок, ошибка <b>ЭП</b> & подпись",
                attachments=screenshot,
            )
        return channel, screenshot

    def test_ticket_from_supplier_chat(self):
        """/ticket in a suppliers' chat: suppliers' line-1 team (although the
        customers' team comes first by sequence), transcript, files, number."""
        self.assertLess(self.team_customer_l1.sequence, self.team_supplier_l1.sequence)
        channel, screenshot = self._supplier_conversation()
        partners_before = self.env["res.partner"].search_count([])
        messages_before = len(channel.message_ids)
        bus_before = self._last_bus_id()

        ticket = self._run_command(
            channel, self.chat_operator, "/ticket  Не подаётся ценовое предложение "
        )

        self.assertEqual(ticket.name, "Не подаётся ценовое предложение")
        self.assertEqual(ticket.team_id, self.team_supplier_l1)
        self.assertEqual(ticket.audience, "supplier")
        self.assertEqual(ticket.channel_id, self.ticket_channel_chat)
        self.assertEqual(ticket.procedure_number, "0373100000124000456")
        self.assertEqual(ticket.user_id, self.chat_operator, "auto-assigned")
        self.assertFalse(ticket.partner_id, "an anonymous visitor is nobody known")
        self.assertEqual(ticket.partner_name, "Гость 4512")
        self.assertEqual(
            self.env["res.partner"].search_count([]),
            partners_before,
            "no contact is made up for the visitor",
        )
        description = str(ticket.description)
        for expected in (
            "Поддержка поставщиков",
            # im_livechat's own history under the chat's Moscow time span
            "02.03.2026 10:15 – 02.03.2026 10:18 МСК",
            # a guest is upstream's anonymous name; the ticket names them
            "Посетитель: " + VISITOR_TEXT,
            "Анна Операторова: Пришлите, пожалуйста, снимок экрана.",
            "ошибка &lt;b&gt;ЭП&lt;/b&gt; &amp; подпись",
        ):
            self.assertIn(expected, description)
        self.assertNotIn("<b>ЭП</b>", description)
        self.assertLess(
            description.index("Посетитель: "), description.index("Анна Операторова: ")
        )

        copies = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(copies.mapped("name"), ["ошибка-подписи.png"])
        self.assertEqual(copies.raw, screenshot.raw)
        self.assertEqual(copies.mimetype, "image/png")
        self.assertEqual(
            (screenshot.res_model, screenshot.res_id),
            ("discuss.channel", channel.id),
            "the chat keeps its own file",
        )

        # The link goes to the operator only: nothing is posted in the chat,
        # and the one notification is for the operator's partner.
        self.assertEqual(len(channel.message_ids), messages_before)
        transient = [
            (target, payload)
            for target, kind, payload in self._bus_notifications(bus_before)
            if kind == "discuss.channel/transient_message"
        ]
        self.assertEqual(len(transient), 1)
        target, payload = transient[0]
        self.assertEqual(
            target,
            (self.env.cr.dbname, "res.partner", self.chat_operator.partner_id.id),
        )
        self.assertEqual(
            payload["thread"], {"id": channel.id, "model": "discuss.channel"}
        )
        self.assertIn(
            f"data-oe-model='helpdesk.ticket' data-oe-id='{ticket.id}'", payload["body"]
        )

    def test_ticket_from_customer_chat_and_typed_email(self):
        """A customers' chat lands in the customers' line-1 team; the email the
        visitor typed finds the existing contact, who is only suggested."""
        channel = self._session(self.livechat_customer, guest=self.guest)
        self._guest_says(
            channel,
            self.guest,
            "Не открывается протокол. Моя почта: Smirnova@Hospital1.example.ru",
        )
        ticket = self._run_command(channel, self.chat_operator)
        self.assertEqual(ticket.team_id, self.team_customer_l1)
        self.assertEqual(ticket.audience, "customer")
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.partner_email, "Smirnova@Hospital1.example.ru")
        self.assertEqual(ticket.suggested_partner_id, self.contact_customer)
        self.assertEqual(ticket.suggestion_source, "email")
        self.assertEqual(
            ticket.name,
            "Не открывается протокол. Моя почта: Smirnova@Hospital1.example.ru",
            "without a title, the visitor's first message names the ticket",
        )

    def test_unknown_typed_email_creates_no_contact(self):
        channel = self._session(self.livechat_customer, guest=self.guest)
        long_text = (
            "Вопрос " + "очень " * 30 + "длинный; пишите на new.person@example.org"
        )
        self._guest_says(channel, self.guest, long_text)
        partners_before = self.env["res.partner"].search_count([])
        ticket = self._run_command(channel, self.chat_operator)
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.partner_email, "new.person@example.org")
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        self.assertLessEqual(len(ticket.name), 80)
        self.assertTrue(ticket.name.startswith("Вопрос очень очень"))
        self.assertTrue(ticket.name.endswith("…"))

    def test_portal_visitor_is_the_partner(self):
        channel = self._session(
            self.livechat_supplier, partner=self.portal_supplier.partner_id
        )
        self._user_says(channel, self.portal_supplier, VISITOR_TEXT)
        ticket = self._run_command(channel, self.chat_operator, "/ticket Заявка")
        self.assertEqual(ticket.partner_id, self.contact_supplier)
        self.assertEqual(ticket.partner_name, "Олег Кузнецов")
        self.assertEqual(ticket.team_id, self.team_supplier_l1)
        self.assertIn("Олег Кузнецов: ", str(ticket.description))

    def test_website_visitor_contact_is_the_partner(self):
        channel = self._session(self.livechat_supplier, guest=self.guest)
        visitor = self.env["website.visitor"].create(
            {
                # a visitor's token is their contact's id once they log in
                "access_token": str(self.contact_supplier.id),
            }
        )
        channel.sudo().livechat_visitor_id = visitor
        self._guest_says(channel, self.guest, "Здравствуйте")
        ticket = self._run_command(channel, self.chat_operator)
        self.assertEqual(ticket.partner_id, self.contact_supplier)

    def test_refused_to_others(self):
        channel = self._session(self.livechat_supplier, guest=self.guest)
        self._guest_says(channel, self.guest, VISITOR_TEXT)
        employee = new_test_user(
            self.env, login="etp-employee", groups="base.group_user"
        )
        channel.sudo().channel_member_ids = [
            Command.create({"partner_id": employee.partner_id.id})
        ]
        tickets_before = self.env["helpdesk.ticket"].search_count([])
        with self.assertRaisesRegex(AccessError, "Only helpdesk operators"):
            self._run_command(channel, employee)
        with self.assertRaisesRegex(AccessError, "Only helpdesk operators"):
            self._run_command(channel, self.portal_supplier)
        # A helpdesk operator who is not in the conversation may not read it.
        outsider = new_test_user(
            self.env,
            login="etp-outsider",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        with self.assertRaises(AccessError):
            self._run_command(channel, outsider)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), tickets_before)

    def test_refused_outside_live_chat(self):
        group = (
            self.env["discuss.channel"]
            .with_user(self.chat_operator)
            .create_group(partners_to=[self.operator.partner_id.id])
        )
        with self.assertRaisesRegex(UserError, "only be created from a live chat"):
            self._run_command(group, self.chat_operator)

    @mute_logger("odoo.models")
    def test_operator_outside_the_team(self):
        """A personal-tickets operator who is not in the channel's team gets a
        clear refusal and no ticket is left behind."""
        stranger = new_test_user(
            self.env,
            login="etp-stranger",
            name="Оператор без команды",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        channel = self._session(
            self.livechat_supplier, guest=self.guest, operator=stranger
        )
        self._guest_says(channel, self.guest, VISITOR_TEXT)
        tickets_before = self.env["helpdesk.ticket"].search_count([])
        with self.assertRaisesRegex(AccessError, "Suppliers — line 1"):
            with self.env.cr.savepoint():
                self._run_command(channel, stranger)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), tickets_before)

    def test_channel_without_team_uses_intake(self):
        """A live chat channel that feeds no team leaves the choice to intake:
        the known organisation's role decides the audience and the team."""
        other = self.env["im_livechat.channel"].create(
            {"name": "Прочие вопросы", "user_ids": [Command.clear()]}
        )
        channel = self._session(other, partner=self.portal_supplier.partner_id)
        self._user_says(channel, self.portal_supplier, "Общий вопрос")
        ticket = self._run_command(channel, self.chat_operator)
        self.assertEqual(ticket.audience, "supplier")
        self.assertEqual(ticket.team_id, self.team_supplier_l1)

    def test_website_offers_the_audience_channels(self):
        """The customers' channel is the website's; pages of the suppliers'
        audience hide it and match the suppliers' channel instead."""
        website = self.env.ref("website.default_website")
        self.assertEqual(website.channel_id, self.livechat_customer)
        self.assertEqual(
            self.team_customer_l1.livechat_channel_id, self.livechat_customer
        )
        self.assertEqual(
            self.team_supplier_l1.livechat_channel_id, self.livechat_supplier
        )
        # The desks' members are the operators of their chats.
        self.assertEqual(
            self.livechat_customer.user_ids, self.team_customer_l1.user_ids
        )
        self.assertEqual(
            self.livechat_supplier.user_ids, self.team_supplier_l1.user_ids
        )
        Rule = self.env["im_livechat.channel.rule"]
        base = "https://etp.example.ru"
        supplier_pages = [
            "/support?audience=supplier",
            "/ru/support?lang=ru&audience=supplier#form",
            "/suppliers",
            "/suppliers/faq",
        ]
        other_pages = [
            "/",
            "/support",
            "/support?audience=customer",
            "/suppliersfaq",
            "/blog/audience=suppliers-news",
        ]
        for path in supplier_pages:
            with self.subTest(path=path):
                rule = Rule.match_rule(self.livechat_customer.id, base + path)
                self.assertEqual(rule.action, "hide_button")
                rule = Rule.match_rule(self.livechat_supplier.id, base + path)
                self.assertEqual(rule.action, "display_button")
        for path in other_pages:
            with self.subTest(path=path):
                self.assertFalse(
                    Rule.match_rule(self.livechat_customer.id, base + path)
                )

    def test_desk_members_take_its_chats(self):
        """Adding an operator to a desk with a live chat channel makes them an
        operator of that chat; taking them off the desk ends it. The other
        desk's chat is not touched."""
        newcomer = new_test_user(
            self.env,
            login="etp-chat-newcomer",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        self.team_supplier_l1.user_ids = [Command.link(newcomer.id)]
        self.assertIn(newcomer, self.livechat_supplier.user_ids)
        self.assertNotIn(newcomer, self.livechat_customer.user_ids)
        self.team_supplier_l1.user_ids = [Command.unlink(newcomer.id)]
        self.assertNotIn(newcomer, self.livechat_supplier.user_ids)
        self.assertIn(self.chat_operator, self.livechat_supplier.user_ids)
        # A new desk fed by a chat staffs it with its members.
        channel = self.env["im_livechat.channel"].create(
            {"name": "Поддержка по 615-ПП", "user_ids": [Command.clear()]}
        )
        self.env["helpdesk.ticket.team"].create(
            {
                "name": "615-ПП — 1 линия",
                "audience": "customer",
                "livechat_channel_id": channel.id,
                "user_ids": [Command.set(newcomer.ids)],
            }
        )
        self.assertEqual(channel.user_ids, newcomer)

    def test_query_count_flat(self):
        """The number of queries does not grow with the conversation."""

        def conversation(rounds):
            channel = self._session(self.livechat_supplier, guest=self.guest)
            for index in range(rounds):
                files = self._guest_file(f"файл-{index}.txt", b"text")
                self._guest_says(channel, self.guest, VISITOR_TEXT, attachments=files)
                self._user_says(channel, self.chat_operator, "Ответ оператора")
            return channel

        def queries(channel):
            self.env.invalidate_all()
            with self._count_queries() as counted:
                self._run_command(channel, self.chat_operator)
            return counted.count

        warm, warmer = conversation(1), conversation(1)
        short, long = conversation(1), conversation(5)
        queries(warm)  # fill the caches (twice: the first run clears some)
        queries(warmer)
        count_short = queries(short)
        count_long = queries(long)
        self.assertEqual(count_short, count_long)
        # 50 with etp_escalation's search of the SLA policies for the ticket,
        # and the writes and notifications the command leaves to the flush
        self.assertLessEqual(count_long, 50)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.bus.models.bus import TIMEOUT

from .common import EtpHelpdeskCommon

VISITOR_TEXT = "не могу подать ценовое предложение, извещение 0373100000124000456"


class LivechatTicketCommon(EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.livechat_customer = ref("etp_helpdesk.im_livechat_channel_customer")
        cls.livechat_supplier = ref("etp_helpdesk.im_livechat_channel_supplier")
        cls.ticket_channel_chat = ref("etp_helpdesk.helpdesk_ticket_channel_chat")
        cls.public_user = ref("base.public_user")
        # The lowest operator role, working on both line-1 desks.
        cls.chat_operator = new_test_user(
            cls.env,
            login="etp-chat-operator",
            name="Анна Операторова",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        (cls.team_customer_l1 | cls.team_supplier_l1).write(
            {"user_ids": [Command.link(cls.chat_operator.id)]}
        )
        cls.portal_supplier = new_test_user(
            cls.env,
            login="etp-portal-supplier",
            name=cls.contact_supplier.name,
            email=cls.contact_supplier.email,
            groups="base.group_portal",
            partner_id=cls.contact_supplier.id,
        )

    def _session(self, livechat_channel, guest=None, partner=None, operator=None):
        """A live chat conversation opened by a visitor, as im_livechat does
        (the public user creates it with sudo)."""
        operator = operator or self.chat_operator
        members = [Command.create({"partner_id": operator.partner_id.id})]
        if partner:
            members.append(Command.create({"partner_id": partner.id}))
        channel = (
            self.env["discuss.channel"]
            .with_user(self.public_user)
            .sudo()
            .create(
                {
                    "name": "Посетитель, Анна",
                    "channel_type": "livechat",
                    "livechat_channel_id": livechat_channel.id,
                    "livechat_operator_id": operator.partner_id.id,
                    "livechat_active": True,
                    "anonymous_name": "Посетитель",
                    "channel_member_ids": members,
                }
            )
        )
        if guest:
            channel._add_members(guests=guest, post_joined_message=False)
        return self.env["discuss.channel"].browse(channel.id)

    def _guest_file(self, name, raw, mimetype="application/octet-stream"):
        """A file the visitor uploads before sending it (a pending upload)."""
        return (
            self.env["ir.attachment"]
            .with_user(self.public_user)
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": raw,
                    "mimetype": mimetype,
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
            )
        )

    def _guest_says(self, channel, guest, body, attachments=None):
        return (
            channel.with_user(self.public_user)
            .with_context(guest=guest)
            .sudo()
            .message_post(
                body=body,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=attachments.ids if attachments else [],
            )
        )

    def _user_says(self, channel, user, body):
        return channel.with_user(user).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        )

    def _run_command(self, channel, user, body="/ticket"):
        ticket_id = channel.with_user(user).execute_command_ticket(body=body)
        return self.env["helpdesk.ticket"].browse(ticket_id)

    def _bus_notifications(self, after_id):
        """Bus notifications sent since ``after_id``, as (target, type, payload)."""
        self.env.cr.precommit.run()
        notifications = (
            self.env["bus.bus"].sudo().search([("id", ">", after_id)], order="id")
        )
        result = []
        for notification in notifications:
            message = json.loads(notification.message)
            result.append(
                (
                    tuple(json.loads(notification.channel)),
                    message["type"],
                    message["payload"],
                )
            )
        return result

    def _last_bus_id(self):
        self.env.cr.precommit.run()
        return self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id


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


@tagged("post_install", "-at_install")
class TestLivechatTicketHttp(HttpCase, LivechatTicketCommon):
    """The whole flow over HTTP: an anonymous visitor opens the suppliers'
    chat on the website and sends a screenshot; the operator's web client
    loads our command and button, and the button creates the ticket."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.livechat_supplier.user_ids = [Command.link(cls.chat_operator.id)]
        cls.env["bus.presence"].create(
            {"user_id": cls.chat_operator.id, "status": "online"}
        )

    def test_visitor_to_ticket(self):
        self.authenticate(None, None)
        data = self.make_jsonrpc_request(
            "/im_livechat/get_session",
            {
                "anonymous_name": "Посетитель",
                "channel_id": self.livechat_supplier.id,
                "persisted": True,
            },
        )
        channel = self.env["discuss.channel"].browse(data["discuss.channel"][0]["id"])
        self.assertEqual(channel.livechat_operator_id, self.chat_operator.partner_id)
        # The operator allows files in this conversation (attachment panel).
        channel.with_user(self.chat_operator).allow_public_upload = True
        response = self.url_open(
            "/mail/attachment/upload",
            {
                "csrf_token": http.Request.csrf_token(self),
                "thread_id": channel.id,
                "thread_model": "discuss.channel",
                "is_pending": "true",
            },
            files={
                "ufile": ("скриншот.png", b"\x89PNG visitor screenshot", "image/png")
            },
        )
        upload = response.json()["data"]["ir.attachment"][0]
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "discuss.channel",
                "thread_id": channel.id,
                "post_data": {
                    "body": VISITOR_TEXT,
                    "attachment_ids": [upload["id"]],
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
                "attachment_tokens": [upload["access_token"]],
            },
        )
        self.assertTrue(channel.message_ids.author_guest_id)

        # From the ticket list, the operator opens the conversation from the
        # messaging menu and clicks "Create Helpdesk Ticket" in its chat window.
        # The link to the ticket comes back over the bus (checked above, in
        # TestLivechatTicket): here, wait for the ticket itself.
        code = """
            const sleep = () => new Promise((resolve) => setTimeout(resolve, 50));
            const waitFor = async (selector, text = "") => {
                for (let i = 0; i < 200; i++) {
                    const element = Array.from(
                        document.querySelectorAll(selector)
                    ).find((el) => el.innerText.includes(text));
                    if (element) {
                        return element;
                    }
                    await sleep();
                }
                throw new Error(`Not found: ${selector} ${text}`);
            };
            (async () => {
                const { registry } = odoo.loader.modules.get("@web/core/registry");
                if (!registry.category("discuss.channel_commands").contains("ticket")) {
                    throw new Error("the /ticket command is not registered");
                }
                (await waitFor(".o_menu_systray i[aria-label='Messages']")).click();
                (await waitFor(".o-mail-NotificationItem", "Visitor")).click();
                const button = "button[title='Create Helpdesk Ticket']:enabled";
                (await waitFor(`.o-mail-ChatWindow ${button}`)).click();
                const orm = odoo.__WOWL_DEBUG__.root.env.services.orm;
                const domain = [["channel_id", "=", CHAT_CHANNEL_ID]];
                for (let i = 0; i < 200; i++) {
                    if (await orm.searchCount("helpdesk.ticket", domain)) {
                        console.log("test successful");
                        return;
                    }
                    await sleep();
                }
                throw new Error("No ticket was created");
            })();
        """.replace("CHAT_CHANNEL_ID", str(self.ticket_channel_chat.id))
        self.browser_js(
            "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action",
            code,
            ready="odoo.isReady",
            login="etp-chat-operator",
        )
        ticket = self.env["helpdesk.ticket"].search(
            [("channel_id", "=", self.ticket_channel_chat.id)]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.team_id, self.team_supplier_l1)
        self.assertEqual(ticket.procedure_number, "0373100000124000456")
        self.assertEqual(ticket.name, VISITOR_TEXT)
        self.assertEqual(
            self.env["ir.attachment"]
            .search([("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
            .raw,
            b"\x89PNG visitor screenshot",
        )


@tagged("post_install", "-at_install")
class TestLivechatPerAudiencePage(HttpCase):
    """The website offers the chat of the desk whose audience the page is for."""

    def test_supplier_pages_offer_the_suppliers_chat(self):
        customers = self.env.ref("etp_helpdesk.im_livechat_channel_customer")
        suppliers = self.env.ref("etp_helpdesk.im_livechat_channel_supplier")
        website = self.env["website"].get_current_website()
        self.assertEqual(website.channel_id, customers)
        operator = new_test_user(
            self.env, login="etp-chat-op", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        (customers | suppliers).user_ids = operator
        self.env["bus.presence"].create(
            {
                "user_id": operator.id,
                "status": "online",
                "last_poll": fields.Datetime.now(),
            }
        )
        marker = '"channel_id": %d'
        supplier_page = self.url_open("/support?audience=supplier").text
        self.assertTrue(marker % suppliers.id in supplier_page, "suppliers' chat")
        self.assertFalse(marker % customers.id in supplier_page, "customers' chat")
        customer_page = self.url_open("/support").text
        self.assertTrue(marker % customers.id in customer_page, "customers' chat")
        self.assertFalse(marker % suppliers.id in customer_page, "suppliers' chat")

    def test_desk_channel_lookup_is_cached_and_follows_changes(self):
        """Every page asks which desk channel claims it: the channels and
        their rules are read once, then cached; a change of a rule, of a
        desk's channel or the deletion of a channel is seen at once."""
        customers = self.env.ref("etp_helpdesk.im_livechat_channel_customer")
        suppliers = self.env.ref("etp_helpdesk.im_livechat_channel_supplier")
        rule = self.env.ref("etp_helpdesk.im_livechat_channel_rule_supplier_show")
        team = self.env["helpdesk.ticket.team"].search(
            [("livechat_channel_id", "=", suppliers.id)]
        )
        website = self.env["website"].get_current_website()
        operator = new_test_user(
            self.env, login="etp-chat-op", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        (customers | suppliers).user_ids = operator
        self.env["bus.presence"].create(
            {
                "user_id": operator.id,
                "status": "online",
                "last_poll": fields.Datetime.now(),
            }
        )

        def offered(path):
            self.env.flush_all()  # the request reads the database
            page = self.url_open(path).text
            return {
                channel
                for channel in customers | suppliers
                if f'"channel_id": {channel.id}' in page
            }

        self.assertEqual(offered("/support?audience=supplier"), {suppliers})
        website._etp_desk_livechat_rules(website.channel_id.id)
        with self.assertQueryCount(0):
            website._etp_desk_livechat_rules(website.channel_id.id)
        # a rule changed: the suppliers' chat shows on /suppliers/ only, the
        # page keeps the website's channel (its rules apply in the browser)
        rule.regex_url = "/suppliers/"
        self.assertEqual(offered("/support?audience=supplier"), {customers})
        rule.regex_url = "audience=supplier"
        self.assertEqual(offered("/support?audience=supplier"), {suppliers})
        # the desk gives up its channel: no desk claims the page
        team.livechat_channel_id = False
        self.assertEqual(offered("/support?audience=supplier"), {customers})
        team.livechat_channel_id = suppliers
        self.assertEqual(offered("/support?audience=supplier"), {suppliers})
        # a new rule of the channel, then the channel deleted
        self.env["im_livechat.channel.rule"].create(
            {"channel_id": suppliers.id, "regex_url": "/my/tickets", "sequence": 1}
        )
        self.assertEqual(offered("/support?x=/my/tickets"), {suppliers})
        suppliers.unlink()
        self.assertEqual(offered("/support?audience=supplier"), {customers})
        self.assertFalse(website._etp_desk_livechat_rules(website.channel_id.id))


@tagged("post_install", "-at_install", "is_tour")
class TestLivechatTour(HttpCase, EtpHelpdeskCommon):
    """In Russian and in Chromium: an anonymous visitor of the suppliers'
    page writes in the chat; the desk's operator answers and types /ticket;
    the ticket lands in the suppliers' line-1 team with the transcript."""

    def test_visitor_and_operator(self):
        operator = new_test_user(
            self.env,
            login="etp-chat-tour",
            name="Дмитрий Соколов",
            groups="helpdesk_mgmt.group_helpdesk_user_own,im_livechat.im_livechat_group_user",
        )
        # Joining the desk makes the operator one of its chat's operators.
        self.team_supplier_l1.user_ids = [Command.link(operator.id)]
        livechat = self.env.ref("etp_helpdesk.im_livechat_channel_supplier")
        self.assertIn(operator, livechat.user_ids)
        self._etp_speak_russian(operator)
        self.env["bus.presence"].create(
            {
                "user_id": operator.id,
                "status": "online",
                "last_poll": fields.Datetime.now(),
            }
        )
        self.start_tour("/suppliers", "etp_helpdesk_livechat_visitor_tour")
        conversation = self.env["discuss.channel"].search(
            [("livechat_channel_id", "=", livechat.id)]
        )
        self.assertEqual(len(conversation), 1)
        self.assertEqual(conversation.livechat_operator_id, operator.partner_id)
        # The operator opens Discuss a minute later. Within TIMEOUT (50 s), a
        # browser's first connection to the bus replays what was sent before
        # (bus.bus._poll with last=0) over what Discuss has just loaded: the
        # conversation as it was before the visitor's first message ("not
        # pinned" for the operator) would send Discuss from the conversation
        # being opened back to its first channel.
        self.env.cr.execute(
            "UPDATE bus_bus SET create_date = create_date - %s",
            [timedelta(seconds=TIMEOUT + 10)],
        )
        self.start_tour(
            "/odoo/discuss",
            "etp_helpdesk_livechat_operator_tour",
            login=operator.login,
        )
        ticket = self.env["helpdesk.ticket"].search(
            [
                (
                    "channel_id",
                    "=",
                    self.env.ref("etp_helpdesk.helpdesk_ticket_channel_chat").id,
                )
            ]
        )
        self.assertEqual(len(ticket), 1)
        self.assertRecordValues(
            ticket,
            [
                {
                    "name": "Не подаётся ценовое предложение",
                    "team_id": self.team_supplier_l1.id,
                    "audience": "supplier",
                    "procedure_number": "0373100000124000456",
                }
            ],
        )
        transcript = str(ticket.description)
        self.assertIn("Не могу подать ценовое предложение", transcript)
        self.assertIn("Проверяю: пришлите номер заявки", transcript)
        self.assertIn("Дмитрий Соколов", transcript)

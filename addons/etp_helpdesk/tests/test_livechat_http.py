# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, fields, http
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.bus.models.bus import TIMEOUT

from .common import EtpHelpdeskCommon
from .livechat_common import VISITOR_TEXT, LivechatTicketCommon


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

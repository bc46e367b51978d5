# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The zone the browser reports (the ``tz`` cookie Odoo's pages set) reaches
the ticket from the web form, the portal and the chat; the requester reads
deadlines in both times, the operator sees their clock in the chat."""

import json
from datetime import datetime

from lxml import html

from odoo import Command, http
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.mail.tools.discuss import Store

from .common import SupportFormMixin
from .livechat_common import VISITOR_TEXT, LivechatTicketCommon
from .test_requester_tz import DEADLINE, RequesterTzCommon


def _store_channels(result):
    return {channel["id"]: channel for channel in result.get("discuss.channel", [])}


@tagged("post_install", "-at_install")
class TestBrowserZoneOnTheForms(SupportFormMixin, HttpCase, RequesterTzCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ticket = cls.env["helpdesk.ticket"]
        cls.env["ir.config_parameter"].sudo().set_param(
            "etp_helpdesk.form_rate_limit_per_hour", "0"
        )

    def _support_post(self, tz_cookie):
        self.authenticate(None, None)
        if tz_cookie is not None:
            self.opener.cookies["tz"] = tz_cookie
        before = self.Ticket.search([])
        response = self._post_support_form(
            {
                "audience": "supplier",
                "contact_name": "Сергей Ли",
                "email": "li@nakhodka-port.example.ru",
                "subject": "Не подписывается заявка",
                "description": "Ошибка подписи при подаче заявки.",
                "consent": "1",
            },
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.Ticket.search([("id", "not in", before.ids)])
        self.assertEqual(len(ticket), 1)
        return ticket

    def test_support_form_keeps_the_browser_zone(self):
        ticket = self._support_post("Asia/Vladivostok")
        self.assertEqual(ticket.requester_browser_tz, "Asia/Vladivostok")
        self.assertEqual(
            (ticket.requester_tz, ticket.requester_tz_source),
            ("Asia/Vladivostok", "browser"),
        )
        ticket.procedure_deadline = DEADLINE
        self.assertEqual(
            ticket.procedure_deadline_display, "24.11.2026 02:50 MSK (09:50 your time)"
        )

    def test_support_form_without_or_with_a_forged_zone(self):
        for cookie in (None, "../../etc/passwd", "Mars/Olympus", "x" * 5000):
            with self.subTest(cookie=cookie[:20] if cookie else cookie):
                ticket = self._support_post(cookie)
                self.assertFalse(ticket.requester_browser_tz)
                self.assertEqual(
                    (ticket.requester_tz, ticket.requester_tz_source),
                    ("Europe/Moscow", "default"),
                )

    def test_portal_form_keeps_the_browser_zone(self):
        user = self._portal(self.contact_far)
        self.authenticate(user.login, user.login)
        self.opener.cookies["tz"] = "Asia/Sakhalin"
        before = self.Ticket.search([])
        self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "subject": "Ошибка при подаче ценового предложения",
                "description": "Кнопка «Подать» неактивна.",
            },
            allow_redirects=False,
        )
        ticket = self.Ticket.search([("id", "not in", before.ids)])
        self.assertEqual(ticket.partner_id, self.contact_far)
        self.assertEqual(ticket.requester_browser_tz, "Asia/Sakhalin")
        # the browser comes before the region of the organisation's address
        self.assertEqual(
            (ticket.requester_tz, ticket.requester_tz_source),
            ("Asia/Sakhalin", "browser"),
        )

    def test_portal_shows_deadlines_in_both_times_in_russian(self):
        russian = self.env["res.lang"]._activate_lang("ru_RU")
        self.env["website"].get_current_website().language_ids |= russian
        user = self._portal(self.contact_far)
        user.lang = "ru_RU"
        ticket = self._ticket(
            partner_id=self.contact_far.id,
            procedure_number="0373100000124000456",
            procedure_deadline=DEADLINE,
        )
        self.authenticate(user.login, user.login)
        expected = "24.11.2026 02:50 МСК (09:50 по вашему времени)"
        page = html.fromstring(self.url_open(f"/my/ticket/{ticket.id}").content)
        self.assertEqual(
            page.xpath("//div[@name='etp_procedure_deadline']/span")[0].text,
            expected,
        )
        listing = html.fromstring(self.url_open("/my/tickets").content)
        self.assertIn(
            expected,
            [cell.text_content().strip() for cell in listing.xpath("//td")],
        )

    def _portal(self, contact):
        return new_test_user(
            self.env,
            login=f"etp-portal-{contact.id}",
            groups="base.group_portal",
            partner_id=contact.id,
            name=contact.name,
            email=contact.email,
        )


@tagged("post_install", "-at_install")
class TestBrowserZoneInTheChat(HttpCase, LivechatTicketCommon):
    """An anonymous visitor opens the suppliers' chat from Khabarovsk."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.livechat_supplier.user_ids = [Command.link(cls.chat_operator.id)]
        cls.env["bus.presence"].create(
            {"user_id": cls.chat_operator.id, "status": "online"}
        )

    def _visitor_session(self, tz_cookie="Asia/Vladivostok"):
        self.authenticate(None, None)
        self.opener.cookies["tz"] = tz_cookie
        data = self.make_jsonrpc_request(
            "/im_livechat/get_session",
            {
                "anonymous_name": "Посетитель",
                "channel_id": self.livechat_supplier.id,
                "persisted": True,
            },
        )
        channel = self.env["discuss.channel"].browse(data["discuss.channel"][0]["id"])
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "discuss.channel",
                "thread_id": channel.id,
                "post_data": {
                    "body": VISITOR_TEXT,
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            },
        )
        return channel, data

    def test_chat_ticket_keeps_the_browser_zone(self):
        channel, data = self._visitor_session()
        self.assertEqual(
            channel.channel_member_ids.guest_id.timezone, "Asia/Vladivostok"
        )
        # the visitor is told nothing about their own clock
        self.assertNotIn("etp_requester_clock", json.dumps(data))
        ticket = self._run_command(channel, self.chat_operator)
        self.assertEqual(ticket.requester_browser_tz, "Asia/Vladivostok")
        self.assertEqual(
            (ticket.requester_tz, ticket.requester_tz_source),
            ("Asia/Vladivostok", "browser"),
        )

    def test_operator_gets_the_requester_clock(self):
        channel, _data = self._visitor_session("Asia/Yekaterinburg")
        operator_view = _store_channels(
            Store(channel.with_user(self.chat_operator)).get_result()
        )[channel.id]
        self.assertEqual(
            operator_view["etp_requester_clock"],
            {
                "tz": "Asia/Yekaterinburg",
                "shift": "+2",
                "source": "reported by the browser",
                "night_start": "22:00",
                "night_end": "08:00",
            },
        )
        # a portal user's own zone comes first
        chat = self._session(self.livechat_supplier, partner=self.contact_supplier)
        clock = _store_channels(Store(chat.with_user(self.chat_operator)).get_result())[
            chat.id
        ]["etp_requester_clock"]
        self.assertEqual(
            (clock["tz"], clock["shift"], clock["source"]),
            ("Asia/Vladivostok", "+7", "from the contact"),
        )

    def test_operator_sees_the_clock_in_the_chat(self):
        channel, _data = self._visitor_session()
        code = """
            const sleep = () => new Promise((resolve) => setTimeout(resolve, 50));
            (async () => {
                for (let i = 0; i < 200; i++) {
                    const clock = document.querySelector(
                        ".o-etp-RequesterClock[data-tz='Asia/Vladivostok']"
                    );
                    if (clock && /\\d\\d:\\d\\d \\(MSK\\+7\\)/.test(clock.innerText)) {
                        const night = clock.dataset.night === "1";
                        const badge = clock.querySelector(
                            ".o-etp-RequesterClock-night"
                        );
                        if (night !== Boolean(badge)) {
                            throw new Error("night badge out of step");
                        }
                        console.log("test successful");
                        return;
                    }
                    await sleep();
                }
                throw new Error("No requester clock in the chat");
            })();
        """
        self.browser_js(
            f"/odoo/discuss?active_id=discuss.channel_{channel.id}",
            code,
            ready="odoo.isReady",
            login="etp-chat-operator",
        )


@tagged("post_install", "-at_install")
class TestDeadlineOnThePortalListQueries(HttpCase, RequesterTzCommon):
    """The portal list resolves each ticket's zone without a query per ticket
    (contacts and organisations of every step of the rule)."""

    def test_flat(self):
        Partner = self.env["res.partner"]
        user = new_test_user(
            self.env,
            login="etp-portal-far",
            groups="base.group_portal",
            partner_id=self.contact_far.id,
        )
        colleague = Partner.create({"name": "Колле Га", "parent_id": self.org_far.id})

        def make(count):
            for n in range(count):
                self._ticket(
                    partner_id=(colleague if n % 2 else self.contact_far).id,
                    procedure_deadline=datetime(2026, 11, 23, 23, n),
                    requester_browser_tz="Asia/Omsk" if n % 3 == 0 else False,
                )

        def queries():
            for _warmup in range(2):
                self.url_open("/my/tickets")
            with self._count_queries() as queries:
                response = self.url_open("/my/tickets")
            self.assertEqual(response.status_code, 200)
            return queries.count, response.text

        make(3)
        self.authenticate(user.login, user.login)
        count_3, text = queries()
        self.assertIn("MSK (09:", text)
        self.assertIn("MSK (05:", text)
        make(17)
        count_20, text = queries()
        self.assertEqual(text.count('href="/my/ticket/'), 20)
        self.assertEqual(count_3, count_20)

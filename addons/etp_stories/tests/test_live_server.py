# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Production mode, as README.md runs it and config/odoo.conf describes it:
prefork HTTP workers, a cron worker and the gevent process for /websocket.

The server runs from the project's venv on a copy of the suite's database
(common.py). These checks are what a deployment needs from it: the
health route, a login, a websocket on the gevent port, a live-chat message
reaching an operator over the bus, and processes that stay up.
"""

import json
import time

import requests
import websocket

from .common import LiveCase, admin_rpc, odoo_server
from .live.odooserver import json_call, web_login

VISITOR_TEXT = "Здравствуйте! Не проходит подпись заявки, извещение 0373100000124000456"


def _operator(admin_rpc, name):
    """A line-1 operator of the customers' desk who answers the live chat:
    the lowest helpdesk role plus live-chat user."""
    login = f"{name}-{time.time_ns()}"
    user_id = admin_rpc(
        "res.users",
        "create",
        {
            "name": "Анна Операторова",
            "login": login,
            "password": login,
            "email": f"{login}@etp-support.test",
            "groups_id": [
                (
                    6,
                    0,
                    [
                        admin_rpc.ref("base.group_user"),
                        admin_rpc.ref("helpdesk_mgmt.group_helpdesk_user_own"),
                        admin_rpc.ref("im_livechat.im_livechat_group_user"),
                    ],
                )
            ],
        },
    )
    return user_id, login


def _login(server, login, password):
    return web_login(server.url, login, password)


def _backend_status(server, session):
    return session.get(f"{server.url}/odoo", allow_redirects=False, timeout=60)


class BusClient:
    """The operator's browser tab, reduced to its websocket: it subscribes,
    reports presence, and re-subscribes when the server sends it a
    conversation it now belongs to (as Odoo's web client does when a channel
    enters its store), so that it hears that conversation's messages."""

    def __init__(self, server, session):
        cookie = f"session_id={session.cookies['session_id']}"
        self.ws = websocket.create_connection(
            server.ws_url, timeout=5, origin=server.url, cookie=cookie
        )
        self.last = 0
        self.seen = []
        self.send("update_presence", inactivity_period=0, im_status_ids_by_model={})
        self.subscribe()

    def send(self, event_name, **data):
        self.ws.send(json.dumps({"event_name": event_name, "data": data}))

    def subscribe(self):
        self.send("subscribe", channels=[], last=self.last)

    def wait_for(self, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                raw = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                # Presence is refreshed by the client every few seconds.
                self.send(
                    "update_presence", inactivity_period=0, im_status_ids_by_model={}
                )
                continue
            for notification in json.loads(raw):
                self.last = max(self.last, notification["id"])
                message = notification["message"]
                self.seen.append(message["type"])
                if message["type"] == "mail.record/insert" and (
                    "discuss.channel" in message["payload"]
                ):
                    self.subscribe()
                if predicate(message):
                    return message
        raise AssertionError(f"nothing matching on the bus; seen: {self.seen}")

    def close(self):
        self.ws.close()


class TestLiveServer(LiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server, cls.admin = odoo_server(), admin_rpc()

    def test_1_health(self):
        odoo_server = self.server
        response = requests.get(f"{odoo_server.url}/web/health", timeout=10)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "pass")

    def test_2_login(self):
        odoo_server, admin_rpc = self.server, self.admin
        _user_id, login = _operator(admin_rpc, "login-check")
        session, response = _login(odoo_server, login, "wrong password")
        self.assertEqual(response.status_code, 200)  # the form again, with an error
        backend = _backend_status(odoo_server, session)
        self.assertEqual(backend.status_code, 303)
        self.assertIn("/web/login", backend.headers["Location"])
        session, response = _login(odoo_server, login, login)
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertEqual(_backend_status(odoo_server, session).status_code, 200)
        info = json_call(session, f"{odoo_server.url}/web/session/get_session_info", {})
        self.assertEqual(info["username"], login)
        self.assertEqual(info["db"], odoo_server.db)

    def test_3_websocket_handshake_on_the_gevent_port(self):
        odoo_server = self.server
        ws = websocket.create_connection(
            odoo_server.ws_url, timeout=30, origin=odoo_server.url
        )
        try:
            self.assertEqual(ws.getstatus(), 101)
        finally:
            ws.close()

    def test_4_livechat_message_reaches_the_operator_over_the_bus(self):
        odoo_server, admin_rpc = self.server, self.admin
        user_id, login = _operator(admin_rpc, "chat-operator")
        channel_id = admin_rpc.ref("etp_helpdesk.im_livechat_channel_customer")
        admin_rpc(
            "im_livechat.channel", "write", [channel_id], {"user_ids": [(4, user_id)]}
        )
        operator, _response = _login(odoo_server, login, login)
        bus = BusClient(odoo_server, operator)
        try:
            visitor = requests.Session()
            deadline = time.monotonic() + 30
            while not json_call(
                visitor,
                f"{odoo_server.url}/im_livechat/init",
                {"channel_id": channel_id},
            )["available_for_me"]:
                self.assertLess(
                    time.monotonic(), deadline, "the operator never became available"
                )
                bus.send(
                    "update_presence", inactivity_period=0, im_status_ids_by_model={}
                )
                time.sleep(0.5)
            store = json_call(
                visitor,
                f"{odoo_server.url}/im_livechat/get_session",
                {
                    "channel_id": channel_id,
                    "anonymous_name": "Посетитель",
                    "persisted": True,
                },
            )
            conversation = store["discuss.channel"][0]["id"]
            bus.wait_for(
                lambda m: m["type"] == "mail.record/insert"
                and any(
                    channel["id"] == conversation
                    for channel in m["payload"].get("discuss.channel", [])
                )
            )
            time.sleep(0.5)  # let the re-subscription reach the gevent process
            json_call(
                visitor,
                f"{odoo_server.url}/mail/message/post",
                {
                    "thread_model": "discuss.channel",
                    "thread_id": conversation,
                    "post_data": {
                        "body": VISITOR_TEXT,
                        "message_type": "comment",
                        "subtype_xmlid": "mail.mt_comment",
                    },
                },
            )
            message = bus.wait_for(
                lambda m: m["type"] == "discuss.channel/new_message"
                and VISITOR_TEXT in json.dumps(m["payload"], ensure_ascii=False)
            )
            self.assertEqual(message["payload"]["id"], conversation)
        finally:
            bus.close()

    def test_5_processes_stay_up_without_restarts(self):
        """Last of the live checks: the processes that came up at the start are
        the ones still running, and none was ever restarted."""
        odoo_server = self.server
        first = odoo_server.first_children
        self.assertEqual(
            sorted(first.values()), ["cron", "gevent", "http", "http"], first
        )
        time.sleep(3)  # a process in a restart loop dies within a second or two
        self.assertEqual(odoo_server.children(), first)
        self.assertEqual(len(odoo_server.spawned_workers()), 3)
        self.assertEqual(
            odoo_server.log_text().count("Evented Service (longpolling) running"), 1
        )
        self.assertIsNone(odoo_server.process.poll())
        self.assertFalse(
            odoo_server.log_problems(), "\n".join(odoo_server.log_problems())
        )

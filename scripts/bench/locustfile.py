# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Locust scenario of scripts/bench/bench_load.py (runs in its own venv, with
locust from PyPI; it imports nothing of Odoo).

- PortalUser (50): signs in with the login form, then browses /my/tickets,
  opens ticket pages and replies from the portal chatter, with think times.
- SupportFormUser (1): submits the anonymous /support form 20 times a minute,
  each time as another client address (X-Forwarded-For behind the proxy, which
  Odoo trusts with proxy_mode), so that each address stays within the form's
  per-address rate limit.

BENCH_USERS names a JSON file: {"portal": [{"login", "password"}, ...]}.
Each accepted reply and form is written to BENCH_ACCEPTED (its unique mark),
so that the driver can tell lost from duplicated ones.
"""

import itertools
import json
import os
import re
import uuid

from locust import HttpUser, between, constant_throughput, task

DATA = json.load(open(os.environ["BENCH_USERS"], encoding="utf-8"))
FORMS_PER_MINUTE = float(os.environ.get("BENCH_FORMS_PER_MINUTE", "20"))
_portal_logins = itertools.cycle(DATA["portal"])
_form_numbers = itertools.count(1)
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
# the form's one-time submission token (issue 9: a page sent twice makes one
# ticket), in whatever order the input's attributes come
SUBMISSION_INPUT_RE = re.compile(r'<input[^>]*name="submission_token"[^>]*>')
VALUE_RE = re.compile(r'value="([^"]*)"')
TICKET_RE = re.compile(r'href="/my/ticket/(\d+)')
_accepted = open(os.environ["BENCH_ACCEPTED"], "a", encoding="utf-8")


def _accept(mark):
    _accepted.write(mark + "\n")
    _accepted.flush()


def _client_address(number):
    """Distinct documentation addresses (RFC 5737), only ever sent as a
    header value: 3 x 254 of them."""
    nets = ("192.0.2", "198.51.100", "203.0.113")
    return f"{nets[(number // 254) % 3]}.{number % 254 + 1}"


class PortalUser(HttpUser):
    fixed_count = int(os.environ.get("BENCH_PORTAL_USERS", "50"))
    wait_time = between(2, 6)

    def on_start(self):
        me = next(_portal_logins)
        page = self.client.get("/web/login", name="login (form)")
        token = CSRF_RE.search(page.text).group(1)
        with self.client.post(
            "/web/login",
            data={
                "login": me["login"],
                "password": me["password"],
                "csrf_token": token,
            },
            allow_redirects=False,
            name="login (POST)",
            catch_response=True,
        ) as response:
            if response.status_code != 303:
                response.failure(f"login refused: {response.status_code}")
        self.tickets = []
        self.my_tickets()

    @task(3)
    def my_tickets(self):
        with self.client.get(
            "/my/tickets", name="/my/tickets", catch_response=True
        ) as response:
            found = TICKET_RE.findall(response.text)
            if not found:
                response.failure("no ticket in the list")
            self.tickets = sorted(set(found))

    @task(4)
    def ticket_page(self):
        if self.tickets:
            ticket = self.tickets[hash(self) % len(self.tickets)]
            self.client.get(f"/my/ticket/{ticket}", name="/my/ticket/[id]")

    @task(1)
    def reply(self):
        if not self.tickets:
            return
        ticket = int(self.tickets[0])
        mark = f"bench-reply-{uuid.uuid4().hex}"
        with self.client.post(
            "/mail/message/post",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "thread_model": "helpdesk.ticket",
                    "thread_id": ticket,
                    "post_data": {
                        "body": "Уточнение к обращению: прикладываю номер извещения "
                        f"0373100000124000456 ({mark}).",
                        "message_type": "comment",
                        "subtype_xmlid": "mail.mt_comment",
                    },
                },
            },
            name="portal reply (/mail/message/post)",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "error" in response.json():
                response.failure(response.text[:300])
            else:
                _accept(mark)


class SupportFormUser(HttpUser):
    fixed_count = 1
    wait_time = constant_throughput(FORMS_PER_MINUTE / 60)

    @task
    def submit(self):
        number = next(_form_numbers)
        headers = {
            "X-Forwarded-For": _client_address(number),
            "X-Forwarded-Host": self.host.split("//", 1)[1],
        }
        page = self.client.get("/support", headers=headers, name="/support (form)")
        token = CSRF_RE.search(page.text).group(1)
        submission = VALUE_RE.search(SUBMISSION_INPUT_RE.search(page.text).group(0))
        with self.client.post(
            "/support",
            headers=headers,
            data={
                "csrf_token": token,
                "submission_token": submission.group(1),
                "audience": "supplier" if number % 2 else "customer",
                "contact_name": f"Заявитель {number}",
                "email": f"form-{number}@bench.test",
                "phone": "+7 495 123-45-67",
                "subject": f"Бенчмарк: заявка с формы №{number}",
                "description": "Не удаётся подписать заявку на участие.",
                "consent": "1",
            },
            allow_redirects=False,
            name="/support (POST)",
            catch_response=True,
        ) as response:
            if (
                response.status_code != 303
                or "/support/thanks" not in response.headers.get("Location", "")
            ):
                response.failure(f"not accepted: {response.status_code}")
            else:
                _accept(f"bench-form-{number}")

#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Side-by-side benchmark: bare helpdesk_mgmt against our addons (not a test).

Usage::

    .venv/bin/python scripts/bench/bench_side_by_side.py .state/test.conf \\
        [--bare-db etp_bench_bare] [--ours-db etp_bench_ours] \\
        [--only email,portal,support,resolve,cases,sla] \\
        [--email 1000,10000] [--portal 1000,10000] [--resolve 20,100,500] \\
        [--cases 13,100] [--sla 100000] [--others 100000] [--repeat 5] [--keep]

A quick look at one path: ``--only resolve --resolve 50 --keep`` (a kept
database is reused, so the next run skips the installation).

It builds two scratch databases (names must start with ``etp_bench``; any
other name is refused): one with bare helpdesk_mgmt, one with etp_helpdesk,
etp_escalation and etp_incident, both without demo data. It loads both in one
process and runs the same work on both, interleaved (bare, ours, bare, ours…),
then prints a table: path, size, bare ms and queries, ours ms and queries,
ratio of the times (ours / bare). Times are medians over ``--repeat`` runs
(one run for the heavy paths); queries count every SQL statement of the work,
including what the commit runs (tracking, emails of stage templates).

The paths:

- ``email``: an incoming email from an unknown sender, and one from the
  portal user who already has ``size`` tickets (``message_process``); the
  database also holds ``--others`` tickets of other requesters (100,000).
- ``portal``: ``GET /my/tickets`` as that portal user (``size`` tickets).
- ``support``: the public web form ``POST /support`` (ours, anonymous);
  bare has no public form: its closest equivalent is helpdesk_mgmt's portal
  form ``POST /submitted/ticket`` as the signed-in portal user.
- ``resolve``: resolving an incident linked to ``size`` tickets of as many
  requesters. Bare has no incidents: closest equivalent, the operator posts a
  message to each requester through the standard composer (comment mode,
  a template addressed to the requester) and moves the tickets to the done
  stage.
- ``cases``: an emergency case sending its instructions to ``size``
  organisations. Bare equivalent: one ``create`` of ``size`` tickets, then
  the instructions posted on each through the standard composer.
- ``sla``: the SLA cron with ``size`` open tickets whose targets are all
  due, run like the cron worker (a batch of 500 per call, a commit after
  each) until done. helpdesk_mgmt has no SLA: ours only.

HTTP paths run in-process through Odoo's WSGI application (no network); the
database is chosen by the Host header. Outgoing emails go to an SMTP sink of
the script. Tickets beyond the first 20 of the portal user are copied with
SQL (no messages or followers of their own), and so are those of the other
requesters. The SLA path empties the tickets table of our database first,
so it runs last. The databases are dropped at the end unless ``--keep`` is
given; kept databases are reused by the next run.
"""

import argparse
import json
import logging
import os
import re
import socketserver
import statistics
import sys
import threading
import time
import uuid
from datetime import datetime, timezone

NAME_PREFIX = "BENCH "
BARE_MODULES = ["helpdesk_mgmt"]
OUR_MODULES = ["etp_helpdesk", "etp_escalation", "etp_incident"]
PATHS = ("email", "portal", "support", "resolve", "cases", "sla")
PORTAL_LOGIN = "etp-bench-portal"
PORTAL_PASSWORD = "etp-bench-portal-1"  # a user of a scratch database
OPERATOR_LOGIN = "etp-bench-operator"
ORM_TEMPLATES = 20  # tickets of the portal user made with the ORM, then copied
SQL_LOG = logging.getLogger("odoo.sql_db")


def sizes(text):
    return [int(part) for part in text.split(",") if part.strip()]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", help="Odoo configuration file")
    parser.add_argument("--bare-db", default="etp_bench_bare")
    parser.add_argument("--ours-db", default="etp_bench_ours")
    parser.add_argument("--only", default=",".join(PATHS), help="paths to run")
    parser.add_argument("--email", type=sizes, default=[1000, 10000])
    parser.add_argument("--portal", type=sizes, default=[1000, 10000])
    parser.add_argument("--resolve", type=sizes, default=[20, 100, 500])
    parser.add_argument("--cases", type=sizes, default=[13, 100])
    parser.add_argument("--sla", type=sizes, default=[100000])
    parser.add_argument(
        "--others",
        type=int,
        default=100000,
        help="tickets of other requesters in the database (email, portal, form)",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--log-sql",
        metavar="FILE",
        help="write every SQL statement of the measured work to FILE, each run "
        "headed by its side (to see where two counts differ)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the databases (and reuse them)"
    )
    args = parser.parse_args()
    for name in (args.bare_db, args.ours_db):
        if not re.fullmatch(r"etp_bench[A-Za-z0-9_]*", name):
            parser.error(
                f"refusing to use {name!r}: the benchmark empties tables, use a "
                "scratch database named etp_bench…"
            )
    if args.bare_db == args.ours_db:
        parser.error("the two databases need different names")
    args.only = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(args.only) - set(PATHS)
    if unknown:
        parser.error(f"unknown paths: {', '.join(sorted(unknown))}")
    return args


# ----------------------------------------------------------------------
# SMTP sink: the emails the work sends go nowhere, quickly
# ----------------------------------------------------------------------


class _SinkHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 bench sink\r\n")
        in_data = False
        for raw in self.rfile:
            line = raw.rstrip(b"\r\n")
            if in_data:
                if line == b".":
                    in_data = False
                    self.wfile.write(b"250 queued\r\n")
                continue
            verb = line[:4].upper()
            if verb == b"DATA":
                in_data = True
                self.wfile.write(b"354 go on\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def start_smtp_sink():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SinkHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# ----------------------------------------------------------------------
# Databases
# ----------------------------------------------------------------------


def boot(config_path, smtp_port):
    import odoo
    from odoo.tools import config

    config.parse_config(["-c", config_path, "--log-level=warn"])
    config["smtp_server"] = "127.0.0.1"
    config["smtp_port"] = smtp_port
    config["smtp_ssl"] = False
    # the first label of the Host header names the database of a request
    config["dbfilter"] = "^%d$"
    config["proxy_mode"] = False
    return odoo


def installed(odoo, name, modules):
    if not odoo.service.db.exp_db_exist(name):
        return False
    conn = _connect(odoo, name)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM ir_module_module "
                "WHERE name = ANY(%s) AND state = 'installed'",
                [modules],
            )
            return cur.fetchone()[0] == len(modules)
    finally:
        conn.close()


def _connect(odoo, dbname):
    import psycopg2

    config = odoo.tools.config
    return psycopg2.connect(
        dbname=dbname,
        host=config["db_host"] or None,
        port=config["db_port"] or None,
        user=config["db_user"] or None,
        password=config["db_password"] or None,
    )


def drop_db(odoo, name):
    from odoo.modules.registry import Registry

    Registry.delete(name)
    odoo.sql_db.close_db(name)
    conn = _connect(odoo, "postgres")
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()


def ensure_db(odoo, name, modules, reuse):
    from odoo.modules.registry import Registry
    from odoo.tools import config

    if reuse and installed(odoo, name, modules):
        print(f"reusing {name}", flush=True)
        return Registry(name)
    drop_db(odoo, name)
    started = time.perf_counter()
    print(f"creating {name} with {', '.join(modules)}…", flush=True)
    odoo.service.db._create_empty_database(name)
    config["init"] = dict.fromkeys(modules, 1)
    config["without_demo"] = "all"
    try:
        registry = Registry.new(name, update_module=True)
    finally:
        config["init"] = {}
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    return registry


# ----------------------------------------------------------------------
# One side of the comparison
# ----------------------------------------------------------------------


class Side:
    """A database, its registry and what the work needs in it."""

    def __init__(self, label, db, registry):
        self.label = label
        self.db = db
        self.registry = registry
        self.ours = label == "ours"
        self.client = None

    def env(self, cr, user=None, context=None):
        from odoo import SUPERUSER_ID, api

        return api.Environment(cr, user or SUPERUSER_ID, dict(context or {}))

    def measure(self, work):
        """Run ``work(env)`` in a transaction and commit it, like a request
        or a cron job; return (ms, queries)."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            before = cr.sql_log_count
            started = time.perf_counter()
            work(env)
            env.flush_all()
            cr.commit()
            return (time.perf_counter() - started) * 1000, cr.sql_log_count - before

    # --- set-up ------------------------------------------------------------

    def setup(self):
        """Users, organisation and settings every path uses (idempotent)."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            env["ir.config_parameter"].set_param(
                "etp_helpdesk.form_rate_limit_per_hour", "1000000"
            )
            # a sender domain, as any desk that emails has
            company = env.ref("base.main_company")
            if not company.alias_domain_id:
                company.alias_domain_id = env["mail.alias.domain"].create(
                    {"name": "etp-support.example.ru"}
                )
            company.email = company.email or "support@etp-support.example.ru"
            Users = env["res.users"].with_context(no_reset_password=True)
            Partner = env["res.partner"]
            org = Partner.search([("name", "=", "ООО «Бенчмарк»")], limit=1)
            if not org:
                org = Partner.create(
                    {
                        "name": "ООО «Бенчмарк»",
                        "is_company": True,
                        "email": "office@bench.example.ru",
                        **({"vat": "7736050003"} if self.ours else {}),
                    }
                )
            if not Users.search([("login", "=", OPERATOR_LOGIN)]):
                Users.create(
                    {
                        "name": "Оператор (бенчмарк)",
                        "login": OPERATOR_LOGIN,
                        "email": "operator@etp-support.example.ru",
                        "notification_type": "inbox",
                        "groups_id": [
                            (4, env.ref("helpdesk_mgmt.group_helpdesk_user").id)
                        ],
                    }
                )
            if not Users.search([("login", "=", PORTAL_LOGIN)]):
                contact = Partner.create(
                    {
                        "name": "Пётр Бенчмарков",
                        "email": "petr@bench.example.ru",
                        "parent_id": org.id,
                    }
                )
                Users.create(
                    {
                        "login": PORTAL_LOGIN,
                        "password": PORTAL_PASSWORD,
                        "partner_id": contact.id,
                        "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
                    }
                )
            template = env.ref(
                "__bench__.resolution_template", raise_if_not_found=False
            )
            if not self.ours and not template:
                self._bare_templates(env)
            cr.commit()

    def _bare_templates(self, env):
        """The templates an operator of bare helpdesk_mgmt would use to tell
        each requester (resolution) and each organisation (instructions)."""
        model = env["ir.model"]._get_id("helpdesk.ticket")
        for xmlid, subject, body in (
            (
                "resolution_template",
                "[{{ object.number }}] Техническая проблема устранена",
                "<p>Здравствуйте, <t t-out='object.partner_id.name'/>! Проблема, "
                "из-за которой вы обратились (обращение № "
                "<t t-out='object.number'/>), устранена.</p>",
            ),
            (
                "instructions_template",
                "[{{ object.number }}] Что нужно сделать",
                "<p>Здравствуйте, <t t-out='object.partner_id.name'/>! По "
                "обращению № <t t-out='object.number'/> выполните действия:</p>"
                "<t t-out='object.description'/>",
            ),
        ):
            template = env["mail.template"].create(
                {
                    "name": f"Bench: {xmlid}",
                    "model_id": model,
                    "subject": subject,
                    "body_html": body,
                    "partner_to": "{{ object.partner_id.id }}",
                    "auto_delete": False,
                }
            )
            env["ir.model.data"].create(
                {
                    "module": "__bench__",
                    "name": xmlid,
                    "model": "mail.template",
                    "res_id": template.id,
                }
            )

    def portal_user(self, env):
        return env["res.users"].search([("login", "=", PORTAL_LOGIN)])

    def operator(self, env):
        return env["res.users"].search([("login", "=", OPERATOR_LOGIN)])

    def ensure_portal_tickets(self, count):
        """Give the portal user ``count`` tickets."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            partner = self.portal_user(env).partner_id
            self._ensure_tickets(env, partner, count)

    def ensure_other_tickets(self, count):
        """``count`` tickets of another requester: the rest of the desk."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            Partner = env["res.partner"]
            partner = Partner.search(
                [("email", "=", "other@elsewhere.example.ru")], limit=1
            ) or Partner.create(
                {"name": "Другой заявитель", "email": "other@elsewhere.example.ru"}
            )
            self._ensure_tickets(env, partner, count)

    def _ensure_tickets(self, env, partner, count):
        """Give ``partner`` ``count`` tickets: the first ones with the ORM,
        the others copied from them with SQL."""
        cr = env.cr
        Ticket = env["helpdesk.ticket"].with_context(
            tracking_disable=True, mail_create_nolog=True
        )
        existing = Ticket.search_count([("partner_id", "=", partner.id)])
        orm = max(0, min(ORM_TEMPLATES, count) - existing)
        if orm:
            Ticket.create(
                [
                    {
                        "name": f"{NAME_PREFIX}{existing + index}",
                        "description": "<p>Не могу подписать заявку</p>",
                        "partner_id": partner.id,
                    }
                    for index in range(orm)
                ]
            )
            env.flush_all()
            existing += orm
        if count > existing:
            self._copy_tickets(cr, partner.id, count - existing, existing)
        cr.commit()
        cr.execute("ANALYZE helpdesk_ticket")
        cr.commit()

    def _copy_tickets(self, cr, partner_id, copies, start):
        cr.execute(
            """SELECT column_name FROM information_schema.columns
               WHERE table_name = 'helpdesk_ticket' AND column_name NOT IN
               ('id', 'name', 'number', 'access_token')"""
        )
        columns = [row[0] for row in cr.fetchall()]
        cols = ", ".join(f'"{c}"' for c in columns)
        src = ", ".join(f't."{c}"' for c in columns)
        cr.execute(
            f"""
            WITH first AS (
                SELECT t.* FROM helpdesk_ticket t WHERE t.partner_id = %(partner)s
                ORDER BY t.id LIMIT %(templates)s
            ), template AS (
                SELECT f.*, row_number() OVER (ORDER BY f.id) - 1 AS k,
                       count(*) OVER () AS n
                FROM first f
            )
            INSERT INTO helpdesk_ticket ({cols}, name, number)
            SELECT {src}, %(prefix)s || (%(start)s + g), 'BN-' || (%(start)s + g)
            FROM generate_series(0, %(copies)s - 1) g
            JOIN template t ON t.k = g %% t.n
            """,
            {
                "partner": partner_id,
                "templates": ORM_TEMPLATES,
                "prefix": NAME_PREFIX,
                "start": start,
                "copies": copies,
            },
        )

    # --- HTTP --------------------------------------------------------------

    def http(self, method, path, data=None, json_body=None):
        """One request through Odoo's WSGI application, as this side's
        browser (cookies kept); return (response, ms, queries)."""
        from werkzeug.test import Client

        import odoo.http

        if self.client is None:
            self.client = Client(odoo.http.root)
        kwargs = {
            "headers": {"Host": f"{self.db}.localhost"},
            "environ_base": {"REMOTE_ADDR": "127.0.0.1"},
        }
        if json_body is not None:
            kwargs["data"] = json.dumps(json_body)
            kwargs["content_type"] = "application/json"
        elif data is not None:
            kwargs["data"] = data
        started = time.perf_counter()
        response = self.client.open(path, method=method, **kwargs)
        body = response.get_data(as_text=True)
        ms = (time.perf_counter() - started) * 1000
        queries = threading.current_thread().query_count
        if response.status_code >= 500:
            raise RuntimeError(f"{method} {path}: {response.status_code} {body[:300]}")
        return response, body, ms, queries

    def login_portal(self):
        self.client = None
        _response, body, _ms, _q = self.http(
            "POST",
            "/web/session/authenticate",
            json_body={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "db": self.db,
                    "login": PORTAL_LOGIN,
                    "password": PORTAL_PASSWORD,
                },
            },
        )
        if '"uid"' not in body or '"error"' in body:
            raise RuntimeError(f"portal login failed: {body[:300]}")

    def csrf_token(self, path):
        _response, body, _ms, _q = self.http("GET", path)
        match = re.search(r'name="csrf_token"\s+value="([^"]+)"', body)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1)


# ----------------------------------------------------------------------
# The work
# ----------------------------------------------------------------------


def raw_email(sender, subject, body):
    return (
        f"From: {sender}\r\n"
        "To: support@etp-support.example.ru\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4()}@bench.example.ru>\r\n"
        "Date: Tue, 24 Nov 2026 09:00:00 +0300\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        f"{body}\r\n"
    )


def work_email(side, sender):
    def work(env):
        env["mail.thread"].message_process(
            "helpdesk.ticket",
            raw_email(
                sender,
                "Не могу подать заявку",
                "Здравствуйте! При подаче заявки на закупку 0373100000124000123 "
                "ошибка подписи. ИНН 7736050003.",
            ),
        )

    return side.measure(work)


def work_portal(side):
    _response, _body, ms, queries = side.http("GET", "/my/tickets")
    return ms, queries


def work_support(side):
    if side.ours:
        side.client = None  # an anonymous visitor
        _response, body, _ms, _q = side.http("GET", "/support")
        tokens = {
            name: re.search(rf'name="{name}"\s+value="([^"]+)"', body)
            for name in ("csrf_token", "submission_token")
        }
        if not all(tokens.values()):
            raise RuntimeError("no CSRF or submission token on /support")
        data = {
            **{name: match.group(1) for name, match in tokens.items()},
            "audience": "supplier",
            "contact_name": "Пётр Иванов",
            "email": f"petr.{uuid.uuid4().hex[:8]}@zavod.example.ru",
            "phone": "+7 495 123-45-67",
            "inn": "7736050003",
            "procedure_number": "0373100000124000123",
            "subject": "Не подаётся заявка",
            "description": "При подаче заявки на участие появляется ошибка подписи.",
            "consent": "1",
        }
        path = "/support"
    else:
        token = side.csrf_token("/new/ticket")
        data = {
            "csrf_token": token,
            "subject": "Не подаётся заявка",
            "description": "При подаче заявки на участие появляется ошибка подписи.",
        }
        path = "/submitted/ticket"
    response, _body, ms, queries = side.http("POST", path, data=data)
    if response.status_code not in (200, 302, 303):
        raise RuntimeError(f"POST {path}: {response.status_code}")
    return ms, queries


def make_requesters_tickets(side, env, count, tag):
    """``count`` tickets of as many requesters, as they came in earlier."""
    Partner = env["res.partner"]
    org = Partner.search([("name", "=", "ООО «Бенчмарк»")], limit=1)
    requesters = Partner.create(
        [
            {
                "name": f"Заявитель {tag}-{index}",
                "email": f"req-{tag}-{index}@bench.example.ru",
                "parent_id": org.id,
            }
            for index in range(count)
        ]
    )
    return env["helpdesk.ticket"].create(
        [
            {
                "name": f"Не могу подписать {tag}-{index}",
                "description": "<p>Ошибка подписи при подаче заявки</p>",
                "partner_id": requester.id,
            }
            for index, requester in enumerate(requesters)
        ]
    )


def work_resolve(side, count):
    tag = uuid.uuid4().hex[:6]
    with side.registry.cursor() as cr:
        env = side.env(cr)
        tickets = make_requesters_tickets(side, env, count, tag)
        if side.ours:
            env["ir.config_parameter"].set_param("etp_incident.it_email", False)
            incident = env["helpdesk.incident"].create(
                {"title": "Сбой подписи", "ticket_ids": [(6, 0, tickets.ids)]}
            )
            target = incident.id
        else:
            target = tickets.ids
        cr.commit()

    def work(env):
        user = side.operator(env)
        if side.ours:
            env["helpdesk.incident"].with_user(user).browse(target).action_resolve()
            return
        records = env["helpdesk.ticket"].with_user(user).browse(target)
        composer(env, user, "resolution_template", records)
        records.write(
            {"stage_id": env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id}
        )

    return side.measure(work)


def composer(env, user, template_xmlid, records):
    """The standard composer in comment mode on ``records`` with a template
    addressed to each requester: what an operator of bare helpdesk_mgmt
    uses to write to many requesters at once."""
    template = env.ref(f"__bench__.{template_xmlid}")
    env["mail.compose.message"].with_user(user).create(
        {
            "composition_mode": "comment",
            "model": "helpdesk.ticket",
            "res_ids": records.ids,
            "template_id": template.id,
            "message_type": "comment",
            "subtype_id": env.ref("mail.mt_comment").id,
        }
    )._action_send_mail()


def work_cases(side, count):
    tag = uuid.uuid4().hex[:6]
    with side.registry.cursor() as cr:
        env = side.env(cr)
        Partner = env["res.partner"]
        orgs = Partner.create(
            [
                {"name": f"ГБУЗ «Поликлиника {tag}-{index}»", "is_company": True}
                for index in range(count)
            ]
        )
        contacts = Partner.create(
            [
                {
                    "name": f"Контрактный управляющий {tag}-{index}",
                    "email": f"zakupki-{tag}-{index}@bench.example.ru",
                    "parent_id": org.id,
                }
                for index, org in enumerate(orgs)
            ]
        )
        instructions = (
            "<ol><li>Войдите в личный кабинет ЕИС.</li><li>Откройте реестр "
            "контрактов.</li><li>Отмените протокол по предписанию.</li></ol>"
        )
        if side.ours:
            user = side.operator(env)
            case = env["helpdesk.emergency.case"].create(
                {
                    "name": f"Предписание УФАС {tag}",
                    "regulator_order": "Предписание № 077/06/106-12345/2026",
                    "deadline": "2030-11-26 09:00:00",
                    "instructions": instructions,
                    "audience": "customer",
                    "user_id": user.id,
                    "line_ids": [
                        (0, 0, {"partner_id": org.id, "contact_id": contact.id})
                        for org, contact in zip(orgs, contacts, strict=True)
                    ],
                }
            )
            target = case.id
        else:
            target = [
                {
                    "name": f"Предписание УФАС {tag} — {org.name}",
                    "description": instructions,
                    "partner_id": contact.id,
                    "priority": "2",
                }
                for org, contact in zip(orgs, contacts, strict=True)
            ]
        cr.commit()

    def work(env):
        user = side.operator(env)
        if side.ours:
            env["helpdesk.emergency.case"].with_user(user).browse(
                target
            ).action_send_instructions()
            return
        tickets = env["helpdesk.ticket"].with_user(user).create(target)
        composer(env, user, "instructions_template", tickets)

    return side.measure(work)


def work_sla(side, count):
    """Seed ``count`` open tickets with every SLA target due, then run the
    cron like the cron worker until nothing is left."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench_sla_cron

    with side.registry.cursor() as cr:
        env = side.env(cr)
        print(f"  seeding {count} tickets for the SLA cron…", flush=True)
        bench_sla_cron.seed(env, count)
        cr.execute(
            """UPDATE helpdesk_ticket_sla SET
                   state = 'in_progress', warned_at = NULL, breached_at = NULL,
                   consumed_time = 0,
                   last_state_date = now() AT TIME ZONE 'UTC' - interval '2 hours',
                   warning_date = now() AT TIME ZONE 'UTC' - interval '1 hour',
                   deadline = now() AT TIME ZONE 'UTC' - interval '1 minute'"""
        )
        cr.execute("ANALYZE helpdesk_ticket; ANALYZE helpdesk_ticket_sla")
        cr.commit()
    with side.registry.cursor() as cr:
        env = side.env(cr)
        _done, _calls, seconds, queries = bench_sla_cron.run_cron(
            env, env["helpdesk.ticket.sla"]._cron_check_sla, 500
        )
    return seconds * 1000, queries


# ----------------------------------------------------------------------
# Running and reporting
# ----------------------------------------------------------------------


class Report:
    def __init__(self):
        self.rows = []
        self.notes = []

    def add(self, path, size, bare, ours, note=None):
        self.rows.append((path, size, bare, ours))
        if note and note not in self.notes:
            self.notes.append(note)
        print(f"  {self.format_row(self.rows[-1])}", flush=True)

    @staticmethod
    def _cell(result):
        if result is None:
            return ("—", "—")
        if isinstance(result, str):
            return (result, "")
        ms, queries = result
        return (f"{ms:,.0f}", f"{queries:,}")

    def format_row(self, row):
        path, size, bare, ours = row
        ratio = (
            f"{ours[0] / bare[0]:.2f}×"
            if isinstance(bare, tuple) and isinstance(ours, tuple) and bare[0]
            else "—"
        )
        return " | ".join(
            [
                path.ljust(34),
                str(size).rjust(7),
                *[c.rjust(9) for c in self._cell(bare)],
                *[c.rjust(9) for c in self._cell(ours)],
                ratio.rjust(6),
            ]
        )

    def print(self, header):
        print()
        print(header)
        print(
            " | ".join(
                [
                    "path".ljust(34),
                    "size".rjust(7),
                    "bare ms".rjust(9),
                    "bare q".rjust(9),
                    "ours ms".rjust(9),
                    "ours q".rjust(9),
                    "ratio".rjust(6),
                ]
            )
        )
        print("-" * 104)
        for row in self.rows:
            print(self.format_row(row))
        for note in self.notes:
            print(f"* {note}")


def median_pair(results):
    return (
        statistics.median(r[0] for r in results),
        int(statistics.median(r[1] for r in results)),
    )


def interleaved(bare, ours, work, repeat):
    """Run ``work(side)`` on both sides, alternating which goes first; return
    the medians (or the error text) of each side."""
    results = {bare.label: [], ours.label: []}
    errors = {}
    for index in range(repeat):
        order = (bare, ours) if index % 2 == 0 else (ours, bare)
        for side in order:
            if side.label in errors:
                continue
            SQL_LOG.debug("===== %s, run %d", side.label, index + 1)
            try:
                results[side.label].append(work(side))
            except Exception as error:  # a path that breaks is reported, not fatal
                errors[side.label] = f"error: {type(error).__name__}: {error}"[:60]
                print(f"  {side.label}: {errors[side.label]}", flush=True)
    return tuple(
        errors.get(side.label) or median_pair(results[side.label])
        for side in (bare, ours)
    )


def machine():
    cores = os.cpu_count()
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read()).group(1))
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        memory = "? GiB"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"{now}; {cores} cores, {memory}; load average {load}"


def run_volume_paths(args, bare, ours, report):
    """Email and portal list at each volume of the portal user's tickets."""
    volumes = set()
    if "email" in args.only:
        volumes.update(args.email)
    if "portal" in args.only:
        volumes.update(args.portal)
    if volumes or "support" in args.only:
        print(f"{args.others} tickets of other requesters…", flush=True)
        for side in (bare, ours):
            side.ensure_other_tickets(args.others)
    for volume in sorted(volumes):
        print(f"portal user with {volume} tickets…", flush=True)
        for side in (bare, ours):
            side.ensure_portal_tickets(volume)
        if "email" in args.only and volume in args.email:
            for label, sender in (
                ("email → ticket, unknown sender", None),
                (
                    "email → ticket, the user's own",
                    "Пётр Бенчмарков <petr@bench.example.ru>",
                ),
            ):
                result = interleaved(
                    bare,
                    ours,
                    lambda side, sender=sender: work_email(
                        side,
                        sender
                        or f"Новый <new-{uuid.uuid4().hex[:8]}@unknown.example.ru>",
                    ),
                    args.repeat,
                )
                report.add(label, volume, *result)
        if "portal" in args.only and volume in args.portal:
            for side in (bare, ours):
                side.login_portal()
                side.http("GET", "/my/tickets")  # warm-up
            result = interleaved(bare, ours, work_portal, args.repeat)
            report.add("portal GET /my/tickets", volume, *result)


def run_batch_paths(args, bare, ours, report):
    """Web form, incident resolution, emergency cases, SLA cron."""
    if "support" in args.only:
        for side in (bare, ours):
            side.login_portal()
            work_support(side)  # warm-up
        result = interleaved(bare, ours, work_support, args.repeat)
        report.add(
            "web form POST",
            "—",
            *result,
            note="web form: ours POST /support (anonymous); bare has no public "
            "form, POST /submitted/ticket (helpdesk_mgmt's portal form, signed in)",
        )
    if "resolve" in args.only:
        interleaved(bare, ours, lambda side: work_resolve(side, 2), 1)  # warm-up
    for count in args.resolve if "resolve" in args.only else []:
        print(f"incident with {count} tickets…", flush=True)
        result = interleaved(bare, ours, lambda side, c=count: work_resolve(side, c), 1)
        report.add(
            "resolve incident (bare: see *)",
            count,
            *result,
            note="resolve: bare has no incidents; bare = the standard composer "
            "(comment mode, a template to each requester) on the N tickets, then "
            "the N tickets moved to Done",
        )
    if "cases" in args.only:
        interleaved(bare, ours, lambda side: work_cases(side, 2), 1)  # warm-up
    for count in args.cases if "cases" in args.only else []:
        print(f"emergency case with {count} organisations…", flush=True)
        result = interleaved(bare, ours, lambda side, c=count: work_cases(side, c), 1)
        report.add(
            "emergency case send (bare: see *)",
            count,
            *result,
            note="emergency case: bare has none; bare = one create of N tickets, "
            "then the standard composer posts the instructions on each",
        )
    for count in args.sla if "sla" in args.only else []:
        print(f"SLA cron, {count} tickets all due…", flush=True)
        try:
            result = work_sla(ours, count)
        except Exception as error:  # reported in the table
            result = f"error: {type(error).__name__}: {error}"[:60]
        report.add(
            "SLA cron, every target due",
            count,
            None,
            result,
            note="SLA cron: helpdesk_mgmt has no SLA (helpdesk_mgmt_sla computes "
            "expiry on read); ours only, a batch of 500 per call",
        )


def main():
    args = parse_args()
    sink = start_smtp_sink()
    odoo = boot(args.config, sink.server_address[1])
    started = time.perf_counter()
    bare = Side(
        "bare", args.bare_db, ensure_db(odoo, args.bare_db, BARE_MODULES, args.keep)
    )
    ours = Side(
        "ours", args.ours_db, ensure_db(odoo, args.ours_db, OUR_MODULES, args.keep)
    )
    report = Report()
    try:
        for side in (bare, ours):
            side.setup()
        if args.log_sql:
            handler = logging.FileHandler(args.log_sql, mode="w")
            handler.setFormatter(logging.Formatter("%(message)s"))
            SQL_LOG.addHandler(handler)
            SQL_LOG.setLevel(logging.DEBUG)
            SQL_LOG.propagate = False
        run_volume_paths(args, bare, ours, report)
        run_batch_paths(args, bare, ours, report)
    finally:
        if not args.keep:
            for side in (bare, ours):
                drop_db(odoo, side.db)
        sink.shutdown()
    report.print(f"{machine()}; total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

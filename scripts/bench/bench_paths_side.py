# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""bench_side_by_side.py's side of the comparison: a database, its registry
and what the work needs in it."""

import json
import re
import threading
import time

from bench_paths_db import vacuum_analyze

NAME_PREFIX = "BENCH "
PORTAL_LOGIN = "etp-bench-portal"
PORTAL_PASSWORD = "etp-bench-portal-1"  # a user of a scratch database
OPERATOR_LOGIN = "etp-bench-operator"
ORM_TEMPLATES = 20  # tickets of the portal user made with the ORM, then copied


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
        vacuum_analyze(self.db)

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

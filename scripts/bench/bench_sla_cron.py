#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the SLA cron and of the deadline-priority cron (not a test).

Usage::

    ODOO_RC=.state/bench.conf .venv/bin/python scripts/bench/bench_sla_cron.py \\
        .state/bench.conf etp_bench [N=100000]

In a scratch database whose name starts with ``etp_bench`` (any other name is
refused, to protect real data; the database is created with etp_escalation
installed when it does not exist), the script empties the tickets table
(TRUNCATE … CASCADE), creates N open tickets with their SLA targets, puts a share of
them near their warning or past their deadline and some procedure deadlines
within the priority thresholds, then times both crons the way the cron worker
runs them: one batch per call, a commit after each, until nothing is left.
It prints tickets, rows, seconds, rows per second and queries.

Tickets are created with the ORM in batches of 1000 (tracking off); when the
first batch shows that the ORM would need more than ``ORM_BUDGET`` seconds
for all of them, the rest are copied from the ORM-made tickets with SQL.
"""

import argparse
import os
import re
import sys
import time

from bench_db import open_registry

BATCH = 1000
ORM_BUDGET = 180.0  # seconds the ORM may spend creating tickets
NAME_PREFIX = "BENCH "
# per 100 SLA targets: how many are due for the breach and for the warning
BREACH_PER_100 = 3
WARNING_PER_100 = 7
# per 100 tickets: procedure deadlines within 1 h and within 24 h
URGENT_PER_100 = 1
HIGH_PER_100 = 4


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", help="Odoo configuration file")
    parser.add_argument("database", help="scratch database, named etp_bench*")
    parser.add_argument("count", nargs="?", type=int, default=100000)
    args = parser.parse_args()
    if not re.fullmatch(r"etp_bench[A-Za-z0-9_]*", args.database):
        parser.error(
            f"refusing to run on {args.database!r}: the benchmark deletes tickets, "
            "use a scratch database named etp_bench…"
        )
    if args.count < 1:
        parser.error("N must be positive")
    return args


def seed(env, count):
    """Create ``count`` open tickets with SLA targets; return what was used."""
    cr = env.cr
    # a scratch database: emptying the tickets (and what hangs on them) at
    # once is far faster than deleting 100k rows one foreign key at a time
    cr.execute("TRUNCATE helpdesk_ticket CASCADE")
    cr.commit()
    leader = env["res.users"].search([("login", "=", "etp-bench-leader")], limit=1)
    if not leader:
        leader = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Руководитель смены (бенчмарк)",
                    "login": "etp-bench-leader",
                    "groups_id": [(4, env.ref("helpdesk_mgmt.group_helpdesk_user").id)],
                    "notification_type": "inbox",
                }
            )
        )
    teams = env["helpdesk.ticket.team"].search([("use_sla", "=", True)])
    if not teams:
        sys.exit("no team uses SLA: is etp_escalation installed?")
    teams.write({"user_id": leader.id})
    if not env["helpdesk.sla"].search_count([]):
        sys.exit("no active SLA policy")
    line1 = teams.filtered(lambda t: t.support_line == "1") or teams
    Ticket = env["helpdesk.ticket"].with_context(
        tracking_disable=True,
        mail_create_nolog=True,
        mail_create_nosubscribe=True,
        mail_notrack=True,
    )

    def vals(index):
        team = line1[index % len(line1)]
        return {
            "name": f"{NAME_PREFIX}{index}",
            "description": "<p>Нагрузочный тест</p>",
            "team_id": team.id,
            "audience": team.audience if team.audience != "both" else "supplier",
        }

    started = time.perf_counter()
    first = min(BATCH, count)
    Ticket.create([vals(i) for i in range(first)])
    cr.commit()
    orm_seconds = time.perf_counter() - started
    estimate = orm_seconds * count / first
    made = first
    method = "ORM"
    if count > first and estimate <= ORM_BUDGET:
        while made < count:
            size = min(BATCH, count - made)
            Ticket.create([vals(i) for i in range(made, made + size)])
            cr.commit()
            env.invalidate_all()
            made += size
    elif count > first:
        method = f"ORM for {first}, SQL copies for the rest"
        clone_with_sql(cr, first, count - first)
        made = count
    cr.commit()
    return {
        "method": method,
        "seconds": time.perf_counter() - started,
        "orm_per_ticket": orm_seconds / first,
    }


def clone_with_sql(cr, templates, copies):
    """Copy the ORM-made bench tickets (and their SLA targets) ``copies`` times
    in total, round robin."""
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
        WITH template AS (
            SELECT t.*, row_number() OVER (ORDER BY t.id) - 1 AS k
            FROM helpdesk_ticket t WHERE t.name LIKE %(prefix)s
        )
        INSERT INTO helpdesk_ticket ({cols}, name, number)
        SELECT {src}, %(prefix_name)s || (%(templates)s + g), 'BENCH-' || g
        FROM generate_series(0, %(copies)s - 1) g
        JOIN template t ON t.k = g %% %(templates)s
        """,
        {
            "prefix": NAME_PREFIX + "%",
            "prefix_name": NAME_PREFIX,
            "templates": templates,
            "copies": copies,
        },
    )
    cr.execute(
        """SELECT column_name FROM information_schema.columns
           WHERE table_name = 'helpdesk_ticket_sla'
           AND column_name NOT IN ('id', 'ticket_id')"""
    )
    sla_columns = [row[0] for row in cr.fetchall()]
    sla_cols = ", ".join(f'"{c}"' for c in sla_columns)
    sla_src = ", ".join(f's."{c}"' for c in sla_columns)
    # each copy gets the targets of its template (same team, same policy)
    cr.execute(
        f"""
        WITH template AS (
            SELECT t.id, t.team_id, row_number() OVER (ORDER BY t.id) - 1 AS k
            FROM helpdesk_ticket t
            WHERE t.name LIKE %(prefix)s AND t.id IN (
                SELECT ticket_id FROM helpdesk_ticket_sla)
            ORDER BY t.id LIMIT %(templates)s
        ), copy AS (
            SELECT t.id, substr(t.name, length(%(prefix_name)s) + 1)::int AS n
            FROM helpdesk_ticket t
            WHERE t.name LIKE %(prefix)s AND NOT EXISTS (
                SELECT 1 FROM helpdesk_ticket_sla s WHERE s.ticket_id = t.id)
        )
        INSERT INTO helpdesk_ticket_sla (ticket_id, {sla_cols})
        SELECT c.id, {sla_src}
        FROM copy c
        JOIN template tp ON tp.k = c.n %% %(templates)s
        JOIN helpdesk_ticket_sla s ON s.ticket_id = tp.id
        """,
        {
            "prefix": NAME_PREFIX + "%",
            "prefix_name": NAME_PREFIX,
            "templates": templates,
        },
    )


def spread_due_dates(cr):
    """Put a share of the targets past their warning or their deadline, and a
    share of the procedure deadlines within the priority thresholds."""
    cr.execute(
        """
        UPDATE helpdesk_ticket_sla s SET
            state = 'in_progress', warned_at = NULL, breached_at = NULL,
            consumed_time = 0,
            last_state_date = now() AT TIME ZONE 'UTC' - interval '1 hour',
            deadline = CASE
                WHEN s.id %% 100 < %(breach)s
                    THEN now() AT TIME ZONE 'UTC' - interval '1 minute'
                WHEN s.id %% 100 < %(breach)s + %(warning)s
                    THEN now() AT TIME ZONE 'UTC' + interval '5 minutes'
                ELSE now() AT TIME ZONE 'UTC' + interval '6 hours' END,
            warning_date = CASE
                WHEN s.id %% 100 < %(breach)s + %(warning)s
                    THEN now() AT TIME ZONE 'UTC' - interval '2 minutes'
                ELSE now() AT TIME ZONE 'UTC' + interval '5 hours' END
        FROM helpdesk_ticket t
        WHERE t.id = s.ticket_id AND t.name LIKE %(prefix)s
        """,
        {
            "breach": BREACH_PER_100,
            "warning": WARNING_PER_100,
            "prefix": NAME_PREFIX + "%",
        },
    )
    cr.execute(
        """
        UPDATE helpdesk_ticket SET
            priority = '1', priority_manual = '1',
            procedure_deadline = CASE
                WHEN id %% 100 < %(urgent)s
                    THEN now() AT TIME ZONE 'UTC' + interval '30 minutes'
                WHEN id %% 100 < %(urgent)s + %(high)s
                    THEN now() AT TIME ZONE 'UTC' + interval '12 hours'
                ELSE NULL END
        WHERE name LIKE %(prefix)s
        """,
        {"urgent": URGENT_PER_100, "high": HIGH_PER_100, "prefix": NAME_PREFIX + "%"},
    )
    cr.commit()


def run_cron(env, method, batch):
    """Call ``method`` like the cron worker: a batch per call, a commit after
    each, until it reports nothing left. Return (rows, calls, seconds, queries)."""
    cr = env.cr
    done_total = calls = 0
    queries0 = cr.sql_log_count
    started = time.perf_counter()
    while True:
        done, remaining = method(batch_size=batch)
        env.flush_all()
        cr.commit()
        env.invalidate_all()
        done_total += done
        calls += 1
        if not remaining or not done:
            break
    return done_total, calls, time.perf_counter() - started, cr.sql_log_count - queries0


def main():
    args = parse_args()
    if "ODOO_RC" not in os.environ:
        os.environ["ODOO_RC"] = args.config
    registry = open_registry(
        args.config, args.database, addons=("etp_helpdesk", "etp_escalation")
    )
    from odoo import SUPERUSER_ID, api, fields

    from odoo.addons.etp_escalation.models.helpdesk_ticket_sla_cron import (
        CRON_BATCH_SIZE,
    )

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        print(f"seeding {args.count} open tickets in {args.database}…", flush=True)
        seeded = seed(env, args.count)
        spread_due_dates(cr)
        cr.execute(
            """SELECT count(DISTINCT t.id), count(s.id),
                      count(s.id) FILTER (WHERE s.deadline <= %(now)s),
                      count(s.id) FILTER (
                          WHERE s.warning_date <= %(now)s AND s.deadline > %(now)s),
                      count(DISTINCT t.id) FILTER (
                          WHERE t.procedure_deadline IS NOT NULL)
               FROM helpdesk_ticket t
               LEFT JOIN helpdesk_ticket_sla s ON s.ticket_id = t.id
               WHERE t.name LIKE %(prefix)s""",
            {"now": fields.Datetime.now(), "prefix": NAME_PREFIX + "%"},
        )
        tickets, rows, due_breach, due_warning, with_deadline = cr.fetchone()
        print(
            f"seeded: {tickets} tickets, {rows} SLA targets "
            f"({seeded['method']}, {seeded['seconds']:.1f} s, "
            f"ORM {seeded['orm_per_ticket'] * 1000:.1f} ms/ticket)"
        )
        print(
            f"due: {due_breach} breaches, {due_warning} warnings; "
            f"{with_deadline} tickets with a procedure deadline within 24 h"
        )
        cr.execute("ANALYZE helpdesk_ticket; ANALYZE helpdesk_ticket_sla")
        cr.commit()

        Sla = env["helpdesk.ticket.sla"]
        handled, calls, seconds, queries = run_cron(
            env, Sla._cron_check_sla, CRON_BATCH_SIZE
        )
        print(
            f"SLA cron: {handled} targets in {calls} batches, {seconds:.2f} s, "
            f"{handled / seconds if seconds else 0:.0f} targets/s, {queries} queries "
            f"({queries / max(handled, 1):.1f} per target)"
        )
        _idle, _calls, seconds, queries = run_cron(
            env, Sla._cron_check_sla, CRON_BATCH_SIZE
        )
        print(f"SLA cron, nothing due: {seconds * 1000:.1f} ms, {queries} queries")

        Ticket = env["helpdesk.ticket"]
        raised, calls, seconds, queries = run_cron(
            env, Ticket._cron_raise_deadline_priority, 500
        )
        print(
            f"priority cron: {raised} tickets in {calls} batches, {seconds:.2f} s, "
            f"{raised / seconds if seconds else 0:.0f} tickets/s, {queries} queries"
        )
        _raised, _calls, seconds, queries = run_cron(
            env, Ticket._cron_raise_deadline_priority, 500
        )
        print(f"priority cron, nothing due: {seconds * 1000:.1f} ms, {queries} queries")
        cr.execute(
            "SELECT count(*) FROM helpdesk_ticket_escalation e "
            "JOIN helpdesk_ticket t ON t.id = e.ticket_id "
            "WHERE t.name LIKE %s AND e.kind = 'sla_breach'",
            [NAME_PREFIX + "%"],
        )
        print(f"escalations recorded (kind SLA breach): {cr.fetchone()[0]}")


if __name__ == "__main__":
    main()

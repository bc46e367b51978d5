#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the personal data retention cron (not a test).

Usage::

    .venv/bin/python scripts/bench/bench_retention.py .state/test.conf \\
        etp_bench_retention [N=2000] [BATCH=200]

In a scratch database whose name starts with ``etp_bench`` (any other name is
refused, to protect real data; the database is created with the three addons
installed when it does not exist), the script deletes the bench tickets of a
previous run, creates N tickets closed four years ago, each with its own
requester, a message from the requester, an operator's reply, an attachment and
a consent, then runs the cron the way the cron worker does: one batch per call,
a commit after each, until nothing is left. It prints tickets, seconds, tickets
per second and queries per batch.
"""

import argparse
import base64
import re
import sys
import time
from datetime import datetime

from bench_db import open_registry

NAME_PREFIX = "BENCH-RETENTION "
CREATE_BATCH = 200
CLOSED = datetime(2022, 3, 1, 9, 0)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", help="Odoo configuration file")
    parser.add_argument("database", help="scratch database, named etp_bench*")
    parser.add_argument("count", nargs="?", type=int, default=2000)
    parser.add_argument("batch", nargs="?", type=int, default=200)
    args = parser.parse_args()
    if not re.fullmatch(r"etp_bench[A-Za-z0-9_]*", args.database):
        parser.error(
            f"refusing to run on {args.database!r}: the benchmark deletes tickets, "
            "use a scratch database named etp_bench…"
        )
    if args.count < 1 or args.batch < 1:
        parser.error("N and BATCH must be positive")
    return args


def seed(env, count):
    """``count`` closed tickets of ``count`` requesters, with what real ones
    carry."""
    cr = env.cr
    old = (
        env["helpdesk.ticket"]
        .with_context(active_test=False)
        .search([("name", "=like", NAME_PREFIX + "%")])
    )
    old.unlink()
    cr.commit()
    team = env.ref("etp_helpdesk.helpdesk_ticket_team_supplier_l1")
    done = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
    organisation = env["res.partner"].search(
        [("name", "=", "ООО «Бенчмарк»")], limit=1
    ) or env["res.partner"].create({"name": "ООО «Бенчмарк»", "is_company": True})
    Ticket = env["helpdesk.ticket"].with_context(
        tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
    )
    started = time.perf_counter()
    for start in range(0, count, CREATE_BATCH):
        size = min(CREATE_BATCH, count - start)
        people = env["res.partner"].create(
            [
                {
                    "name": f"Заявитель{start + n} Бенчмарков",
                    "parent_id": organisation.id,
                    "email": f"bench{start + n}@example.ru",
                }
                for n in range(size)
            ]
        )
        tickets = Ticket.create(
            [
                {
                    "name": f"{NAME_PREFIX}{start + n}",
                    "description": "<p>Не подписывается заявка, звоните "
                    f"+7 916 000-{start + n:05d}</p>",
                    "team_id": team.id,
                    "partner_id": person.id,
                    "partner_name": person.name,
                    "partner_email": person.email,
                    "stage_id": done.id,
                }
                for n, person in enumerate(people)
            ]
        )
        for ticket, person in zip(tickets, people, strict=True):
            ticket.message_post(
                body=f"Мой телефон 8 916 000-{ticket.id:05d}",
                author_id=person.id,
                message_type="email",
            )
            ticket.message_post(body="Проверили, всё работает", message_type="comment")
        env["ir.attachment"].create(
            [
                {
                    "name": "скан.pdf",
                    "datas": base64.b64encode(b"%PDF bench"),
                    "res_model": "helpdesk.ticket",
                    "res_id": ticket.id,
                }
                for ticket in tickets
            ]
        )
        env["helpdesk.ticket.consent"].create(
            [
                {
                    "ticket_id": ticket.id,
                    "version": "bench",
                    "accepted_at": CLOSED,
                    "ip_address": "203.0.113.9",
                    "email": ticket.partner_email,
                }
                for ticket in tickets
            ]
        )
        env.flush_all()
        cr.execute(
            "UPDATE helpdesk_ticket SET closed_date = %s WHERE id IN %s",
            [CLOSED, tuple(tickets.ids)],
        )
        cr.commit()
        env.invalidate_all()
    return time.perf_counter() - started


def run_cron(env, batch):
    """Call the cron until it reports nothing left, committing after each
    call; return (calls, done, seconds, queries per call)."""
    import odoo

    Service = env["helpdesk.personal.data"]
    calls = done = 0
    queries = []
    started = time.perf_counter()
    while True:
        before = odoo.sql_db.sql_counter
        did, remaining = Service._cron_anonymise_expired(batch_size=batch)
        env.cr.commit()
        env.invalidate_all()
        queries.append(odoo.sql_db.sql_counter - before)
        calls += 1
        done += did
        if not remaining:
            break
    return calls, done, time.perf_counter() - started, queries


def main():
    args = parse_args()
    registry = open_registry(args.config, args.database)
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        print(f"seeding {args.count} closed tickets…", flush=True)
        seeded = seed(env, args.count)
        print(f"  seeded in {seeded:.1f} s")
        calls, done, seconds, queries = run_cron(env, args.batch)
        print(
            f"retention cron: {done} tickets anonymised in {calls} calls "
            f"(batch {args.batch}), {seconds:.1f} s, {done / seconds:.0f} tickets/s"
        )
        print(f"  queries per call: {queries}")
        left = env["helpdesk.ticket.consent"].search_count(
            [("ip_address", "=", "203.0.113.9")]
        )
        print(f"  consents still with an IP address: {left}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

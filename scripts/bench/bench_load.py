# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Load benchmark: Odoo in production mode under the traffic of a bad day.

Usage (through scripts/bench/bench_load.sh, which builds the scratch
database, the locust venv, and drops the database afterwards):

    bench_load.py CONFIG DATABASE LOCUST [--minutes 5] [--portal-users 50]
        [--forms-per-minute 20] [--emails 1000]

For MINUTES, at the same time:
- PORTAL_USERS portal users browse /my/tickets and ticket pages and reply
  (locust, scripts/bench/locustfile.py);
- anonymous visitors submit /support FORMS_PER_MINUTE times a minute, each
  from another client address, within the form's per-address limit;
- EMAILS emails are sent over SMTP, evenly over the window, to the two line-1
  aliases, as during a platform failure; they go through the path of the
  suite's mail round trip: postfix, dovecot, Odoo's IMAP fetch (its cron, set
  to every minute as a busy desk would).
Then it waits (10 minutes at most after the last email) until every email is
a ticket, and prints a table: p50/p95/p99 per request type, errors, and what
went in against what was created. Nothing is timed against a threshold here:
it prints figures.
"""

import argparse
import csv
import json
import os
import pathlib
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

ROOT = pathlib.Path(__file__).resolve().parents[2]
# The live helpers of the suite's deployment checks (etp_stories/tests/live).
sys.path.insert(0, str(ROOT / "addons" / "etp_stories" / "tests"))

from live.helpdesk import CUSTOMERS_ALIAS, SUPPLIERS_ALIAS, Helpdesk  # noqa: E402
from live.mailservers import DISCARD_DOMAIN, MailServers  # noqa: E402
from live.odooserver import JsonRpc, OdooServer  # noqa: E402

INGEST_LIMIT = 600  # seconds after the last email


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config")
    parser.add_argument("database")
    parser.add_argument("locust", help="the locust executable (its own venv)")
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--portal-users", type=int, default=50)
    parser.add_argument("--forms-per-minute", type=float, default=20)
    parser.add_argument("--emails", type=int, default=1000)
    # as config/odoo.conf runs production (ODOO_WORKERS, default 4)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    if not args.database.startswith("etp_bench"):
        parser.error("the database must be a scratch one named etp_bench…")
    return args


def seed_portal(admin, count):
    """COUNT portal users of customer organisations, three tickets each, as
    the requester and follower (what gives them portal access)."""
    portal_group = admin.ref("base.group_portal")
    team = admin.ref("etp_helpdesk.helpdesk_ticket_team_customer_l1")
    users = []
    for n in range(count):
        org = admin(
            "res.partner",
            "create",
            {"name": f"ГБУЗ «Больница №{n + 1}»", "is_company": True},
        )
        login = f"bench-portal-{n + 1}@bench.test"
        user_id = admin(
            "res.users",
            "create",
            {
                "name": f"Заказчик {n + 1}",
                "login": login,
                "email": login,
                "password": login,
                "groups_id": [(6, 0, [portal_group])],
            },
        )
        partner = admin("res.users", "read", [user_id], ["partner_id"])[0][
            "partner_id"
        ][0]
        admin("res.partner", "write", [partner], {"parent_id": org})
        tickets = admin(
            "helpdesk.ticket",
            "create",
            [
                {
                    "name": f"Вопрос {k + 1} заказчика {n + 1}",
                    "description": "Не публикуется извещение в ЕИС.",
                    "partner_id": partner,
                    "team_id": team,
                }
                for k in range(3)
            ],
        )
        admin("helpdesk.ticket", "message_subscribe", tickets, partner_ids=[partner])
        users.append({"login": login, "password": login})
    return users


def warm_up(url, user, ticket_pages=3):
    """What a server has done before the busy hour: each worker has loaded
    the registry and the pages' assets. Four visitors at once, so that both
    workers get some."""
    import requests
    from live.odooserver import web_login

    def visit():
        requests.get(f"{url}/support", timeout=300)
        session, _response = web_login(url, user["login"], user["password"])
        page = session.get(f"{url}/my/tickets", timeout=300).text
        for ticket in sorted(set(re.findall(r'href="/my/ticket/(\d+)', page)))[
            :ticket_pages
        ]:
            session.get(f"{url}/my/ticket/{ticket}", timeout=300)

    threads = [threading.Thread(target=visit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def send_burst(servers, count, seconds, sent):
    """COUNT emails evenly over SECONDS to the line-1 aliases; appends each
    Message-ID to SENT."""
    start = time.monotonic()
    for n in range(count):
        message = EmailMessage()
        sender = f"requester-{n + 1}@{DISCARD_DOMAIN}"
        message["From"] = sender
        message["To"] = CUSTOMERS_ALIAS if n % 2 else SUPPLIERS_ALIAS
        message["Subject"] = f"Не работает площадка: не подписывается заявка ({n + 1})"
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(
            idstring=f"burst{n + 1}", domain=DISCARD_DOMAIN
        )
        message.set_content(
            "Добрый день! С 10:00 не подписывается заявка на участие, "
            "ошибка «сертификат недействителен». ИНН 7707083893."
        )
        servers.send(message)
        sent.append(message["Message-ID"])
        delay = start + (n + 1) * seconds / count - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def count_ingested(admin, message_ids):
    """(distinct Message-IDs stored on tickets, stored messages, tickets)."""
    found = []
    for i in range(0, len(message_ids), 200):
        found += admin(
            "mail.message",
            "search_read",
            [
                ("message_id", "in", message_ids[i : i + 200]),
                ("model", "=", "helpdesk.ticket"),
            ],
            fields=["message_id", "res_id"],
        )
    return (
        len({m["message_id"] for m in found}),
        len(found),
        len({m["res_id"] for m in found}),
    )


def stored_marks(admin):
    """The marks of the form tickets and portal replies that Odoo stored:
    ([form marks, one per ticket], [reply marks, one per message])."""
    tickets = admin(
        "helpdesk.ticket",
        "search_read",
        [("name", "like", "Бенчмарк: заявка с формы")],
        fields=["name"],
    )
    forms = [f"bench-form-{t['name'].rsplit('№', 1)[1]}" for t in tickets]
    messages = admin(
        "mail.message",
        "search_read",
        [("body", "like", "bench-reply-")],
        fields=["body"],
    )
    replies = [
        re.search(r"bench-reply-[0-9a-f]+", m["body"]).group(0) for m in messages
    ]
    return forms, replies


def tally(accepted, stored):
    """'accepted N, stored M, lost L, duplicated D' for one kind of marks."""
    stored_set = set(stored)
    lost = len(set(accepted) - stored_set)
    duplicated = len(stored) - len(stored_set)
    unanswered = len(stored_set - set(accepted))
    return (
        f"accepted {len(accepted)}, stored {len(stored)}, lost {lost}, "
        f"duplicated {duplicated}, stored without an answer {unanswered}"
    )


def locust_rows(prefix):
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def print_report(args, rows, emails, ingest, marks, elapsed):
    print()
    print(
        f"Load benchmark, {time.strftime('%Y-%m-%d %H:%M')} UTC, {platform.node()}: "
        f"{os.cpu_count()} cores, Odoo workers={args.workers} + cron + gevent"
    )
    print(
        f"Window {args.minutes:g} min: {args.portal_users} portal users, "
        f"{args.forms_per_minute:g} forms/min, {args.emails} emails"
    )
    print()
    header = (
        f"{'request':38} {'count':>7} {'errors':>7} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        print(
            f"{name[:38]:38} {row['Request Count']:>7} {row['Failure Count']:>7} "
            f"{row['50%']:>8} {row['95%']:>8} {row['99%']:>8}"
        )
    print()
    sent, distinct, stored, tickets = emails
    print(
        f"emails sent {sent}; tickets created {tickets}; messages stored {stored}; "
        f"lost {sent - distinct}; duplicated {stored - distinct}"
    )
    print(
        f"burst ingested: {'all' if distinct == sent else 'NOT all'} "
        f"{ingest:.0f} s after the first email"
    )
    accepted, forms, replies = marks
    print("/support forms: " + tally([m for m in accepted if "form" in m], forms))
    print("portal replies: " + tally([m for m in accepted if "reply" in m], replies))
    print(f"total run {elapsed / 60:.1f} min")


def main(argv):
    args = parse_args(argv)
    from odoo.tools import config

    config.parse_config(["-c", args.config])
    t0 = time.monotonic()
    with (
        MailServers() as servers,
        OdooServer(
            args.database,
            ROOT / ".state" / "bench-load-server.log",
            workers=args.workers,
            cron_threads=1,
        ) as server,
    ):
        admin = JsonRpc(server.url, args.database, "admin", "admin")
        Helpdesk(admin, servers)  # mail settings, as in the mail round trip
        cron = admin.ref("mail.ir_cron_mail_gateway_action")
        admin(
            "ir.cron",
            "write",
            [cron],
            {"interval_number": 1, "interval_type": "minutes"},
        )
        print("seeding portal users and tickets…", flush=True)
        users = seed_portal(admin, args.portal_users)
        workdir = pathlib.Path(tempfile.mkdtemp(prefix="etp-bench-"))
        (workdir / "users.json").write_text(json.dumps({"portal": users}))
        print("warming up…", flush=True)
        warm_up(server.url, users[0])
        seconds = args.minutes * 60
        print(f"load for {args.minutes:g} min…", flush=True)
        locust = subprocess.Popen(
            [
                args.locust,
                "-f",
                str(ROOT / "scripts" / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.portal_users + 1),
                "--spawn-rate",
                "2",
                "--stop-timeout",
                "60",
                "--run-time",
                f"{int(seconds)}s",
                "--host",
                server.url,
                "--csv",
                str(workdir / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=dict(
                os.environ,
                BENCH_USERS=str(workdir / "users.json"),
                BENCH_ACCEPTED=str(workdir / "accepted.txt"),
                BENCH_PORTAL_USERS=str(args.portal_users),
                BENCH_FORMS_PER_MINUTE=str(args.forms_per_minute),
            ),
            stdout=open(workdir / "locust.log", "w"),
            stderr=subprocess.STDOUT,
        )
        sent = []
        burst_start = time.monotonic()
        sender = threading.Thread(
            target=send_burst, args=(servers, args.emails, seconds, sent)
        )
        sender.start()
        sender.join()
        locust.wait()
        deadline = time.monotonic() + INGEST_LIMIT
        while True:
            distinct, stored, tickets = count_ingested(admin, sent)
            if distinct == len(sent) or time.monotonic() > deadline:
                break
            time.sleep(5)
        ingest = time.monotonic() - burst_start
        accepted = (workdir / "accepted.txt").read_text().split()
        forms_created, replies_stored = stored_marks(admin)
        rows = locust_rows(workdir / "locust")
        problems = server.log_problems()
    print_report(
        args,
        rows,
        (len(sent), distinct, stored, tickets),
        ingest,
        (accepted, forms_created, replies_stored),
        time.monotonic() - t0,
    )
    if problems:
        print(f"\n{len(problems)} ERROR lines in the server log, e.g.:")
        print("\n".join(problems[:5]))


if __name__ == "__main__":
    main(sys.argv[1:])

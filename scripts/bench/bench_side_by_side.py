#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Side-by-side benchmark: bare helpdesk_mgmt against our addons (not a test).

Usage::

    .venv/bin/python scripts/bench/bench_side_by_side.py .state/test.conf \\
        [--bare-db etp_bench_bare] [--ours-db etp_bench_ours] \\
        [--only email,portal,support,resolve,cases,sla] \\
        [--email 1000,10000] [--portal 1000,10000] [--resolve 20,100,500] \\
        [--cases 13,100] [--sla 100000] [--others 100000] [--repeat 15] [--keep]

A quick look at one path: ``--only resolve --resolve 50 --keep`` (a kept
database is reused, so the next run skips the installation).

It builds two scratch databases (names must start with ``etp_bench``; any
other name is refused): one with bare helpdesk_mgmt, one with etp_helpdesk,
etp_escalation and etp_incident, both without demo data (in a child process:
see ``build``). It loads both in one process and runs the same work on both,
interleaved (bare, ours, bare, ours…), then prints a table: path, size,
bare ms and queries, ours ms and queries, ratio of the times (ours / bare).
Times are medians over ``--repeat`` runs (one run for the heavy paths);
queries count every SQL statement of the work, including what the commit
runs (tracking, emails of stage templates).

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
  due, run like the cron worker (a batch of the cron's size per call, a
  commit after each) until done. helpdesk_mgmt has no SLA: ours only.

HTTP paths run in-process through Odoo's WSGI application (no network); the
database is chosen by the Host header. Outgoing emails go to an SMTP sink of
the script. Tickets beyond the first 20 of the portal user are copied with
SQL (no messages or followers of their own), and so are those of the other
requesters. The SLA path empties the tickets table of our database before
and after its run, so it runs last (the next run of a kept database gives
the requesters their tickets again). The databases are dropped at the end
unless ``--keep`` is given; kept databases are reused by the next run.
"""

import argparse
import logging
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone

from bench_paths_db import boot, drop_db, ensure_db, start_smtp_sink
from bench_paths_side import Side
from bench_paths_work import (
    work_cases,
    work_email,
    work_portal,
    work_resolve,
    work_sla,
    work_support,
)

BARE_MODULES = ["helpdesk_mgmt"]
OUR_MODULES = ["etp_helpdesk", "etp_escalation", "etp_incident"]
PATHS = ("email", "portal", "support", "resolve", "cases", "sla")
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
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--log-sql",
        metavar="FILE",
        help="write every SQL statement of the measured work to FILE, each run "
        "headed by its side (to see where two counts differ)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the databases (and reuse them)"
    )
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
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
            "expiry on read); ours only, the cron's batches of 1000 per call",
        )


def build(args):
    """Build the databases (``--build-only``, in a child process of the run:
    installing modules leaves a process holding far more objects than a
    server worker, which slows every request after it through Python's
    garbage collector, and the side with more code more)."""
    sink = start_smtp_sink()
    odoo = boot(args.config, sink.server_address[1])
    try:
        ensure_db(odoo, args.bare_db, BARE_MODULES, args.keep)
        ensure_db(odoo, args.ours_db, OUR_MODULES, args.keep)
    finally:
        sink.shutdown()


def main():
    args = parse_args()
    if args.build_only:
        build(args)
        return
    started = time.perf_counter()
    child = [sys.executable, os.path.abspath(__file__), args.config, "--build-only"]
    child += ["--bare-db", args.bare_db, "--ours-db", args.ours_db]
    subprocess.run(child + (["--keep"] if args.keep else []), check=True)
    sink = start_smtp_sink()
    odoo = boot(args.config, sink.server_address[1])
    # measured in a process that only loads the registries, as a worker does
    bare = Side("bare", args.bare_db, ensure_db(odoo, args.bare_db, BARE_MODULES, True))
    ours = Side("ours", args.ours_db, ensure_db(odoo, args.ours_db, OUR_MODULES, True))
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

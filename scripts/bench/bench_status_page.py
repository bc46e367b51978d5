#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the public status page /status under a rush (not a test).

Usage::

    .venv/bin/python scripts/bench/bench_status_page.py .state/test.conf \\
        etp_bench_status [--workers 2] [--duration 30] [--connections 16] \\
        [--port 8202] [--gevent-port 8203]

In a scratch database whose name starts with ``etp_bench`` (any other name is
refused; it is created with the three addons installed when it does not
exist), the script makes sure a few incidents are public (two open, two fixed
this week, one fixed last month), starts Odoo's multi-process server
(``--workers``, no cron; the database served by name, without a dbfilter
unless ``--dbfilter``) on ``--port``, warms it up, then has ``wrk``
(Debian package ``wrk``) ask for /status as anonymous visitors with a ``tz``
cookie, over ``--connections`` connections for ``--duration`` seconds. It
prints the requests per second, the latency, the errors, the CPU seconds the
Odoo processes used (so the figure can be read per core when other programs
share the machine) and the load of the machine before the run.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone

from bench_db import open_registry

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ODOO_SOURCE = os.environ.get("ODOO_SOURCE", "/opt/odoo-18.0")
TITLE_PREFIX = "BENCH-STATUS "


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", help="Odoo configuration file")
    parser.add_argument("database", help="scratch database, named etp_bench*")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=30, help="seconds")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--port", type=int, default=8202)
    parser.add_argument("--gevent-port", type=int, default=8203)
    parser.add_argument("--tz", default="Asia/Yekaterinburg", help="tz cookie")
    parser.add_argument(
        "--dbfilter",
        action="store_true",
        help="also set dbfilter (as docker/entrypoint.sh does): each request "
        "without a session then lists the databases on a new connection",
    )
    args = parser.parse_args()
    if not re.fullmatch(r"etp_bench[A-Za-z0-9_]*", args.database):
        parser.error(
            f"refusing to run on {args.database!r}: the benchmark changes incidents, "
            "use a scratch database named etp_bench…"
        )
    if args.workers < 2:
        parser.error("the multi-process server needs --workers 2 or more")
    if not shutil.which("wrk"):
        parser.error("wrk is missing: apt-get install wrk")
    return args


def prepare(config_path, database):
    """Create the database if needed and make the bench incidents public."""
    import odoo

    registry = open_registry(config_path, database, update=True)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        Incident = env["helpdesk.incident"].with_context(tracking_disable=True)
        Incident.search([("title", "=like", TITLE_PREFIX + "%")]).unlink()
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        specs = [
            ("signature", "in_progress", None, "Не работает подписание заявок"),
            ("eis", "handed_to_it", None, "Не публикуются извещения в ЕИС"),
            ("esia", "resolved", now - timedelta(days=1), "Не работал вход через ЕСИА"),
            ("auction", "resolved", now - timedelta(days=4), "Задержка торгов"),
            ("login", "resolved", now - timedelta(days=30), "Не работал вход"),
        ]
        for component, state, resolved_at, title in specs:
            Incident.create(
                {
                    "title": TITLE_PREFIX + title,
                    "component": component,
                    "state": state,
                    "resolved_at": resolved_at,
                    "detected_at": (resolved_at or now) - timedelta(hours=3),
                    "is_public": True,
                    "public_title": title,
                    "public_update": "Причина найдена, исправление выкладываем.",
                }
            )
        cr.commit()


def server_cmd(args):
    return [
        sys.executable,
        os.path.join(ROOT, "scripts", "bench", "odoo_launcher.py"),
        os.path.join(ODOO_SOURCE, "odoo-bin"),
        "-c",
        args.config,
        "-d",
        args.database,
        # one database: Odoo serves it by name; a dbfilter would make every
        # request without a session list the databases on a new connection
        f"--db-filter=^{args.database}$" if args.dbfilter else "--db-filter=",
        f"--workers={args.workers}",
        "--max-cron-threads=0",
        f"--http-port={args.port}",
        f"--gevent-port={args.gevent_port}",
        "--http-interface=127.0.0.1",
        "--log-level=warn",
        "--limit-request=1000000",
    ]


def wait_ready(url, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def cpu_seconds(pid):
    """CPU seconds used by the process ``pid`` and its children (workers)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        processes = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def wrk(args, url, duration):
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        "--latency",
        "-H",
        f"Cookie: tz={args.tz}",
        "-H",
        "Accept-Language: ru-RU,ru;q=0.9",
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def main():
    args = parse_args()
    prepare(args.config, args.database)
    url = f"http://127.0.0.1:{args.port}/status"
    server = subprocess.Popen(server_cmd(args), cwd=ROOT, start_new_session=True)
    try:
        wait_ready(url)
        with urllib.request.urlopen(url) as response:
            headers = response.headers
            print(f"Cache-Control: {headers.get('Cache-Control')}")
            print(f"Set-Cookie: {headers.get('Set-Cookie') or '(none: no session)'}")
        wrk(args, url, 5)  # warm-up: assets, caches of each worker
        load = os.getloadavg()
        cpu_before = cpu_seconds(server.pid)
        started = time.time()
        output = wrk(args, url, args.duration)
        elapsed = time.time() - started
        cpu = cpu_seconds(server.pid) - cpu_before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    print(output)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    print(f"cores on the machine:        {os.cpu_count()}")
    print(f"load average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"Odoo workers:                {args.workers}")
    print(f"requests per second:         {rate:.0f}")
    print(f"non-2xx answers:             {errors.group(1) if errors else 0}")
    print(
        f"Odoo CPU seconds:            {cpu:.1f} in {elapsed:.0f} s "
        f"({cpu / elapsed:.2f} cores busy)"
    )
    if cpu:
        print(f"requests per Odoo CPU-second: {total / cpu:.0f}")


if __name__ == "__main__":
    main()

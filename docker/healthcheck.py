#!/usr/bin/env python3
"""Healthcheck of the ETP Odoo services (docker-compose.yml):

  etp-healthcheck web      /web/health of the prefork workers on 8069
  etp-healthcheck gevent   /web/health of the evented server on 8072
  etp-healthcheck cron     PostgreSQL answers and the cron master (PID 1)
                           has its cron workers alive

Exit 0 when healthy, 1 otherwise (with the reason on stderr).
"""

import os
import sys
import urllib.request


def http(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=5) as r:
        if r.status != 200:
            sys.exit(f"/web/health answered {r.status}")


def children_of(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    stat = handle.read()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, cut after ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def cron():
    import psycopg2

    psycopg2.connect(
        host=os.environ.get("ODOO_DB_HOST", "db"),
        port=os.environ.get("ODOO_DB_PORT", "5432"),
        user=os.environ.get("ODOO_DB_USER", "odoo"),
        password=os.environ["ODOO_DB_PASSWORD"],
        dbname=os.environ["ODOO_DB_NAME"],
        connect_timeout=5,
    ).close()
    if not children_of(1):
        sys.exit("no cron worker is running")


def main(role):
    if role == "web":
        http(8069)
    elif role == "gevent":
        http(8072)
    elif role == "cron":
        cron()
    else:
        sys.exit(f"unknown role {role!r}")


if __name__ == "__main__":
    try:
        main(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ETP_ROLE", "web"))
    except Exception as exc:  # any failure is "unhealthy", with its reason
        sys.exit(f"unhealthy: {exc}")

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""bench_side_by_side.py's databases: an SMTP sink for the emails the work
sends, booting Odoo, and the two scratch databases (made or reused)."""

import socketserver
import threading
import time

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


# the modules a scratch database was built for (see ensure_db)
BUILT_FOR_KEY = "etp_bench.built_for"


def installed(odoo, name, modules):
    if not odoo.service.db.exp_db_exist(name):
        return False
    conn = _connect(odoo, name)
    try:
        with conn.cursor() as cur:
            # built by ensure_db for exactly these modules (a database built
            # for other modules, e.g. ours under the bare name, is rebuilt)
            cur.execute(
                "SELECT value FROM ir_config_parameter WHERE key = %s",
                [BUILT_FOR_KEY],
            )
            row = cur.fetchone()
            return bool(row) and row[0] == ",".join(sorted(modules))
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


def vacuum_analyze(name):
    """VACUUM ANALYZE the database ``name`` now: otherwise autovacuum passes
    over the rows just added or updated while the runs are measured, on the
    same cores."""
    import odoo

    conn = _connect(odoo, name)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    finally:
        conn.close()


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
    with registry.cursor() as cr:
        cr.execute(
            "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s)",
            [BUILT_FOR_KEY, ",".join(sorted(modules))],
        )
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    return registry

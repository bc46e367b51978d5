# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo in production mode, as config/odoo.conf describes it and README.md
runs it: a prefork master with HTTP workers, a cron worker and the gevent
process for /websocket, in a process group of its own on free loopback ports.

Used by the suite's live checks (etp_stories/tests/test_live_*.py) and the
load benchmark (scripts/bench/). The database is a copy of an installed one
(:func:`copy_database`), because a server outside the test runner commits.
"""

import contextlib
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import time

import psutil
import requests

from .mailservers import free_port

# addons/etp_stories/tests/live/odooserver.py
ROOT = pathlib.Path(__file__).resolve().parents[4]


def odoo_bin():
    import odoo

    return pathlib.Path(odoo.__file__).resolve().parent.parent / "odoo-bin"


def _pg_params():
    """How to reach PostgreSQL: Odoo's configuration where it names the
    server (inside a test run), else libpq's PG* variables (the scripts)."""
    from odoo.tools import config

    return {
        key: str(config[f"db_{key}"])
        for key in ("host", "port", "user", "password")
        if config.get(f"db_{key}")
    }


def _connect(dbname="postgres"):
    import psycopg2

    conn = psycopg2.connect(dbname=dbname, **_pg_params())
    conn.autocommit = True
    return conn


def drop_database(name, data_dir):
    with contextlib.closing(_connect()) as conn:
        conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    subprocess.run(
        ["rm", "-rf", str(pathlib.Path(data_dir) / "filestore" / name)], check=True
    )


def copy_database(source, target, data_dir):
    """``target`` becomes a fresh copy of ``source`` (database and filestore),
    taken with pg_dump while the test runner is connected to ``source``: what
    its committed transactions hold, which is what the tests never change."""
    drop_database(target, data_dir)
    env = dict(os.environ)
    env.update(
        {f"PG{key.upper()}": value for key, value in _pg_params().items()},
    )
    with contextlib.closing(_connect()) as conn:
        conn.cursor().execute(f'CREATE DATABASE "{target}"')
    dump = subprocess.Popen(
        ["pg_dump", "--format=custom", "--dbname", source],
        stdout=subprocess.PIPE,
        env=env,
    )
    restore = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", target],
        stdin=dump.stdout,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    dump.stdout.close()
    if dump.wait() or restore.returncode:
        raise RuntimeError(
            f"Copying database {source} to {target} failed: {restore.stderr[-2000:]}"
        )
    filestore = pathlib.Path(data_dir) / "filestore"
    if (filestore / source).is_dir():
        subprocess.run(
            ["cp", "-a", str(filestore / source), str(filestore / target)], check=True
        )


def database_exists(name):
    with contextlib.closing(_connect()) as conn:
        cur = conn.cursor()
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return bool(cur.fetchone())


class OdooServer:
    """``with OdooServer(db, conf_values) as server``: started, healthy, and
    stopped (with every process of its group) on exit."""

    def __init__(
        self, db, log_path, *, workers=2, cron_threads=1, extra=None, program=None
    ):
        self.db = db
        # What runs Odoo: odoo-bin, or a launcher taking the same arguments
        # (docker/odoo_web.py).
        self.program = program
        self.log_path = pathlib.Path(log_path)
        self.workers = workers
        self.cron_threads = cron_threads
        self.extra = dict(extra or {})
        self.http_port = self.gevent_port = None
        self.process = None
        self.conf_path = self.log_path.with_suffix(".conf")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.gevent_port}/websocket"

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def _render_config(self):
        """config/odoo.conf, rendered as scripts/common.sh renders it, with
        the server's own ports and database."""
        from odoo.tools import config

        env = dict(
            os.environ,
            ODOO_ADDONS_PATH=config["addons_path"],
            ODOO_DATA_DIR=config["data_dir"],
            ODOO_ADMIN_PASSWORD=os.environ.get("ODOO_ADMIN_PASSWORD", "admin"),
            ODOO_DB_HOST=config["db_host"] or "127.0.0.1",
            ODOO_DB_PORT=str(config["db_port"] or 5432),
            ODOO_DB_USER=config["db_user"],
            ODOO_DB_PASSWORD=config["db_password"] or "",
        )
        overrides = {
            "workers": self.workers,
            "max_cron_threads": self.cron_threads,
            "http_interface": "127.0.0.1",
            "http_port": self.http_port,
            "gevent_port": self.gevent_port,
            "db_name": self.db,
            "dbfilter": f"^{self.db}$",
            "logfile": self.log_path,
            "log_handler": ":INFO,werkzeug:WARNING",
        }
        overrides.update(self.extra)
        rendered = subprocess.run(
            [sys.executable, str(ROOT / "config" / "render_conf.py")]
            + [str(ROOT / "config" / "odoo.conf")]
            + [f"{key}={value}" for key, value in overrides.items()],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        self.conf_path.write_text(rendered)

    def start(self, timeout=180):
        self.http_port, self.gevent_port = free_port(), free_port()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self.log_path.exists():
            self.log_path.unlink()
        self._render_config()
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(self.program or odoo_bin()),
                "-c",
                str(self.conf_path),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Odoo exited with {self.process.returncode}\n{self.log_tail()}"
                )
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/web/health", timeout=5).ok:
                    return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"Odoo did not answer /web/health\n{self.log_tail()}")

    def stop(self):
        if not self.process or self.process.poll() is not None:
            return
        # SIGINT then SIGTERM: a graceful stop of the master and its children.
        for sig, wait in ((signal.SIGINT, 20), (signal.SIGTERM, 10)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, sig)
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    # -- what the checks look at ---------------------------------------------

    def children(self):
        """{pid: kind} of the master's live children: 'http', 'cron' or
        'gevent' (the evented server, started as `odoo-bin gevent`)."""
        kinds = {}
        for child in psutil.Process(self.process.pid).children():
            with contextlib.suppress(psutil.NoSuchProcess):
                if "gevent" in child.cmdline():
                    kinds[child.pid] = "gevent"
        for pid, kind in self.spawned_workers():
            if pid not in kinds and psutil.pid_exists(pid):
                kinds[pid] = kind
        return kinds

    def wait_for_children(self, timeout=60, gevent=True):
        """The children once all are up: ``workers`` HTTP, the cron workers
        and (unless ``gevent`` is false) the gevent process."""
        want = {"http": self.workers, "cron": self.cron_threads, "gevent": int(gevent)}
        deadline = time.monotonic() + timeout
        while True:
            kinds = self.children()
            counts = {kind: list(kinds.values()).count(kind) for kind in want}
            if counts == want or time.monotonic() > deadline:
                return kinds
            time.sleep(0.5)

    def spawned_workers(self):
        """(pid, kind) of every worker the master ever started, from the log
        lines Odoo writes when a worker starts."""
        found = []
        for match in re.finditer(
            r"Worker (WorkerHTTP|WorkerCron) \((\d+)\) alive", self.log_text()
        ):
            found.append(
                (
                    int(match.group(2)),
                    "http" if match.group(1) == "WorkerHTTP" else "cron",
                )
            )
        return found

    def log_text(self):
        return (
            self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        )

    def log_problems(self):
        """ERROR and CRITICAL lines, and tracebacks, of the server's log."""
        return [
            line
            for line in self.log_text().splitlines()
            if re.match(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ", line)
            or "Traceback" in line
            or "DistributionNotFound" in line
        ]

    def log_tail(self, lines=40):
        return "\n".join(self.log_text().splitlines()[-lines:])


class JsonRpc:
    """Odoo's external API (/jsonrpc), as an integration would call it."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        self.uid = self._call("common", "login", db, login, password)
        if not self.uid:
            raise AssertionError(f"{login} cannot log in to {db}")

    def _call(self, service, method, *args):
        response = requests.post(
            f"{self.url}/jsonrpc",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {"service": service, "method": method, "args": args},
                }
            ),
            headers={"Content-Type": "application/json"},
            timeout=120,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise AssertionError(json.dumps(body["error"], ensure_ascii=False)[:3000])
        return body["result"]

    def __call__(self, model, method, *args, **kwargs):
        return self._call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        found = self(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        assert found, xmlid
        return found[0]["res_id"]


def json_call(session, url, params):
    """A JSON route of the web client (type="json"), as the browser calls it."""
    response = session.post(
        url,
        data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
        headers={"Content-Type": "application/json"},
        timeout=120,
    )
    response.raise_for_status()
    body = response.json()
    if "error" in body:
        raise AssertionError(json.dumps(body["error"], ensure_ascii=False)[:3000])
    return body["result"]


def web_login(url, login, password):
    """The login form, as a person fills it in (with its CSRF token):
    (session, response of the POST)."""
    session = requests.Session()
    page = session.get(f"{url}/web/login", timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{url}/web/login",
        data={"login": login, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=60,
    )
    return session, response

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures of the live checks (tests/test_live_*.py): Odoo in production mode
on a copy of the suite's database, and private postfix and dovecot servers.
Both are started once per test session and stopped at its end."""

import pathlib

import pytest

from .live.mailservers import MailServers, missing_packages
from .live.odooserver import JsonRpc, OdooServer, database_exists

ROOT = pathlib.Path(__file__).resolve().parent.parent
ADMIN_PASSWORD = "admin"  # the admin user of a database built without demo data


def live_database_name():
    from odoo.tools import config

    return f"{config['db_name']}_live"


@pytest.fixture(scope="session")
def live_db():
    name = live_database_name()
    if not database_exists(name):
        pytest.fail(
            f"Database {name} is missing: scripts/test.sh copies it from the "
            "suite's database before the tests (tests/live/odooserver.py "
            "clone_database)."
        )
    return name


@pytest.fixture(scope="session")
def odoo_server(live_db):
    with OdooServer(live_db, ROOT / ".state" / "live-server.log") as server:
        server.first_children = server.wait_for_children()
        yield server


@pytest.fixture(scope="session")
def admin_rpc(odoo_server):
    return JsonRpc(odoo_server.url, odoo_server.db, "admin", ADMIN_PASSWORD)


@pytest.fixture(scope="session")
def mail_servers():
    missing = missing_packages()
    if missing:
        pytest.fail(
            "The mail round trip runs Debian's postfix and dovecot on localhost. "
            f"Install them: apt-get install {missing}"
        )
    with MailServers() as servers:
        yield servers

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the deployment checks share (tag ``etp_live``): Odoo in production
mode on a copy of the test database, and private postfix and dovecot servers.

Each is started once, the first time a check needs it, and stopped when the
test process ends, whichever runner runs the checks (pytest-odoo or Odoo's
own): the checks that follow look at the same running deployment, as its
users would. A tool they need that is missing fails them; nothing is skipped.
"""

import atexit

from odoo.tests import BaseCase, tagged
from odoo.tools import config

from .live.mailservers import MailServers
from .live.odooserver import ROOT, JsonRpc, OdooServer, copy_database

ADMIN_PASSWORD = "admin"  # the admin user of a database built without demo data

_RUNNING = {}


def _once(name, start):
    """The value ``start()`` returns, computed once per test process."""
    if name not in _RUNNING:
        _RUNNING[name] = start()
    return _RUNNING[name]


def live_database():
    """``<test database>_live``: a fresh copy of the test database, made once
    per test run (the production-mode servers commit, the tests never do)."""

    def copy():
        source = config["db_name"]
        if isinstance(source, list):  # Odoo 18 accepts several -d values
            source = source[0]
        target = f"{source}_live"
        copy_database(source, target, config["data_dir"])
        return target

    return _once("database", copy)


def odoo_server():
    """The production-mode server: prefork HTTP workers, a cron worker and
    the gevent process, with the children it came up with."""

    def start():
        server = OdooServer(live_database(), ROOT / ".state" / "live-server.log")
        server.start()
        atexit.register(server.stop)
        server.first_children = server.wait_for_children()
        return server

    return _once("server", start)


def admin_rpc():
    server = odoo_server()
    return _once(
        "admin", lambda: JsonRpc(server.url, server.db, "admin", ADMIN_PASSWORD)
    )


def mail_servers():
    """Debian's postfix and dovecot, as private instances on free ports."""

    def start():
        servers = MailServers()  # refuses to start without them
        servers.start()
        atexit.register(servers.stop)
        return servers

    return _once("mail", start)


@tagged("post_install", "-at_install", "etp_live")
class LiveCase(BaseCase):
    """A check of the deployed product: it runs programs outside the test
    process (a production-mode Odoo, mail servers, docker-compose, pip) and
    commits nothing in the test database. ``--test-tags -etp_live`` leaves
    these checks out; ``--test-tags etp_live`` runs only them."""

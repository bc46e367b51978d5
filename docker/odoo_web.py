#!/usr/bin/env python3
"""Odoo's prefork HTTP server without the gevent child its master forks.

Odoo's PreforkServer always starts `odoo gevent` next to its HTTP workers (and
restarts it when it exits). In compose, /websocket has a service of its own
(odoo-gevent), so that child would only cost memory on every web node (about
150 MiB) and never get a request: nginx routes /websocket elsewhere. This
launcher turns the spawn into a no-op and then runs Odoo's command line as
/usr/bin/odoo does. The arguments are Odoo's.
"""

import odoo
from odoo.service import server


def _no_gevent_child(self):
    """/websocket is served by the odoo-gevent service."""


server.PreforkServer.long_polling_spawn = _no_gevent_child

if __name__ == "__main__":
    odoo.cli.main()

#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Run odoo-bin, for the benchmarks of the multi-process server.

The prefork server starts its gevent process (live chat, bus) as
``<python> <this script> gevent …``; gevent's plugins then ask
``pkg_resources`` for ``zope.interface``, which setuptools < 70 does not find
under the normalised name of its wheel (``zope_interface-*.dist-info``): the
gevent process dies at start and the server starts it again every second,
eating a core during the measure. This launcher declares the installed
``zope.*`` distributions to ``pkg_resources`` under their dotted names, then
runs odoo-bin unchanged. Usage: ``python odoo_launcher.py ODOO_BIN ARGS…``.
"""

import importlib.metadata
import os
import sys


def declare_zope():
    try:
        import pkg_resources
    except ImportError:
        return
    for name in ("zope.interface", "zope.event"):
        try:
            pkg_resources.get_distribution(name)
        except pkg_resources.DistributionNotFound:
            try:
                distribution = importlib.metadata.distribution(name)
            except importlib.metadata.PackageNotFoundError:
                continue
            pkg_resources.working_set.add(
                pkg_resources.Distribution(
                    project_name=name,
                    version=distribution.version,
                    location=str(distribution.locate_file("")),
                )
            )


if __name__ == "__main__":
    odoo_bin = os.environ.get("ETP_ODOO_BIN") or sys.argv.pop(1)
    os.environ["ETP_ODOO_BIN"] = odoo_bin  # for the processes the server starts
    declare_zope()
    # run it as this script (not runpy.run_path, which would put odoo-bin in
    # sys.argv[0]): the server starts its gevent process with sys.argv[0]
    with open(odoo_bin, encoding="utf-8") as source:
        code = compile(source.read(), odoo_bin, "exec")
    exec(code, {"__name__": "__main__", "__file__": odoo_bin})

"""Load a language's translations into a built database, keeping its default
language (``--load-language`` sets the default at creation, and on an existing
database loads only the terms of the base module's models).

Usage: load_language.py CONFIG DATABASE LANG
"""

import sys

import odoo
from odoo import SUPERUSER_ID, api


def main(argv):
    config, dbname, lang = argv[1:4]
    odoo.tools.config.parse_config(["-c", config])
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["res.lang"]._activate_lang(lang)
        modules = env["ir.module.module"].search([("state", "=", "installed")])
        modules._update_translations([lang])


if __name__ == "__main__":
    main(sys.argv)

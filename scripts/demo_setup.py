"""Finish the demo database: the demo data, Russian for everyone, and list the
demo logins.

Usage: demo_setup.py CONFIG DATABASE [--list-logins]

run.sh installs the modules without demo data, then this script loads it: Odoo
loads a module's translations after its demo data, so demo records created
with the modules would get chatter written before the Russian was there
(«Создано: Helpdesk Ticket»). Loaded afterwards, in Russian, they tell their
stories in Russian from the first message.
"""

import sys

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.loading import force_demo

DEMO_MODULES = ("etp_helpdesk", "etp_escalation", "etp_incident")


def demo_users(env):
    data = env["ir.model.data"].search(
        [
            ("module", "in", DEMO_MODULES),
            ("model", "=", "res.users"),
            ("name", "=like", "%_demo"),
        ]
    )
    users = env["res.users"].browse(data.mapped("res_id")).exists()
    return env.ref("base.user_admin") | users.sorted(lambda u: (u.share, u.login))


def finish(env):
    env["res.lang"]._activate_lang("ru_RU")
    env.ref("base.main_partner").lang = "ru_RU"
    env["ir.default"].set("res.partner", "lang", "ru_RU")
    if not env["ir.module.module"].search_count([("demo", "=", True)]):
        force_demo(env(context={"lang": "ru_RU"}))
        # helpdesk_mgmt's demo puts a ticket in its «Awaiting» stage, merged
        # into ours (etp_escalation)
        env["helpdesk.ticket.stage"]._etp_merge_upstream_awaiting()
    env.ref("base.user_admin").name = "Администратор поддержки"
    demo_users(env).write({"lang": "ru_RU"})
    env["ir.default"].set("res.partner", "lang", "ru_RU")
    for website in env["website"].search([]):
        ru = env["res.lang"]._lang_get("ru_RU")
        website.language_ids |= ru
        website.default_lang_id = ru


def list_logins(env):
    for user in demo_users(env):
        if user.share:
            role = "portal, " + (user.commercial_partner_id.name or "")
        elif user == env.ref("base.user_admin"):
            role = "administrator"
        else:
            teams = env["helpdesk.ticket.team"].search([("user_ids", "in", user.id)])
            led = env["helpdesk.ticket.team"].search([("user_id", "=", user.id)])
            role = ", ".join(teams.mapped("name")) or (
                f"supervisor, leader of {len(led)} desks" if led else "operator"
            )
        print(f"    {user.login:<18} {user.name}  ({role})")


def main(argv):
    config, dbname = argv[1], argv[2]
    odoo.tools.config.parse_config(["-c", config, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"lang": "ru_RU"})
        if "--list-logins" in argv:
            list_logins(env)
        else:
            finish(env)


if __name__ == "__main__":
    main(sys.argv)

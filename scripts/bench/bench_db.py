# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The scratch database of a benchmark, shared by the bench_*.py scripts."""

ALL_ADDONS = ("etp_helpdesk", "etp_escalation", "etp_incident")


def open_registry(config_path, database, addons=ALL_ADDONS, update=False):
    """The registry of ``database`` under the Odoo configuration
    ``config_path``; a missing database is created first with ``addons``
    installed without demo data (a few minutes). ``update`` loads an existing
    database with ``update_module`` as well."""
    import odoo
    from odoo.tools import config

    config.parse_config(["-c", config_path, "--log-level=warn"])
    config["db_name"] = database
    import odoo.service.db

    created = not odoo.service.db.exp_db_exist(database)
    if created:
        print(
            f"creating {database} with {', '.join(addons)} (a few minutes)…", flush=True
        )
        odoo.service.db._create_empty_database(database)
        config["init"] = dict.fromkeys(addons, 1)
        config["without_demo"] = "all"
    if created or update:
        registry = odoo.modules.registry.Registry.new(database, update_module=True)
        config["init"] = {}
        return registry
    return odoo.modules.registry.Registry(database)

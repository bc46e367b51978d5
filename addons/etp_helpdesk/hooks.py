# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

_logger = logging.getLogger(__name__)

# Odoo modules that send data to third-party services as soon as they are
# installed or used: In-App Purchase services (partner enrichment, SMS and
# letters sent through odoo.com, company autocomplete from the contact form)
# and the image search of the website editor. Web and base_setup pull "iap"
# in automatically; the desk of a public procurement platform makes no such
# call by default.
OUTBOUND_MODULES = (
    "iap",
    "iap_mail",
    "partner_autocomplete",
    "snailmail",
    "sms",
    "website_sms",
    "web_unsplash",
)


def post_init_hook(env):
    _etp_remove_outbound_modules(env)


def _etp_remove_outbound_modules(env):
    """Mark the installed OUTBOUND_MODULES for removal; Odoo removes them at
    the end of this installation. A module that something else still needs
    (another installed module depends on it) is left in place, with a
    warning: the administrator decides."""
    Module = env["ir.module.module"]
    modules = Module.search(
        [("name", "in", OUTBOUND_MODULES), ("state", "=", "installed")]
    )
    removable = Module
    for module in modules:
        needed_by = module.downstream_dependencies().filtered(
            lambda dep: dep.name not in OUTBOUND_MODULES
        )
        if needed_by:
            _logger.warning(
                "Module %s calls third-party services but is kept: %s need it",
                module.name,
                ", ".join(needed_by.mapped("name")),
            )
        else:
            removable |= module
    if removable:
        _logger.info(
            "Removing modules that call third-party services: %s",
            ", ".join(removable.mapped("name")),
        )
        removable.button_uninstall()

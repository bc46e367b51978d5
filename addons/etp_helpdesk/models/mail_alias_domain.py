# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailAliasDomain(models.Model):
    """The desk's own addresses are cached for the mail gateway
    (``mail.thread._etp_own_addresses``): a change of an alias domain clears the
    cache."""

    _name = "mail.alias.domain"
    _inherit = ["mail.alias.domain", "etp.cache.source"]
    # what the cached addresses are made of
    _etp_cache_fields = frozenset(
        {"name", "bounce_alias", "catchall_alias", "default_from"}
    )

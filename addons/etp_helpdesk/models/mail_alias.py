# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailAlias(models.Model):
    """The desk's own addresses are cached for the mail gateway
    (``mail.thread._etp_own_addresses``): a change of an alias clears the
    cache."""

    _name = "mail.alias"
    _inherit = ["mail.alias", "etp.cache.source"]
    # what the cached addresses are made of
    _etp_cache_fields = frozenset({"alias_name", "alias_domain_id"})

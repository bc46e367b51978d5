# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Anti-abuse of the public forms: the web form (``/support``) and the other
forms that record a consent (e.g. etp_incident's «tell me when it is fixed»)
share the honeypot, the hourly limit per network address and the address
check (``helpdesk.ticket.web.form._etp_form_email``)."""

import logging

from odoo.http import request

from . import uploads

_logger = logging.getLogger(__name__)

# Hidden by CSS: people leave it empty, form-filling robots do not.
HONEYPOT_FIELD = "website_url"

PARAM_RATE_LIMIT = "etp_helpdesk.form_rate_limit_per_hour"
DEFAULT_RATE_LIMIT = 5


def honeypot_filled(post, origin="Support form"):
    """True when the field hidden from people (``HONEYPOT_FIELD``) was
    filled, as robots do: the caller answers as if all went well and keeps
    nothing."""
    if not post.get(HONEYPOT_FIELD):
        return False
    _logger.info(
        "%s: honeypot filled from %s, nothing created",
        origin,
        request.httprequest.remote_addr,
    )
    return True


def rate_limit_reached(ip_address, origin="Support form"):
    """The limit of consents given per hour from ``ip_address``
    (``PARAM_RATE_LIMIT``, counted by ``helpdesk.ticket.consent.
    _etp_count_recent`` over every public form), if reached; else 0."""
    limit = uploads.param_number(PARAM_RATE_LIMIT, DEFAULT_RATE_LIMIT)
    if limit <= 0:
        return 0
    recent = request.env["helpdesk.ticket.consent"].sudo()._etp_count_recent(ip_address)
    if recent < limit:
        return 0
    _logger.info(
        "%s: rate limit (%s per hour) reached by %s", origin, limit, ip_address
    )
    return int(limit)


def posted_text(post, name):
    """The stripped text posted as ``name``; a file sent under a text
    field's name counts as empty."""
    value = post.get(name)
    return value.strip() if isinstance(value, str) else ""

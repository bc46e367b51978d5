# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the public incident pages (``status.py``, ``status_subscription.py``)
share: the visitor's time zone, and the public incident or card of an id,
checked against the public snapshot before anything is read."""

from odoo.http import request


def to_id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def browser_tz():
    """The visitor's time zone (the ``tz`` cookie), if it names one."""
    return request.env["helpdesk.ticket"]._etp_browser_tz(
        request.httprequest.cookies.get("tz")
    )


def public_incident(incident_id, open_only=True):
    """The public incident of the website's company, checked before it is
    read, or an empty recordset."""
    return request.env["helpdesk.incident"]._etp_public_incident(
        to_id(incident_id), request.website.company_id, open_only=open_only
    )


def public_card(incident):
    """The public card of ``incident`` (a record that passed the checks):
    its public fields only, from the snapshot when it is there."""
    Incident = request.env["helpdesk.incident"]
    items = Incident._etp_public_items(incident.company_id, recent=True)
    item = next((i for i in items if i["id"] == incident.id), None)
    if item is None:
        return None
    return Incident._etp_public_card(item, browser_tz())

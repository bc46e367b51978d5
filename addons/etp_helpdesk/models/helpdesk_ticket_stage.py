# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketStage(models.Model):
    """The stages each team may use are cached
    (``helpdesk.ticket.team._get_applicable_stages``): creating or deleting a
    stage, or changing its company, teams, order or archiving, clears the
    cache."""

    _name = "helpdesk.ticket.stage"
    _inherit = ["helpdesk.ticket.stage", "etp.cache.source"]
    # what the cached lookup is made of
    _etp_cache_fields = frozenset({"company_id", "team_ids", "active", "sequence"})

    portal_close_label = fields.Char(
        string="Portal Button",
        translate=True,
        help="What the requester's button on the portal says, e.g. «Вопрос "
        "решён» or «Отозвать обращение». Empty: the stage name.",
    )
    portal_close_help = fields.Text(
        string="Portal Explanation",
        translate=True,
        help="Shown to the requester before the ticket is closed in this stage: "
        "what happens to it.",
    )

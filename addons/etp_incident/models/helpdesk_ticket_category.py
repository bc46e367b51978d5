# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .helpdesk_incident import COMPONENTS


class HelpdeskTicketCategory(models.Model):
    _inherit = "helpdesk.ticket.category"

    etp_component = fields.Selection(
        COMPONENTS,
        string="Platform Component",
        help="The part of the platform requests of this category are about. An "
        "incident of this component is registered from such tickets, and the "
        "web form shows its public notice as soon as the visitor picks the "
        "category. Empty: the parent category's.",
    )

    def _etp_components(self):
        """Map each category id to its component: its own, else its closest
        parent's (read in one query), else False."""
        chains = {
            category.id: [
                int(cid) for cid in reversed(category.parent_path.split("/")) if cid
            ]
            for category in self.sudo()
        }
        ancestors = self.sudo().browse(
            {cid for chain in chains.values() for cid in chain}
        )
        own = {category.id: category.etp_component for category in ancestors}
        return {
            category_id: next((own[cid] for cid in chain if own.get(cid)), False)
            for category_id, chain in chains.items()
        }

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.osv import expression


class HelpdeskTicketChildMixin(models.AbstractModel):
    """A record that belongs to a ticket (``ticket_id``) and follows its
    access: whoever may read the ticket may read the record, whoever may
    change the ticket may create, change or delete it (the access rights of
    the model still apply first). The delegation helpdesk_mgmt_sla uses for
    its SLA rows, and the search too: the records of tickets the user may not
    read are not found. Such a model needs no record rules of its own: the
    ticket's rules, whatever they become, decide."""

    _name = "helpdesk.ticket.child.mixin"
    _description = "Record Following Its Ticket's Access"

    def _etp_own_access_domain(self):
        """Records open to the user whatever their ticket; none by default."""
        return []

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """Only the records of the tickets the user may read (``fetch`` and
        ``read`` go through here too)."""
        if self.env.su:
            return super()._search(domain, offset, limit, order)
        tickets = (
            self.env["helpdesk.ticket"].with_context(active_test=False)._search([])
        )
        visible = [("ticket_id", "in", tickets)]
        own = self._etp_own_access_domain()
        if own:
            visible = expression.OR([visible, own])
        return super()._search(expression.AND([domain, visible]), offset, limit, order)

    def _check_access(self, operation):
        """On top of the access rights, a record is open to whoever may read
        its ticket (``read``) or change it (the other operations)."""
        result = super()._check_access(operation)
        if not self or self.env.su:
            return result
        allowed = self - result[0] if result else self
        own = self._etp_own_access_domain()
        if own:
            allowed -= allowed.sudo().filtered_domain(own)
        records_by_ticket = {}
        for record in allowed.sudo():
            records_by_ticket.setdefault(record.ticket_id.id, []).append(record.id)
        tickets = self.env["helpdesk.ticket"].browse(records_by_ticket)
        ticket_result = tickets._check_access(
            "read" if operation == "read" else "write"
        )
        if not ticket_result:
            return result
        forbidden = self.browse(
            record_id
            for ticket in ticket_result[0]
            for record_id in records_by_ticket[ticket.id]
        )
        if result:
            return result[0] | forbidden, result[1]
        return forbidden, ticket_result[1]

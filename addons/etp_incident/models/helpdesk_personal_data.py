# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from .helpdesk_emergency_case_line import OPEN_STATUSES


class HelpdeskPersonalData(models.AbstractModel):
    _inherit = "helpdesk.personal.data"

    def _etp_anonymise_ticket_related(self, tickets, redactors):
        """What we asked an external party (ЕИС, ЕСИА, a bank) about a ticket
        and what they answered, with its correspondence, and the reasons an
        emergency case line was waived, lose the requester's details."""
        result = super()._etp_anonymise_ticket_related(tickets, redactors)
        escalations = (
            self.env["helpdesk.external.escalation"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch(
                [("ticket_id", "in", tickets.ids)], ["ticket_id", "note", "answer"]
            )
        )
        if escalations:
            by_escalation = {}
            for escalation in escalations:
                redactor = redactors[escalation.ticket_id.id]
                by_escalation[escalation.id] = redactor
                escalation.with_context(mail_notrack=True).write(
                    {
                        "note": redactor.html(escalation.note),
                        "answer": redactor.text(escalation.answer),
                    }
                )
            self._etp_anonymise_thread("helpdesk.external.escalation", by_escalation)
        lines = (
            self.env["helpdesk.emergency.case.line"]
            .sudo()
            .search_fetch(
                [("ticket_id", "in", tickets.ids), ("waive_reason", "!=", False)],
                ["ticket_id", "waive_reason"],
            )
        )
        for line in lines:
            line.waive_reason = redactors[line.ticket_id.id].text(line.waive_reason)
        return result

    def _etp_partners_still_needed(self, partners):
        """The contact of an organisation in an emergency case still under
        way gets its instructions and reminders."""
        needed = super()._etp_partners_still_needed(partners)
        Line = self.env["helpdesk.emergency.case.line"].sudo()
        for (contact,) in Line._read_group(
            [
                ("contact_id", "in", partners.ids),
                ("status", "in", OPEN_STATUSES),
                ("case_id.state", "in", ("draft", "in_progress")),
            ],
            ["contact_id"],
        ):
            needed |= contact
        return needed

    def _etp_after_consent_withdrawn(self, partners, emails):
        """Whoever withdrew their consent is no longer told about incidents:
        their subscriptions stop and lose the address (the counts stay)."""
        result = super()._etp_after_consent_withdrawn(partners, emails)
        Subscription = self.env["helpdesk.incident.subscription"].sudo()
        subscriptions = Subscription.search(
            Subscription._etp_person_domain(partners, emails)
        )
        subscriptions._etp_cancel()
        subscriptions._etp_anonymise()
        return result

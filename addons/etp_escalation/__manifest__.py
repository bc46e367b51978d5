# Copyright 2026 ETP Support Desk contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "ETP Escalation",
    "summary": "Three support lines with escalation, SLA and 24/7 duty",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "license": "AGPL-3",
    "author": "ETP Support Desk contributors",
    "website": "https://github.com/etp-support/etp-helpdesk",
    "development_status": "Alpha",
    "maintainers": ["etp-support"],
    "depends": ["etp_helpdesk", "helpdesk_mgmt_sla", "helpdesk_mgmt_rating"],
    "data": [
        "security/ir.model.access.csv",
        "data/helpdesk_ticket_team_data.xml",
        "views/helpdesk_ticket_escalation_views.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/helpdesk_ticket_views.xml",
        "wizards/helpdesk_ticket_escalate_wizard_views.xml",
    ],
}

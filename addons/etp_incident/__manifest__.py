# Copyright 2026 ETP Support Desk contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "ETP Incidents",
    "summary": "Incidents handed to IT at once, external escalations and "
    "coordinated emergency cases",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "license": "AGPL-3",
    "author": "ETP Support Desk contributors",
    "website": "https://github.com/etp-support/etp-helpdesk",
    "development_status": "Alpha",
    "maintainers": ["etp-support"],
    "depends": ["etp_helpdesk"],
    "data": [
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "views/helpdesk_incident_views.xml",
        "views/helpdesk_ticket_views.xml",
    ],
}

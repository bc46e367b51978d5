# Copyright 2026 ETP Support Desk contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "ETP Incidents",
    "summary": "Incidents handed to IT at once, external escalations and "
    "coordinated emergency cases",
    "version": "18.0.1.0.1",
    "category": "After-Sales",
    "license": "AGPL-3",
    "author": "ETP Support Desk contributors",
    "website": "https://github.com/etp-support/etp-helpdesk",
    "development_status": "Alpha",
    "maintainers": ["etp-support"],
    "depends": ["etp_escalation"],
    "data": [
        "security/etp_incident_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/mail_template_data.xml",
        "data/helpdesk_ticket_category_data.xml",
        "data/helpdesk_external_party_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/helpdesk_incident_views.xml",
        "views/helpdesk_incident_subscription_views.xml",
        "views/helpdesk_incident_templates.xml",
        "views/helpdesk_ticket_category_views.xml",
        "views/helpdesk_incident_webhook_views.xml",
        "views/helpdesk_incident_spike_views.xml",
        "views/helpdesk_external_escalation_views.xml",
        "views/helpdesk_emergency_case_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_templates.xml",
        "views/res_config_settings_views.xml",
        "wizards/helpdesk_incident_register_wizard_views.xml",
        "wizards/helpdesk_emergency_case_waive_wizard_views.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "etp_incident/static/src/frontend/**/*",
        ],
        "web.assets_tests": [
            "etp_incident/static/tests/tours/**/*",
        ],
    },
    "demo": [
        "demo/helpdesk_incident_demo.xml",
        "demo/helpdesk_external_escalation_demo.xml",
        "demo/helpdesk_emergency_case_demo.xml",
    ],
}

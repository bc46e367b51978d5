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
        "security/etp_escalation_security.xml",
        "security/ir.model.access.csv",
        "data/resource_calendar_data.xml",
        "data/helpdesk_ticket_stage_data.xml",
        "data/helpdesk_ticket_team_data.xml",
        "data/helpdesk_sla_data.xml",
        "data/ir_cron_data.xml",
        "views/helpdesk_ticket_escalation_views.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/helpdesk_ticket_category_views.xml",
        "views/helpdesk_ticket_stage_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_sla_views.xml",
        "views/helpdesk_duty_shift_views.xml",
        "views/helpdesk_ticket_report_views.xml",
        "views/rating_rating_views.xml",
        "views/rating_templates.xml",
        "views/res_config_settings_views.xml",
        "wizards/helpdesk_ticket_escalate_wizard_views.xml",
    ],
    "post_init_hook": "post_init_hook",
    "demo": [
        "demo/res_users_demo.xml",
        "demo/helpdesk_sla_demo.xml",
        "demo/helpdesk_duty_shift_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "etp_escalation/static/src/backend/**/*",
        ],
        "web.assets_tests": [
            "etp_escalation/static/tests/tours/**/*",
        ],
    },
}

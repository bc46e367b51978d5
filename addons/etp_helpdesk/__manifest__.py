# Copyright 2026 ETP Support Desk contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "ETP Helpdesk",
    "summary": "Customer and supplier desks of an electronic procurement platform: "
    "procurement-aware tickets and every intake channel",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "license": "AGPL-3",
    "author": "ETP Support Desk contributors",
    "website": "https://github.com/etp-support/etp-helpdesk",
    "development_status": "Alpha",
    "maintainers": ["etp-support"],
    "depends": ["helpdesk_mgmt", "website_livechat"],
    "data": [
        "security/etp_helpdesk_security.xml",
        "security/ir.model.access.csv",
        "data/ir_config_parameter_data.xml",
        "data/ir_cron_data.xml",
        "data/res_company_data.xml",
        "data/helpdesk_ticket_channel_data.xml",
        "data/helpdesk_ticket_stage_data.xml",
        "data/im_livechat_channel_data.xml",
        "data/helpdesk_ticket_team_data.xml",
        "data/helpdesk_ticket_category_data.xml",
        "data/helpdesk_playbook_step_data.xml",
        "data/mail_canned_response_data.xml",
        "data/website_data.xml",
        "data/website_menu_data.xml",
        "views/res_partner_views.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/helpdesk_ticket_category_views.xml",
        "views/helpdesk_ticket_stage_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_consent_views.xml",
        "views/helpdesk_ticket_templates.xml",
        "views/support_form_templates.xml",
        "views/personal_data_templates.xml",
        "views/helpdesk_personal_data_log_views.xml",
        "views/website_templates.xml",
        "wizards/helpdesk_ticket_call_wizard_views.xml",
        "wizards/helpdesk_personal_data_wizard_views.xml",
        # after the wizard: its buttons open the wizard and the log
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/im_livechat_channel_demo.xml",
        "demo/helpdesk_ticket_demo.xml",
        "demo/helpdesk_ticket_consent_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "assets": {
        "web._assets_primary_variables": [
            (
                "before",
                "website/static/src/scss/primary_variables.scss",
                "etp_helpdesk/static/src/scss/primary_variables.scss",
            ),
        ],
        "web.assets_backend": [
            "etp_helpdesk/static/src/backend/**/*",
        ],
        "web.assets_frontend": [
            "etp_helpdesk/static/src/frontend/**/*",
        ],
        "web.assets_tests": [
            "etp_helpdesk/static/tests/tours/**/*",
        ],
    },
}

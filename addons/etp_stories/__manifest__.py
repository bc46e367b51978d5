# Copyright 2026 ETP Support Desk contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "ETP Stories (tests)",
    "summary": "End-to-end stories and deployment checks of the ETP support desk; "
    "installed only to run the tests",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "license": "AGPL-3",
    "author": "ETP Support Desk contributors",
    "website": "https://github.com/etp-support/etp-helpdesk",
    "development_status": "Alpha",
    "maintainers": ["etp-support"],
    # Never auto-installed: scripts/test.sh installs it in the test databases.
    "depends": ["etp_incident"],
}

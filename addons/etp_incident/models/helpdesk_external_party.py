# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

PARTY_KINDS = [
    ("eis", "EIS (zakupki.gov.ru)"),
    ("esia", "ESIA (Gosuslugi)"),
    ("certification_centre", "Certification centre"),
    ("other", "Other"),
]
CHANNELS = [
    ("email", "Email"),
    ("phone", "Phone"),
    ("portal", "Portal"),
    ("other", "Other"),
]


class HelpdeskExternalParty(models.Model):
    _name = "helpdesk.external.party"
    _description = "External Party"
    _order = "sequence, name, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(PARTY_KINDS, required=True, default="other")
    channel = fields.Selection(
        CHANNELS,
        string="Usual Channel",
        required=True,
        default="email",
        help="The channel a new escalation to this party uses unless changed.",
    )
    email = fields.Char(help="Address of the party's support desk.")
    phone = fields.Char(help="Phone number of the party's support desk.")
    website = fields.Char(
        string="Support Portal", help="Web page where requests are filed."
    )
    response_days = fields.Integer(
        string="Expected Answer (days)",
        default=3,
        required=True,
        help="Calendar days the party usually takes to answer; a new "
        "escalation is due that many days after it is sent.",
    )
    note = fields.Text(help="How to reach them, what to attach, who to ask.")
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the party between companies."
    )

    _sql_constraints = [
        (
            "response_days_positive",
            "CHECK(response_days >= 0)",
            "The expected answer time cannot be negative.",
        ),
    ]

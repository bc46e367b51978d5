# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

LOG_ACTIONS = [
    ("withdrawal", "Consent withdrawn"),
    ("consent_renewed", "Consent given again"),
    ("export", "Data exported"),
    ("retention", "Retention term reached"),
]
WITHDRAWAL_CHANNELS = [
    ("portal", "By the person, on the portal"),
    ("operator", "By an operator, on request"),
]


class HelpdeskPersonalDataLog(models.Model):
    """What the desk did with one person's data on request or by its
    retention rules: the supervisor's audit trail (read only).

    A line names the person by contact and email: the record of a request
    handled is kept as proof (152-FZ art. 9 part 3, art. 14 and 21), after the
    data itself is gone.
    """

    _name = "helpdesk.personal.data.log"
    _description = "Personal Data Log"
    _order = "date desc, id desc"
    _rec_name = "action"

    date = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now, index=True
    )
    action = fields.Selection(LOG_ACTIONS, required=True, readonly=True, index=True)
    channel = fields.Selection(
        WITHDRAWAL_CHANNELS,
        readonly=True,
        help="Who acted: the person on the portal, or an operator on their request.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Done By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        context={"active_test": False},
    )
    email = fields.Char(readonly=True)
    reference = fields.Char(
        string="Request",
        readonly=True,
        help="The person's request (letter, call, form) as the operator noted it.",
    )
    ticket_count = fields.Integer(string="Tickets", readonly=True)
    chat_count = fields.Integer(string="Chats", readonly=True)
    consent_count = fields.Integer(string="Consents", readonly=True)
    attachment_count = fields.Integer(string="Attachments", readonly=True)
    note = fields.Text(readonly=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
        index=True,
    )

    @api.model
    def _etp_log(self, action, partners=None, **values):
        """Write one line per person in ``partners`` (one line without a
        person when there is none). ``values`` are field values; ``consents``
        (records) counts them."""
        consents = values.pop("consents", None)
        if consents is not None:
            values["consent_count"] = len(consents)
        base = dict(values, action=action)
        if not partners:
            return self.create(base)
        return self.create(
            [
                dict(
                    base,
                    partner_id=partner.id,
                    email=base.get("email") or partner.email or False,
                )
                for partner in partners
            ]
        )

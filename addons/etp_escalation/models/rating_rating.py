# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

# A mark from 1 (poor) to 5 (excellent). A Selection keeps "not given" as
# NULL, so the averages of the satisfaction report skip it.
RATING_MARKS = [
    ("1", "1"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5"),
]


class RatingRating(models.Model):
    _inherit = "rating.rating"

    # The three things customers and suppliers value in support.
    mark_speed = fields.Selection(
        RATING_MARKS, string="Speed", help="How fast the request was handled."
    )
    mark_competence = fields.Selection(
        RATING_MARKS,
        string="Competence",
        help="How well the operator knew the platform and the procedure.",
    )
    mark_approach = fields.Selection(
        RATING_MARKS,
        string="Personal approach",
        help="How attentive the operator was to the requester's situation.",
    )

    def _etp_has_marks(self):
        """Whether the requester is asked for the three marks (tickets only)."""
        self.ensure_one()
        return self.res_model == "helpdesk.ticket"

    def _etp_rating_mark_fields(self):
        """Names of the marks a requester can give on the rating page."""
        return ["mark_speed", "mark_competence", "mark_approach"]

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from werkzeug.exceptions import BadRequest

from odoo import http
from odoo.http import request

from odoo.addons.rating.controllers.main import Rating

from ..models.rating_rating import RATING_MARKS


class EtpRating(Rating):
    @http.route()
    def action_submit_rating(self, token, rate=0, **kwargs):
        """Store the three marks (speed, competence, personal approach).

        The rating is the one of the access token, as upstream: a wrong token
        is a 404 before anything is read or written. Marks are checked before
        upstream applies the rating, so a forged mark changes nothing.
        """
        marks = {}
        if request.httprequest.method == "POST":
            rating_sudo, __ = self._get_rating_and_record(token)
            marks = self._etp_rating_marks(rating_sudo, kwargs)
        response = super().action_submit_rating(token, rate=rate, **kwargs)
        if marks:
            rating_sudo.write(marks)
        return response

    def _etp_rating_marks(self, rating_sudo, values):
        """The marks given in ``values``, checked; empty ones are left out."""
        if not rating_sudo._etp_has_marks():
            return {}
        allowed = {key for key, __ in RATING_MARKS}
        marks = {}
        for fname in rating_sudo._etp_rating_mark_fields():
            value = (values.get(fname) or "").strip()
            if not value:
                continue
            if value not in allowed:
                raise BadRequest(
                    request.env._(
                        "A mark is a whole number from 1 to 5, not %(value)r.",
                        value=value[:20],
                    )
                )
            marks[fname] = value
        return marks

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import lxml.html

from odoo import http
from odoo.tests import HttpCase, tagged

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

MARKS = {"mark_speed": "4", "mark_competence": "5", "mark_approach": "3"}


@tagged("post_install", "-at_install")
class TestRatingMarks(HttpCase, EtpHelpdeskCommon):
    """The requester gives speed, competence and personal approach marks on
    the rating page that the rating request email links to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._ticket(
            name="Не могу подписать протокол", partner_id=cls.contact_customer.id
        )
        cls.token = cls.ticket._rating_get_access_token()
        cls.rating = cls.ticket.rating_ids

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)  # the requester is not logged in

    def _submit(self, token, **values):
        return self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"csrf_token": http.Request.csrf_token(self), **values},
        )

    def test_rating_page_asks_for_the_three_marks(self):
        response = self.url_open(f"/rate/{self.token}/5")
        self.assertEqual(response.status_code, 200)
        page = lxml.html.fromstring(response.content)
        [form] = page.xpath(f"//form[@action='/rate/{self.token}/submit_feedback']")
        for field in MARKS:
            values = form.xpath(f".//input[@type='radio'][@name='{field}']/@value")
            self.assertEqual(values, ["1", "2", "3", "4", "5"], field)
        self.assertFalse(self.rating.consumed)

    def test_submit_with_the_token_stores_the_marks(self):
        response = self._submit(self.token, rate=5, feedback="Быстро помогли", **MARKS)
        self.assertEqual(response.status_code, 200)
        self.assertRecordValues(
            self.rating,
            [{"consumed": True, "rating": 5, "feedback": "Быстро помогли", **MARKS}],
        )
        # The page shows the marks given, to change them.
        page = lxml.html.fromstring(self.url_open(f"/rate/{self.token}/5").content)
        checked = page.xpath("//input[@type='radio'][@checked]")
        self.assertEqual(
            {i.get("name"): i.get("value") for i in checked if i.get("name") in MARKS},
            MARKS,
        )

    def test_marks_are_optional(self):
        response = self._submit(self.token, rate=3, mark_speed="2")
        self.assertEqual(response.status_code, 200)
        self.assertRecordValues(
            self.rating,
            [
                {
                    "consumed": True,
                    "rating": 3,
                    "mark_speed": "2",
                    "mark_competence": False,
                    "mark_approach": False,
                }
            ],
        )

    def test_wrong_token_is_not_found_and_changes_nothing(self):
        response = self._submit("not-a-token", rate=1, **MARKS)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(self.ticket.name, response.text)
        self.assertRecordValues(
            self.rating,
            [
                {
                    "consumed": False,
                    "mark_speed": False,
                    "mark_competence": False,
                    "mark_approach": False,
                }
            ],
        )

    def test_forged_mark_is_refused_and_changes_nothing(self):
        response = self._submit(self.token, rate=5, mark_speed="9", mark_approach="5")
        self.assertEqual(response.status_code, 400)
        self.assertRecordValues(
            self.rating,
            [
                {
                    "consumed": False,
                    "rating": 0,
                    "mark_speed": False,
                    "mark_approach": False,
                }
            ],
        )

    def test_get_does_not_store_marks(self):
        response = self.url_open(
            f"/rate/{self.token}/submit_feedback?rate=5&mark_speed=5"
        )
        self.assertEqual(response.status_code, 200)
        self.assertRecordValues(self.rating, [{"consumed": False, "mark_speed": False}])

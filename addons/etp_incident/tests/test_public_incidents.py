# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Known problems, where people ask: an incident an operator made public is
shown on the home page, on /support next to the topic, in the portal and on
/status, with its public fields only. Everything over HTTP, as a visitor, a
portal user and a stranger probing ids."""

from lxml import html

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .incident_common import IncidentCommon

INTERNAL_TITLE = "Откат релиза 4.12: cadesplugin_api.js"
INTERNAL_DESCRIPTION = "Внутреннее: сервер подписи srv-sign-02 перегружен"
IT_WORDS = "ИТ: перезапустили srv-sign-02, смотрим логи"
PUBLIC_TITLE = "Не работает подписание заявок"
PUBLIC_UPDATE = "Обходной путь: подпишите заявку в Chromium-Gost."
HIDDEN_TITLE = "Сбой интеграции с ЕИС: очередь zakupki-sync"
HIDDEN_PUBLIC_TITLE = "Не публикуются извещения в ЕИС"


class PublicIncidentCommon(IncidentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.public_incident = cls.Incident.create(
            {
                "title": INTERNAL_TITLE,
                "description": f"<p>{INTERNAL_DESCRIPTION}</p>",
                "component": "signature",
                "is_public": True,
                "public_title": PUBLIC_TITLE,
                "public_update": PUBLIC_UPDATE,
            }
        )
        cls.public_incident.message_post(body=IT_WORDS, message_type="comment")
        # not made public: nobody outside the desk may learn of it
        cls.hidden_incident = cls.Incident.create(
            {
                "title": HIDDEN_TITLE,
                "description": f"<p>{INTERNAL_DESCRIPTION}</p>",
                "component": "eis",
                "public_title": HIDDEN_PUBLIC_TITLE,
            }
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="etp-public-incidents-portal",
            groups="base.group_portal",
            partner_id=cls.contact_supplier.id,
        )

    def _get(self, path, user=None, **kwargs):
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)
        return self.url_open(path, **kwargs)

    def assertNothingInternal(self, text):
        for secret in (
            INTERNAL_TITLE,
            INTERNAL_DESCRIPTION,
            IT_WORDS,
            self.public_incident.name,
            HIDDEN_TITLE,
            HIDDEN_PUBLIC_TITLE,
            self.hidden_incident.name,
        ):
            self.assertNotIn(secret, text)

    def _cards(self, response):
        doc = html.fromstring(response.content)
        return doc.xpath("//*[hasclass('o_etp_incident_card')]")


@tagged("post_install", "-at_install")
class TestPublicIncidents(HttpCase, PublicIncidentCommon):
    def test_home_page_tells_the_known_problem(self):
        response = self._get("/")
        self.assertEqual(response.status_code, 200)
        cards = self._cards(response)
        self.assertEqual(len(cards), 1)
        card = cards[0]
        text = card.text_content()
        self.assertEqual(card.get("data-etp-incident"), str(self.public_incident.id))
        self.assertIn(PUBLIC_TITLE, text)
        self.assertIn("Electronic signature", text)  # the affected component
        self.assertIn("Looking for the cause", text)  # its status
        started = self.env["helpdesk.ticket"]._etp_format_msk(
            self.public_incident.detected_at
        )
        self.assertIn(f"Since {started}", " ".join(text.split()))
        self.assertIn("Last update", text)
        self.assertIn(PUBLIC_UPDATE, text)
        self.assertEqual(
            card.xpath(".//a[hasclass('o_etp_incident_subscribe_link')]/@href"),
            [f"/status/incident/{self.public_incident.id}"],
        )
        self.assertNothingInternal(response.text)

    def test_operators_decide_what_is_public(self):
        self.assertNotIn(HIDDEN_PUBLIC_TITLE, self._get("/").text)
        self.hidden_incident.is_public = True
        self.assertIn(HIDDEN_PUBLIC_TITLE, self._get("/").text)
        self.hidden_incident.is_public = False
        self.public_incident.is_public = False
        response = self._get("/")
        self.assertFalse(self._cards(response))
        self.assertNotIn(PUBLIC_TITLE, response.text)

    def test_status_and_update_follow_the_incident(self):
        self.public_incident.action_start()
        self.public_incident.public_update = "Исправление выкладываем в 12:00 МСК."
        text = self._get("/").text
        self.assertIn("Being fixed", text)
        self.assertIn("Исправление выкладываем в 12:00 МСК.", text)
        self.assertNotIn(PUBLIC_UPDATE, text)
        # fixed: no longer a known problem where people ask
        self.public_incident.action_resolve()
        for path in ("/", "/support"):
            self.assertNotIn(PUBLIC_TITLE, self._get(path).text, path)

    def test_support_form_shows_the_problem_of_the_topic(self):
        signature = self.category_signature
        subcategory = self.env["helpdesk.ticket.category"].create(
            {"name": "Подпись заявки", "parent_id": signature.id}
        )
        other = self.env["helpdesk.ticket.category"].create({"name": "Тарифы"})
        response = self._get("/support")
        doc = html.fromstring(response.content)
        # each topic names its component (a subcategory its parent's); the
        # page's script shows the notice of the chosen one
        option = "//select[@name='category_id']/option[@value='%s']"
        self.assertEqual(
            doc.xpath(option % signature.id)[0].get("data-etp-component"), "signature"
        )
        self.assertEqual(
            doc.xpath(option % subcategory.id)[0].get("data-etp-component"),
            "signature",
        )
        self.assertIsNone(doc.xpath(option % other.id)[0].get("data-etp-component"))
        box = doc.xpath("//*[@id='etp_known_problems']")[0]
        self.assertIn("d-none", box.get("class"))  # no topic chosen yet
        notice = box.xpath(".//*[hasclass('o_etp_known_problem')]")[0]
        self.assertEqual(notice.get("data-etp-component"), "signature")
        self.assertIn(PUBLIC_TITLE, notice.text_content())
        # the box is next to the topic, before the text of the request
        self.assertLess(
            response.text.index('id="etp_known_problems"'),
            response.text.index('name="description"'),
        )
        self.assertNothingInternal(response.text)

    def test_support_form_sent_back_keeps_the_notice_of_the_topic(self):
        response = self._get("/support")
        csrf = html.fromstring(response.content).xpath(
            "//form//input[@name='csrf_token']/@value"
        )[0]
        response = self.url_open(
            "/support",
            data={
                "csrf_token": csrf,
                "audience": "supplier",
                "email": "",
                "description": "Не подписывается заявка",
                "category_id": str(self.category_signature.id),
                "consent": "1",
            },
        )
        self.assertEqual(response.status_code, 400)
        box = html.fromstring(response.content).xpath("//*[@id='etp_known_problems']")[
            0
        ]
        self.assertNotIn("d-none", box.get("class"))
        shown = box.xpath(
            ".//*[hasclass('o_etp_known_problem')][not(contains(@class, 'd-none'))]"
        )
        self.assertEqual(len(shown), 1)
        self.assertIn(PUBLIC_TITLE, shown[0].text_content())

    def test_support_form_without_known_problem(self):
        self.public_incident.is_public = False
        response = self._get("/support")
        self.assertNotIn('id="etp_known_problems"', response.text)
        self.assertNothingInternal(response.text)

    def test_portal_home_and_tickets(self):
        for path in ("/my", "/my/tickets"):
            with self.subTest(path=path):
                response = self._get(path, user=self.portal_user)
                self.assertEqual(response.status_code, 200)
                cards = self._cards(response)
                self.assertEqual(len(cards), 1)
                self.assertIn(PUBLIC_TITLE, cards[0].text_content())
                # one click, back to the same page
                form = cards[0].xpath(".//form")[0]
                self.assertEqual(
                    form.get("action"),
                    f"/status/incident/{self.public_incident.id}/subscribe",
                )
                self.assertEqual(
                    form.xpath(".//input[@name='redirect']/@value"), [path]
                )
                self.assertNothingInternal(response.text)

    def test_tour_topic_shows_the_known_problem(self):
        self.start_tour("/support", "etp_incident_known_problem_tour")

    # --- the stranger -----------------------------------------------------

    def test_stranger_cannot_reach_an_incident_that_is_not_public(self):
        missing_id = self.Incident.search([], order="id desc", limit=1).id + 1000
        with mute_logger("odoo.http"):
            for path in (
                f"/status/incident/{self.hidden_incident.id}",
                f"/status/incident/{missing_id}",
                "/status/incident/0",
                "/status/incident/99999999999",
            ):
                with self.subTest(path=path):
                    response = self._get(path)
                    self.assertEqual(response.status_code, 404)
                    self.assertNothingInternal(response.text)
        # not public and missing answer alike: nothing to enumerate
        hidden = self._get(f"/status/incident/{self.hidden_incident.id}")
        missing = self._get(f"/status/incident/{missing_id}")
        self.assertEqual(hidden.status_code, missing.status_code)
        self.assertEqual(len(self._cards(hidden)), len(self._cards(missing)))

    def test_portal_user_of_another_organisation_sees_no_internals(self):
        ticket = self._ticket(
            name="Не подписывается извещение",
            partner_id=self.contact_customer.id,
            incident_id=self.public_incident.id,
        )
        response = self._get("/my/tickets", user=self.portal_user)
        self.assertNotIn(ticket.name, response.text)
        self.assertIn(PUBLIC_TITLE, response.text)
        self.assertNothingInternal(response.text)

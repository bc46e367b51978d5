# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.etp_helpdesk.models.helpdesk_ticket_consent import CONSENT_VERSION

from .support_form_common import NOTICE_44, SupportFormCase


@tagged("post_install", "-at_install")
class TestSupportForm(SupportFormCase):
    """The public web form /support, exercised over HTTP."""

    # ------------------------------------------------------------------
    # The page
    # ------------------------------------------------------------------

    def test_form_page_public(self):
        response = self.url_open("/support")
        self.assertEqual(response.status_code, 200)
        doc = self._doc(response)
        options = doc.xpath("//select[@name='category_id']/option/@value")
        self.assertIn(str(self.category.id), options)
        self.assertNotIn(str(self.category_hidden.id), options)
        self.assertNotIn(str(self.category_archived.id), options)
        self.assertEqual(
            sorted(doc.xpath("//input[@name='audience']/@value")),
            ["customer", "supplier"],
        )
        self.assertTrue(doc.xpath("//input[@name='consent'][@required]"))
        self.assertTrue(doc.xpath("//input[@name='email'][@required]"))
        self.assertEqual(self._value(doc, "email"), "")
        self.assertTrue(doc.xpath("//input[@name='website_url']"))
        self.assertIn(CONSENT_VERSION, response.text)

    def test_audience_preselected_from_the_link(self):
        doc = self._doc(self.url_open("/support?audience=supplier"))
        self.assertEqual(
            doc.xpath("//input[@name='audience'][@checked]/@value"), ["supplier"]
        )
        doc = self._doc(self.url_open("/support?audience=team_id"))
        self.assertFalse(doc.xpath("//input[@name='audience'][@checked]"))

    # ------------------------------------------------------------------
    # Submission
    # ------------------------------------------------------------------

    def test_anonymous_submission(self):
        before = self.Ticket.search([])
        start = fields.Datetime.now().replace(microsecond=0)
        response = self._post()
        end = fields.Datetime.now()
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/support/thanks"))
        ticket = self._new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.channel_id, self.channel_web)
        self.assertEqual(ticket.audience, "supplier")
        self.assertEqual(ticket.team_id, self.team_supplier_l1)
        self.assertEqual(ticket.procedure_number, NOTICE_44)
        self.assertEqual(ticket.name, "Не подаётся заявка")
        self.assertIn("ошибка подписи", ticket.description)
        self.assertEqual(ticket.partner_email, "petr.ivanov@zavod.example.ru")
        self.assertEqual(ticket.partner_name, "Пётр Иванов")
        # Unknown email: no contact, and the INN typed on the form does not
        # make the supplier organisation the contact of a stranger's ticket.
        self.assertFalse(ticket.partner_id)
        self.assertFalse(ticket.user_id)
        self.assertFalse(ticket.message_partner_ids)
        self.assertFalse(ticket.access_token)
        note = ticket.message_ids.filtered(lambda m: "web form" in (m.body or ""))
        self.assertIn("+7 495 123-45-67", note.body)
        self.assertIn("7736050003", note.body)
        self.assertIn(self.org_supplier.name, note.body)

        consent = self.Consent.search([("ticket_id", "=", ticket.id)])
        self.assertEqual(len(consent), 1)
        self.assertEqual(consent.version, CONSENT_VERSION)
        self.assertEqual(consent.ip_address, "127.0.0.1")
        self.assertEqual(consent.email, "petr.ivanov@zavod.example.ru")
        self.assertTrue(consent.user_agent)
        self.assertFalse(consent.user_id)
        self.assertTrue(start <= consent.accepted_at <= end)

        doc = self._doc(response)
        number = doc.xpath("//*[hasclass('o_etp_support_ticket_number')]")
        self.assertEqual(number[0].text_content().strip(), ticket.number)
        self.assertNotIn("/my/ticket/", response.text)

    def test_anonymous_creation_message_is_the_requesters(self):
        """The chatter shows who wrote, not the website's "Public user"."""
        public_partner = self.env.ref("base.public_user").partner_id
        before = self.Ticket.search([])
        self._post()
        ticket = self._new_tickets(before)
        created = ticket.message_ids.filtered(
            lambda m: m.subtype_id == ticket._creation_subtype()
        )
        self.assertEqual(len(created), 1)
        self.assertFalse(created.author_id)
        self.assertEqual(
            created.email_from, '"Пётр Иванов" <petr.ivanov@zavod.example.ru>'
        )
        self.assertNotIn(public_partner, ticket.message_ids.author_id)

    def test_anonymous_known_email_writes_as_the_contact(self):
        before = self.Ticket.search([])
        self._post(email="kuznetsov@postavka.example.ru")
        ticket = self._new_tickets(before)
        created = ticket.message_ids.filtered(
            lambda m: m.subtype_id == ticket._creation_subtype()
        )
        self.assertEqual(created.author_id, self.contact_supplier)

    def test_customer_lands_in_customer_line_1(self):
        before = self.Ticket.search([])
        self._post(audience="customer", inn="", procedure_number="")
        ticket = self._new_tickets(before)
        self.assertEqual(ticket.audience, "customer")
        self.assertEqual(ticket.team_id, self.team_customer_l1)

    def test_existing_contact_by_email(self):
        before = self.Ticket.search([])
        self._post(email="Kuznetsov@Postavka.example.ru", audience="customer")
        ticket = self._new_tickets(before)
        self.assertEqual(ticket.partner_id, self.contact_supplier)
        self.assertIn(self.contact_supplier, ticket.message_partner_ids)
        # The visitor's choice decides the audience, not the contact's role.
        self.assertEqual(ticket.team_id, self.team_customer_l1)

    def test_consent_required(self):
        before_consents = self.Consent.search_count([])
        before = self.Ticket.search([])
        response = self._post(consent=None)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._new_tickets(before))
        self.assertEqual(self.Consent.search_count([]), before_consents)
        doc = self._doc(response)
        self.assertIn("consent", self._error(doc, "consent"))
        self.assertEqual(self._value(doc, "email"), "petr.ivanov@zavod.example.ru")

    def test_required_fields_and_bad_email(self):
        before = self.Ticket.search([])
        response = self._post(audience="", email="", description="  ")
        self.assertEqual(response.status_code, 400)
        doc = self._doc(response)
        self.assertTrue(self._error(doc, "audience"))
        self.assertTrue(self._error(doc, "email"))
        self.assertTrue(self._error(doc, "description"))
        response = self._post(email="petr at zavod", audience="partner")
        self.assertEqual(response.status_code, 400)
        doc = self._doc(response)
        self.assertIn("petr at zavod", self._error(doc, "email"))
        self.assertTrue(self._error(doc, "audience"))
        self.assertEqual(self._value(doc, "email"), "petr at zavod")
        # A file sent under a text field's name counts as an empty field.
        response = self._post(
            description=None,
            files=[("description", ("text.txt", b"not a text", "text/plain"))],
        )
        self.assertEqual(response.status_code, 400)
        self.assertTrue(self._error(self._doc(response), "description"))
        self.assertFalse(self._new_tickets(before))

    def test_csrf_token_required(self):
        before = self.Ticket.search([])
        for token in (None, "forged"):
            with mute_logger("odoo.http"):
                response = self._post(csrf_token=token)
            self.assertEqual(response.status_code, 400)
        self.assertFalse(self._new_tickets(before))

    def test_bad_inn_and_notice_number_keep_the_input(self):
        before = self.Ticket.search([])
        description = "Описание <b>с разметкой</b>\nи второй строкой"
        response = self._post(
            inn="7736050004",
            procedure_number="12345678901",
            description=description,
            category_id=str(self.category.id),
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._new_tickets(before))
        doc = self._doc(response)
        self.assertIn("7736050004", self._error(doc, "inn"))
        self.assertIn("12345678901", self._error(doc, "procedure_number"))
        self.assertEqual(self._value(doc, "inn"), "7736050004")
        self.assertEqual(self._value(doc, "procedure_number"), "12345678901")
        self.assertEqual(self._value(doc, "contact_name"), "Пётр Иванов")
        self.assertEqual(self._value(doc, "phone"), "+7 495 123-45-67")
        self.assertEqual(self._value(doc, "subject"), "Не подаётся заявка")
        self.assertEqual(
            doc.xpath("//textarea[@name='description']")[0].text, description
        )
        self.assertEqual(
            doc.xpath("//input[@name='audience'][@checked]/@value"), ["supplier"]
        )
        self.assertEqual(
            doc.xpath("//select[@name='category_id']/option[@selected]/@value"),
            [str(self.category.id)],
        )
        self.assertTrue(doc.xpath("//input[@name='consent'][@checked]"))
        # The markup the visitor typed is shown as text, not rendered.
        self.assertNotIn("<b>с разметкой</b>", response.text)

    def test_platform_procedure_number_and_subject_from_description(self):
        before = self.Ticket.search([])
        self._post(
            procedure_number="ЭА-2026/15",
            subject="",
            description="Первая строка вопроса\nподробности",
        )
        ticket = self._new_tickets(before)
        self.assertEqual(ticket.procedure_number, "ЭА-2026/15")
        self.assertEqual(ticket.procedure_kind, "platform")
        self.assertEqual(ticket.name, "Первая строка вопроса")

    def test_category(self):
        before = self.Ticket.search([])
        for category in (self.category_hidden, self.category_archived):
            response = self._post(category_id=str(category.id))
            self.assertEqual(response.status_code, 400)
            self.assertTrue(self._error(self._doc(response), "category_id"))
        for forged in ("999999", "abc", "99999999999999999999"):
            response = self._post(category_id=forged)
            self.assertEqual(response.status_code, 400, forged)
        self.assertFalse(self._new_tickets(before))
        self._post(category_id=str(self.category.id))
        self.assertEqual(self._new_tickets(before).category_id, self.category)

    def test_extra_fields_are_ignored(self):
        other_company = self.env["res.company"].create({"name": "Чужая компания"})
        before = self.Ticket.search([])
        self._post(
            team_id=str(self.team_l3.id),
            user_id=str(self.operator.id),
            company_id=str(other_company.id),
            stage_id=str(self.stage_done.id),
            priority="3",
            partner_id=str(self.org_customer.id),
            channel_id="1",
            number="FORGED-1",
            audience="customer",
        )
        ticket = self._new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.team_id, self.team_customer_l1)
        self.assertFalse(ticket.user_id)
        self.assertEqual(ticket.company_id, self.env.ref("base.main_company"))
        self.assertEqual(ticket.stage_id, self.stage_new)
        self.assertEqual(ticket.priority, "1")
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.channel_id, self.channel_web)
        self.assertNotEqual(ticket.number, "FORGED-1")

    # ------------------------------------------------------------------
    # Portal user
    # ------------------------------------------------------------------

    def test_portal_user(self):
        portal = new_test_user(
            self.env,
            login="etp-form-portal",
            name="Олег Кузнецов (портал)",
            email="oleg.portal@postavka.example.ru",
            groups="base.group_portal",
        )
        portal.partner_id.parent_id = self.org_supplier
        self.authenticate("etp-form-portal", "etp-form-portal")
        doc = self._doc(self.url_open("/support"))
        self.assertEqual(self._value(doc, "contact_name"), "Олег Кузнецов (портал)")
        self.assertEqual(self._value(doc, "email"), "oleg.portal@postavka.example.ru")
        self.assertEqual(
            doc.xpath("//input[@name='audience'][@checked]/@value"), ["supplier"]
        )
        # The organisation comes from the account, not from a typed INN.
        self.assertFalse(doc.xpath("//input[@name='inn']"))
        self.assertIn(
            "7736050003",
            doc.xpath("//*[@id='etp_support_organisation']")[0].text_content(),
        )

        before = self.Ticket.search([])
        response = self._post(
            contact_name="Олег Кузнецов (портал)",
            email="oleg.portal@postavka.example.ru",
            inn="7707083893",
            partner_id=str(self.contact_customer.id),
        )
        ticket = self._new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.partner_id, portal.partner_id)
        self.assertEqual(ticket.commercial_partner_id, self.org_supplier)
        self.assertIn(portal.partner_id, ticket.message_partner_ids)
        self.assertEqual(ticket.team_id, self.team_supplier_l1)
        consent = self.Consent.search([("ticket_id", "=", ticket.id)])
        self.assertEqual(consent.user_id, portal)
        self.assertIn(f"/my/ticket/{ticket.id}", response.text)
        self.assertTrue(ticket.with_user(portal).has_access("read"))

    # ------------------------------------------------------------------
    # Tour
    # ------------------------------------------------------------------

    def test_tour_anonymous(self):
        self._etp_speak_russian()
        before = self.Ticket.search([])
        self.start_tour("/", "etp_helpdesk_support_form_tour")
        ticket = self._new_tickets(before)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.audience, "supplier")
        self.assertEqual(ticket.team_id, self.team_supplier_l1)
        self.assertEqual(ticket.procedure_number, NOTICE_44)
        self.assertEqual(ticket.partner_email, "tour.visitor@postavka.example.ru")
        self.assertEqual(len(ticket.attachment_ids), 0)
        self.assertEqual(
            self.Consent.search([("ticket_id", "=", ticket.id)]).version,
            CONSENT_VERSION,
        )

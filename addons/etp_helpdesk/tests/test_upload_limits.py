# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The portal's new-ticket form takes files within the limits of /support
(count, size, type): a portal user over HTTP gets a clear error, keeps what
they typed, and nothing is stored."""

from lxml import html

from odoo.tests import tagged

from .portal_common import EtpPortalCase

SUBJECT = "Не загружается протокол разногласий"
DESCRIPTION = "Протокол разногласий не прикрепляется.\nСрок подписания сегодня."
PDF = b"%PDF-1.7\n" + b"0" * 100


@tagged("post_install", "-at_install")
class TestPortalUploadLimits(EtpPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Param = cls.env["ir.config_parameter"].sudo()
        for key in (
            "etp_helpdesk.form_max_upload_mb",
            "etp_helpdesk.form_max_upload_total_mb",
            "etp_helpdesk.form_allowed_extensions",
        ):
            Param.search([("key", "=", key)]).unlink()

    def setUp(self):
        super().setUp()
        self._login(self.portal_supplier)
        self.before = self.env["helpdesk.ticket"].search([])
        self.attachments_before = self.env["ir.attachment"].search_count([])

    def _submit(self, files):
        data = {
            "csrf_token": self._csrf(),
            "subject": SUBJECT,
            "description": DESCRIPTION,
            "procedure_number": "32412345679",
        }
        return self.url_open(
            "/submitted/ticket",
            data=data,
            files=[("attachment", file) for file in files],
            allow_redirects=False,
        )

    def _new_tickets(self):
        return self.env["helpdesk.ticket"].search([("id", "not in", self.before.ids)])

    def assertRefused(self, response, *expected):
        """The form again, with the message and the typed text; nothing
        stored."""
        self.assertEqual(response.status_code, 200, response.text[:300])
        text = response.text
        self.assertIn('name="etp_error"', text)
        for message in expected:
            self.assertIn(message, text)
        self.assertIn(f'value="{SUBJECT}"', text)
        self.assertIn(DESCRIPTION + "</textarea>", text)
        self.assertIn('value="32412345679"', text)
        self.assertFalse(self._new_tickets())
        self.assertEqual(
            self.env["ir.attachment"].search_count([]), self.attachments_before
        )

    def test_oversized_file_is_refused(self):
        """The default limit of /support (10 MB a file) holds here too."""
        # lines of text, as in a real file (werkzeug buffers a long line)
        line = b"0" * 1023 + b"\n"
        big = ("scan.pdf", PDF + line * (10 * 1024 + 1), "application/pdf")
        response = self._submit([big])
        self.assertRefused(response, "scan.pdf is larger than 10 MB.")

    def test_total_size_is_capped(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "etp_helpdesk.form_max_upload_total_mb", "0.0015"
        )
        files = [(f"part{n}.pdf", PDF + b"1" * 1000, "application/pdf") for n in (1, 2)]
        self.assertRefused(self._submit(files), "together are larger than 0.0015 MB")

    def test_too_many_files_are_refused(self):
        files = [
            (f"скан-{n}.png", b"\x89PNG" + b"0" * 10, "image/png") for n in range(11)
        ]
        self.assertRefused(self._submit(files), "Please attach at most 10 files.")

    def test_programs_are_refused_whatever_their_name(self):
        for name, content in (
            ("setup.exe", b"MZ\x90\x00" + b"0" * 100),
            ("macro.js", b"WScript.Shell"),
            ("act.pdf", b"MZ\x90\x00" + b"0" * 100),
        ):
            with self.subTest(name=name):
                response = self._submit([(name, content, "application/octet-stream")])
                self.assertRefused(
                    response, f"{name}: files of this type are not accepted"
                )

    def test_files_within_the_limits_are_stored(self):
        files = [
            ("протокол.pdf", PDF, "application/pdf"),
            ("подпись.sig", b"0\x82\x05\x00", "application/octet-stream"),
            ("экран.PNG", b"\x89PNG" + b"0" * 10, "image/png"),
        ]
        response = self._submit(files)
        self.assertIn(response.status_code, (302, 303))
        ticket = self._new_tickets()
        self.assertEqual(len(ticket), 1)
        stored = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(
            sorted(stored.mapped("name")), ["подпись.sig", "протокол.pdf", "экран.PNG"]
        )
        self.assertEqual(stored.filtered(lambda a: a.name == "протокол.pdf").raw, PDF)

    def test_form_checks_the_same_size_before_sending(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "etp_helpdesk.form_max_upload_mb", "2"
        )
        text = self.url_open("/new/ticket").text
        self.assertIn(f'max_upload_size="{2 * 1024 * 1024}"', text)


@tagged("post_install", "-at_install")
class TestSupportFormUploadTypes(EtpPortalCase):
    """/support refuses the same types, keeping what was typed."""

    def test_program_refused_on_the_public_form(self):
        self.authenticate(None, None)
        self.env["ir.config_parameter"].sudo().set_param(
            "etp_helpdesk.form_rate_limit_per_hour", 0
        )
        page = self.url_open("/support").text
        self.assertIn('accept=".pdf,.doc,', page)
        token = html.fromstring(page).xpath("//input[@name='submission_token']/@value")
        before = self.env["helpdesk.ticket"].search_count([])
        response = self.url_open(
            "/support",
            data={
                "csrf_token": self._csrf(),
                "audience": "supplier",
                "email": "petrov@zavod.example.ru",
                "description": DESCRIPTION,
                "consent": "1",
                "submission_token": token[0],
            },
            files=[
                ("attachments", ("invoice.exe", b"MZ\x90\x00", "application/x-msdos"))
            ],
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("invoice.exe: files of this type are not accepted", response.text)
        self.assertIn("Срок подписания сегодня.", response.text)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), before)

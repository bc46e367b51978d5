# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import json
import zipfile

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .personal_data_common import EtpPersonalDataCase


@tagged("post_install", "-at_install")
class TestOperatorRequests(EtpPersonalDataCase):
    def _wizard(self, user=None, **vals):
        vals.setdefault("partner_id", self.person.id)
        vals.setdefault("reference", "Письмо от 12.03.2026, вх. № 45")
        Wizard = self.env["helpdesk.personal.data.wizard"]
        return Wizard.with_user(user or self.supervisor).create(vals)

    def _export(self, wizard):
        wizard.action_export()
        archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(wizard.export_file)))
        return archive, json.loads(archive.read("personal_data.json"))

    def test_supervisor_exports_everything_about_the_person(self):
        wizard = self._wizard()
        self.assertEqual(wizard.email, self.person.email)
        self.assertEqual(wizard.ticket_count, 2)
        self.assertEqual(wizard.open_ticket_count, 1)
        archive, data = self._export(wizard)
        self.assertTrue(wizard.export_filename.endswith(".zip"))
        numbers = {t["number"] for t in data["tickets"]}
        self.assertEqual(numbers, {self.closed_ticket.number, self.open_ticket.number})
        self.assertNotIn(self.other_ticket.number, json.dumps(data))
        self.assertEqual(data["person"]["name"], "Ирина Смирнова")
        self.assertEqual(data["person"]["emails"], ["smirnova@hospital1.example.ru"])
        self.assertEqual(data["processing"]["retention"]["closed_tickets_months"], 36)
        [consent] = data["consents"]
        self.assertEqual(consent["ip_address"], "203.0.113.7")
        self.assertEqual(consent["ticket"], self.closed_ticket.number)
        closed = next(
            t for t in data["tickets"] if t["number"] == self.closed_ticket.number
        )
        self.assertIn("500100732259", closed["description"])
        authors = {m["author"] for m in closed["messages"]}
        # her own name; the desk's staff as a role, never by name
        self.assertIn("Ирина Смирнова", authors)
        self.assertIn("Support desk", authors)
        self.assertNotIn(self.operator.name, json.dumps(data, ensure_ascii=False))
        # the attached file is in the archive
        [attachment] = closed["attachments"]
        self.assertEqual(attachment["name"], "скан паспорта.pdf")
        self.assertEqual(archive.read(attachment["file"]), b"%PDF passport")
        # logged
        log = self.Log.search([("action", "=", "export")])
        self.assertEqual(log.user_id, self.supervisor)
        self.assertEqual(log.partner_id, self.person)
        self.assertEqual(log.reference, "Письмо от 12.03.2026, вх. № 45")
        self.assertEqual((log.ticket_count, log.attachment_count), (2, 1))
        # nothing was changed by the export
        self.assertUntouched(self.closed_ticket, self.person.email)

    def test_export_by_email_alone(self):
        with self._at(self.closed_ticket.create_date, flush=True):
            by_email = self._ticket(
                name="Письмо без контакта",
                partner_email="Guest.Writer@Example.ru",
                partner_name="Гость",
            )
        wizard = self._wizard(partner_id=False, email="guest.writer@example.ru")
        __, data = self._export(wizard)
        self.assertEqual([t["number"] for t in data["tickets"]], [by_email.number])

    def test_supervisor_withdraws_on_request(self):
        wizard = self._wizard()
        with self.assertRaises(UserError):
            wizard.action_withdraw()  # not confirmed
        self.assertUntouched(self.closed_ticket, self.person.email)
        wizard.confirm_withdrawal = True
        wizard.action_withdraw()
        self.assertIn("1", wizard.done_message)
        self.assertTrue(self.closed_ticket.etp_anonymised_at)
        self.assertTrue(self.person.etp_consent_withdrawn_at)
        log = self.Log.search([("action", "=", "withdrawal")])
        self.assertEqual(log.channel, "operator")
        self.assertEqual(log.user_id, self.supervisor)
        self.assertEqual(log.reference, "Письмо от 12.03.2026, вх. № 45")

    def test_the_request_must_be_noted(self):
        wizard = self._wizard(reference=False)
        with self.assertRaises(UserError):
            wizard.action_export()
        wizard = self._wizard(partner_id=False, email="not an address")
        with self.assertRaises(UserError):
            wizard.action_export()
        self.assertFalse(self.Log.search([]))

    def test_line_operators_pass_the_request_on(self):
        with self.assertRaises(AccessError):
            self._wizard(user=self.line_operator)
        with self.assertRaises(AccessError):
            self.Log.with_user(self.line_operator).search([])

    def test_the_log_is_read_only(self):
        self._wizard().action_export()
        log = self.Log.with_user(self.supervisor).search([])
        self.assertEqual(len(log), 1)
        with self.assertRaises(AccessError):
            log.write({"reference": "исправлено"})
        with self.assertRaises(AccessError):
            log.unlink()
        manager = new_test_user(
            self.env,
            login="etp-pd-manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        with self.assertRaises(AccessError):
            log.with_user(manager).unlink()

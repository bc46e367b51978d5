# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user

from .incident_common import IncidentCommon
from .incident_resolution import IncidentResolutionTests


class TestIncident(IncidentResolutionTests, IncidentCommon):
    # Odoo's runner runs only the tests a class defines itself unless told
    # otherwise: the tests of IncidentResolutionTests are this class's.
    allow_inherited_tests_method = True

    def _wizard(self, tickets, user=None, **values):
        wizard_form = Form(
            self.env["helpdesk.incident.register.wizard"]
            .with_user(user or self.operator)
            .with_context(active_model="helpdesk.ticket", active_ids=tickets.ids)
        )
        for name, value in values.items():
            setattr(wizard_form, name, value)
        return wizard_form.save()

    # --- the wizard ----------------------------------------------------

    def test_register_button_opens_the_wizard(self):
        ticket = self._ticket(name="Не могу подписать заявку")
        action = ticket.action_register_incident()
        self.assertEqual(action["res_model"], "helpdesk.incident.register.wizard")
        self.assertEqual(action["target"], "new")
        self.assertEqual(action["context"]["default_ticket_ids"], ticket.ids)

    def test_wizard_creates_an_incident_from_the_tickets(self):
        first = self._ticket(
            name="Не могу подписать заявку",
            description="<p>Кнопка «Подписать» не реагирует</p>",
            partner_id=self.contact_supplier.id,
            category_id=self.category_signature.id,
            user_id=self.operator_own.id,
        )
        second = self._ticket(
            name="Ошибка подписи извещения",
            partner_id=self.contact_customer.id,
            category_id=self.category_signature.id,
            user_id=self.operator_own.id,
        )
        tickets = first | second
        wizard = self._wizard(tickets, user=self.operator_own)
        # prefilled from the first ticket; the component from the category
        self.assertEqual(wizard.mode, "create")
        self.assertEqual(wizard.ticket_ids, tickets)
        self.assertEqual(wizard.title, "Не могу подписать заявку")
        self.assertIn("Кнопка «Подписать» не реагирует", wizard.description)
        self.assertEqual(wizard.component, "signature")

        wizard.severity = "critical"
        action = wizard.action_confirm()
        incident = self.Incident.browse(action["res_id"])
        self.assertEqual(action["res_model"], "helpdesk.incident")
        self.assertEqual(incident.ticket_ids, tickets)
        self.assertEqual(incident.title, "Не могу подписать заявку")
        self.assertEqual(incident.component, "signature")
        self.assertEqual(incident.severity, "critical")
        self.assertTrue(incident.name.startswith("INC-"))
        self.assertEqual(incident.user_id, self.operator_own)
        # no IT address configured: it waits, new, with a note saying so
        self.assertEqual(incident.state, "new")
        self.assertIn("Not handed to IT", incident.message_ids[0].body)
        self.assertEqual(tickets.mapped("incident_state"), ["new", "new"])
        # each ticket notes the link for the operators, not for the requester
        for ticket in tickets:
            note = ticket.message_ids[0]
            self.assertIn(incident.name, note.body)
            self.assertTrue(note.is_internal)
            self.assertFalse(note.notification_ids)

    def test_wizard_proposes_the_latest_open_incident_of_the_component(self):
        older = self.Incident.create(
            {
                "title": "Сбой подписи (утро)",
                "component": "signature",
                "detected_at": "2026-11-24 06:00:00",
            }
        )
        newer = self.Incident.create(
            {
                "title": "Сбой подписи (вечер)",
                "component": "signature",
                "detected_at": "2026-11-24 18:00:00",
            }
        )
        resolved = self.Incident.create(
            {
                "title": "Сбой подписи (ночь)",
                "component": "signature",
                "detected_at": "2026-11-24 20:00:00",
            }
        )
        resolved.action_resolve()
        other = self.Incident.create(
            {"title": "Не входит в кабинет", "component": "login"}
        )
        ticket = self._ticket(
            name="Не подписывается контракт",
            category_id=self.category_signature.id,
        )
        wizard = self._wizard(ticket)
        self.assertEqual(wizard.mode, "link")
        self.assertEqual(wizard.incident_id, newer)
        self.assertEqual(wizard.proposed_incident_ids.ids, [newer.id, older.id])
        self.assertNotIn(other, wizard.proposed_incident_ids)

        wizard.incident_id = older
        action = wizard.action_confirm()
        self.assertEqual(action["res_id"], older.id)
        self.assertEqual(ticket.incident_id, older)
        self.assertEqual(older.ticket_count, 1)

    def test_wizard_links_several_tickets_and_keeps_other_links(self):
        incident = self.Incident.create({"title": "Сбой входа", "component": "login"})
        elsewhere = self.Incident.create({"title": "Сбой ЕИС", "component": "eis"})
        already = self._ticket(name="Ошибка загрузки в ЕИС", incident_id=elsewhere.id)
        tickets = self._ticket(name="Не могу войти") | self._ticket(
            name="Не пускает в кабинет"
        )
        wizard = self._wizard(tickets | already, mode="link", incident_id=incident)
        self.assertEqual(wizard.linked_ticket_ids, already)
        wizard.action_confirm()
        self.assertEqual(incident.ticket_ids, tickets)
        self.assertEqual(already.incident_id, elsewhere)

    def test_wizard_refuses_bad_input(self):
        incident = self.Incident.create({"title": "Сбой входа", "component": "login"})
        ticket = self._ticket(name="Не могу войти", incident_id=incident.id)
        wizard = self._wizard(ticket, mode="create", title="Новый")
        with self.assertRaisesRegex(UserError, "already linked"):
            wizard.action_confirm()

        free = self._ticket(name="Не могу войти снова")
        incident.action_resolve()
        wizard = self._wizard(free, mode="link", incident_id=incident)
        with self.assertRaisesRegex(UserError, "no longer open"):
            wizard.action_confirm()
        self.assertFalse(free.incident_id)

    # --- state machine ---------------------------------------------------

    def test_state_machine_refuses_jumps(self):
        incident = self.Incident.create({"title": "Сбой входа"})
        with self.assertRaisesRegex(UserError, "cannot become"):
            incident.action_close()
        self.assertEqual(incident.state, "new")
        incident.action_hand_to_it()
        self.assertEqual(incident.state, "handed_to_it")
        self.assertTrue(incident.handed_to_it_at)
        # handed outside Odoo: said so in the thread
        self.assertIn("outside Odoo", incident.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "cannot become"):
            incident.action_hand_to_it()
        incident.action_start()
        self.assertTrue(incident.started_at)
        incident.action_resolve()
        incident.action_close()
        self.assertEqual(incident.state, "closed")

    # --- security ------------------------------------------------------------

    def test_only_operators_see_incidents(self):
        incident = self.Incident.create({"title": "Сбой подписи"})
        ticket = self._ticket(
            name="Не подписывается",
            partner_id=self.contact_customer.id,
            incident_id=incident.id,
        )
        portal = new_test_user(
            self.env,
            login="etp-incident-portal",
            groups="base.group_portal",
            partner_id=self.contact_customer.id,
        )
        public = self.env.ref("base.public_user")
        employee = new_test_user(
            self.env, login="etp-incident-employee", groups="base.group_user"
        )
        for user in (portal, public, employee):
            Incident = self.Incident.with_user(user)
            with self.assertRaises(AccessError, msg=user.login):
                Incident.search([])
            with self.assertRaises(AccessError, msg=user.login):
                incident.with_user(user).read(["title"])
            with self.assertRaises(AccessError, msg=user.login):
                Incident.create({"title": "Ложный инцидент"})
            with self.assertRaises(AccessError, msg=user.login):
                self.env["helpdesk.incident.webhook"].with_user(user).search([])
        # the portal user reads their ticket, but not its incident link
        self.assertEqual(ticket.with_user(portal).name, "Не подписывается")
        with self.assertRaises(AccessError):
            ticket.with_user(portal).read(["incident_id"])
        # the lowest operator reads and writes incidents
        self.assertEqual(incident.with_user(self.operator_own).title, "Сбой подписи")
        incident.with_user(self.operator_own).title = "Сбой подписи ЭЦП"
        with self.assertRaises(AccessError):
            incident.with_user(self.operator_own).unlink()

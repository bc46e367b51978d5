# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

# Queries of resolving an incident (state change, its webhook row if any, one
# resolution message per linked ticket addressed to its requester, the tickets
# moved to the solved stage), measured after a warm-up with 5 and with 20
# tickets of as many requesters, in test mode on a fresh database of the three
# addons: 121 and 353 (sometimes one or two more, hence the margin). That is
# about 44 fixed queries (with etp_escalation's SLA rows) plus about 15 per
# ticket, all of them inside mail's message_post() of each ticket (the
# message, its notification and its email); our own work is batched: one
# read of the linked tickets, one rendering of the template for all of them,
# one write of the notified incident and one write of the stage; and one
# search of the people who asked to be told (none here).
RESOLVE_QUERY_COUNT_5 = 123
RESOLVE_QUERY_COUNT_20 = 356


class IncidentCommon(EtpHelpdeskCommon):
    """Operators, requesters and helpers of the incident tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # track as in production: the stage's emails depend on it
        cls.env = cls.env(context=dict(cls.env.context, mail_notrack=False))
        cls.Incident = cls.env["helpdesk.incident"]
        cls.category_signature = cls.env.ref(
            "etp_helpdesk.helpdesk_ticket_category_access_signature"
        )
        # the lowest operator role: sees its own tickets and every incident
        cls.operator_own = new_test_user(
            cls.env,
            login="etp-incident-own",
            name="Оператор (свои обращения)",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.env["ir.config_parameter"].sudo().set_param("etp_incident.it_email", False)

    @classmethod
    def _requester(cls, name, email, parent=None):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "email": email,
                "parent_id": (parent or cls.org_supplier).id,
            }
        )

    def _flush_tracking(self):
        """Run what Odoo runs just before a commit: the tracking messages and
        the stage's email templates."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _resolution_messages(self, tickets):
        """The resolution messages posted on ``tickets``."""
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "in", tickets.ids),
                    ("message_type", "=", "comment"),
                    ("subject", "ilike", "The technical problem is fixed"),
                ]
            )
        )

    def _emails_to(self, partner, ticket):
        """Emails queued for ``partner`` about ``ticket``: notifications of
        posted messages and emails of the stage's template."""
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "=", ticket.id),
                    "|",
                    ("recipient_ids", "in", partner.ids),
                    ("email_to", "ilike", partner.email),
                ]
            )
        )


class TestIncident(IncidentCommon):
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

    # --- resolution --------------------------------------------------------

    def test_resolution_tells_each_requester_once_per_ticket_and_solves(self):
        kuznetsov = self.contact_supplier
        smirnova = self.contact_customer
        ticket_k1 = self._ticket(
            name="Не могу подписать заявку", partner_id=kuznetsov.id
        )
        ticket_k2 = self._ticket(name="Не могу подписать ЦП", partner_id=kuznetsov.id)
        ticket_s = self._ticket(name="Ошибка подписи", partner_id=smirnova.id)
        # a requester who also follows the ticket still gets one email
        ticket_s.message_subscribe(partner_ids=smirnova.ids)
        tickets = ticket_k1 | ticket_k2 | ticket_s
        incident = self.Incident.create(
            {"title": "Сбой подписи", "ticket_ids": [(6, 0, tickets.ids)]}
        )
        incident.action_hand_to_it()
        incident.with_user(self.operator_own).action_resolve()
        self._flush_tracking()

        self.assertEqual(incident.state, "resolved")
        self.assertEqual(tickets.stage_id, self.stage_done)
        self.assertEqual(tickets.incident_notified_id, incident)
        for ticket, requester in (
            (ticket_k1, kuznetsov),
            (ticket_k2, kuznetsov),
            (ticket_s, smirnova),
        ):
            messages = self._resolution_messages(ticket)
            self.assertEqual(len(messages), 1, ticket.name)
            self.assertEqual(messages.partner_ids, requester)
            self.assertFalse(messages.is_internal)
            self.assertEqual(messages.author_id, self.operator_own.partner_id)
            self.assertEqual(
                messages.email_from, self.operator_own.partner_id.email_formatted
            )
            self.assertIn(ticket.number, messages.subject)
            # never the incident's internal text
            self.assertNotIn("Сбой подписи", messages.body)
            # exactly one email: the stage's "ticket closed" email is not sent
            self.assertEqual(len(self._emails_to(requester, ticket)), 1, ticket.name)

        # closing the incident, or resolving it again, sends nothing more
        incident.action_close()
        with self.assertRaisesRegex(UserError, "cannot become"):
            incident.action_resolve()
        incident._etp_solve_linked_tickets()
        self._flush_tracking()
        self.assertEqual(len(self._resolution_messages(tickets)), 3)
        # nor does linking a told ticket again
        ticket_s.incident_id = False
        ticket_s.incident_id = incident
        self.assertEqual(len(self._resolution_messages(ticket_s)), 1)

    def test_stage_email_still_goes_out_when_an_operator_solves(self):
        """The counter-check of the test above: outside an incident the solved
        stage does email the requester."""
        ticket = self._ticket(name="Вопрос", partner_id=self.contact_customer.id)
        ticket.stage_id = self.stage_done
        self._flush_tracking()
        self.assertEqual(len(self._emails_to(self.contact_customer, ticket)), 1)

    def test_resolution_reaches_tickets_the_operator_cannot_see(self):
        incident = self.Incident.create({"title": "Сбой подписи"})
        foreign = self._ticket(
            name="Чужое обращение",
            partner_id=self.contact_customer.id,
            user_id=self.operator.id,
            incident_id=incident.id,
        )
        self.assertFalse(
            foreign.with_user(self.operator_own).has_access("read"),
            "the lowest operator does not see another operator's ticket",
        )
        incident.with_user(self.operator_own).action_resolve()
        self.assertEqual(foreign.stage_id, self.stage_done)
        self.assertEqual(len(self._resolution_messages(foreign)), 1)

    def test_ticket_linked_later_gets_the_current_status(self):
        incident = self.Incident.create({"title": "Сбой подписи"})
        incident.action_resolve()
        late = self._ticket(
            name="Тоже не подписывается", partner_id=self.contact_customer.id
        )
        late.incident_id = incident
        self.assertEqual(late.stage_id, self.stage_done)
        self.assertEqual(late.incident_state, "resolved")
        self.assertEqual(len(self._resolution_messages(late)), 1)
        # a ticket created already linked is told as well
        created = self._ticket(
            name="Не подписывается",
            partner_id=self.contact_supplier.id,
            incident_id=incident.id,
        )
        self.assertEqual(created.stage_id, self.stage_done)
        self.assertEqual(len(self._resolution_messages(created)), 1)

        # linked to an open incident: a note for the operators, nothing sent
        open_incident = self.Incident.create({"title": "Сбой ЕИС", "component": "eis"})
        waiting = self._ticket(
            name="Не уходит в ЕИС", partner_id=self.contact_customer.id
        )
        waiting.incident_id = open_incident
        self.assertEqual(waiting.stage_id, self.stage_new)
        self.assertFalse(self._resolution_messages(waiting))
        self.assertIn(open_incident.name, waiting.message_ids[0].body)
        self.assertTrue(waiting.message_ids[0].is_internal)
        # and told when it is resolved
        open_incident.action_resolve()
        self.assertEqual(len(self._resolution_messages(waiting)), 1)

    def test_requester_known_only_by_email_is_told(self):
        incident = self.Incident.create({"title": "Сбой подписи"})
        ticket = self._ticket(
            name="Не подписывается",
            partner_name="Мария Орлова",
            partner_email="orlova@example.ru",
        )
        ticket.partner_id = False
        ticket.incident_id = incident
        incident.action_resolve()
        message = self._resolution_messages(ticket)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids.email, "orlova@example.ru")

    def _incident_with_tickets(self, count, tag):
        tickets = self.env["helpdesk.ticket"]
        for index in range(count):
            requester = self._requester(
                f"Поставщик {tag}-{index}", f"supplier-{tag}-{index}@example.ru"
            )
            tickets |= self._ticket(
                name=f"Не могу подписать {index}", partner_id=requester.id
            )
        incident = self.Incident.create(
            {"title": "Сбой подписи", "ticket_ids": [(6, 0, tickets.ids)]}
        )
        incident.action_hand_to_it()
        self.env.flush_all()
        self.env.invalidate_all()
        return incident, tickets

    def test_resolution_query_count(self):
        # warm the caches (templates, stages, aliases) with a first resolution
        self._incident_with_tickets(2, "warm")[0].action_resolve()
        for count, expected in (
            (5, RESOLVE_QUERY_COUNT_5),
            (20, RESOLVE_QUERY_COUNT_20),
        ):
            incident, tickets = self._incident_with_tickets(count, count)
            with self.assertQueryCount(expected):
                incident.action_resolve()
            self.assertEqual(tickets.stage_id, self.stage_done)
            self.assertEqual(len(self._resolution_messages(tickets)), count)

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

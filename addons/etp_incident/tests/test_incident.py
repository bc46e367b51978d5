# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

# Queries of resolving an incident, whatever the number of linked tickets:
# the state change, one read of the tickets, one rendering of the resolution
# message for all their requesters, one insert each of the messages, emails,
# notifications and stage changes, one write of the tickets, their SLA targets
# and first response, one search of the people who asked to be told (none
# here). Measured after a warm-up in test mode on a fresh
# database of the three addons: 35 with 5 tickets as with 50 (of as many
# requesters), one more allowed for noise. A query per ticket would add 45.
RESOLVE_QUERY_COUNT = 37


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

    def _emails_to(self, partner, tickets):
        """Emails queued for ``partner`` about ``tickets``: notifications of
        posted messages and emails of the stage's template."""
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "in", tickets.ids),
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

    def test_resolution_tells_each_requester_once_and_solves(self):
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
        self._flush_tracking()  # as if the tickets came in earlier
        incident.with_user(self.operator_own).action_resolve()
        self._flush_tracking()

        self.assertEqual(incident.state, "resolved")
        self.assertEqual(tickets.stage_id, self.stage_done)
        self.assertEqual(tickets.incident_notified_id, incident)
        stage_field = self.env["ir.model.fields"]._get("helpdesk.ticket", "stage_id")
        for ticket, requester in (
            (ticket_k1, kuznetsov),
            (ticket_k2, kuznetsov),
            (ticket_s, smirnova),
        ):
            # each ticket keeps the resolution message in its history, public,
            # addressed to its requester, with the move to the solved stage
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
            stage_change = messages.tracking_value_ids.filtered(
                lambda v: v.field_id == stage_field
            )
            self.assertEqual(
                (stage_change.old_value_integer, stage_change.new_value_integer),
                (self.stage_new.id, self.stage_done.id),
            )
            # the stage change is logged once, with the message
            self.assertEqual(
                self.env["mail.tracking.value"].search_count(
                    [
                        ("mail_message_id.model", "=", "helpdesk.ticket"),
                        ("mail_message_id.res_id", "=", ticket.id),
                        ("field_id", "=", stage_field.id),
                    ]
                ),
                1,
            )

        # one email per requester, naming all their tickets; the stage's
        # "ticket closed" email is not sent
        emails_k = self._emails_to(kuznetsov, ticket_k1 | ticket_k2)
        self.assertEqual(len(emails_k), 1)
        self.assertEqual(emails_k.res_id, ticket_k1.id)
        self.assertEqual(emails_k.recipient_ids, kuznetsov)
        for number in (ticket_k1.number, ticket_k2.number):
            self.assertIn(number, emails_k.body_html)
        self.assertIn("all your tickets about it", emails_k.body_html)
        # the email is the notification of the first ticket's message: a
        # reply threads into that ticket
        message_k1 = self._resolution_messages(ticket_k1)
        self.assertEqual(emails_k.mail_message_id, message_k1)
        self.assertEqual(
            message_k1.notification_ids.mapped(
                lambda n: (n.res_partner_id, n.notification_type)
            ),
            [(kuznetsov, "email")],
        )
        self.assertEqual(self._resolution_messages(ticket_k2).body, message_k1.body)
        emails_s = self._emails_to(smirnova, ticket_s)
        self.assertEqual(len(emails_s), 1)
        self.assertIn(ticket_s.number, emails_s.body_html)
        self.assertNotIn(ticket_k1.number, emails_s.body_html)

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

    def test_reply_to_the_resolution_email_threads_into_the_ticket(self):
        ticket = self._ticket(
            name="Не подписывается", partner_id=self.contact_customer.id
        )
        incident = self.Incident.create(
            {"title": "Сбой подписи", "ticket_ids": [(6, 0, ticket.ids)]}
        )
        incident.action_resolve()
        sent = self._resolution_messages(ticket)
        reply = (
            f"From: {self.contact_customer.name} <{self.contact_customer.email}>\n"
            "To: support@etp-support.example.ru\n"
            f"Subject: Re: {sent.subject}\n"
            "Message-ID: <reply-incident@hospital1.example.ru>\n"
            f"In-Reply-To: {sent.message_id}\n"
            f"References: {sent.message_id}\n"
            "MIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: 8bit\n\n"
            "Снова не подписывается.\n"
        )
        before = self.env["helpdesk.ticket"].search_count([])
        thread_id = self.env["mail.thread"].message_process("helpdesk.ticket", reply)
        self.assertEqual(thread_id, ticket.id)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), before)

    def test_a_rewritten_template_body_is_used(self):
        """The body calls a QWeb view, compiled once for all tickets; an
        administrator who rewrites it in the template gets their text."""
        template = self.env.ref("etp_incident.mail_template_incident_ticket_resolved")
        template.body_html = (
            '<p>Сбой устранён, обращение <t t-out="object.number"/> решено.</p>'
        )
        ticket = self._ticket(name="Вопрос", partner_id=self.contact_customer.id)
        incident = self.Incident.create(
            {"title": "Сбой", "ticket_ids": [(6, 0, ticket.ids)]}
        )
        incident.action_resolve()
        email = self._emails_to(self.contact_customer, ticket)
        self.assertIn(f"обращение {ticket.number} решено", email.body_html)

    def test_resolution_is_the_first_response(self):
        """The resolution message answers the requester publicly: a ticket
        nobody answered before gets its first response then."""
        answered = self._ticket(name="Отвеченное", partner_id=self.contact_customer.id)
        answered.with_user(self.operator).message_post(
            body="Проверяем", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        first = answered.first_response_date
        self.assertTrue(first)
        silent = self._ticket(name="Без ответа", partner_id=self.contact_supplier.id)
        incident = self.Incident.create(
            {"title": "Сбой", "ticket_ids": [(6, 0, (answered | silent).ids)]}
        )
        incident.with_user(self.operator_own).action_resolve()
        self.assertTrue(silent.first_response_date)
        self.assertEqual(answered.first_response_date, first)

    def test_stage_email_still_goes_out_when_an_operator_solves(self):
        """The counter-check of the test above: outside an incident the solved
        stage does email the requester."""
        ticket = self._ticket(name="Вопрос", partner_id=self.contact_customer.id)
        ticket.stage_id = self.stage_done
        self._flush_tracking()
        self.assertEqual(len(self._emails_to(self.contact_customer, ticket)), 1)

    def test_operator_solving_again_before_the_commit_sends_the_stage_email(self):
        """Whether the solved stage emails the requester is the ticket's own
        state (its stage set by the incident's resolution), nothing kept aside
        for the transaction: an operator who reopens and solves the ticket
        again before the commit sends the stage's email."""
        ticket = self._ticket(name="Вопрос", partner_id=self.contact_customer.id)
        incident = self.Incident.create(
            {"title": "Сбой подписи", "ticket_ids": [(6, 0, ticket.ids)]}
        )
        incident.action_resolve()
        self.assertTrue(ticket.solved_by_incident)
        ticket.stage_id = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )
        ticket.stage_id = self.stage_done
        self.assertFalse(ticket.solved_by_incident)
        self._flush_tracking()
        # the resolution message, and the stage's email this time
        self.assertEqual(len(self._emails_to(self.contact_customer, ticket)), 2)

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
        self._flush_tracking()  # as if the tickets came in earlier
        self.env.invalidate_all()
        return incident, tickets

    def test_resolution_query_count_is_the_same_for_5_and_50_tickets(self):
        # warm the caches (templates, stages, aliases) with a first resolution
        self._incident_with_tickets(2, "warm")[0].action_resolve()
        counts = {}
        for count in (5, 50):
            with self._at(datetime(2026, 11, 24, 9, 0)):
                incident, tickets = self._incident_with_tickets(count, count)
            # resolved later, as in life: every ticket's stage date changes
            # with the tracking, run before the commit
            with (
                self._at(datetime(2026, 11, 24, 10, 0)),
                self._count_queries(RESOLVE_QUERY_COUNT) as queries,
            ):
                incident.action_resolve()
            counts[count] = queries.count
            self.assertEqual(tickets.stage_id, self.stage_done)
            self.assertEqual(len(self._resolution_messages(tickets)), count)
            emails = self.env["mail.mail"].search(
                [("model", "=", "helpdesk.ticket"), ("res_id", "in", tickets.ids)]
            )
            self.assertEqual(emails.recipient_ids, tickets.partner_id)
            self.assertEqual(len(emails), count)
        self.assertEqual(counts[5], counts[50])

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

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The resolution tests of ``TestIncident`` (test_incident.py), kept here so
that no file grows past 400 lines: resolving an incident tells each
requester once, solves the tickets, and costs the same queries for 5 and
50 tickets. Not a test case by itself: ``TestIncident`` mixes it in, so the
tests keep their class and names."""

from datetime import datetime

from odoo.exceptions import UserError

from .incident_common import RESOLVE_QUERY_COUNT


class IncidentResolutionTests:
    """Mixed into ``TestIncident``; relies on ``IncidentCommon``."""

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

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .retention_common import (
    AFTER_TERM,
    BEFORE_TERM,
    CLOSED,
    CREATED,
    EtpRetentionCommon,
)


class TestRetentionSettings(EtpRetentionCommon):
    def test_default_terms(self):
        company = self.env["res.company"].create({"name": "ООО «Новая площадка»"})
        self.assertEqual(company.etp_retention_ticket_months, 36)
        self.assertEqual(company.etp_retention_chat_months, 12)
        self.assertEqual(company.etp_retention_consent_months, 12)

    def test_settings_change_the_company_terms(self):
        settings = self.env["res.config.settings"].create(
            {
                "etp_retention_ticket_months": 60,
                "etp_retention_chat_months": 6,
                "etp_retention_consent_months": 24,
            }
        )
        settings.execute()
        company = self.env.company
        self.assertEqual(company.etp_retention_ticket_months, 60)
        self.assertEqual(company.etp_retention_chat_months, 6)
        self.assertEqual(company.etp_retention_consent_months, 24)

    def test_a_term_is_at_least_one_month(self):
        with self.assertRaises(ValidationError):
            self.env.company.etp_retention_ticket_months = 0
        with self.assertRaises(ValidationError):
            self.env.company.etp_retention_chat_months = -1

    def test_the_cron_is_declared(self):
        cron = self.env.ref("etp_helpdesk.ir_cron_helpdesk_personal_data_retention")
        self.assertEqual(cron.code, "model._cron_anonymise_expired()")
        self.assertTrue(cron.active)


class TestTicketRetention(EtpRetentionCommon):
    def test_ticket_within_its_term_is_kept(self):
        ticket = self._closed_ticket(self.person)
        self.assertEqual(self._run_cron(BEFORE_TERM), (0, 0))
        self.assertFalse(ticket.etp_anonymised_at)
        self.assertEqual(ticket.partner_email, "smirnova@hospital1.example.ru")
        self.assertIn("500100732259", ticket.description)

    def test_ticket_past_its_term_loses_the_personal_data(self):
        ticket = self._closed_ticket(self.person)
        messages = ticket.message_ids
        report = (
            ticket.audience,
            ticket.category_id,
            ticket.team_id,
            ticket.stage_id,
            ticket.create_date,
            ticket.closed_date,
            ticket.number,
        )
        done, remaining = self._run_cron(AFTER_TERM)
        self.assertEqual((done, remaining), (1, 0))
        self.assertEqual(ticket.etp_anonymised_at, AFTER_TERM)
        # requester: the organisation stays, the person goes
        self.assertEqual(ticket.partner_id, self.org_customer)
        self.assertFalse(ticket.partner_name)
        self.assertFalse(ticket.partner_email)
        self.assertEqual(ticket.name, "Не подписывается заявка, [name removed]")
        # texts: the procurement and the organisation stay
        for kept in ("0373100000124000456", "7707083893"):
            self.assertIn(kept, ticket.description)
        for gone in ("500100732259", "112-233-445", "916", "smirnova", "Ирина"):
            self.assertNotIn(gone, ticket.description)
        self.assertIn("[INN removed]", ticket.description)
        self.assertIn("[SNILS removed]", ticket.description)
        # what reports count stays
        self.assertEqual(
            report,
            (
                ticket.audience,
                ticket.category_id,
                ticket.team_id,
                ticket.stage_id,
                ticket.create_date,
                ticket.closed_date,
                ticket.number,
            ),
        )
        # messages: same number, no personal details, no outside author
        self.assertEqual(ticket.message_ids, messages)
        bodies = " ".join(str(m.body) for m in messages)
        for gone in ("89161234567", "8 916", "Ирина", "smirnova"):
            self.assertNotIn(gone, bodies)
        self.assertIn("0373100000124000456", bodies)
        incoming = messages.filtered(lambda m: m.message_type == "email")
        self.assertFalse(incoming.author_id)
        self.assertFalse(incoming.email_from)
        reply = messages.filtered(lambda m: m.author_id == self.operator.partner_id)
        self.assertTrue(reply, "the operator stays the author of their reply")
        self.assertNotIn(self.person, messages.partner_ids)
        # attachments, followers outside the desk, mails, notifications
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
            )
        )
        self.assertNotIn(self.person, ticket.message_partner_ids)
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "in", messages.ids)])
        )
        self.assertFalse(
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", messages.ids),
                    ("notification_type", "=", "email"),
                ]
            )
        )
        # the consent is kept, without the IP address
        consent = ticket.consent_ids
        self.assertEqual(consent.state, "anonymised")
        self.assertFalse(consent.ip_address)
        self.assertFalse(consent.email)
        self.assertFalse(consent.user_agent)
        self.assertEqual(consent.version, "2026-12-01")
        self.assertEqual(consent.accepted_at, CREATED)
        # logged
        log = self.env["helpdesk.personal.data.log"].search(
            [("action", "=", "retention")], limit=1
        )
        self.assertEqual(log.ticket_count, 1)

    def test_tracking_values_are_redacted(self):
        ticket = self._closed_ticket(self.person)
        other = self._ticket(name="Дубль от Смирновой, тел. 89161234567")
        self.env.cr.flush()
        with self._at(CLOSED, flush=True):
            ticket.with_context(mail_notrack=False).duplicate_id = other
            self.env.cr.flush()  # tracking is written before commit
        self.env.invalidate_all()
        tracking = ticket.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "duplicate_id"
        )
        self.assertIn("89161234567", tracking.new_value_char)
        self._run_cron(AFTER_TERM)
        self.assertNotIn("89161234567", tracking.new_value_char)
        self.assertNotIn("Смирновой", tracking.new_value_char)

    def test_rating_comment_is_redacted_and_its_date_kept(self):
        ticket = self._closed_ticket(self.person)
        with self._at(CLOSED + timedelta(hours=1), flush=True):
            rating = self.env["rating.rating"].create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                    "res_id": ticket.id,
                    "partner_id": self.person.id,
                    "rating": 5,
                    "consumed": True,
                    "feedback": "Спасибо! Ирина, звоните 8 916 123-45-67",
                }
            )
        rated_on = rating.write_date
        self._run_cron(AFTER_TERM)
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.write_date, rated_on)
        self.assertEqual(rating.partner_id, self.org_customer)
        self.assertEqual(
            rating.feedback, "Спасибо! [name removed], звоните [phone removed]"
        )
        self.assertNotIn("Смирнова", rating.res_name)

    def test_open_ticket_is_never_anonymised(self):
        with self._at(CREATED, flush=True):
            ticket = self._ticket(
                partner_id=self.person.id,
                partner_email=self.person.email,
                team_id=self.team_customer_l1.id,
            )
        self._run_cron(AFTER_TERM + relativedelta(years=5))
        self.assertFalse(ticket.etp_anonymised_at)
        self.assertEqual(ticket.partner_id, self.person)

    def test_each_company_has_its_own_term(self):
        other_company = self.env["res.company"].create(
            {"name": "АО «Региональная площадка»", "etp_retention_ticket_months": 12}
        )
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "Поддержка региональной площадки", "company_id": other_company.id}
        )
        self.env.user.company_ids |= other_company
        self.operator.company_ids |= other_company
        ours = self._closed_ticket(self.person)
        theirs = self._closed_ticket(self.person, team_id=team.id)
        self.assertEqual(theirs.company_id, other_company)
        self._run_cron(CLOSED + relativedelta(months=13))
        self.assertTrue(theirs.etp_anonymised_at)
        self.assertFalse(ours.etp_anonymised_at)

    def test_archived_ticket_is_anonymised_too(self):
        ticket = self._closed_ticket(self.person)
        ticket.active = False
        self._run_cron(AFTER_TERM)
        self.assertTrue(ticket.etp_anonymised_at)

    def test_batches_report_progress(self):
        tickets = self.env["helpdesk.ticket"]
        for __ in range(3):
            tickets |= self._closed_ticket(self.contact_customer)
        self.assertEqual(self._run_cron(AFTER_TERM, batch_size=2), (2, 1))
        self.assertEqual(len(tickets.filtered("etp_anonymised_at")), 2)
        self.assertEqual(self._run_cron(AFTER_TERM, batch_size=2), (1, 0))
        self.assertTrue(all(tickets.mapped("etp_anonymised_at")))

    def test_a_failing_ticket_is_logged_and_the_others_go_on(self):
        good = self._closed_ticket(self.contact_customer)
        bad = self._closed_ticket(self.contact_supplier)
        original = type(self.Service)._etp_anonymise_ticket_related

        def related(service, tickets, redactors):
            if bad in tickets:
                raise ValueError("broken related record")
            return original(service, tickets, redactors)

        with (
            patch.object(type(self.Service), "_etp_anonymise_ticket_related", related),
            mute_logger(
                "odoo.addons.etp_helpdesk.models.helpdesk_personal_data_retention"
            ),
        ):
            done, _remaining = self._run_cron(AFTER_TERM)
        self.assertEqual(done, 1)
        self.assertTrue(good.etp_anonymised_at)
        self.assertFalse(bad.etp_anonymised_at)
        self.assertEqual(bad.partner_email, self.contact_supplier.email)
        log = self.env["helpdesk.personal.data.log"].search(
            [("action", "=", "retention")], limit=1
        )
        self.assertIn("1", log.note)
        # the next run tries again
        self._run_cron(AFTER_TERM)
        self.assertTrue(bad.etp_anonymised_at)

    @tagged("is_query_count")
    def test_queries_are_flat_per_batch(self):
        def measure(size, expected=None):
            tickets = self.env["helpdesk.ticket"]
            contacts = self.env["res.partner"]
            for n in range(size):
                contact = self.env["res.partner"].create(
                    {
                        "name": f"Заявитель {n} Петров",
                        "parent_id": self.org_supplier.id,
                        "email": f"petrov{n}@postavka.example.ru",
                    }
                )
                tickets |= self._closed_ticket(contact)
                contacts |= contact
            self.env.flush_all()
            self.env.invalidate_all()
            with self._at(AFTER_TERM), self._count_queries(expected) as queries:
                self.Service._etp_anonymise_tickets(tickets)
            self.assertTrue(all(tickets.mapped("etp_anonymised_at")))
            self.assertFalse(any(contacts.mapped("active")))
            self.env.invalidate_all()
            return queries.count

        measure(1)
        small = measure(3)
        large = measure(9, expected=small)
        self.assertEqual(small, large)

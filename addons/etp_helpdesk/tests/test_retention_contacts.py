# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.tests import new_test_user, tagged

from .retention_common import AFTER_TERM, BEFORE_TERM, CLOSED, EtpRetentionCommon


class TestContactRetention(EtpRetentionCommon):
    def test_a_contact_nothing_needs_is_anonymised(self):
        self._closed_ticket(self.person)
        self._run_cron(AFTER_TERM)
        person = self.person.with_context(active_test=False)
        self.assertFalse(person.active)
        self.assertTrue(person.etp_anonymised_at)
        self.assertEqual(person.name, "Anonymised contact")
        self.assertFalse(person.email)
        self.assertFalse(person.phone)
        # the organisation is not personal data
        self.assertTrue(self.org_customer.active)
        self.assertEqual(self.org_customer.vat, "7707083893")

    def test_a_contact_with_a_recent_ticket_is_kept(self):
        self._closed_ticket(self.person)
        recent = self._closed_ticket(
            self.person, created=BEFORE_TERM - timedelta(days=30), closed=BEFORE_TERM
        )
        self._run_cron(AFTER_TERM)
        self.assertTrue(self.person.active)
        self.assertEqual(self.person.email, "smirnova@hospital1.example.ru")
        self.assertFalse(recent.etp_anonymised_at)

    def test_a_portal_users_contact_is_kept(self):
        new_test_user(
            self.env,
            login="etp-retention-portal",
            groups="base.group_portal",
            partner_id=self.person.id,
            email=self.person.email,
        )
        ticket = self._closed_ticket(self.person)
        self._run_cron(AFTER_TERM)
        self.assertTrue(ticket.etp_anonymised_at)
        self.assertTrue(self.person.active)
        self.assertEqual(self.person.email, "smirnova@hospital1.example.ru")

    def test_an_individual_entrepreneur_is_a_person(self):
        entrepreneur = self.env["res.partner"].create(
            {
                "name": "ИП Соколов Андрей Викторович",
                "is_company": True,
                "vat": "500100732259",
                "email": "sokolov@ip.example.ru",
                "procurement_role": "supplier",
            }
        )
        organisation = self.org_supplier
        ticket_ip = self._closed_ticket(entrepreneur)
        ticket_org = self._closed_ticket(organisation)
        self._run_cron(AFTER_TERM)
        self.assertFalse(ticket_ip.partner_id, "an entrepreneur is not kept")
        entrepreneur = entrepreneur.with_context(active_test=False)
        self.assertFalse(entrepreneur.active)
        self.assertFalse(entrepreneur.vat)
        self.assertEqual(ticket_org.partner_id, organisation)
        self.assertTrue(organisation.active)


class TestChatAndConsentRetention(EtpRetentionCommon):
    def _chat(self, at, active=False):
        with self._at(at, flush=True):
            guest = self.env["mail.guest"].create({"name": "Мария Волкова"})
            channel = self.env["discuss.channel"].create(
                {
                    "name": "Мария Волкова, Оператор",
                    "channel_type": "livechat",
                    "livechat_operator_id": self.operator.partner_id.id,
                    "anonymous_name": "Мария Волкова",
                    "livechat_active": active,
                    "channel_member_ids": [
                        (0, 0, {"partner_id": self.operator.partner_id.id}),
                    ],
                }
            )
            self.env["discuss.channel.member"].create(
                {"channel_id": channel.id, "guest_id": guest.id}
            )
            self.env["mail.message"].create(
                {
                    "model": "discuss.channel",
                    "res_id": channel.id,
                    "body": "Мой телефон +7 903 111-22-33, ИНН 500100732259",
                    "message_type": "comment",
                    "author_guest_id": guest.id,
                    "author_id": False,
                }
            )
            channel.with_user(self.operator).message_post(
                body="Мария, спасибо, передаю на 2 линию",
                message_type="comment",
            )
            self.env["ir.attachment"].create(
                {
                    "name": "screenshot.png",
                    "raw": b"PNG",
                    "res_model": "discuss.channel",
                    "res_id": channel.id,
                }
            )
            channel.last_interest_dt = at
        return channel, guest

    def test_chat_transcript_past_its_term_is_removed(self):
        chat, guest = self._chat(CLOSED)
        recent, __ = self._chat(CLOSED + relativedelta(months=6))
        ongoing, __ = self._chat(CLOSED, active=True)
        count = len(chat.message_ids)
        self._run_cron(CLOSED + relativedelta(months=12, days=1))
        self.assertTrue(chat.etp_anonymised_at)
        self.assertEqual(len(chat.message_ids), count, "reports count messages")
        bodies = " ".join(str(m.body) for m in chat.message_ids)
        for gone in ("903", "500100732259", "Мария"):
            self.assertNotIn(gone, bodies)
        self.assertNotIn("Мария", chat.name)
        self.assertEqual(chat.anonymous_name, "Visitor")
        self.assertEqual(guest.name, "Visitor")
        self.assertFalse(chat.message_ids.author_guest_id)
        self.assertIn(self.operator.partner_id, chat.message_ids.author_id)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "discuss.channel"), ("res_id", "=", chat.id)]
            )
        )
        self.assertFalse(recent.etp_anonymised_at)
        self.assertFalse(ongoing.etp_anonymised_at)

    @tagged("is_query_count")
    def test_chat_queries_are_flat_per_batch(self):
        def measure(size, expected=None):
            chats = self.env["discuss.channel"]
            for __ in range(size):
                chats |= self._chat(CLOSED)[0]
            self.env.flush_all()
            self.env.invalidate_all()
            with self._at(AFTER_TERM), self._count_queries(expected) as queries:
                self.Service._etp_anonymise_chats(chats)
            self.assertTrue(all(chats.mapped("etp_anonymised_at")))
            self.env.invalidate_all()
            return queries.count

        measure(1)
        small = measure(2)
        large = measure(6, expected=small)
        self.assertEqual(small, large)

    def test_consent_without_ticket_loses_its_ip_after_its_term(self):
        Consent = self.env["helpdesk.ticket.consent"]
        with self._at(CLOSED, flush=True):
            old = Consent.create(
                {
                    "version": "2026-12-01",
                    "accepted_at": CLOSED,
                    "email": "subscriber@example.ru",
                    "ip_address": "198.51.100.4",
                    "user_agent": "Mozilla/5.0",
                }
            )
            recent = Consent.create(
                {
                    "version": "2026-12-01",
                    "accepted_at": CLOSED + relativedelta(months=6),
                    "email": "other@example.ru",
                    "ip_address": "198.51.100.5",
                }
            )
        self.assertEqual(old.company_id, self.env.company)
        self._run_cron(CLOSED + relativedelta(months=12, days=1))
        self.assertEqual(old.state, "anonymised")
        self.assertFalse(old.ip_address)
        self.assertFalse(old.email)
        self.assertEqual(old.accepted_at, CLOSED)
        self.assertEqual(recent.ip_address, "198.51.100.5")
        self.assertEqual(recent.state, "given")

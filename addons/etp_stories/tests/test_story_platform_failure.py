"""Story: a platform failure.

Twenty suppliers write «не могу подписать» within ten minutes. The spike is
flagged and an incident is registered from it; IT is emailed at once. IT replies
«исправлено»: the incident is resolved, each of the twenty requesters is told
exactly once, and their tickets are solved.
"""

from datetime import datetime, timedelta

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

IT_EMAIL = "it-duty@etp-it.example.ru"
FIRST = datetime(2026, 11, 24, 7, 0)  # 10:00 MSK

IT_REPLY = """\
From: Дежурный ИТ <{it}>
To: support@etp-support.example.ru
Subject: Re: {reference}
Message-ID: <it-reply-1@etp-it.example.ru>
In-Reply-To: {parent}
References: {parent}
Date: Tue, 24 Nov 2026 10:40:00 +0300
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Исправлено: сертификат сервера подписи обновлён, подписание работает.
"""


class TestStoryPlatformFailure(EtpHelpdeskCommon):
    def test_twenty_cannot_sign_tickets_become_one_incident_solved_once(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("etp_incident.it_email", IT_EMAIL)
        params.set_param("etp_incident.spike_threshold", "20")
        params.set_param("etp_incident.spike_window_minutes", "10")
        requesters = self.env["res.partner"].create(
            [
                {
                    "name": f"Поставщик {n}",
                    "parent_id": self.org_supplier.id,
                    "email": f"supplier{n}@postavka.example.ru",
                }
                for n in range(20)
            ]
        )
        tickets = self.env["helpdesk.ticket"]
        for n, requester in enumerate(requesters):
            with self._at(FIRST + timedelta(seconds=29 * n), flush=True):
                tickets |= self._ticket(
                    name="Не могу подписать заявку",
                    description="<p>При подписании заявки ошибка плагина.</p>",
                    partner_id=requester.id,
                )
        signature = self.env.ref(
            "etp_helpdesk.helpdesk_ticket_category_access_signature"
        )
        self.assertEqual(tickets.category_id, signature)

        # The spike is flagged, once.
        Spike = self.env["helpdesk.incident.spike"]
        with self._at(FIRST + timedelta(minutes=10), flush=True):
            Spike._cron_detect_spikes()
            Spike._cron_detect_spikes()
        spike = Spike.search([("category_id", "=", signature.id)])
        self.assertEqual(len(spike), 1)
        self.assertEqual(spike.ticket_ids, tickets)

        # An incident is registered from it and IT is emailed at once.
        with self._at(FIRST + timedelta(minutes=12), flush=True):
            action = spike.action_register_incident()
        incident = self.env["helpdesk.incident"].browse(action["res_id"])
        self.assertEqual(incident.ticket_ids, tickets)
        self.assertEqual(incident.state, "handed_to_it")
        self.assertTrue(incident.it_message_id)
        it_mail = self.env["mail.message"].search(
            [("message_id", "=", incident.it_message_id)]
        )
        self.assertEqual(it_mail.partner_ids.mapped("email"), [IT_EMAIL])

        # IT replies «исправлено»: resolved, every requester told exactly once.
        before = self.env["mail.message"].search([]).ids
        with self._at(FIRST + timedelta(minutes=40), flush=True):
            self.env["mail.thread"].message_process(
                False,
                IT_REPLY.format(
                    it=IT_EMAIL, reference=incident.name, parent=incident.it_message_id
                ),
            )
        self.assertEqual(incident.state, "resolved")
        told = self.env["mail.message"].search(
            [
                ("id", "not in", before),
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("message_type", "=", "comment"),
                ("subtype_id", "=", self.env.ref("mail.mt_comment").id),
            ]
        )
        self.assertEqual(len(told), 20)
        for ticket in tickets:
            with self.subTest(ticket=ticket.number):
                message = told.filtered(lambda m, t=ticket: m.res_id == t.id)
                self.assertEqual(len(message), 1)
                self.assertIn(ticket.partner_id, message.notified_partner_ids)
        self.assertEqual(tickets.stage_id, self.stage_done)

        # Closing the incident tells nobody again.
        incident.action_close()
        self.assertEqual(
            self.env["mail.message"].search_count(
                [
                    ("id", "not in", before),
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "in", tickets.ids),
                    ("message_type", "=", "comment"),
                ]
            ),
            20,
        )

"""Story: a request travels line 1 → line 2 → an incident, and is solved with it.

A supplier writes to the suppliers' address that the price offer cannot be signed.
Line 1 lands it, escalates it to line 2 with what was tried; line 2 finds a
platform failure and registers an incident; when IT resolves the incident the
request is solved.
"""

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

EMAIL = """\
From: Олег Кузнецов <kuznetsov@postavka.example.ru>
To: support-suppliers@etp-support.example.ru
Subject: Не могу подписать ценовое предложение
Message-ID: <story-1@postavka.example.ru>
Date: Tue, 24 Nov 2026 23:05:00 +0300
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Здравствуйте! Процедура 0373100000124000456, при подписании ценового
предложения ошибка «сертификат недействителен». Тел. 8 (914) 123-45-67.
"""


class TestStoryRequestToIncident(EtpHelpdeskCommon):
    def test_request_escalated_then_solved_by_incident(self):
        domain = self.env["mail.alias.domain"].create(
            {"name": "etp-support.example.ru"}
        )
        self.team_supplier_l1.alias_id.alias_domain_id = domain
        ticket = self.env["helpdesk.ticket"].browse(
            self.env["mail.thread"].message_process("helpdesk.ticket", EMAIL)
        )
        self.assertEqual(ticket.team_id, self.team_supplier_l1)
        self.assertEqual(ticket.procedure_number, "0373100000124000456")
        self.assertEqual(ticket.partner_id, self.contact_supplier)

        ticket._etp_move_to_team(
            ticket._etp_escalation_target(),
            "Ошибка воспроизводится у нескольких поставщиков",
            tried="Переустановили плагин, проверили цепочку сертификатов",
        )
        self.assertEqual(ticket.team_id, self.team_supplier_l2)

        wizard = (
            self.env["helpdesk.incident.register.wizard"]
            .with_context(
                active_model="helpdesk.ticket",
                active_ids=ticket.ids,
                default_component="signature",
            )
            .create({"mode": "create"})
        )
        incident = self.env["helpdesk.incident"].browse(
            wizard.action_confirm()["res_id"]
        )
        self.assertEqual(incident.ticket_ids, ticket)
        self.assertEqual(incident.component, "signature")
        incident.action_resolve()
        self.assertEqual(ticket.stage_id, self.stage_done)
        self.assertEqual(ticket.escalation_ids.to_line, "2")

"""Story: the night auction.

At 02:10 MSK a supplier opens the chat: «не могу подать ценовое предложение»,
notice 0373100000124000456; the price window closes at 02:20 MSK. The ticket is
urgent at once, goes to the supplier line-1 operator on the night shift, the
operator's reply meets the first-response SLA, and the ticket is solved before
02:20.
"""

from datetime import datetime

from odoo.tests import new_test_user

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

# Moscow is UTC+3 all year: 02:10 MSK on 25 November is 23:10 UTC on the 24th.
CHAT_OPENS = datetime(2026, 11, 24, 23, 10)
WINDOW_CLOSES = datetime(2026, 11, 24, 23, 20)
NOTICE = "0373100000124000456"


class TestStoryNightAuction(EtpHelpdeskCommon):
    def test_night_auction_ticket_is_urgent_assigned_answered_and_solved(self):
        team = self.team_supplier_l1
        night = new_test_user(
            self.env,
            login="night.supplier.l1",
            name="Дмитрий Соколов",
            groups="etp_escalation.group_etp_line1_supplier",
        )
        day = new_test_user(
            self.env,
            login="day.supplier.l1",
            name="Павел Белов",
            groups="etp_escalation.group_etp_line1_supplier",
        )
        team.write(
            {
                "user_ids": [(6, 0, (night | day).ids)],
                "duty_enabled": True,
                "use_sla": True,
            }
        )
        Shift = self.env["helpdesk.duty.shift"]
        # Night shift 20:00–08:00 MSK, day shift 08:00–20:00 MSK (in UTC).
        Shift.create(
            {
                "user_id": night.id,
                "team_id": team.id,
                "date_start": datetime(2026, 11, 24, 17, 0),
                "date_end": datetime(2026, 11, 25, 5, 0),
            }
        )
        Shift.create(
            {
                "user_id": day.id,
                "team_id": team.id,
                "date_start": datetime(2026, 11, 25, 5, 0),
                "date_end": datetime(2026, 11, 25, 17, 0),
            }
        )
        self.env["helpdesk.sla"].create(
            {
                "name": "Поставщики, 1 линия",
                "audience": "supplier",
                "support_line": "1",
                "first_response_time": 0.25,
                "resolution_time": 2,
                "team_ids": [(6, 0, team.ids)],
            }
        )

        with self._at(CHAT_OPENS, flush=True):
            ticket = self._ticket(
                name="Не могу подать ценовое предложение",
                description=f"<p>Не могу подать ценовое предложение, извещение "
                f"{NOTICE}, окно подачи закрывается в 02:20 МСК!</p>",
                partner_id=self.contact_supplier.id,
                channel_id=self.env.ref("etp_helpdesk.helpdesk_ticket_channel_chat").id,
                procedure_deadline=WINDOW_CLOSES,
                procedure_deadline_kind="auction",
            )
        self.assertEqual(ticket.procedure_number, NOTICE)
        self.assertEqual(ticket.team_id, team)
        self.assertEqual(ticket.priority, "3", "urgent at once")
        self.assertEqual(ticket.user_id, night, "the operator on the night shift")
        first_response = ticket.ticket_sla_ids.filtered(
            lambda r: r.target_kind == "first_response"
        )
        self.assertEqual(len(first_response), 1)
        self.assertLessEqual(first_response.deadline, WINDOW_CLOSES)
        self.assertIn("02:20", ticket.procedure_deadline_display)

        with self._at(datetime(2026, 11, 24, 23, 12), flush=True):
            ticket.with_user(night).message_post(
                body="Здравствуйте! Обновите КриптоПро ЭЦП Browser plug-in и "
                "перезапустите браузер — подпись заработает.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(ticket.first_response_date, datetime(2026, 11, 24, 23, 12))
        self.assertEqual(first_response.state, "accomplished")

        with self._at(datetime(2026, 11, 24, 23, 17), flush=True):
            ticket.with_user(night).stage_id = self.stage_done
        self.assertTrue(ticket.closed)
        self.assertLess(ticket.closed_date, WINDOW_CLOSES)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.etp_escalation.models.helpdesk_ticket_sla_cron import (
    DIGEST_LIMIT,
    DIGEST_MAX_DELAY,
)

from .sla_common import T0, EtpSlaCommon

SLA_LOGGER = "odoo.addons.etp_escalation.models.helpdesk_ticket_sla_cron"


class TestSlaCron(EtpSlaCommon):
    def _cron(self, moment, **kwargs):
        with self._at(moment):
            result = self.env["helpdesk.ticket.sla"]._cron_check_sla(**kwargs)
            self.env.flush_all()
        return result

    def _leader_notifications(self):
        return self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.leader.partner_id.ids),
            ]
        )

    def _leader_activities(self, tickets):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("user_id", "=", self.leader.id),
            ]
        )

    def test_warning_at_80_percent_once(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        first_response = self._row(ticket, "first_response")
        self.assertEqual(self._cron(T0 + timedelta(minutes=11)), (0, 0))
        self.assertFalse(first_response.warned_at)

        self.assertEqual(self._cron(T0 + timedelta(minutes=12)), (1, 0))
        self.assertEqual(first_response.warned_at, T0 + timedelta(minutes=12))
        self.assertFalse(self._row(ticket, "resolution").warned_at)
        activity = self._leader_activities(ticket)
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo")
        )
        # deadline 02:25 MSK on 24.11.2026
        self.assertEqual(activity.date_deadline, date(2026, 11, 24))
        self.assertIn("02:25", activity.summary)
        notification = self._leader_notifications()
        self.assertEqual(len(notification), 1)
        self.assertIn(ticket.number, notification.body)
        self.assertIn("SLA warning", ticket.message_ids[0].body)

        # nothing is sent twice
        self.assertEqual(self._cron(T0 + timedelta(minutes=13)), (0, 0))
        self.assertEqual(len(self._leader_activities(ticket)), 1)
        self.assertEqual(len(self._leader_notifications()), 1)

    def test_warning_share_is_a_company_setting(self):
        self.env.company.etp_sla_warning_percent = 50
        with self._at(T0):
            ticket = self._customer_ticket()
        row = self._row(ticket, "first_response")
        self.assertEqual(row.warning_date, T0 + timedelta(minutes=7, seconds=30))
        self.env.company.etp_sla_warning_percent = 60
        self.env.flush_all()
        self.assertEqual(row.warning_date, T0 + timedelta(minutes=9))

    def test_breach_escalates_once(self):
        with self._at(T0):
            ticket = self._customer_ticket()
        self.assertEqual(self._cron(T0 + timedelta(minutes=12)), (1, 0))
        self.assertEqual(self._cron(T0 + timedelta(minutes=16)), (1, 0))
        first_response = self._row(ticket, "first_response")
        self.assertRecordValues(
            first_response,
            [{"state": "expired", "breached_at": T0 + timedelta(minutes=16)}],
        )
        self.assertEqual(ticket.team_id, self.team_customer_l2)
        self.assertRecordValues(
            ticket.escalation_ids,
            [
                {
                    "kind": "sla_breach",
                    "from_team_id": self.team_customer_l1.id,
                    "to_team_id": self.team_customer_l2.id,
                    "from_line": "1",
                    "to_line": "2",
                }
            ],
        )
        self.assertIn("02:25", ticket.escalation_ids.reason)
        # one note: the move, naming the missed target
        note = ticket.message_ids.filtered(lambda m: "SLA breach" in str(m.body))
        self.assertEqual(len(note), 1)
        self.assertIn("→", note.body)
        self.assertIn("02:25", note.body)
        self.assertRecordValues(
            note,
            [
                {
                    "message_type": "notification",
                    "subtype_id": self.env.ref("mail.mt_note").id,
                    "is_internal": True,
                    "model": "helpdesk.ticket",
                    "author_id": self.env.user.partner_id.id,
                }
            ],
        )
        self.assertEqual(len(self._leader_notifications()), 2)
        messages = ticket.message_ids

        # a second run sends nothing and escalates nothing
        self.assertEqual(self._cron(T0 + timedelta(minutes=17)), (0, 0))
        self.assertEqual(len(ticket.escalation_ids), 1)
        self.assertEqual(ticket.message_ids, messages)
        self.assertEqual(len(self._leader_notifications()), 2)

    def test_breach_leaves_the_queue_deadline_right(self):
        """A missed target still binds: the ticket's nearest deadline stays
        the missed one (breached in the queue). A first response missed on a
        ticket already answered stops counting: the next target is named."""
        self.policy_customer_l1.escalate_on_breach = False
        with self._at(T0):
            waiting, answered = self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Вопрос {n}",
                        "description": "<p>Текст</p>",
                        "partner_id": self.contact_customer.id,
                    }
                    for n in range(2)
                ]
            )
        # answered without the first-response target being closed (a reply
        # found when the addon was installed, for instance)
        answered.sudo().first_response_date = T0 + timedelta(minutes=5)
        self.env.flush_all()
        response = self._row(waiting, "first_response")
        resolution = self._row(answered, "resolution")
        self.assertEqual(self._cron(T0 + timedelta(minutes=16)), (2, 0))
        self.assertEqual(self._row(answered, "first_response").state, "expired")
        self.env.invalidate_all()
        with self._at(T0 + timedelta(minutes=16)):
            self.assertRecordValues(
                waiting | answered,
                [
                    {
                        "sla_next_deadline": response.deadline,
                        "sla_next_kind": "first_response",
                        "sla_queue_state": "breached",
                    },
                    {
                        "sla_next_deadline": resolution.deadline,
                        "sla_next_kind": "resolution",
                        "sla_queue_state": "on_track",
                    },
                ],
            )

    def test_breach_without_escalation_gives_the_leader_an_activity(self):
        self.policy_customer_l1.escalate_on_breach = False
        with self._at(T0):
            ticket = self._customer_ticket()
        # the cron did not run in time: the breach only, no warning first
        self.assertEqual(self._cron(T0 + timedelta(minutes=20)), (1, 0))
        self.assertEqual(ticket.team_id, self.team_customer_l1)
        self.assertFalse(ticket.escalation_ids)
        self.assertFalse(self._row(ticket, "first_response").warned_at)
        activity = self._leader_activities(ticket)
        self.assertEqual(len(activity), 1)
        self.assertIn("SLA breached", activity.summary)
        self.assertEqual(self._cron(T0 + timedelta(minutes=21)), (0, 0))
        self.assertEqual(len(self._leader_activities(ticket)), 1)

    def test_paused_and_met_targets_are_left_alone(self):
        with self._at(T0):
            waiting = self._customer_ticket()
            answered = self._customer_ticket()
        with self._at(T0 + timedelta(minutes=5)):
            waiting.stage_id = self.stage_wait_external
            answered.with_user(self.operator_own).message_post(
                body="Ответ", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        # 30 minutes later: only the answered ticket's resolution is not due yet
        self.assertEqual(self._cron(T0 + timedelta(minutes=30)), (0, 0))
        self.assertFalse(waiting.escalation_ids | answered.escalation_ids)

    def test_last_line_breach_does_not_move(self):
        with self._at(T0):
            ticket = self._ticket(
                partner_id=self.contact_customer.id, team_id=self.team_l3.id
            )
        self.assertEqual(self._cron(T0 + timedelta(hours=2)), (1, 0))
        self.assertEqual(ticket.team_id, self.team_l3)
        self.assertFalse(ticket.escalation_ids)
        self.assertEqual(self._row(ticket, "first_response").state, "expired")

    def test_one_failing_escalation_does_not_stop_the_others(self):
        with self._at(T0):
            tickets = self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Вопрос {n}",
                        "description": "<p>Текст</p>",
                        "partner_id": self.contact_customer.id,
                    }
                    for n in range(3)
                ]
            )
        broken = tickets[1]
        Ticket = type(self.env["helpdesk.ticket"])
        original = Ticket._etp_move_to_teams

        def move(model, moves, kind="manual"):
            if any(move[0] == broken for move in moves):
                raise ValueError("integration down")
            return original(model, moves, kind=kind)

        with (
            patch.object(Ticket, "_etp_move_to_teams", move),
            self.assertLogs(SLA_LOGGER, level="ERROR") as logs,
        ):
            self.assertEqual(self._cron(T0 + timedelta(minutes=16)), (3, 0))
        self.assertIn(broken.display_name, logs.output[0])
        self.assertEqual(
            (tickets - broken).team_id, self.team_customer_l2, "the others moved"
        )
        self.assertEqual(broken.team_id, self.team_customer_l1)
        # the broken one is still told about its breach, the others once
        for ticket in tickets:
            notes = ticket.message_ids.filtered(lambda m: "SLA breach" in str(m.body))
            self.assertEqual(len(notes), 1)
            self.assertEqual("→" in notes.body, ticket != broken)
        # the breach of the broken one is recorded: it is not retried forever
        self.assertEqual(self._row(broken, "first_response").state, "expired")
        self.assertEqual(self._cron(T0 + timedelta(minutes=17)), (0, 0))

    def test_batches_report_progress(self):
        self.policy_customer_l1.escalate_on_breach = False
        with self._at(T0):
            self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Вопрос {n}",
                        "description": "<p>Текст</p>",
                        "partner_id": self.contact_customer.id,
                    }
                    for n in range(8)
                ]
            )
        moment = T0 + timedelta(minutes=16)
        self.assertEqual(self._cron(moment, batch_size=5), (5, 3))
        self.assertEqual(self._cron(moment, batch_size=5), (3, 0))
        self.assertEqual(self._cron(moment, batch_size=5), (0, 0))

    def test_digest_names_the_first_tickets_and_counts_the_rest(self):
        """A failure breaches hundreds of targets at once: the leader's one
        digest names the first tickets and sends to the queue for the rest."""
        self.policy_customer_l1.escalate_on_breach = False
        with self._at(T0):
            tickets = self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Вопрос {n}",
                        "description": "<p>Текст</p>",
                        "partner_id": self.contact_customer.id,
                    }
                    for n in range(DIGEST_LIMIT + 3)
                ]
            )
        self._cron(T0 + timedelta(minutes=16))
        digest = self._leader_notifications()
        self.assertEqual(len(digest), 1)
        named = [ticket for ticket in tickets if ticket.number in digest.body]
        self.assertEqual(len(named), DIGEST_LIMIT)
        self.assertIn(str(DIGEST_LIMIT + 3), digest.subject)
        self.assertIn("3", digest.body.split("</ul>")[-1])
        self.assertIn('href="/odoo/helpdesk"', digest.body)

    def _due_tickets(self, count):
        """``count`` tickets whose first response falls due at T0 + 15 min."""
        self.policy_customer_l1.escalate_on_breach = False
        with self._at(T0):
            return self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Вопрос {n}",
                        "description": "<p>Текст</p>",
                        "partner_id": self.contact_customer.id,
                    }
                    for n in range(count)
                ]
            )

    def test_one_digest_per_run_however_many_calls(self):
        """A failure makes the cron call itself again and again (a thousand
        targets a call): the leader gets one digest when the run is over,
        naming and counting the tickets of all its calls."""
        tickets = self._due_tickets(8)
        moment = T0 + timedelta(minutes=16)
        self.assertEqual(self._cron(moment, batch_size=3), (3, 5))
        self.assertEqual(self._cron(moment, batch_size=3), (3, 2))
        self.assertFalse(self._leader_notifications())
        self.assertEqual(self._cron(moment, batch_size=3), (2, 0))
        digest = self._leader_notifications()
        self.assertEqual(len(digest), 1)
        self.assertIn("8", digest.subject)
        self.assertEqual(
            tickets.filtered(lambda ticket: ticket.number in digest.body), tickets
        )
        self.assertFalse(self.env["helpdesk.ticket.sla.digest"].search([]))
        # the next run has nothing to report
        self.assertEqual(self._cron(moment + timedelta(minutes=1)), (0, 0))
        self.assertEqual(self._leader_notifications(), digest)

    def test_digest_names_each_ticket_once_most_serious_first(self):
        """Across the calls of a run a ticket may be warned, then breached:
        the digest names it once, under its most serious event, and names
        escalations, then breaches, then warnings."""
        Rows = self.env["helpdesk.ticket.sla"]
        events = [["warning", 1, [11]], ["warning", 2, [21]]]
        events += [["breach", 1, [12]], ["escalated", 3, [31]], ["breach", 2, [21]]]
        self.assertEqual(
            Rows._etp_digest_named(events),
            [["escalated", 3, [31]], ["breach", 1, [11, 12]], ["breach", 2, [21]]],
        )
        many = [["warning", n, [n]] for n in range(DIGEST_LIMIT)]
        many.append(["breach", DIGEST_LIMIT, [DIGEST_LIMIT]])
        named = Rows._etp_digest_named(many)
        self.assertEqual(len(named), DIGEST_LIMIT)
        self.assertEqual(named[0], ["breach", DIGEST_LIMIT, [DIGEST_LIMIT]])

    def test_a_long_run_still_reports_every_few_minutes(self):
        """A run that goes on (targets fall due as fast as they are handled)
        sends what it has once its oldest news has waited DIGEST_MAX_DELAY; a
        ticket deleted meanwhile is counted, not named."""
        tickets = self._due_tickets(8)
        moment = T0 + timedelta(minutes=16)
        self.assertEqual(self._cron(moment, batch_size=3), (3, 5))
        pending = self.env["helpdesk.ticket.sla.digest"].search([])
        self.assertEqual((pending.user_id, pending.count), (self.leader, 3))
        deleted = self.env["helpdesk.ticket"].browse(pending.events[0][1])
        number = deleted.number
        deleted.unlink()
        self.assertEqual(self._cron(moment, batch_size=3), (3, 2))
        self.assertFalse(self._leader_notifications())
        later = moment + DIGEST_MAX_DELAY
        self.assertEqual(self._cron(later, batch_size=1), (1, 1))
        digest = self._leader_notifications()
        self.assertEqual(len(digest), 1)
        self.assertIn("7", digest.subject)  # 3 + 3 + 1, the deleted one counted
        self.assertNotIn(number, digest.body)
        self.assertEqual(
            len(
                [ticket for ticket in tickets.exists() if ticket.number in digest.body]
            ),
            6,
        )
        self.assertEqual(self._cron(later, batch_size=1), (1, 0))
        self.assertEqual(len(self._leader_notifications()), 2)


@tagged("is_query_count")
class TestSlaCronQueries(EtpSlaCommon):
    """The cron's query count does not grow with the number of due tickets."""

    def _measure(self, size, start, due_after, expected=None):
        """Create ``size`` tickets at ``start``, run the cron ``due_after``
        later (within ``expected`` queries if given), close the tickets;
        return the cron's query count."""
        with self._at(start):
            tickets = self.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Вопрос {n}",
                        "description": "<p>Текст</p>",
                        "partner_id": self.contact_customer.id,
                    }
                    for n in range(size)
                ]
            )
        self.env.flush_all()
        self.env.invalidate_all()
        moment = start + due_after
        with self._at(moment):
            with self._count_queries(expected) as queries:
                done, _remaining = self.env["helpdesk.ticket.sla"]._cron_check_sla()
            self.assertEqual(done, size)
            tickets.write({"stage_id": self.stage_done.id})
            self.env.flush_all()
        self.env.invalidate_all()
        return queries.count

    def _counts(self, due_after, flat=False):
        """Query counts of the cron on 10 and on 50 due tickets; ``flat``: the
        run on 50 must fit in the count of the run on 10."""
        self._measure(1, T0, due_after)  # warm the caches (xml ids, policies)
        counts = {10: self._measure(10, T0 + timedelta(hours=1), due_after)}
        counts[50] = self._measure(
            50,
            T0 + timedelta(hours=2),
            due_after,
            expected=counts[10] if flat else None,
        )
        return counts

    def test_warning_queries_are_flat(self):
        counts = self._counts(timedelta(minutes=12), flat=True)
        self.assertEqual(counts[10], counts[50], counts)

    def test_breach_queries_without_escalation_are_flat(self):
        self.policy_customer_l1.escalate_on_breach = False
        counts = self._counts(timedelta(minutes=20), flat=True)
        self.assertEqual(counts[10], counts[50], counts)

    def test_breach_queries_with_escalation_are_flat(self):
        """Every escalation of the batch moves in one go (history rows,
        team change, chatter notes, duty assignment): 50 breached and
        escalated tickets cost what 10 do, and within 1.5 times a batch
        of warnings only."""
        counts = self._counts(timedelta(minutes=20), flat=True)
        self.assertEqual(counts[10], counts[50], counts)
        self.assertEqual(
            self.env["helpdesk.ticket"]
            .search([("name", "like", "Вопрос %")])
            .escalation_ids.mapped("kind"),
            ["sla_breach"] * 61,
        )
        warnings = self._counts(timedelta(minutes=12), flat=True)
        self.assertLessEqual(counts[50], 1.5 * warnings[50], (counts, warnings))

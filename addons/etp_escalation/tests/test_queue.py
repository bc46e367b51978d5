# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The operator's queue: own desks, the nearest deadline first (a stored,
indexed field kept up to date with the SLA targets), the filters, and query
counts of its list and kanban that do not grow with the rows shown."""

from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.tests import HttpCase, tagged

from .queue_common import EtpQueueCommon
from .sla_common import T0


class TestNearestDeadline(EtpQueueCommon):
    def test_stored_and_indexed_for_sql_sorting(self):
        field = self.env["helpdesk.ticket"]._fields["sla_next_deadline"]
        self.assertTrue(field.store)
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'helpdesk_ticket' "
            "AND indexdef LIKE '%%(sla_next_deadline)%%'"
        )
        self.assertTrue(self.env.cr.fetchall(), "sla_next_deadline has no index")

    def test_nearest_of_sla_and_procedure_deadline(self):
        with self._at(T0, flush=True):
            plain = self._customer_ticket(name="Без срока процедуры")
            # the auction closes in 90 minutes: before the 2 h resolution
            auction = self._customer_ticket(
                name="Аукцион через полтора часа",
                procedure_deadline=T0 + timedelta(minutes=90),
            )
            # the procedure deadline passed before the request: no urgency
            late = self._customer_ticket(
                name="Срок прошёл вчера",
                procedure_deadline=T0 - timedelta(days=1),
            )
        self.assertRecordValues(
            plain | auction | late,
            [
                {
                    "sla_next_deadline": T0 + timedelta(minutes=15),
                    "sla_next_warning": T0 + timedelta(minutes=12),
                    "sla_next_kind": "first_response",
                    "sla_paused": False,
                },
                {
                    "sla_next_deadline": T0 + timedelta(minutes=15),
                    "sla_next_warning": T0 + timedelta(minutes=12),
                    "sla_next_kind": "first_response",
                    "sla_paused": False,
                },
                {
                    "sla_next_deadline": T0 + timedelta(minutes=15),
                    "sla_next_warning": T0 + timedelta(minutes=12),
                    "sla_next_kind": "first_response",
                    "sla_paused": False,
                },
            ],
        )
        with self._at(T0 + timedelta(minutes=5), flush=True):
            self._reply(plain | auction | late, self.op_l1)
        # answered: the resolution (2 h), or the procedure deadline (90 min,
        # a day before it is close already)
        self.assertRecordValues(
            plain | auction | late,
            [
                {
                    "sla_next_deadline": T0 + timedelta(hours=2),
                    "sla_next_kind": "resolution",
                },
                {
                    "sla_next_deadline": T0 + timedelta(minutes=90),
                    "sla_next_kind": "procedure",
                },
                {
                    "sla_next_deadline": T0 + timedelta(hours=2),
                    "sla_next_kind": "resolution",
                },
            ],
        )

    def test_queue_sorted_by_the_nearest_deadline_in_sql(self):
        with self._at(T0, flush=True):
            later = self._customer_ticket(name="Обычный")
            sooner = self._customer_ticket(
                name="Срочно", category_id=self.category_signature.id
            )
            closed = self._customer_ticket(name="Закрыт")
            closed.stage_id = self.stage_done
        with self._at(T0 + timedelta(minutes=1), flush=True):
            self._reply(later | sooner, self.op_l1)
        # a default view order the database sorts by (no Python sorting)
        order = etree.fromstring(
            self.env["helpdesk.ticket"].get_views([(False, "list")])["views"]["list"][
                "arch"
            ]
        ).get("default_order")
        self.assertTrue(order.startswith("sla_next_deadline"), order)
        found = self.env["helpdesk.ticket"].search(
            [("id", "in", (later | sooner | closed).ids)], order=order
        )
        # signature: 1 h resolution, before the customer's 2 h; closed last
        self.assertEqual(found.ids, [sooner.id, later.id, closed.id])
        self.assertFalse(closed.sla_next_deadline)

    def test_kept_up_to_date_by_pause_breach_and_closing(self):
        with self._at(T0, flush=True):
            ticket = self._customer_ticket()
        with self._at(T0 + timedelta(minutes=5), flush=True):
            self._reply(ticket, self.op_l1)
        with self._at(T0 + timedelta(minutes=30), flush=True):
            ticket.stage_id = self.stage_wait_requester
        # paused: no deadline runs, the time left is kept
        self.assertRecordValues(
            ticket,
            [{"sla_next_deadline": False, "sla_paused": True, "sla_paused_left": 1.5}],
        )
        self.assertEqual(ticket.sla_queue_state, "paused")
        with self._at(T0 + timedelta(minutes=90), flush=True):
            ticket.stage_id = self.stage_in_progress
        self.assertEqual(ticket.sla_next_deadline, T0 + timedelta(hours=3))
        self.assertFalse(ticket.sla_paused)
        resolution = self._row(ticket, "resolution")
        self.assertAlmostEqual(resolution.paused_hours, 1.0, places=6)
        # the cron marks the breach: the ticket still burns at the top
        with self._at(T0 + timedelta(hours=3, minutes=1), flush=True):
            self.env["helpdesk.ticket.sla"]._cron_check_sla()
            self.env.flush_all()
            self.assertEqual(resolution.state, "expired")
            self.assertEqual(ticket.sla_next_deadline, T0 + timedelta(hours=3))
            self.assertEqual(ticket.sla_queue_state, "breached")
            ticket.stage_id = self.stage_done
        self.assertFalse(ticket.sla_next_deadline)
        self.assertFalse(ticket.sla_queue_state)


class TestQueueFilters(EtpQueueCommon):
    def test_burning_paused_unanswered_mine(self):
        with self._at(T0, flush=True):
            fresh = self._customer_ticket(name="Свежий")
            close = self._customer_ticket(
                name="Подпись", category_id=self.category_signature.id
            )
            breached = self._customer_ticket(name="Просрочен")
            waiting = self._customer_ticket(name="Ждём заявителя")
            mine = self._customer_ticket(name="Мой", user_id=self.op_l1.id)
        all_ = fresh | close | breached | waiting | mine
        with self._at(T0 + timedelta(minutes=1), flush=True):
            self._reply(fresh | close | waiting | mine, self.op_l1)
            waiting.stage_id = self.stage_wait_requester
        # fresh: 2 h resolution, warning at 1 h 36 min; signature: 1 h,
        # warning at 48 min; breached: first response missed at 15 min
        with self._at(T0 + timedelta(minutes=50)):
            Ticket = self.env["helpdesk.ticket"].with_user(self.op_l1)

            def found(domain):
                return Ticket.search([("id", "in", all_.ids), *domain])

            self.assertEqual(
                found([("sla_queue_state", "in", ["warning", "breached"])]),
                close | breached,
            )
            self.assertEqual(breached.sla_queue_state, "breached")
            self.assertEqual(close.sla_queue_state, "warning")
            self.assertEqual(fresh.sla_queue_state, "on_track")
            self.assertEqual(
                found([("sla_queue_state", "=", "on_track")]), fresh | mine
            )
            self.assertEqual(
                found([("sla_queue_state", "not in", ["on_track", "paused"])]),
                close | breached,
            )
            self.assertEqual(
                found([("sla_paused", "=", True), ("closed", "=", False)]), waiting
            )
            self.assertEqual(
                found([("first_response_date", "=", False), ("closed", "=", False)]),
                breached,
            )
            self.assertEqual(found([("user_id", "=", self.op_l1.id)]), mine)

    def test_filters_are_in_the_search_view(self):
        arch = etree.fromstring(
            self.env["helpdesk.ticket"]
            .with_user(self.op_l1)
            .get_views([(False, "search")])["views"]["search"]["arch"]
        )
        names = {node.get("name") for node in arch.iter("filter")}
        self.assertLessEqual(
            {"is_my_desk", "burning", "mine", "unanswered", "sla_paused"}, names
        )


class TestMyDesks(EtpQueueCommon):
    def test_operator_sees_own_desks_supervisor_all(self):
        with self._at(T0, flush=True):
            customer_l1 = self._customer_ticket(name="Заказчик, 1 линия")
            customer_l2 = self._customer_ticket(
                name="Заказчик, 2 линия", team_id=self.team_customer_l2.id
            )
            supplier = self._supplier_ticket(name="Поставщик")
            assigned = self._customer_ticket(
                name="Назначен на оператора 2 линии",
                user_id=self.op_l2.id,
            )
        all_ = customer_l1 | customer_l2 | supplier | assigned
        domain = [("id", "in", all_.ids), ("is_my_desk", "=", True)]
        Ticket = self.env["helpdesk.ticket"]
        self.assertEqual(
            Ticket.with_user(self.op_l1).search(domain), customer_l1 | assigned
        )
        # line 2 may read line 1, but its own desk is line 2 (and its tickets)
        self.assertEqual(
            Ticket.with_user(self.op_l2).search(domain), customer_l2 | assigned
        )
        self.assertEqual(Ticket.with_user(self.supervisor).search(domain), all_)
        not_mine = [("id", "in", all_.ids), ("is_my_desk", "=", False)]
        self.assertEqual(Ticket.with_user(self.op_l2).search(not_mine), customer_l1)
        self.assertTrue(customer_l1.with_user(self.op_l1).is_my_desk)
        # line 2 reads a line-1 ticket, which is not its desk
        self.assertFalse(customer_l1.with_user(self.op_l2).is_my_desk)

    def test_line1_desk_takes_unsorted_tickets(self):
        unsorted = self._ticket(name="Аудитория неизвестна")
        self.assertFalse(unsorted.team_id)
        Ticket = self.env["helpdesk.ticket"]
        domain = [("id", "=", unsorted.id), ("is_my_desk", "=", True)]
        self.assertEqual(Ticket.with_user(self.op_l1).search(domain), unsorted)
        self.assertFalse(Ticket.with_user(self.op_l2).search(domain))


@tagged("post_install", "-at_install", "is_tour")
class TestQueueTour(HttpCase, EtpQueueCommon):
    """In a browser, in Russian (static/tests/tours/queue_tour.js)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._etp_speak_russian(cls.op_l2)
        cls.op_l2.tz = "Europe/Moscow"
        cls.breached = cls._customer_ticket_cls(
            "Не открывается протокол подведения итогов", cls.team_customer_l2
        )
        cls.fresh = cls._customer_ticket_cls(
            "Не приходит код подтверждения", cls.team_customer_l2
        )
        cls.other_desk = cls._customer_ticket_cls(
            "Вопрос первой линии о банковской гарантии", cls.team_customer_l1
        )
        # the breached request missed its first response 10 minutes ago
        now = fields.Datetime.now()
        cls.breached.ticket_sla_ids.filtered(
            lambda r: r.target_kind == "first_response"
        ).write({"deadline": now - timedelta(minutes=10)})
        cls.env.flush_all()

    @classmethod
    def _customer_ticket_cls(cls, name, team):
        return cls.env["helpdesk.ticket"].create(
            {
                "name": name,
                "description": "<p>Текст обращения</p>",
                "partner_id": cls.contact_customer.id,
                "team_id": team.id,
            }
        )

    def test_queue_in_the_browser(self):
        self.assertEqual(self.breached.sla_queue_state, "breached")
        self.start_tour(
            "/odoo/helpdesk", "etp_escalation_queue_tour", login=self.op_l2.login
        )
        self.assertTrue(self.fresh.first_response_date)

    def test_dashboard_in_the_browser(self):
        self.start_tour(
            "/odoo/helpdesk-dashboard",
            "etp_escalation_dashboard_tour",
            login=self.op_l2.login,
        )

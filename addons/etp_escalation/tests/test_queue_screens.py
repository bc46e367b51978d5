# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The queue on screen: its list and kanban, the menu's path, query counts
that do not grow with the rows shown, and the durations as operators read
them."""

from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .queue_common import EtpQueueCommon
from .sla_common import T0


@tagged("post_install", "-at_install")
class TestQueueScreens(EtpQueueCommon):
    def test_queue_action_is_the_operators_main_screen(self):
        action = self.env.ref("etp_escalation.helpdesk_ticket_action_queue")
        self.assertEqual(action.path, "helpdesk")
        context = action.context
        self.assertIn("'search_default_is_my_desk': 1", context)
        self.assertIn("'search_default_open': 1", context)
        # the Helpdesk app opens on it: its first menu
        root = self.env.ref("helpdesk_mgmt.helpdesk_ticket_main_menu")
        menus = self.env["ir.ui.menu"].with_user(self.op_l1).load_menus(False)
        first = min(
            (menus[child] for child in menus[root.id]["children"]),
            key=lambda menu: menu["sequence"],
        )
        self.assertEqual(first["action"], f"ir.actions.act_window,{action.id}")
        # and the Helpdesk is the operator's first app: /odoo opens the queue
        apps = [menus[child] for child in menus["root"]["children"]]
        self.assertEqual(min(apps, key=lambda menu: menu["sequence"])["id"], root.id)

    def test_list_and_kanban_show_the_countdown_and_msk_deadline(self):
        views = (
            self.env["helpdesk.ticket"]
            .with_user(self.op_l1)
            .get_views([(False, "list"), (False, "kanban"), (False, "form")])["views"]
        )
        for view_type in ("list", "kanban"):
            arch = etree.fromstring(views[view_type]["arch"])
            widgets = {
                node.get("name"): node.get("widget") for node in arch.iter("field")
            }
            with self.subTest(view=view_type):
                self.assertEqual(widgets.get("sla_next_deadline"), "etp_sla_countdown")
                self.assertEqual(widgets.get("procedure_deadline"), "etp_msk_datetime")
                self.assertTrue(
                    arch.get("default_order", "").startswith("sla_next_deadline")
                )
        form = etree.fromstring(views["form"]["arch"])
        # the SLA targets in full, not as cut-off tags
        widgets = [node.get("widget") for node in form.iter("field")]
        self.assertIn("etp_sla_targets", widgets)
        self.assertNotIn(
            "many2many_tags",
            [
                node.get("widget")
                for node in form.iter("field")
                if node.get("name") == "ticket_sla_ids"
            ],
        )
        # the stages say whether they pause the SLA
        self.assertEqual(
            form.xpath("//header/field[@name='stage_id']")[0].get("widget"),
            "etp_stage_statusbar",
        )
        # the form reads the ticket again after a reply: the SLA it shows
        # (first response met) is never stale
        self.assertEqual(form.xpath("//chatter")[0].get("reload_on_post"), "True")


@tagged("post_install", "-at_install")
class TestQueuePath(HttpCase):
    def test_path_helpdesk_opens_the_queue(self):
        """/odoo/helpdesk (the address testers are given): the web client
        loads the action by its path."""
        operator = new_test_user(
            self.env,
            login="etp-queue-path",
            groups="etp_escalation.group_etp_line1_customer",
        )
        self.authenticate(operator.login, operator.login)
        response = self.make_jsonrpc_request(
            "/web/action/load", {"action_id": "helpdesk"}
        )
        self.assertEqual(response["res_model"], "helpdesk.ticket")
        self.assertEqual(response["path"], "helpdesk")
        self.assertIn("search_default_is_my_desk", response["context"])


def _spec(model, arch, extra=()):
    """The specification the web client reads a list or kanban with: every
    field of the arch (relations with their display name), and the fields
    the widgets need."""
    fields = model.fields_get(attributes=["type"])
    spec = {}
    for node in etree.fromstring(arch).iter("field"):
        name = node.get("name")
        ftype = fields.get(name, {}).get("type")
        if ftype == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif ftype in ("many2many", "one2many"):
            spec[name] = {"fields": {"display_name": {}}}
            if node.get("widget") == "many2many_tags":
                spec[name]["fields"]["color"] = {}
        elif ftype:
            spec[name] = {}
    for name in extra:
        spec.setdefault(name, {})
    return spec


COUNTDOWN_FIELDS = (
    "sla_next_warning",
    "sla_next_kind",
    "sla_paused",
    "sla_paused_left",
)


@tagged("is_query_count")
class TestQueueQueries(EtpQueueCommon):
    """The queue's list and kanban read their page in a number of queries
    that does not depend on the number of tickets shown."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tag = cls.env["helpdesk.ticket.tag"].create({"name": "ЕИС", "color": 3})
        partners = cls.env["res.partner"].create(
            [
                {"name": f"Заявитель {n}", "parent_id": cls.org_customer.id}
                for n in range(8)
            ]
        )
        with freeze_time(T0), patch.object(type(cls.env.cr), "now", lambda cr: T0):
            cls.tickets = cls.env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Вопрос {n}",
                        "description": "<p>Текст</p>",
                        "partner_id": partners[n % 8].id,
                        "team_id": cls.team_customer_l1.id,
                        "user_id": cls.op_l1.id if n % 3 else False,
                        "procedure_number": f"03731000000{n:08d}",
                        "procedure_deadline": T0 + timedelta(hours=n % 30 + 1),
                        "category_id": cls.category_signature.id if n % 4 else False,
                        "tag_ids": [Command.set(tag.ids)] if n % 2 else [],
                    }
                    for n in range(80)
                ]
            )
            cls.tickets[::5].write({"stage_id": cls.stage_wait_requester.id})
            cls.env.flush_all()

    def _read_queries(self, read, limit, expected=None):
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        read(100)  # warm the caches (views, rules, translations)
        self.env.invalidate_all()
        with self._count_queries(expected) as queries:
            records = read(limit)
        self.assertEqual(len(records), limit)
        return queries.count

    def _queue(self, view_type):
        Ticket = self.env["helpdesk.ticket"].with_user(self.op_l1)
        view = Ticket.get_views([(False, view_type)])["views"][view_type]
        arch = etree.fromstring(view["arch"])
        spec = _spec(Ticket, view["arch"], COUNTDOWN_FIELDS)
        order = arch.get("default_order")
        domain = [("is_my_desk", "=", True), ("closed", "=", False)]

        def read(limit):
            result = Ticket.web_search_read(
                domain, spec, order=order, limit=limit, count_limit=10001
            )
            return result["records"]

        return read

    def test_list_queries_do_not_grow_with_rows(self):
        read = self._queue("list")
        counts = {20: self._read_queries(read, 20)}
        counts[80] = self._read_queries(read, 80, expected=counts[20])
        self.assertEqual(counts[20], counts[80], counts)

    def test_kanban_queries_do_not_grow_with_rows(self):
        Ticket = self.env["helpdesk.ticket"].with_user(self.op_l1)
        read_page = self._queue("kanban")

        def read(limit):
            # the columns (stages) with their counts, then a column's cards
            Ticket.web_read_group(
                [("is_my_desk", "=", True), ("closed", "=", False)],
                ["stage_id"],
                ["stage_id"],
                lazy=True,
            )
            return read_page(limit)

        counts = {20: self._read_queries(read, 20)}
        counts[80] = self._read_queries(read, 80, expected=counts[20])
        self.assertEqual(counts[20], counts[80], counts)


class TestDurationsOnScreens(EtpQueueCommon):
    """Hours are shown as «24 ч», «1 ч 30 мин», never «24,2» or «24:00»."""

    def test_hour_fields_use_the_duration_widget(self):
        checks = {
            "helpdesk.sla": ("first_response_time", "resolution_time"),
            "helpdesk.duty.shift": ("duration",),
            "helpdesk.ticket": ("hours", "paused_total", "consumed_time"),
            "res.config.settings": (
                "etp_priority_urgent_hours",
                "etp_priority_high_hours",
            ),
        }
        for model, names in checks.items():
            Model = self.env[model]
            types = [
                view_type
                for view_type in ("form", "list")
                if self.env["ir.ui.view"].search_count(
                    [("model", "=", model), ("type", "=", view_type)]
                )
            ]
            views = Model.get_views([(False, t) for t in types])["views"]
            found = set()
            for view_type, view in views.items():
                arch = etree.fromstring(view["arch"])
                with self.subTest(model=model, view=view_type):
                    self.assertFalse(
                        arch.xpath("//field[@widget='float_time']"),
                        "a duration shown as 24:00",
                    )
                for node in arch.iter("field"):
                    if node.get("name") in names:
                        self.assertEqual(
                            node.get("widget"),
                            "etp_duration",
                            (model, node.get("name")),
                        )
                        found.add(node.get("name"))
            self.assertEqual(found, set(names), model)

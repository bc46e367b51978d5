# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from unittest.mock import patch

from freezegun import freeze_time
from lxml import html

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.base.tests.common import BaseCommon


class QueryCount:
    """What ``EtpHelpdeskCommon._count_queries`` measured: ``count``, the
    number of queries, set when its block ends."""

    count = None


@tagged("post_install", "-at_install")
class EtpHelpdeskCommon(BaseCommon):
    """Desks, organisations and people that the tests of the three addons share.

    Its tests run once every module is loaded (post-install), under both
    runners alike: at install time Odoo's runner would run etp_helpdesk's tests
    before etp_escalation and etp_incident are loaded, in a database that may
    already hold their views and data, and count other queries than pytest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        ref = cls.env.ref
        cls.team_customer_l1 = ref("etp_helpdesk.helpdesk_ticket_team_customer_l1")
        cls.team_supplier_l1 = ref("etp_helpdesk.helpdesk_ticket_team_supplier_l1")
        cls.team_customer_l2 = ref("etp_helpdesk.helpdesk_ticket_team_customer_l2")
        cls.team_supplier_l2 = ref("etp_helpdesk.helpdesk_ticket_team_supplier_l2")
        cls.team_l3 = ref("etp_helpdesk.helpdesk_ticket_team_l3")
        cls.stage_new = ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_done = ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        Partner = cls.env["res.partner"]
        cls.org_customer = Partner.create(
            {
                "name": "ГБУЗ «Городская больница № 1»",
                "is_company": True,
                "vat": "7707083893",
                "procurement_role": "customer",
                "tz": "Europe/Moscow",
            }
        )
        cls.org_supplier = Partner.create(
            {
                "name": "ООО «Поставка»",
                "is_company": True,
                "vat": "7736050003",
                "procurement_role": "supplier",
                "tz": "Asia/Vladivostok",
            }
        )
        cls.contact_customer = Partner.create(
            {
                "name": "Ирина Смирнова",
                "parent_id": cls.org_customer.id,
                "email": "smirnova@hospital1.example.ru",
            }
        )
        cls.contact_supplier = Partner.create(
            {
                "name": "Олег Кузнецов",
                "parent_id": cls.org_supplier.id,
                "email": "kuznetsov@postavka.example.ru",
                "tz": "Asia/Vladivostok",
            }
        )
        cls.operator = new_test_user(
            cls.env,
            login="etp-operator",
            name="Оператор 1 линии",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )

    @contextmanager
    def _at(self, moment, flush=False):
        """Freeze both clocks at ``moment`` (a naive UTC datetime): Python's and
        the transaction's, which gives records their create_date. With
        ``flush``, the stored computes of the block also run at ``moment``."""
        with (
            freeze_time(moment),
            patch.object(type(self.env.cr), "now", lambda cr: moment),
        ):
            yield
            if flush:
                self.env.flush_all()

    @contextmanager
    def _count_queries(self, expected=None, flush=True):
        """The suite's one query-count harness: count the SQL queries of the
        block as ``assertQueryCount`` counts them, and keep the figure, so that
        a test compares the same work at two sizes::

            with self._count_queries() as small:
                ...  # 5 tickets
            with self._count_queries(small.count) as large:
                ...  # 50 tickets: fails if it takes more
            self.assertEqual(small.count, large.count)

        ``expected``: fail when the block takes more queries, as
        ``assertQueryCount(expected)`` does. (Not through it: Odoo tags a test
        ``is_query_count`` only when its own source calls assertQueryCount, and
        its runner then fails an untagged TransactionCase that does.)
        ``flush``: flush the ORM and run the pre-commit hooks (tracking, bus
        notifications) before the block and after it, so that the block pays
        for what it left pending. The bus's random clean-up never runs
        (``random.random`` patched, as ``assertQueryCount`` does). The figure
        is in ``.count`` once the block is over."""
        measured = QueryCount()
        with patch("random.random", lambda: 1):
            self.env.user.mapped("login")  # read before counting, as there
            if flush:
                self.env.flush_all()
                self.env.cr.flush()
            before = self.cr.sql_log_count
            yield measured
            if flush:
                self.env.flush_all()
                self.env.cr.flush()
            measured.count = self.cr.sql_log_count - before
        if expected is not None:
            self.assertLessEqual(
                measured.count,
                expected,
                f"query count more than expected: {measured.count} > {expected}",
            )

    @classmethod
    def _etp_speak_russian(cls, users=None):
        """The interface in Russian, as in production: the website (its only
        language, whatever the browser asks for) and ``users``. The suite's
        database has Russian loaded (scripts/test.sh)."""
        russian = cls.env["res.lang"]._activate_lang("ru_RU")
        for website in cls.env["website"].search([]):
            website.write(
                {
                    "language_ids": [Command.set(russian.ids)],
                    "default_lang_id": russian.id,
                }
            )
        if users:
            users.write({"lang": "ru_RU"})

    @classmethod
    def _ticket(cls, **vals):
        vals.setdefault("name", "Вопрос")
        vals.setdefault("description", "<p>Текст обращения</p>")
        return cls.env["helpdesk.ticket"].create(vals)


class SupportFormMixin:
    """Send the /support form as a browser does: open the page, then post it
    with the page's CSRF token and its one-time submission token (HttpCase)."""

    def _support_form_tokens(self):
        response = self.url_open("/support")
        self.assertEqual(response.status_code, 200)
        form = html.fromstring(response.content).xpath(
            "//form[hasclass('o_etp_support_form')]"
        )[0]
        return {
            "csrf_token": form.xpath(".//input[@name='csrf_token']/@value")[0],
            "submission_token": form.xpath(".//input[@name='submission_token']/@value")[
                0
            ],
        }

    def _post_support_form(self, data, **kwargs):
        data = {**self._support_form_tokens(), **data}
        return self.url_open("/support", data=data, **kwargs)

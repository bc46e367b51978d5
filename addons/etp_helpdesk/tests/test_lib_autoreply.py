# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from email.message import Message

from odoo.tests import BaseCase, tagged

from odoo.addons.etp_helpdesk.lib import autoreply
from odoo.addons.etp_helpdesk.tests.rules import parametrize


def _headers(**values):
    message = Message()
    for name, value in values.items():
        message[name.replace("_", "-")] = value
    return message


@tagged("post_install", "-at_install", "etp_rules")
class TestAutoreplyRules(BaseCase):
    @parametrize(
        "headers",
        [
            {"Auto_Submitted": "auto-replied"},
            {"Auto_Submitted": "auto-generated; owner-email=x@y.ru"},
            {"Precedence": "bulk"},
            {"Precedence": "Junk"},
            {"X_Autoreply": "yes"},
            {
                "X_Auto_Response_Suppress": "All",
                "X_MS_Exchange_Inbox_Rules_Loop": "a@b",
            },
        ],
    )
    def test_automatic(self, headers):
        self.assertTrue(autoreply.is_automatic(_headers(**headers)))

    @parametrize(
        "headers",
        [{}, {"Auto_Submitted": "no"}, {"Precedence": "first-class"}],
    )
    def test_not_automatic(self, headers):
        self.assertFalse(autoreply.is_automatic(_headers(**headers)))

    @parametrize(
        "headers, email_from",
        [
            ({}, "MAILER-DAEMON@mx.example.ru"),
            ({}, "Mail Delivery System <mailer-daemon@mx.example.ru>"),
            ({}, "postmaster@mx.example.ru"),
            ({"From": "Postmaster <POSTMASTER@example.ru>"}, None),
            ({"Return_Path": "<>"}, "robot@example.ru"),
            ({"Return_Path": "< >"}, "robot@example.ru"),
            ({"X_Failed_Recipients": "a@example.ru"}, "robot@example.ru"),
            (
                {"Content_Type": "multipart/report; report-type=delivery-status"},
                "robot@example.ru",
            ),
            ({"Content_Type": "message/delivery-status"}, "robot@example.ru"),
        ],
    )
    def test_delivery_report(self, headers, email_from):
        self.assertTrue(autoreply.is_delivery_report(_headers(**headers), email_from))

    @parametrize(
        "headers, email_from",
        [
            ({}, "Ирина <smirnova@hospital1.example.ru>"),
            ({"Return_Path": "<smirnova@hospital1.example.ru>"}, "smirnova@h.ru"),
            ({"Content_Type": "text/plain; charset=utf-8"}, "postmaster-team@h.ru"),
            ({}, "daemon@h.ru"),
        ],
    )
    def test_not_a_delivery_report(self, headers, email_from):
        self.assertFalse(autoreply.is_delivery_report(_headers(**headers), email_from))

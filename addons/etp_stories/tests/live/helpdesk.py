# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The helpdesk's mail settings as an administrator makes them (alias
domain, outgoing server, incoming IMAP server) for the private mail servers,
and an operator who answers from the chatter. Shared by the mail round trip
(tests/test_live_mail.py) and the load benchmark (scripts/bench/)."""

import time

from .mailservers import PASSWORD, STAFF_DOMAIN, SUPPORT_DOMAIN, SUPPORT_MAILBOX
from .odooserver import json_call, web_login

CUSTOMERS_ALIAS = f"support-customers@{SUPPORT_DOMAIN}"
SUPPLIERS_ALIAS = f"support-suppliers@{SUPPORT_DOMAIN}"


class Helpdesk:
    """The deployment's mail settings, made by the administrator over the
    external API, and the operator who answers."""

    def __init__(self, admin, servers):
        self.admin, self.servers = admin, servers
        domain = admin("mail.alias.domain", "search", [("name", "=", SUPPORT_DOMAIN)])
        domain_id = (
            domain[0]
            if domain
            else admin(
                "mail.alias.domain",
                "create",
                {
                    "name": SUPPORT_DOMAIN,
                    "bounce_alias": "bounce",
                    "catchall_alias": "catchall",
                    "default_from": "notifications",
                },
            )
        )
        admin("res.company", "write", [1], {"alias_domain_id": domain_id})
        # The administrator's own address (a follower of the desks) is on the
        # staff domain, like the operators'.
        admin("res.users", "write", [admin.uid], {"email": f"admin@{STAFF_DOMAIN}"})
        self.team_customer = admin.ref("etp_helpdesk.helpdesk_ticket_team_customer_l1")
        self.team_supplier = admin.ref("etp_helpdesk.helpdesk_ticket_team_supplier_l1")
        teams = admin(
            "helpdesk.ticket.team",
            "read",
            [self.team_customer, self.team_supplier],
            ["alias_id"],
        )
        admin(
            "mail.alias",
            "write",
            [team["alias_id"][0] for team in teams],
            {"alias_domain_id": domain_id},
        )
        admin(
            "ir.mail_server",
            "write",
            admin("ir.mail_server", "search", []),
            {"active": False},
        )
        admin(
            "ir.mail_server",
            "create",
            {
                "name": "postfix",
                "smtp_host": "127.0.0.1",
                "smtp_port": servers.smtp_port,
                "smtp_encryption": "none",
            },
        )
        self.fetchmail = admin(
            "fetchmail.server",
            "create",
            {
                "name": "Ящик поддержки",
                "server_type": "imap",
                "server": "127.0.0.1",
                "port": servers.imap_port,
                "is_ssl": False,
                "user": SUPPORT_MAILBOX,
                "password": PASSWORD,
            },
        )
        admin("fetchmail.server", "button_confirm_login", [self.fetchmail])
        # An operator of both line-1 desks, with the lowest helpdesk role
        # (and what every internal user has, such as creating contacts).
        login = f"operator-mail-{time.time_ns()}"
        self.operator_id = admin(
            "res.users",
            "create",
            {
                "name": "Ольга Первая",
                "login": login,
                "password": login,
                "email": f"o.pervaya@{STAFF_DOMAIN}",
            },
        )
        admin(
            "res.users",
            "write",
            [self.operator_id],
            {"groups_id": [(4, admin.ref("helpdesk_mgmt.group_helpdesk_user_own"))]},
        )
        admin(
            "helpdesk.ticket.team",
            "write",
            [self.team_customer, self.team_supplier],
            {"user_ids": [(4, self.operator_id)]},
        )
        self.operator, _response = web_login(admin.url, login, login)

    def fetch(self):
        """The incoming mail server's "Fetch Now" (its cron does the same)."""
        self.admin("fetchmail.server", "fetch_mail", [self.fetchmail])

    def fetch_until(self, condition, what, timeout=60):
        """Fetch until ``condition()`` holds: postfix delivers within a second
        or so, but asynchronously."""
        deadline = time.monotonic() + timeout
        while True:
            self.fetch()
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{what}: not there after {timeout} s\n{self.servers.logs()}"
                )
            time.sleep(0.5)

    def tickets(self, domain, fields=()):
        return self.admin(
            "helpdesk.ticket",
            "search_read",
            domain,
            fields=[
                "name",
                "team_id",
                "partner_id",
                "partner_email",
                "channel_id",
                "description",
            ]
            + list(fields),
        )

    def ticket_by_message_id(self, message_id):
        found = self.admin(
            "mail.message",
            "search_read",
            [("message_id", "=", message_id), ("model", "=", "helpdesk.ticket")],
            fields=["res_id"],
        )
        return found and self.tickets([("id", "=", found[0]["res_id"])])[0]

    def reply(self, ticket_id, body):
        """The operator takes the ticket and answers from its chatter ("Send
        message"), with the customer ticked as the chatter suggests: the
        requester's contact, or their address when the sender was unknown."""
        self.admin(
            "helpdesk.ticket", "write", [ticket_id], {"user_id": self.operator_id}
        )
        ticket = self.admin(
            "helpdesk.ticket", "read", [ticket_id], ["partner_id", "partner_email"]
        )[0]
        recipients = (
            {"post_data_partner_ids": [ticket["partner_id"][0]]}
            if ticket["partner_id"]
            else {"partner_emails": [ticket["partner_email"]]}
        )
        store = json_call(
            self.operator,
            f"{self.admin.url}/mail/message/post",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": ticket_id,
                "post_data": {
                    "body": body,
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                    "partner_ids": recipients.pop("post_data_partner_ids", []),
                },
                **recipients,
            },
        )
        return max(message["id"] for message in store["mail.message"])

    def partner(self, email_address):
        found = self.admin(
            "res.partner",
            "search_read",
            [("email", "=", email_address)],
            fields=["email", "message_bounce"],
        )
        assert len(found) == 1, found
        return found[0]

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The mail round trip through real servers, as a deployment has them.

Debian's postfix (SMTP) and dovecot (IMAP, LMTP) run as private instances on
loopback ports (tests/live/mailservers.py); Odoo runs in production mode
(tests/live/odooserver.py). The helpdesk's domain delivers into one mailbox,
which Odoo's incoming mail server reads over IMAP; Odoo sends through postfix.
The customers use their own mailboxes on the same servers with a mail
client's protocols: SMTP to send, IMAP to read. Nothing of the mail layer is
replaced: what is checked is what the customers' mailboxes and the tickets
hold. The tests run in order and share one set-up (module scope).
"""

from email.header import Header
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid

import pytest

from .live.helpdesk import CUSTOMERS_ALIAS, SUPPLIERS_ALIAS, Helpdesk
from .live.mailservers import CUSTOMER_MAILBOX, SUPPLIER_MAILBOX, SUPPORT_MAILBOX

NO_MAILBOX = "closed-box@hospital.test"


@pytest.fixture(scope="module")
def helpdesk(admin_rpc, mail_servers):
    return Helpdesk(admin_rpc, mail_servers)


def _customer_email(sender, to, subject, body, charset="utf-8"):
    """A message as a mail client writes it. With a legacy charset the body
    goes out as 8-bit windows-1251 and the subject as an encoded word."""
    if charset == "utf-8":
        message = EmailMessage()
        message["Subject"] = subject
        message.set_content(body)
    else:
        message = MIMEText(body.encode(charset), "plain", charset)
        del message["Content-Transfer-Encoding"]
        message["Content-Transfer-Encoding"] = "8bit"
        message.set_payload(body.encode(charset))
        message["Subject"] = Header(subject, charset)
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.split("@")[1])
    return message


def _text(message):
    part = message.get_body(("plain",)) or message
    return part.get_content()


STATE = {}


def test_1_customer_email_becomes_a_ticket_on_the_right_desk(helpdesk, mail_servers):
    message = _customer_email(
        SUPPLIER_MAILBOX,
        SUPPLIERS_ALIAS,
        "Не могу подать заявку на аукцион",
        "Добрый день! При подаче заявки на аукцион 0373100000124000456 "
        "пишет «ошибка подписи». ИНН 7707083893.",
    )
    mail_servers.send(message)
    ticket = helpdesk.fetch_until(
        lambda: helpdesk.ticket_by_message_id(message["Message-ID"]),
        "the supplier's ticket",
    )
    assert ticket["name"] == "Не могу подать заявку на аукцион"
    assert ticket["team_id"][0] == helpdesk.team_supplier
    assert ticket["channel_id"][0] == helpdesk.admin.ref(
        "helpdesk_mgmt.helpdesk_ticket_channel_email"
    )
    assert "ошибка подписи" in ticket["description"]
    assert ticket["partner_email"] == SUPPLIER_MAILBOX
    STATE.update(ticket=ticket, first=message)


def test_2_operator_reply_reaches_the_customer_with_reply_to_and_threading(
    helpdesk, mail_servers
):
    ticket, first = STATE["ticket"], STATE["first"]
    helpdesk.reply(
        ticket["id"], "Здравствуйте! Переустановите плагин и повторите подпись."
    )
    answer = mail_servers.wait_for(
        SUPPLIER_MAILBOX,
        lambda m: "Переустановите плагин" in _text(m),
        what="the operator's answer",
    )
    # Replies go to the desk's own alias, so they come back to this desk.
    assert SUPPLIERS_ALIAS in answer["Reply-To"]
    # Threaded under the customer's message in their mail client.
    assert first["Message-ID"] in answer["References"]
    assert answer["Message-ID"]
    assert "Не могу подать заявку на аукцион" in answer["Subject"]
    assert "Ольга Первая" in answer["From"]
    STATE["answer"] = answer


def test_3_customer_reply_threads_into_the_same_ticket(helpdesk, mail_servers):
    ticket, answer = STATE["ticket"], STATE["answer"]
    before = helpdesk.admin("helpdesk.ticket", "search_count", [])
    # The customer's mail client: "Reply" on the answer read over IMAP.
    reply = _customer_email(
        SUPPLIER_MAILBOX,
        answer["Reply-To"],
        "Re: " + answer["Subject"],
        "Спасибо, после переустановки плагина заявка подписалась.",
    )
    reply["In-Reply-To"] = answer["Message-ID"]
    reply["References"] = f"{answer['References']} {answer['Message-ID']}"
    mail_servers.send(reply)
    threaded = helpdesk.fetch_until(
        lambda: helpdesk.ticket_by_message_id(reply["Message-ID"]),
        "the customer's reply",
    )
    assert threaded["id"] == ticket["id"]
    assert helpdesk.admin("helpdesk.ticket", "search_count", []) == before
    body = helpdesk.admin(
        "mail.message",
        "search_read",
        [("message_id", "=", reply["Message-ID"])],
        fields=["body", "author_id"],
    )[0]
    assert "заявка подписалась" in body["body"]
    assert body["author_id"][0] == helpdesk.partner(SUPPLIER_MAILBOX)["id"]


def test_4_bounce_of_our_own_mail_is_recognised(helpdesk, mail_servers):
    """The requester's mailbox was closed after they wrote: our answer comes
    back as a delivery status notification from postfix."""
    message = _customer_email(
        NO_MAILBOX,
        CUSTOMERS_ALIAS,
        "Вопрос по договору",
        "Прошу проверить статус договора по закупке 0373100000124000789.",
    )
    # Written from an address that has no mailbox (it was closed since).
    mail_servers.send(message)
    ticket = helpdesk.fetch_until(
        lambda: helpdesk.ticket_by_message_id(message["Message-ID"]),
        "the ticket from the closed mailbox",
    )
    before = helpdesk.admin("helpdesk.ticket", "search_count", [])
    answer_id = helpdesk.reply(ticket["id"], "Договор подписан заказчиком.")
    partner_id = helpdesk.partner(NO_MAILBOX)["id"]

    def bounced():
        return helpdesk.partner(NO_MAILBOX)["message_bounce"] > 0

    helpdesk.fetch_until(bounced, "the bounce of the answer")
    notifications = helpdesk.admin(
        "mail.notification",
        "search_read",
        [("mail_message_id", "=", answer_id), ("res_partner_id", "=", partner_id)],
        fields=["notification_status", "failure_type"],
    )
    assert notifications[0]["notification_status"] == "bounce"
    # The notification itself opens no ticket.
    assert helpdesk.admin("helpdesk.ticket", "search_count", []) == before


def test_5_windows_1251_message_survives_the_whole_path(helpdesk, mail_servers):
    subject = "Ошибка ЕИС: не опубликован протокол № 12-ЭА"
    body = "Добрый день! Протокол подведения итогов не ушёл в ЕИС. С уважением, Ирина."
    message = _customer_email(
        CUSTOMER_MAILBOX, CUSTOMERS_ALIAS, subject, body, charset="windows-1251"
    )
    raw = message.as_bytes()
    assert b"windows-1251" in raw and body.encode("windows-1251") in raw
    mail_servers.send(message)
    ticket = helpdesk.fetch_until(
        lambda: helpdesk.ticket_by_message_id(message["Message-ID"]),
        "the windows-1251 ticket",
    )
    assert ticket["name"] == subject
    assert ticket["team_id"][0] == helpdesk.team_customer
    assert "не ушёл в ЕИС" in ticket["description"]
    helpdesk.reply(ticket["id"], "Протокол переотправлен в ЕИС, проверьте через час.")
    answer = mail_servers.wait_for(
        CUSTOMER_MAILBOX,
        lambda m: "переотправлен в ЕИС" in _text(m),
        what="the answer to the windows-1251 message",
    )
    assert subject in str(answer["Subject"])
    assert CUSTOMERS_ALIAS in answer["Reply-To"]
    assert message["Message-ID"] in answer["References"]
    # The customer answers from the same legacy client: still one ticket.
    reply = _customer_email(
        CUSTOMER_MAILBOX,
        answer["Reply-To"],
        "Re: " + subject,
        "Спасибо, протокол опубликован.",
        charset="windows-1251",
    )
    reply["In-Reply-To"] = answer["Message-ID"]
    reply["References"] = f"{message['Message-ID']} {answer['Message-ID']}"
    mail_servers.send(reply)
    threaded = helpdesk.fetch_until(
        lambda: helpdesk.ticket_by_message_id(reply["Message-ID"]),
        "the windows-1251 reply",
    )
    assert threaded["id"] == ticket["id"]
    stored = helpdesk.admin(
        "mail.message",
        "search_read",
        [("message_id", "=", reply["Message-ID"])],
        fields=["body"],
    )
    assert "протокол опубликован" in stored[0]["body"]


def test_6_every_message_reached_its_mailbox_once(helpdesk, mail_servers):
    """Odoo read everything delivered to the support mailbox (nothing left
    unseen once it has fetched) and sent the customers nothing twice."""
    helpdesk.fetch()
    with mail_servers.imap(SUPPORT_MAILBOX) as client:
        _status, data = client.search(None, "UNSEEN")
        unseen = []
        for number in data[0].split():
            _status, parts = client.fetch(
                number, "(BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT)])"
            )
            unseen.append(parts[0][1].decode(errors="replace"))
    assert not unseen, unseen
    for mailbox in (SUPPLIER_MAILBOX, CUSTOMER_MAILBOX):
        ids = [m["Message-ID"] for m in mail_servers.messages(mailbox)]
        assert len(ids) == len(set(ids)), ids

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""bench_side_by_side.py's work: one function per path (email, portal,
support, resolve, cases, sla), run on one side."""

import os
import re
import sys
import uuid

# ----------------------------------------------------------------------
# The work
# ----------------------------------------------------------------------


def raw_email(sender, subject, body):
    return (
        f"From: {sender}\r\n"
        "To: support@etp-support.example.ru\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4()}@bench.example.ru>\r\n"
        "Date: Tue, 24 Nov 2026 09:00:00 +0300\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        f"{body}\r\n"
    )


def work_email(side, sender):
    def work(env):
        env["mail.thread"].message_process(
            "helpdesk.ticket",
            raw_email(
                sender,
                "Не могу подать заявку",
                "Здравствуйте! При подаче заявки на закупку 0373100000124000123 "
                "ошибка подписи. ИНН 7736050003.",
            ),
        )

    return side.measure(work)


def work_portal(side):
    _response, _body, ms, queries = side.http("GET", "/my/tickets")
    return ms, queries


def work_support(side):
    if side.ours:
        side.client = None  # an anonymous visitor
        _response, body, _ms, _q = side.http("GET", "/support")
        tokens = {
            name: re.search(rf'name="{name}"\s+value="([^"]+)"', body)
            for name in ("csrf_token", "submission_token")
        }
        if not all(tokens.values()):
            raise RuntimeError("no CSRF or submission token on /support")
        data = {
            **{name: match.group(1) for name, match in tokens.items()},
            "audience": "supplier",
            "contact_name": "Пётр Иванов",
            "email": f"petr.{uuid.uuid4().hex[:8]}@zavod.example.ru",
            "phone": "+7 495 123-45-67",
            "inn": "7736050003",
            "procedure_number": "0373100000124000123",
            "subject": "Не подаётся заявка",
            "description": "При подаче заявки на участие появляется ошибка подписи.",
            "consent": "1",
        }
        path = "/support"
    else:
        token = side.csrf_token("/new/ticket")
        data = {
            "csrf_token": token,
            "subject": "Не подаётся заявка",
            "description": "При подаче заявки на участие появляется ошибка подписи.",
        }
        path = "/submitted/ticket"
    response, _body, ms, queries = side.http("POST", path, data=data)
    if response.status_code not in (200, 302, 303):
        raise RuntimeError(f"POST {path}: {response.status_code}")
    return ms, queries


def make_requesters_tickets(side, env, count, tag):
    """``count`` tickets of as many requesters, as they came in earlier."""
    Partner = env["res.partner"]
    org = Partner.search([("name", "=", "ООО «Бенчмарк»")], limit=1)
    requesters = Partner.create(
        [
            {
                "name": f"Заявитель {tag}-{index}",
                "email": f"req-{tag}-{index}@bench.example.ru",
                "parent_id": org.id,
            }
            for index in range(count)
        ]
    )
    return env["helpdesk.ticket"].create(
        [
            {
                "name": f"Не могу подписать {tag}-{index}",
                "description": "<p>Ошибка подписи при подаче заявки</p>",
                "partner_id": requester.id,
            }
            for index, requester in enumerate(requesters)
        ]
    )


def work_resolve(side, count):
    tag = uuid.uuid4().hex[:6]
    with side.registry.cursor() as cr:
        env = side.env(cr)
        tickets = make_requesters_tickets(side, env, count, tag)
        if side.ours:
            env["ir.config_parameter"].set_param("etp_incident.it_email", False)
            incident = env["helpdesk.incident"].create(
                {"title": "Сбой подписи", "ticket_ids": [(6, 0, tickets.ids)]}
            )
            target = incident.id
        else:
            target = tickets.ids
        cr.commit()

    def work(env):
        user = side.operator(env)
        if side.ours:
            env["helpdesk.incident"].with_user(user).browse(target).action_resolve()
            return
        records = env["helpdesk.ticket"].with_user(user).browse(target)
        composer(env, user, "resolution_template", records)
        records.write(
            {"stage_id": env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id}
        )

    return side.measure(work)


def composer(env, user, template_xmlid, records):
    """The standard composer in comment mode on ``records`` with a template
    addressed to each requester: what an operator of bare helpdesk_mgmt
    uses to write to many requesters at once."""
    template = env.ref(f"__bench__.{template_xmlid}")
    env["mail.compose.message"].with_user(user).create(
        {
            "composition_mode": "comment",
            "model": "helpdesk.ticket",
            "res_ids": records.ids,
            "template_id": template.id,
            "message_type": "comment",
            "subtype_id": env.ref("mail.mt_comment").id,
        }
    )._action_send_mail()


def work_cases(side, count):
    tag = uuid.uuid4().hex[:6]
    with side.registry.cursor() as cr:
        env = side.env(cr)
        Partner = env["res.partner"]
        orgs = Partner.create(
            [
                {"name": f"ГБУЗ «Поликлиника {tag}-{index}»", "is_company": True}
                for index in range(count)
            ]
        )
        contacts = Partner.create(
            [
                {
                    "name": f"Контрактный управляющий {tag}-{index}",
                    "email": f"zakupki-{tag}-{index}@bench.example.ru",
                    "parent_id": org.id,
                }
                for index, org in enumerate(orgs)
            ]
        )
        instructions = (
            "<ol><li>Войдите в личный кабинет ЕИС.</li><li>Откройте реестр "
            "контрактов.</li><li>Отмените протокол по предписанию.</li></ol>"
        )
        if side.ours:
            user = side.operator(env)
            case = env["helpdesk.emergency.case"].create(
                {
                    "name": f"Предписание УФАС {tag}",
                    "regulator_order": "Предписание № 077/06/106-12345/2026",
                    "deadline": "2030-11-26 09:00:00",
                    "instructions": instructions,
                    "audience": "customer",
                    "user_id": user.id,
                    "line_ids": [
                        (0, 0, {"partner_id": org.id, "contact_id": contact.id})
                        for org, contact in zip(orgs, contacts, strict=True)
                    ],
                }
            )
            target = case.id
        else:
            target = [
                {
                    "name": f"Предписание УФАС {tag} — {org.name}",
                    "description": instructions,
                    "partner_id": contact.id,
                    "priority": "2",
                }
                for org, contact in zip(orgs, contacts, strict=True)
            ]
        cr.commit()

    def work(env):
        user = side.operator(env)
        if side.ours:
            env["helpdesk.emergency.case"].with_user(user).browse(
                target
            ).action_send_instructions()
            return
        tickets = env["helpdesk.ticket"].with_user(user).create(target)
        composer(env, user, "instructions_template", tickets)

    return side.measure(work)


def work_sla(side, count):
    """Seed ``count`` open tickets with every SLA target due, then run the
    cron like the cron worker until nothing is left."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench_sla_cron
    from bench_paths_db import vacuum_analyze

    from odoo.addons.etp_escalation.models.helpdesk_ticket_sla_cron import (
        CRON_BATCH_SIZE,
    )

    with side.registry.cursor() as cr:
        env = side.env(cr)
        print(f"  seeding {count} tickets for the SLA cron…", flush=True)
        bench_sla_cron.seed(env, count)
        cr.execute(
            """UPDATE helpdesk_ticket_sla SET
                   state = 'in_progress', warned_at = NULL, breached_at = NULL,
                   consumed_time = 0,
                   last_state_date = now() AT TIME ZONE 'UTC' - interval '2 hours',
                   warning_date = now() AT TIME ZONE 'UTC' - interval '1 hour',
                   deadline = now() AT TIME ZONE 'UTC' - interval '1 minute'"""
        )
        cr.commit()
    vacuum_analyze(side.db)
    with side.registry.cursor() as cr:
        env = side.env(cr)
        _done, _calls, seconds, queries = bench_sla_cron.run_cron(
            env, env["helpdesk.ticket.sla"]._cron_check_sla, CRON_BATCH_SIZE
        )
        # its tickets leave with it: a kept database must hold the same
        # volume as bare's when the next run compares the other paths (the
        # next run gives the requesters their tickets again)
        cr.execute("TRUNCATE helpdesk_ticket CASCADE")
        cr.commit()
    return seconds * 1000, queries

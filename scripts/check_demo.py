"""Check `make run`'s demo database: what a new user meets there must work.

Usage: check_demo.py CONFIG DATABASE

scripts/test.sh builds a database exactly as `make run` does
(scripts/common.sh, build_demo_db) and runs this script on it, so that a demo
whose tickets have no SLA targets, or whose chat has no operators, fails the
suite. Each check prints «ok» or «FAIL» with what is wrong; nothing is
written (the transaction is rolled back). The exit status is the number of
failed checks.
"""

import re
import sys
import time
from datetime import timedelta

from freezegun import freeze_time

import odoo
from odoo import SUPERUSER_ID, api

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)

CHECKS = []


def check(title):
    """Register a check: a function of ``env`` that returns its problems."""

    def register(func):
        CHECKS.append((title, func))
        return func

    return register


def _label(ticket):
    return f"{ticket.number} «{ticket.name}»"


@check("the demo is installed with its data, in Russian")
def demo_installed(env):
    problems = []
    modules = env["ir.module.module"].search(
        [("name", "in", ["etp_helpdesk", "etp_escalation", "etp_incident"])]
    )
    for module in modules:
        if module.state != "installed" or not module.demo:
            problems.append(f"{module.name}: {module.state}, demo={module.demo}")
    if len(modules) != 3:
        problems.append("an addon of the product is missing")
    # the stories addon is for the test databases only
    stories = env["ir.module.module"].search([("name", "=", "etp_stories")])
    if stories.state not in (False, "uninstalled", "uninstallable"):
        problems.append(f"etp_stories (tests only) is {stories.state}")
    if not env["res.lang"]._lang_get("ru_RU").active:
        problems.append("Russian is not active")
    operators = env["res.users"].search(
        [("share", "=", False), ("login", "in", ["op.customer.l1", "supervisor"])]
    )
    problems += [f"{u.login} works in {u.lang}" for u in operators if u.lang != "ru_RU"]
    return problems


@check("every open demo ticket has SLA targets")
def open_tickets_have_sla(env):
    tickets = env["helpdesk.ticket"].search([("stage_id.closed", "=", False)])
    if not tickets:
        return ["the demo has no open ticket"]
    problems = [
        f"{_label(t)} has no SLA target" for t in tickets if not t.ticket_sla_ids
    ]
    # upstream's English demo policies must not stand in for ours
    problems += [
        f"{_label(t)} follows the policy «{policy.name}»"
        for t in tickets
        for policy in t.ticket_sla_ids.sla_id
        if not CYRILLIC.search(policy.name or "")
    ]
    return problems


@check("open demo tickets of a roster desk are assigned to an operator on duty")
def tickets_assigned(env):
    tickets = env["helpdesk.ticket"].search(
        [("stage_id.closed", "=", False), ("team_id.duty_enabled", "=", True)]
    )
    return [
        f"{_label(t)} waits unassigned in {t.team_id.name}"
        for t in tickets
        if not t.user_id
    ]


@check("the night-auction ticket: deadline, time left, urgent, an operator")
def night_auction(env):
    ticket = env.ref("etp_helpdesk.helpdesk_ticket_chat_auction_demo").with_context(
        lang="ru_RU"
    )
    problems = []
    if not ticket.procedure_deadline or not ticket.procedure_deadline_display:
        problems.append("no procedure deadline")
    if not ticket.procedure_time_left:
        problems.append("no time left shown")
    if ticket.priority != "3":
        problems.append(f"priority {ticket.priority}, not «very high»")
    rows = ticket.ticket_sla_ids
    if not rows:
        problems.append("empty SLA tab")
    elif not all(rows.mapped("deadline_display")):
        problems.append("an SLA target without a deadline")
    resolution = rows.filtered(lambda r: r.target_kind == "resolution")
    if ticket.procedure_deadline and any(
        r.deadline > ticket.procedure_deadline for r in resolution
    ):
        problems.append("its resolution target ends after the auction")
    user = ticket.user_id
    if not user or user.share:
        problems.append("nobody is assigned")
    else:
        if user not in ticket.team_id.user_ids:
            problems.append(f"{user.name} is not in {ticket.team_id.name}")
    return problems


@check("the SLA cron alerts the night-auction desk's leader before the deadline")
def night_auction_alert(env):
    ticket = env.ref("etp_helpdesk.helpdesk_ticket_chat_auction_demo")
    leader = ticket.team_id.user_id
    if not leader:
        return [f"{ticket.team_id.name} has no leader to alert"]
    first = ticket.ticket_sla_ids.filtered(lambda r: r.state == "in_progress").sorted(
        "warning_date"
    )[:1]
    if not first:
        return ["no SLA target in progress"]
    # the run of the cron at the warning moment, as under `make run` (it runs
    # every minute); the check itself may run later than that moment, when the
    # demo was built in the background of a long test run
    with freeze_time(first.warning_date + timedelta(minutes=1)):
        env["helpdesk.ticket.sla"]._cron_check_sla()
    activities = env["mail.activity"].search(
        [
            ("res_model", "=", "helpdesk.ticket"),
            ("res_id", "=", ticket.id),
            ("user_id", "=", leader.id),
        ]
    )
    if not activities:
        return [f"{leader.name} got no SLA activity on {_label(ticket)}"]
    return []


@check("the supervisor reaches categories and playbooks (Configuration)")
def supervisor_configuration(env):
    supervisor = env.ref("etp_escalation.res_users_supervisor_demo")
    menus = env["ir.ui.menu"].with_user(supervisor).load_menus(False)
    xmlids = {m.get("xmlid") for m in menus.values() if isinstance(m, dict)}
    problems = [
        f"no menu {xmlid}"
        for xmlid in (
            "helpdesk_mgmt.helpdesk_ticket_config_main_menu",
            "helpdesk_mgmt.helpdesk_ticket_category_menu",
        )
        if xmlid not in xmlids
    ]
    for model in ("helpdesk.ticket.category", "helpdesk.playbook.step"):
        if not env[model].with_user(supervisor).has_access("write"):
            problems.append(f"cannot edit {model}")
    return problems


@check("spike detection flags no emergency case and no incident's tickets")
def spikes(env):
    env["helpdesk.incident.spike"]._cron_detect_spikes()
    flags = env["helpdesk.incident.spike"].search([])
    return [
        f"{flag.display_name} holds {_label(t)}"
        for flag in flags
        for t in flag.ticket_ids
        if t.emergency_case_id or t.incident_id
    ]


# Live chat operators come with issue 8's portal and chat work; kept apart so
# that its failure reads on its own.
@check("live chat: each audience's channel has that audience's line-1 operators")
def livechat_operators(env):
    problems = []
    livechat_group = env.ref("im_livechat.im_livechat_group_user")
    teams = env["helpdesk.ticket.team"].search(
        [("support_line", "=", "1"), ("livechat_channel_id", "!=", False)]
    )
    if not teams:
        problems.append("no line-1 desk has a chat channel")
    for team in teams:
        channel = team.livechat_channel_id
        if not team.user_ids:
            problems.append(f"{team.name} has no operators")
        missing = team.user_ids - channel.user_ids
        if missing:
            problems.append(
                f"{channel.name}: {', '.join(missing.mapped('name'))} of "
                f"{team.name} are not its operators"
            )
        # the other audience's operators answer in their own channel
        others = (teams - team).user_ids - team.user_ids
        wrong = channel.user_ids & others
        if wrong:
            problems.append(
                f"{channel.name}: {', '.join(wrong.mapped('name'))} of the other "
                "audience answer here"
            )
        unable = team.user_ids.filtered(lambda u: livechat_group not in u.groups_id)
        if unable:
            problems.append(
                f"{', '.join(unable.mapped('name'))} may not take chats "
                "(not in the live chat group)"
            )
    return problems


def main(argv):
    config, dbname = argv[1], argv[2]
    odoo.tools.config.parse_config(["-c", config, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(dbname)
    failed = 0
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for title, func in CHECKS:
            t0 = time.time()
            try:
                with cr.savepoint():
                    problems = func(env)
            except Exception as error:  # a broken check is a failed check
                problems = [f"{type(error).__name__}: {error}"]
            status = "FAIL" if problems else "ok  "
            print(f"  {status} {title} ({time.time() - t0:.1f} s)")
            for problem in problems:
                print(f"         - {problem}")
            failed += bool(problems)
        cr.rollback()
    print(f"Demo database {dbname}: {len(CHECKS) - failed} of {len(CHECKS)} checks ok")
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv))

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The emergency case tests' common set-up: the notice, the instructions, the
deadline, the measured query counts, and organisations with contacts."""

from datetime import datetime

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

NOTICE = "0373100000124000789"
INSTRUCTIONS = (
    "<ol><li>Войдите в личный кабинет ЕИС.</li>"
    "<li>Откройте «Реестр контрактов» и найдите контракт по номеру извещения.</li>"
    "<li>Нажмите «Отменить/внести изменения», укажите основание — предписание "
    "УФАС.</li><li>Подпишите ЭП и сообщите в поддержку.</li></ol>"
)
# deadline 26.11.2026 12:00 MSK
DEADLINE = datetime(2026, 11, 26, 9, 0)
NOW = "2026-11-24 09:00:00"

# Measured queries (warm caches, run as the lowest operator role) of
# «Create tickets and send instructions», whatever the number of
# organisations: the case and its lines, the numbers and first stage of all
# the tickets, one insert of the tickets and of their SLA targets, followers,
# messages, emails and notifications, one rendering of the instructions for
# all. The playbook lines of the tickets' category are inserted by hundreds:
# 50 tickets with 4 lines each take 2 more inserts than 5. A query per
# organisation would add 45.
QUERIES_SEND = {5: 61, 50: 63}
# Measured queries of the reminder cron: 53 for 5 reminders as for 13, the
# messages, emails and notifications of all the reminders of a case made at
# once (13 more per reminder when each was posted on its own).
QUERIES_REMIND_5 = 53
QUERIES_PER_REMINDER = 0


def inn10(base):
    """A valid 10-digit ИНН from its first nine digits."""
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return base + str(
        sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11 % 10
    )


class EmergencyCaseCommon(EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case_operator = new_test_user(
            cls.env,
            login="etp-case-operator",
            name="Мария Лебедева",
            email="lebedeva@etp-support.example.ru",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.orgs, cls.contacts = cls._organisations(13)

    @classmethod
    def _organisations(cls, count, start=0):
        Partner = cls.env["res.partner"]
        orgs = Partner.create(
            [
                {
                    "name": f"ГБУЗ «Городская поликлиника № {200 + start + n}»",
                    "is_company": True,
                    "vat": inn10(f"7719{start + n:05d}"),
                    "procurement_role": "customer",
                    "tz": "Europe/Moscow",
                }
                for n in range(count)
            ]
        )
        contacts = Partner.create(
            [
                {
                    "name": f"Контрактный управляющий {start + n}",
                    "parent_id": org.id,
                    "email": f"zakupki{start + n}@gp{start + n}.example.ru",
                    # the first contact works from Yekaterinburg
                    "tz": "Asia/Yekaterinburg" if n == 0 else False,
                }
                for n, org in enumerate(orgs)
            ]
        )
        return orgs, contacts

    def _case(self, orgs=None, contacts=None, **vals):
        orgs = self.orgs if orgs is None else orgs
        contacts = self.contacts if contacts is None else contacts
        values = {
            "name": "Предписание УФАС № 077/06/106-12345/2026: отмена протоколов",
            "regulator_order": "Предписание УФАС по г. Москве № 077/06/106-12345/2026",
            "procedure_number": NOTICE,
            "deadline": DEADLINE,
            "instructions": INSTRUCTIONS,
            "audience": "customer",
            "user_id": self.case_operator.id,
            "line_ids": [
                Command.create({"partner_id": org.id, "contact_id": contact.id})
                for org, contact in zip(orgs, contacts, strict=True)
            ],
        }
        values.update(vals)
        return (
            self.env["helpdesk.emergency.case"]
            .with_user(self.case_operator)
            .create(values)
        )

    def _messages(self, tickets, template_xmlid):
        subject_start = (
            "Reminder" if template_xmlid.endswith("reminder") else "what to do by"
        )
        return self.env["mail.message"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("message_type", "=", "comment"),
                ("subject", "ilike", subject_start),
            ]
        )

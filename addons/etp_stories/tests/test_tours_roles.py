"""Each role's main job, clicked through in a real browser with the interface in
Russian.

The night a signing failure hits: a line-1 operator escalates a supplier's
request with the reason; line 2 registers an incident from it and hands it to
IT; a line-3 engineer resolves it, and every requester sees it solved on the
portal and gets the message. The shift supervisor opens an emergency case for a
FAS order and sends the instructions to the organisations.
"""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.etp_helpdesk.tests.common import EtpHelpdeskCommon

TICKET = "Не могу подписать ценовое предложение"
REASON = "Ошибка «сертификат недействителен» у нескольких поставщиков"
INCIDENT = "Не подписываются ценовые предложения: «сертификат недействителен»"


@tagged("post_install", "-at_install", "is_tour")
class TestRoleTours(HttpCase, EtpHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "etp_incident.it_email", "it-duty@etp-support.example.ru"
        )

        def operator(login, name, group, team=None):
            user = new_test_user(
                cls.env,
                login=login,
                name=name,
                email=f"{login}@etp-support.example.ru",
                groups=group,
                lang="ru_RU",
                tz="Europe/Moscow",
            )
            if team:
                team.user_ids = [Command.link(user.id)]
            return user

        cls.op_l1 = operator(
            "tour-s1",
            "Дмитрий Соколов",
            "etp_escalation.group_etp_line1_supplier",
            cls.team_supplier_l1,
        )
        cls.op_l2 = operator(
            "tour-s2",
            "Сергей Новиков",
            "etp_escalation.group_etp_line2_supplier",
            cls.team_supplier_l2,
        )
        cls.engineer = operator(
            "tour-e3", "Игорь Лебедев", "etp_escalation.group_etp_line3", cls.team_l3
        )
        cls.supervisor = operator(
            "tour-sv", "Ольга Павлова", "etp_escalation.group_etp_supervisor"
        )
        (cls.contact_customer | cls.contact_supplier).lang = "ru_RU"

        def portal(login, contact):
            return new_test_user(
                cls.env,
                login=login,
                groups="base.group_portal",
                partner_id=contact.id,
                name=contact.name,
                email=contact.email,
            )

        cls.portal_supplier = portal("tour-portal-s", cls.contact_supplier)
        cls.portal_customer = portal("tour-portal-c", cls.contact_customer)
        # the site speaks Russian, as `make run`'s does
        russian = cls.env["res.lang"]._activate_lang("ru_RU")
        for website in cls.env["website"].search([]):
            website.language_ids |= russian
            website.default_lang_id = russian

    def test_request_escalated_incident_resolved_requesters_told(self):
        ticket = self._ticket(
            name=TICKET,
            description="<p>При подписании ценового предложения по извещению "
            "0373100000124000456 ошибка «сертификат недействителен».</p>",
            partner_id=self.contact_supplier.id,
        )
        self.assertEqual(ticket.team_id, self.team_supplier_l1)

        # line 1: escalate with a reason
        self.start_tour(
            "/odoo/helpdesk-tickets",
            "etp_escalation_line1_escalate_tour",
            login=self.op_l1.login,
        )
        self.assertEqual(ticket.team_id, self.team_supplier_l2)
        self.assertRecordValues(
            ticket.escalation_ids,
            [{"user_id": self.op_l1.id, "to_line": "2", "reason": REASON}],
        )
        self.assertIn("КриптоПро", ticket.escalation_ids.tried)

        # line 2: register an incident, handed to IT at once
        self.start_tour(
            "/odoo/helpdesk-tickets",
            "etp_incident_line2_register_tour",
            login=self.op_l2.login,
        )
        incident = ticket.incident_id
        self.assertRecordValues(
            incident,
            [
                {
                    "title": INCIDENT,
                    "component": "signature",
                    "severity": "critical",
                    "state": "handed_to_it",
                    "user_id": self.op_l2.id,
                }
            ],
        )
        # a customer hit by the same failure is linked to it too
        other = self._ticket(
            name="Не подписывается извещение",
            partner_id=self.contact_customer.id,
            incident_id=incident.id,
        )

        # line 3: resolve it
        self.start_tour(
            "/odoo/action-etp_incident.helpdesk_incident_action",
            "etp_incident_line3_resolve_tour",
            login=self.engineer.login,
        )
        self.assertEqual(incident.state, "resolved")

        # each requester sees it: the request is solved on the portal, with
        # the message that the problem is fixed
        for requester, portal_user, request in (
            (self.contact_supplier, self.portal_supplier, ticket),
            (self.contact_customer, self.portal_customer, other),
        ):
            with self.subTest(requester=requester.name):
                self.assertEqual(request.stage_id, self.stage_done)
                told = request.message_ids.filtered(
                    lambda m, r=requester: r in m.partner_ids
                    and m.message_type == "comment"
                )
                self.assertEqual(len(told), 1)
                self.assertIn("устранена", told.body)
                self.authenticate(portal_user.login, portal_user.login)
                page = self.url_open(f"/my/ticket/{request.id}").text
                self.assertIn("Известная техническая проблема:", page)
                self.assertIn('data-etp-incident-status="fixed"', page)
                self.assertIn("устранена", page)
                self.assertIn(request.number, page)
                self.assertNotIn(INCIDENT, page)

    def test_supervisor_sends_emergency_instructions(self):
        Partner = self.env["res.partner"]
        contacts = Partner
        for org_name, contact_name, email in (
            ("ГБУЗ «Больница № 3»", "Ольга Соловьёва", "solovyova@gb3.example.ru"),
            ("ГБУЗ «Поликлиника № 8»", "Татьяна Белова", "belova@gp8.example.ru"),
        ):
            org = Partner.create(
                {"name": org_name, "is_company": True, "procurement_role": "customer"}
            )
            contacts |= Partner.create(
                {"name": contact_name, "parent_id": org.id, "email": email}
            )
        self.start_tour(
            "/odoo/action-etp_incident.helpdesk_emergency_case_action",
            "etp_incident_supervisor_emergency_case_tour",
            login=self.supervisor.login,
        )
        case = self.env["helpdesk.emergency.case"].search(
            [("regulator_order", "like", "077/06/106-54321/2026")]
        )
        self.assertRecordValues(
            case,
            [
                {
                    "state": "in_progress",
                    "procedure_number": "0373100000124000789",
                    "user_id": self.supervisor.id,
                    "audience": "customer",
                }
            ],
        )
        self.assertEqual(case.ticket_ids.partner_id, contacts)
        self.assertEqual(case.ticket_ids.team_id, self.team_customer_l1)
        for contact in contacts:
            with self.subTest(contact=contact.name):
                sent = case.ticket_ids.message_ids.filtered(
                    lambda m, c=contact: c in m.partner_ids
                )
                self.assertEqual(len(sent), 1)
                self.assertIn("Отмените контракт в ЕИС", sent.body)

/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

const TICKET = "Не могу подписать ценовое предложение";
const TITLE = "Не подписываются ценовые предложения: «сертификат недействителен»";

/**
 * A line-2 operator (interface in Russian) opens an escalated ticket and
 * registers an incident from it: the incident is created with the ticket and
 * handed to IT at once.
 */
registry.category("web_tour.tours").add("etp_incident_line2_register_tour", {
    url: "/odoo/helpdesk-tickets",
    steps: () => [
        {
            content: "Open the escalated ticket",
            trigger: `.o_data_row td:contains(${TICKET})`,
            run: "click",
        },
        {
            content: "Register an incident",
            trigger:
                ".o_form_view button[name=action_register_incident]:contains(Зарегистрировать инцидент)",
            run: "click",
        },
        {
            content: "A new incident, not a link to another one",
            trigger: ".modal div[name=mode] input[data-value=create]:checked",
        },
        {
            content: "Name what is broken",
            trigger: ".modal div[name=title] input",
            run: `edit ${TITLE}`,
        },
        {
            content: "The component",
            trigger: ".modal div[name=component] select",
            run: 'select "signature"',
        },
        {
            content: "The severity",
            trigger: ".modal div[name=severity] select",
            run: 'select "critical"',
        },
        {
            content: "Create it and hand it to IT",
            trigger:
                ".modal .modal-footer button[name=action_confirm]:contains(Создать и передать в ИТ)",
            run: "click",
        },
        {
            content: "The incident is with IT",
            trigger: ".o_form_view div[name=state] button.o_arrow_button_current[data-value=handed_to_it]",
        },
        {
            content: "The ticket is linked to it",
            trigger: ".o_notebook a[name=tickets]",
            run: "click",
        },
        {
            trigger: `.o_form_view div[name=ticket_ids] .o_data_row:contains(${TICKET})`,
        },
    ],
});

/**
 * A line-3 engineer (interface in Russian) finds the open incident and marks
 * it resolved once the platform works again. The linked tickets belong to the
 * desks of lines 1 and 2: the engineer does not see them, the test checks
 * what their requesters see.
 */
registry.category("web_tour.tours").add("etp_incident_line3_resolve_tour", {
    url: "/odoo/action-etp_incident.helpdesk_incident_action",
    steps: () => [
        {
            content: "Open the incident from the list of open incidents",
            trigger: `.o_data_row td:contains(${TITLE})`,
            run: "click",
        },
        {
            content: "Mark it resolved (the button reads «Решён»)",
            trigger: ".o_form_view button[name=action_resolve]:contains(Решён)",
            run: "click",
        },
        {
            content: "The incident is resolved",
            trigger: ".o_form_view div[name=state] button.o_arrow_button_current[data-value=resolved]",
        },
        {
            content: "The time of the resolution is kept (a date: dd.mm.yyyy)",
            trigger: ".o_form_view div[name=resolved_at]:contains(.)",
        },
    ],
});

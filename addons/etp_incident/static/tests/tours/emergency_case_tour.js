/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

const CASE = "Предписание УФАС № 077/06/106-54321/2026: отмена протоколов";
const ORDER = "Предписание УФАС по г. Москве № 077/06/106-54321/2026";
const INSTRUCTIONS = "Отмените контракт в ЕИС и ответьте на это письмо";

function addOrganisation(organisation, contact) {
    return [
        {
            content: `Add ${organisation}`,
            trigger: "div[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: "div[name=line_ids] .o_selected_row div[name=partner_id] input",
            run: `edit ${organisation}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item a:contains(${organisation})`,
            run: "click",
        },
        {
            content: "Its contact, who gets the instructions",
            trigger: "div[name=line_ids] .o_selected_row div[name=contact_id] input",
            run: `edit ${contact}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item a:contains(${contact})`,
            run: "click",
        },
        {
            trigger: `div[name=line_ids] .o_selected_row div[name=contact_id] input:value(${contact})`,
        },
    ];
}

/**
 * The shift supervisor (interface in Russian) opens an emergency case for a
 * FAS order, lists the organisations with their contacts, writes the
 * instructions and sends them: one ticket and one message per organisation.
 */
registry.category("web_tour.tours").add("etp_incident_supervisor_emergency_case_tour", {
    url: "/odoo/action-etp_incident.helpdesk_emergency_case_action",
    steps: () => [
        {
            content: "A new case",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=name] input",
            run: `edit ${CASE}`,
        },
        {
            trigger: ".o_form_view div[name=regulator_order] input",
            run: `edit ${ORDER}`,
        },
        {
            trigger: ".o_form_view div[name=procedure_number] input",
            run: "edit 0373100000124000789",
        },
        {
            content: "The deadline the order sets (Moscow time)",
            trigger: ".o_form_view div[name=deadline] input",
            run: "edit 31.12.2030 15:00:00",
        },
        ...addOrganisation("ГБУЗ «Больница № 3»", "Ольга Соловьёва"),
        ...addOrganisation("ГБУЗ «Поликлиника № 8»", "Татьяна Белова"),
        {
            content: "The instructions",
            trigger: ".o_notebook a[name=instructions]",
            run: "click",
        },
        {
            trigger: "div[name=instructions] .odoo-editor-editable",
            run: `editor ${INSTRUCTIONS}`,
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Send the instructions",
            trigger:
                ".o_form_view button[name=action_send_instructions]:contains(Создать обращения и отправить инструкции)",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The case is under way",
            trigger: ".o_form_view div[name=state] button.o_arrow_button_current[data-value=in_progress]",
        },
        {
            content: "One ticket per organisation",
            trigger: ".o_form_view button[name=action_view_tickets] .o_stat_value:contains(2)",
        },
    ],
});

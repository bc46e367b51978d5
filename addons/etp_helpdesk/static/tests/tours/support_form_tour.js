/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import { registry } from "@web/core/registry";

// An anonymous supplier, in Russian, goes from the home page of the support
// site to the suppliers' web form and sends a request (run by
// tests/test_support_form.py).
registry.category("web_tour.tours").add("etp_helpdesk_support_form_tour", {
    url: "/",
    steps: () => [
        {
            content: "The home page tells the suppliers' desk",
            trigger: "html[lang='ru-RU'] .o_etp_support_desk_supplier h2:contains(Поставщики)",
        },
        {
            content: "Write a request to the suppliers' desk",
            trigger: ".o_etp_support_desk_supplier a.o_etp_support_desk_form",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The form is the suppliers' one, in Russian",
            trigger: "h1:contains(Написать в службу поддержки)",
        },
        {
            trigger: "form.o_etp_support_form input[name='audience'][value='supplier']:checked",
        },
        {
            content: "Give my name",
            trigger: "form.o_etp_support_form input[name='contact_name']",
            run: "edit Анна Поставщикова",
        },
        {
            content: "Give my email",
            trigger: "form.o_etp_support_form input[name='email']",
            run: "edit tour.visitor@postavka.example.ru",
        },
        {
            content: "Give the notice number",
            trigger: "form.o_etp_support_form input[name='procedure_number']",
            run: "edit 0373100000124000123",
        },
        {
            content: "Describe the problem",
            trigger: "form.o_etp_support_form textarea[name='description']",
            run: "edit Не могу подать ценовое предложение на аукционе.",
        },
        {
            content: "Accept the processing of personal data",
            trigger: "form.o_etp_support_form input[name='consent']",
            run: "check",
        },
        {
            content: "Send the request",
            trigger: "form.o_etp_support_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The thank-you page shows the ticket number",
            trigger: ".o_etp_support_form_thanks .o_etp_support_ticket_number",
        },
        {
            content: "An anonymous visitor gets no link to the ticket",
            trigger: ".o_etp_support_form_thanks:not(:has(.o_etp_support_ticket_link))",
        },
    ],
});

/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import { registry } from "@web/core/registry";

// A supplier opens /support and picks the topic of a known problem: its
// notice shows before they write (run by tests/test_public_incidents.py).
registry.category("web_tour.tours").add("etp_incident_known_problem_tour", {
    url: "/support",
    steps: () => [
        {
            content: "Nothing is shown before a topic is picked",
            trigger: "form.o_etp_support_form select[name='category_id']",
        },
        {
            content: "Pick the topic «Electronic signature»",
            trigger: "form.o_etp_support_form select[name='category_id']",
            run() {
                const select = document.querySelector("select[name='category_id']");
                const option = select.querySelector("option[data-etp-component='signature']");
                select.value = option.value;
                select.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The known problem of the signature shows, before the text",
            trigger:
                "#etp_known_problems .o_etp_known_problem[data-etp-component='signature'] .o_etp_incident_title:contains(Не работает подписание заявок)",
        },
        {
            content: "It offers to tell me when it is fixed",
            trigger:
                "#etp_known_problems .o_etp_known_problem[data-etp-component='signature'] a.o_etp_incident_subscribe_link",
        },
    ],
});

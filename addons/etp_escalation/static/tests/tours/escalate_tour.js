/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

const TICKET = "Не могу подписать ценовое предложение";
const REASON = "Ошибка «сертификат недействителен» у нескольких поставщиков";
const TRIED = "Переустановили КриптоПро ЭЦП Browser plug-in, проверили сертификат";

/**
 * A line-1 operator of the suppliers' desk (interface in Russian) opens a
 * ticket from the list, escalates it to line 2 with the reason and what was
 * tried, and sees the escalation recorded on the ticket.
 */
registry.category("web_tour.tours").add("etp_escalation_line1_escalate_tour", {
    url: "/odoo/helpdesk-tickets",
    steps: () => [
        {
            content: "Open the ticket from the desk's list",
            trigger: `.o_data_row td:contains(${TICKET})`,
            run: "click",
        },
        {
            content: "Escalate (the button reads «Эскалировать»)",
            trigger: ".o_form_view button[name=action_escalate]:contains(Эскалировать)",
            run: "click",
        },
        {
            content: "The wizard proposes the next line of the path",
            trigger: ".modal div[name=team_id] input",
            run() {
                if (!this.anchor.value.includes("2 линия")) {
                    throw new Error(`Escalation target: ${this.anchor.value}`);
                }
            },
        },
        {
            content: "Give the reason",
            trigger: ".modal div[name=reason] textarea",
            run: `edit ${REASON}`,
        },
        {
            content: "Say what was already tried",
            trigger: ".modal div[name=tried] textarea",
            run: `edit ${TRIED}`,
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer button[name=action_confirm]:contains(Эскалировать)",
            run: "click",
        },
        {
            content: "The ticket's history shows the escalation and its reason",
            trigger: `.o-mail-Message-body:contains(${REASON})`,
        },
        {
            content: "The Escalations tab appears",
            trigger: ".o_notebook a[name=escalations]",
            run: "click",
        },
        {
            trigger: `div[name=escalation_ids] .o_data_row:contains(${TRIED})`,
        },
    ],
});

/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

const TICKET = "Не подписывается заявка на участие";
const REPLY = "Заявка подписана после обновления плагина, спасибо";

/**
 * A supplier's contact on the portal: opens a ticket of the organisation from
 * /my/tickets, answers in the chatter and closes the ticket.
 */
registry.category("web_tour.tours").add("etp_helpdesk_portal_tour", {
    url: "/my/tickets",
    steps: () => [
        {
            content: "The list shows the procedure number of the ticket",
            trigger: `tr:has(a:contains(${TICKET})) td[name=td_procedure]:contains(32412345678)`,
        },
        {
            content: "Open the ticket",
            trigger: `a[href^="/my/ticket/"]:contains(${TICKET})`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page shows the procedure",
            trigger: "div[name=etp_procedure_number]:contains(32412345678)",
        },
        {
            content: "Write a reply in the chatter",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: `edit ${REPLY}`,
        },
        {
            content: "Send it",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The reply is in the communication history",
            trigger: `#chatterRoot:shadow .o-mail-Message-body:contains(${REPLY})`,
        },
        {
            content: "Close the ticket (a POST form with a CSRF token)",
            trigger: "form.o_etp_ticket_close:has(input[name=csrf_token]) button:contains(Done)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The ticket is done and offers no close button any more",
            trigger: "span.badge:contains(Done)",
        },
        {
            trigger: "body:not(:has(form.o_etp_ticket_close))",
        },
    ],
});

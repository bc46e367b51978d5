/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

// No commas in the texts: they are looked for with :contains().
const BREACHED = "Не открывается протокол подведения итогов";
const FRESH = "Не приходит код подтверждения";
const OTHER_DESK = "Вопрос первой линии о банковской гарантии";
const REPLY = "Проверили: код отправлен повторно";

let tickingText = "";
let ticketCalls = 0;

/**
 * A line-2 operator of the customers' desk opens /odoo/helpdesk at night:
 * the queue of their desk (not line 1's, which they may read), the
 * breached request on top, the time left of
 * each ticking in the browser (no call to the server), the «Горит» filter;
 * they answer a request and its SLA shows the first response met at once.
 * Run by tests/test_queue.py.
 */
registry.category("web_tour.tours").add("etp_escalation_queue_tour", {
    url: "/odoo/helpdesk",
    steps: () => [
        {
            content: "The queue of my desks, open requests only",
            trigger: ".o_searchview .o_facet_value:contains(Мои линии)",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains(Открытые)",
        },
        {
            content: "The breached request is on top, in red",
            trigger: `.o_data_row:first-child:contains(${BREACHED}) .o-etp-SlaCountdown[data-state=breached]:contains(просрочено)`,
        },
        {
            content: "Line 1's request is not in my queue",
            trigger: `.o_list_table:not(:contains(${OTHER_DESK}))`,
        },
        {
            content: "Count the server calls about tickets from now on",
            trigger: `.o_data_row:contains(${FRESH}) .o-etp-SlaCountdown[data-state=on_track]`,
            run() {
                tickingText = this.anchor.textContent;
                const open = XMLHttpRequest.prototype.open;
                XMLHttpRequest.prototype.open = function (method, url, ...rest) {
                    if (String(url).includes("helpdesk.ticket")) {
                        ticketCalls++;
                    }
                    return open.call(this, method, url, ...rest);
                };
            },
        },
        {
            content: "The time left ticks (a second later it reads less)",
            trigger: `.o_data_row:contains(${FRESH}) .o-etp-SlaCountdown[data-state=on_track]`,
            async run() {
                for (let wait = 0; wait < 30; wait++) {
                    if (this.anchor.textContent !== tickingText) {
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 200));
                }
                throw new Error(`the countdown stays at ${tickingText}`);
            },
        },
        {
            content: "It ticked in the browser: no call to the server",
            trigger: ".o_list_view",
            run() {
                if (ticketCalls) {
                    throw new Error(`${ticketCalls} server calls while ticking`);
                }
            },
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "«Горит»: breached or close to the deadline",
            trigger: ".o_filter_menu .o_menu_item:contains(Горит)",
            run: "click",
        },
        {
            content: "Only the breached request burns",
            trigger: `.o_list_table:not(:contains(${FRESH})) .o_data_row:contains(${BREACHED})`,
        },
        {
            content: "Remove «Горит» again",
            trigger: ".o_filter_menu .o_menu_item:contains(Горит)",
            run: "click",
        },
        {
            content: "Open the fresh request",
            trigger: `.o_data_row td:contains(${FRESH})`,
            run: "click",
        },
        {
            content: "Its SLA targets in full: the first response is running",
            trigger: ".o-etp-SlaTarget:contains(Первый ответ) .o-etp-SlaCountdown[data-state=on_track]",
        },
        {
            trigger: ".o-etp-SlaTarget:contains(Решение):contains(цель 8 ч)",
        },
        {
            content: "Answer the requester",
            trigger: ".o-mail-Chatter-sendMessage",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: `edit ${REPLY}`,
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The reply is posted",
            trigger: `.o-mail-Message-body:contains(${REPLY})`,
        },
        {
            content: "The form shows the first response met, without a reload",
            trigger: ".o-etp-SlaTarget:contains(Первый ответ) .o-etp-SlaCountdown[data-state=accomplished]:contains(выполнено)",
        },
        {
            content: "The resolution still runs",
            trigger: ".o-etp-SlaTarget:contains(Решение) .o-etp-SlaCountdown[data-state=on_track]",
        },
    ],
});

/**
 * The same operator opens the dashboard: only their desk, in Russian; a
 * number opens its list.
 */
registry.category("web_tour.tours").add("etp_escalation_dashboard_tour", {
    url: "/odoo/helpdesk-dashboard",
    steps: () => [
        {
            content: "My desk's card, and no other desk's",
            trigger: ".o_kanban_record:contains(Заказчики — 2 линия)",
        },
        {
            trigger: ".o_kanban_renderer:not(:contains(Заказчики — 1 линия))",
        },
        {
            content: "Breached in the last 24 hours: one",
            trigger: ".o_kanban_record a[data-figure=breached]:contains(SLA нарушен за 24 ч):contains(1)",
            run: "click",
        },
        {
            content: "The list of the breached request opens",
            trigger: `.o_data_row:contains(${BREACHED})`,
        },
        {
            trigger: `.o_list_table:not(:contains(${FRESH}))`,
        },
        {
            content: "Named after the desk and the figure",
            trigger: ".o_control_panel:contains(Заказчики — 2 линия: SLA нарушен за 24 ч)",
        },
    ],
});

/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {rpc} from "@web/core/network/rpc";
import {registry} from "@web/core/registry";

// No commas in the texts: they are looked for with :contains().
const VISITOR_TEXT = "Не могу подать ценовое предложение по извещению 0373100000124000456";
const OPERATOR_TEXT = "Проверяю: пришлите номер заявки";
const TICKET_TITLE = "Не подаётся ценовое предложение";

/**
 * An anonymous visitor of the suppliers' page, in Russian, opens the
 * suppliers' chat and writes (run by tests/test_livechat.py).
 */
registry.category("web_tour.tours").add("etp_helpdesk_livechat_visitor_tour", {
    url: "/suppliers",
    steps: () => [
        {
            content: "The suppliers' page says an operator is online",
            trigger: "html[lang='ru-RU'] .o_etp_support_chat:contains(Оператор в сети)",
        },
        {
            content: "Open the chat",
            trigger: ".o-livechat-root:shadow .o-livechat-LivechatButton",
            run: "click",
        },
        {
            content: "The suppliers' desk greets me",
            trigger: ".o-livechat-root:shadow .o-mail-Message:contains(Служба поддержки поставщиков)",
        },
        {
            content: "Write my question",
            trigger: ".o-livechat-root:shadow .o-mail-Composer-input",
            run: `edit ${VISITOR_TEXT}`,
        },
        {
            content: "Send it",
            trigger: ".o-livechat-root:shadow .o-mail-Composer-input",
            run: "press Enter",
        },
        {
            content: "My question is in the conversation",
            trigger: `.o-livechat-root:shadow .o-mail-Message-body:contains(${VISITOR_TEXT})`,
        },
    ],
});

/**
 * The operator of the suppliers' desk, in Russian, answers the visitor in
 * Discuss and turns the conversation into a ticket with /ticket.
 */
registry.category("web_tour.tours").add("etp_helpdesk_livechat_operator_tour", {
    url: "/odoo/discuss",
    steps: () => [
        {
            content: "Discuss has opened its first box",
            trigger: ".o-mail-DiscussSidebar .o-active",
        },
        {
            content: "Open the visitor's conversation, under the suppliers' desk",
            trigger:
                ".o-mail-DiscussSidebarChannel:not(:contains(general)):not(:contains(OdooBot))",
            run: "click",
        },
        {
            content: "The visitor's question is there",
            trigger: `.o-mail-Message-body:contains(${VISITOR_TEXT})`,
        },
        {
            content: "Answer",
            trigger: ".o-mail-Composer-input",
            run: `edit ${OPERATOR_TEXT}`,
        },
        {
            content: "Send the answer",
            trigger: ".o-mail-Composer-input",
            run: "press Enter",
        },
        {
            content: "The answer is in the conversation",
            trigger: `.o-mail-Message-body:contains(${OPERATOR_TEXT})`,
        },
        {
            content: "Turn the conversation into a ticket",
            trigger: ".o-mail-Composer-input",
            run: `edit /ticket ${TICKET_TITLE}`,
        },
        {
            content: "Send the command",
            trigger: ".o-mail-Composer-input",
            run: "press Enter",
        },
        {
            // The link to the ticket comes back over the bus, which a test
            // transaction never sends: ask the server for the ticket instead.
            content: "The ticket exists",
            trigger: ".o-mail-Composer-input",
            async run() {
                for (let attempt = 0; attempt < 100; attempt++) {
                    const count = await rpc("/web/dataset/call_kw/helpdesk.ticket/search_count", {
                        model: "helpdesk.ticket",
                        method: "search_count",
                        args: [[["name", "=", TICKET_TITLE]]],
                        kwargs: {},
                    });
                    if (count) {
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                throw new Error("No ticket was created from the chat");
            },
        },
    ],
});

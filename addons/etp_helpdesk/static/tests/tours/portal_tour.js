/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

const SUBJECT = "Не подаётся ценовое предложение";
const REPLY = "Пробовали другой браузер — то же самое";

/**
 * A portal user (customer or supplier, in Russian) opens a request from
 * /my/tickets with a category of their audience, a procedure number and a
 * screenshot, answers in the communication history and closes the request as
 * solved after the confirmation (run by tests/test_portal.py).
 */
registry.category("web_tour.tours").add("etp_helpdesk_portal_tour", {
    url: "/my/tickets",
    steps: () => [
        {
            content: "The portal is in Russian",
            trigger: "html[lang='ru-RU'] button[name='create_new_ticket']:contains(Новое обращение)",
        },
        {
            content: "Open the form of a new request",
            trigger: "button[name='create_new_ticket']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Choose a category of my audience",
            trigger: "form[action='/submitted/ticket'] select[name='category']",
            run: "selectByIndex 1",
        },
        {
            content: "Give the subject",
            trigger: "form[action='/submitted/ticket'] input[name='subject']",
            run: `edit ${SUBJECT}`,
        },
        {
            content: "Give the notice number",
            trigger: "form[action='/submitted/ticket'] input[name='procedure_number']",
            run: "edit 0373100000124000123",
        },
        {
            content: "Describe the problem",
            trigger: "form[action='/submitted/ticket'] textarea[name='description']",
            run: "edit Кнопка «Подать» неактивна, аукцион через час.",
        },
        {
            content: "Attach a screenshot with the Russian file picker",
            trigger: "form[action='/submitted/ticket'] label[for='attachment']:contains(Выбрать файлы)",
            run() {
                const input = document.getElementById(this.anchor.htmlFor);
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File(["PNG screenshot"], "скриншот.png", {type: "image/png"})
                );
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            content: "The chosen file is named beside the button",
            trigger: "form[action='/submitted/ticket'] .o_etp_file_names:contains(скриншот.png)",
        },
        {
            content: "Send the request",
            trigger: "form[action='/submitted/ticket'] button[type='submit']:contains(Отправить обращение)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The request shows its notice number",
            trigger: "div[name=etp_procedure_number]:contains(0373100000124000123)",
        },
        {
            content: "and the screenshot",
            trigger: ".o_project_portal_attachments:contains(скриншот.png)",
        },
        {
            content: "Write in the communication history",
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
            content: "Close the request: my question is solved",
            trigger: "button.o_etp_ticket_close_open:contains(Вопрос решён)",
            run: "click",
        },
        {
            content: "The confirmation says what happens",
            trigger: ".o_etp_ticket_close_modal.show .modal-body:contains(закроется как решённое)",
        },
        {
            content: "Confirm",
            trigger: ".o_etp_ticket_close_modal.show button.o_etp_ticket_close_confirm",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The request is solved and offers no close button any more",
            trigger: "span.badge:contains(Решено)",
        },
        {
            trigger: "body:not(:has(.o_etp_ticket_close_open))",
        },
    ],
});

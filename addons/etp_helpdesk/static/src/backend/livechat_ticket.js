/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import { threadActionsRegistry } from "@mail/core/common/thread_actions";
import { useComponent, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

const commandRegistry = registry.category("discuss.channel_commands");

// "/ticket <title>" in a live chat conversation: the server creates the ticket
// (discuss.channel.execute_command_ticket) and answers the operator only.
commandRegistry.add("ticket", {
    channel_types: ["livechat"],
    help: _t("Create a helpdesk ticket from this chat (/ticket title)"),
    methodName: "execute_command_ticket",
});

// The same in the header of the conversation, for helpdesk operators; the
// title is then taken from the visitor's first message.
threadActionsRegistry.add("etp-create-ticket", {
    condition(component) {
        return (
            component.thread?.channel_type === "livechat" &&
            component.etpTicketAction?.allowed &&
            (!component.props.chatWindow || component.props.chatWindow.isOpen)
        );
    },
    icon: "fa fa-fw fa-life-ring",
    name: _t("Create Helpdesk Ticket"),
    open(component) {
        component.thread.executeCommand(commandRegistry.get("ticket"), "/ticket");
    },
    setup() {
        const component = useComponent();
        component.etpTicketAction = useState({ allowed: false });
        user.hasGroup("helpdesk_mgmt.group_helpdesk_user_own").then((allowed) => {
            component.etpTicketAction.allowed = allowed;
        });
    },
    sequence: 15,
    sequenceQuick: 28,
});

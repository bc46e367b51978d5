/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import { Component, onMounted, onWillUnmount, reactive, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { formatDuration, formatMsk } from "@etp_helpdesk/backend/duration";

const { DateTime } = luxon;

/**
 * One clock for every countdown on the screen: it ticks each second while a
 * countdown is shown, in the browser only (no call to the server).
 */
const clock = reactive({ now: DateTime.now() });
let clockUsers = 0;
let clockTimer = null;

export function useClock() {
    const state = useState(clock);
    onMounted(() => {
        if (!clockUsers++) {
            clock.now = DateTime.now();
            clockTimer = setInterval(() => (clock.now = DateTime.now()), 1000);
        }
    });
    onWillUnmount(() => {
        if (!--clockUsers) {
            clearInterval(clockTimer);
            clockTimer = null;
        }
    });
    return state;
}

/**
 * The time left until a deadline, coloured by state: on track (green), close
 * to the deadline (orange: the warning moment has come), breached (red) or
 * paused (grey: the SLA clock stands still, the time left is kept).
 */
export class SlaCountdown extends Component {
    static template = "etp_escalation.SlaCountdown";
    static props = {
        deadline: { optional: true },
        warning: { optional: true },
        paused: { type: Boolean, optional: true },
        pausedLeft: { type: Number, optional: true },
        label: { type: String, optional: true },
        done: { type: String, optional: true },
    };

    setup() {
        this.clock = useClock();
    }

    get secondsLeft() {
        return Math.round(this.props.deadline.diff(this.clock.now).as("seconds"));
    }

    get state() {
        if (this.props.done) {
            return this.props.done;
        }
        if (!this.props.deadline) {
            return this.props.paused ? "paused" : "none";
        }
        if (this.secondsLeft <= 0) {
            return "breached";
        }
        if (this.props.warning && this.props.warning <= this.clock.now) {
            return "warning";
        }
        return "on_track";
    }

    get badgeClass() {
        return {
            on_track: "text-bg-success",
            warning: "text-bg-warning",
            breached: "text-bg-danger",
            paused: "text-bg-secondary",
            accomplished: "text-bg-success",
            expired: "text-bg-danger",
        }[this.state];
    }

    get icon() {
        return {
            on_track: "fa-clock-o",
            warning: "fa-hourglass-half",
            breached: "fa-fire",
            paused: "fa-pause",
            accomplished: "fa-check",
            expired: "fa-times",
        }[this.state];
    }

    get text() {
        switch (this.state) {
            case "on_track":
            case "warning": {
                const left = this.secondsLeft;
                return formatDuration(left, { seconds: left < 3600 });
            }
            case "breached":
                return _t("%(duration)s overdue", {
                    duration: formatDuration(-this.secondsLeft),
                });
            case "paused":
                return _t("paused, %(duration)s left", {
                    duration: formatDuration(this.props.pausedLeft || 0),
                });
            case "accomplished":
                return _t("met");
            case "expired":
                return _t("missed");
        }
        return "";
    }

    get stateLabel() {
        return {
            on_track: _t("On track"),
            warning: _t("Close to the deadline"),
            breached: _t("Breached"),
            paused: _t("SLA paused: the clock starts again when the ticket leaves the waiting stage"),
            accomplished: _t("Met"),
            expired: _t("Missed"),
        }[this.state];
    }

    get title() {
        const parts = [this.stateLabel];
        if (this.props.label) {
            parts.unshift(this.props.label);
        }
        if (this.props.deadline) {
            parts.push(_t("deadline %(moment)s", { moment: formatMsk(this.props.deadline) }));
        }
        return parts.join(" · ");
    }
}

function selectionLabel(record, fieldName) {
    const value = record.data[fieldName];
    const selection = record.fields[fieldName]?.selection || [];
    return selection.find(([key]) => key === value)?.[1] || "";
}

/** The nearest deadline of a ticket (sla_next_deadline) in the queue. */
export class SlaNextCountdownField extends Component {
    static template = "etp_escalation.SlaNextCountdownField";
    static components = { SlaCountdown };
    static props = { ...standardFieldProps };

    get countdownProps() {
        const data = this.props.record.data;
        return {
            deadline: data.sla_next_deadline || null,
            warning: data.sla_next_warning || null,
            paused: Boolean(data.sla_paused),
            pausedLeft: Math.round((data.sla_paused_left || 0) * 3600),
            label: selectionLabel(this.props.record, "sla_next_kind"),
        };
    }
}

export const slaNextCountdownField = {
    component: SlaNextCountdownField,
    displayName: _t("Time left (SLA)"),
    supportedTypes: ["datetime"],
    listViewWidth: [120, 170],
    fieldDependencies: [
        { name: "sla_next_warning", type: "datetime" },
        { name: "sla_next_kind", type: "selection" },
        { name: "sla_paused", type: "boolean" },
        { name: "sla_paused_left", type: "float" },
    ],
};

registry.category("fields").add("etp_sla_countdown", slaNextCountdownField);

/** The time left of one SLA target (a row of helpdesk.ticket.sla). */
export class SlaTargetCountdownField extends Component {
    static template = "etp_escalation.SlaNextCountdownField";
    static components = { SlaCountdown };
    static props = { ...standardFieldProps };

    get countdownProps() {
        return targetCountdownProps(this.props.record);
    }
}

export function targetCountdownProps(record) {
    const data = record.data;
    const done = { accomplished: "accomplished", expired: "expired" }[data.state];
    return {
        deadline: data.state === "on_hold" ? null : data.deadline || null,
        warning: data.warning_date || null,
        paused: data.state === "on_hold",
        pausedLeft: Math.round(Math.max((data.hours || 0) - (data.consumed_time || 0), 0) * 3600),
        done: done || "",
    };
}

export const slaTargetCountdownField = {
    component: SlaTargetCountdownField,
    displayName: _t("Time left (SLA target)"),
    supportedTypes: ["datetime"],
    listViewWidth: [120, 170],
    fieldDependencies: [
        { name: "warning_date", type: "datetime" },
        { name: "state", type: "selection" },
        { name: "hours", type: "float" },
        { name: "consumed_time", type: "float" },
    ],
};

registry.category("fields").add("etp_sla_target_countdown", slaTargetCountdownField);

/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { formatDuration, formatHours } from "@etp_helpdesk/backend/duration";
import { SlaCountdown, targetCountdownProps, useClock } from "./sla_countdown";

/**
 * The ticket's SLA targets in full on its form, one line each: which target
 * (first response, resolution), the policy it comes from, its length, the
 * time left (live), and how long it has been paused.
 */
export class SlaTargetsField extends Component {
    static template = "etp_escalation.SlaTargetsField";
    static components = { SlaCountdown };
    static props = { ...standardFieldProps };

    setup() {
        this.clock = useClock();
    }

    get targets() {
        const list = this.props.record.data[this.props.name];
        return list.records.map((row) => {
            const data = row.data;
            const selection = row.fields.target_kind.selection || [];
            return {
                id: row.id,
                kind: selection.find(([key]) => key === data.target_kind)?.[1] || "",
                policy: data.sla_id ? data.sla_id[1] : "",
                target: formatHours(data.hours),
                countdown: targetCountdownProps(row),
                paused: this.pausedText(data),
            };
        });
    }

    pausedText(data) {
        let seconds = (data.paused_hours || 0) * 3600;
        if (data.state === "on_hold" && data.last_state_date) {
            seconds += Math.max(this.clock.now.diff(data.last_state_date).as("seconds"), 0);
        }
        if (seconds < 60) {
            return "";
        }
        return _t("paused %(duration)s", { duration: formatDuration(seconds) });
    }

    get targetLabel() {
        return _t("target");
    }
}

export const slaTargetsField = {
    component: SlaTargetsField,
    displayName: _t("SLA targets"),
    supportedTypes: ["one2many"],
    relatedFields: [
        { name: "target_kind", type: "selection" },
        { name: "sla_id", type: "many2one", relation: "helpdesk.sla" },
        { name: "state", type: "selection" },
        { name: "deadline", type: "datetime" },
        { name: "warning_date", type: "datetime" },
        { name: "hours", type: "float" },
        { name: "consumed_time", type: "float" },
        { name: "paused_hours", type: "float" },
        { name: "last_state_date", type: "datetime" },
    ],
};

registry.category("fields").add("etp_sla_targets", slaTargetsField);

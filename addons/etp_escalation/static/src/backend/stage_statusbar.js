/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useSpecialData } from "@web/views/fields/relational_utils";
import {
    StatusBarDurationField,
    statusBarDurationField,
} from "@mail/views/fields/statusbar_duration/statusbar_duration_field";

/**
 * The ticket's statusbar (with the time spent in each stage, as upstream's),
 * whose stages tell in their tooltip whether the SLA clock runs or pauses in
 * them (the stage's ``sla_pause_note``).
 */
export class StageStatusBarField extends StatusBarDurationField {
    static template = "etp_escalation.StageStatusBarField";

    setup() {
        super.setup();
        this.stageNotes = useSpecialData((orm, props) => {
            const { relation } = props.record.fields[props.name];
            return orm.searchRead(relation, [], ["sla_pause_note"]);
        });
    }

    getAllItems() {
        const notes = Object.fromEntries(
            (this.stageNotes.data || []).map((stage) => [stage.id, stage.sla_pause_note])
        );
        return super.getAllItems().map((item) => ({
            ...item,
            title: notes[item.value] || "",
        }));
    }
}

export const stageStatusBarField = {
    ...statusBarDurationField,
    component: StageStatusBarField,
    displayName: _t("Stages with the SLA clock"),
};

registry.category("fields").add("etp_stage_statusbar", stageStatusBarField);

/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useInputField } from "@web/views/fields/input_field_hook";
import { parseFloatTime } from "@web/views/fields/parsers";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const { DateTime } = luxon;

/**
 * A duration as people read it: «24 ч», «1 ч 05 мин», «15 мин», «3 д 2 ч»,
 * and with ``seconds`` under an hour «12 мин 05 с». Never «24,2» or «24:12».
 *
 * @param {number} totalSeconds not negative
 * @param {{seconds?: boolean}} [options]
 */
export function formatDuration(totalSeconds, { seconds = false } = {}) {
    const total = Math.max(0, Math.floor(totalSeconds));
    // «24 ч», «47 ч 30 мин»; days from two days on: «3 д 2 ч»
    const days = total >= 2 * 86400 ? Math.floor(total / 86400) : 0;
    const hours = Math.floor((total - days * 86400) / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const secs = total % 60;
    if (days) {
        return hours
            ? _t("%(days)s d %(hours)s h", { days, hours })
            : _t("%(days)s d", { days });
    }
    if (hours) {
        return minutes
            ? _t("%(hours)s h %(minutes)s min", {
                  hours,
                  minutes: String(minutes).padStart(2, "0"),
              })
            : _t("%(hours)s h", { hours });
    }
    if (seconds) {
        if (!minutes) {
            return _t("%(seconds)s s", { seconds: secs });
        }
        return _t("%(minutes)s min %(seconds)s s", {
            minutes,
            seconds: String(secs).padStart(2, "0"),
        });
    }
    return _t("%(minutes)s min", { minutes });
}

/** ``formatDuration`` of a number of hours (Odoo's float durations). */
export function formatHours(hours, options) {
    return formatDuration(Math.round((hours || 0) * 3600), options);
}

const UNIT_HOURS = { d: 24, д: 24, h: 1, ч: 1, m: 1 / 60, мин: 1 / 60, min: 1 / 60 };

/**
 * Hours from what a person types: «24», «1,5», «1:30», «1 ч 30 мин»,
 * «2 д», «90 мин». Throws on anything else.
 */
export function parseHours(text) {
    const value = (text || "").trim().toLowerCase();
    if (!value) {
        return 0;
    }
    if (/^[\d\s.,:-]+$/.test(value)) {
        return parseFloatTime(value);
    }
    const token = /\s*(\d+(?:[.,]\d+)?)\s*(д|d|ч|h|мин|min|m)\.?\s*/y;
    let hours = 0;
    let position = 0;
    while (position < value.length) {
        token.lastIndex = position;
        const match = token.exec(value);
        if (!match) {
            throw new Error(`"${text}" is not a duration`);
        }
        hours += parseFloat(match[1].replace(",", ".")) * UNIT_HOURS[match[2]];
        position = token.lastIndex;
    }
    return hours;
}

/** A float field of hours shown and typed as a duration: «24 ч». */
export class DurationField extends Component {
    static template = "etp_helpdesk.DurationField";
    static props = {
        ...standardFieldProps,
        placeholder: { type: String, optional: true },
    };

    setup() {
        useInputField({
            getValue: () => this.formattedValue,
            parse: (value) => parseHours(value),
        });
    }

    get formattedValue() {
        return formatHours(this.props.record.data[this.props.name]);
    }
}

export const durationField = {
    component: DurationField,
    displayName: _t("Duration"),
    supportedTypes: ["float"],
    listViewWidth: [80, 120],
    isEmpty: () => false,
    extractProps: ({ attrs }) => ({ placeholder: attrs.placeholder }),
};

registry.category("fields").add("etp_duration", durationField);

/**
 * «24.11 02:50 МСК»: a moment in Moscow time, the platform's clock, with the
 * year when it is not this one.
 */
export function formatMsk(value) {
    const moscow = value.setZone("Europe/Moscow");
    const format = moscow.year === DateTime.now().year ? "dd.MM HH:mm" : "dd.MM.yyyy HH:mm";
    return _t("%(moment)s MSK", { moment: moscow.toFormat(format) });
}

/** A datetime field shown in Moscow time whatever the user's zone. */
export class MskDateTimeField extends Component {
    static template = "etp_helpdesk.MskDateTimeField";
    static props = { ...standardFieldProps };

    get value() {
        return this.props.record.data[this.props.name];
    }

    get text() {
        return this.value ? formatMsk(this.value) : "";
    }

    get isPast() {
        return Boolean(this.value) && this.value < DateTime.now();
    }
}

export const mskDateTimeField = {
    component: MskDateTimeField,
    displayName: _t("Moscow time"),
    supportedTypes: ["datetime"],
    listViewWidth: [125, 150],
};

registry.category("fields").add("etp_msk_datetime", mskDateTimeField);

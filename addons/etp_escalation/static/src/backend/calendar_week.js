/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { CalendarCommonRenderer } from "@web/views/calendar/calendar_common/calendar_common_renderer";

/**
 * FullCalendar names the week number in English («Week 49») beside Odoo's
 * own «Неделя 49»: its Russian locale is not loaded. Name it in the user's
 * language.
 */
patch(CalendarCommonRenderer.prototype, {
    get options() {
        return {
            ...super.options,
            weekText: _t("Week"),
            weekTextLong: _t("Week"),
        };
    },
});

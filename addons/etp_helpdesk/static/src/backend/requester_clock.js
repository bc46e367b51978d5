/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import { Thread } from "@mail/core/common/thread";
import { Component, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";

const { DateTime } = luxon;

function minutesOf(clock) {
    const [hours, minutes] = clock.split(":").map(Number);
    return hours * 60 + minutes;
}

/**
 * «у заявителя сейчас 03:12» above a live chat conversation, for operators.
 * The server decides the zone (the desk's one rule) and the night hours; the
 * clock ticks here so that a chat left open stays right.
 */
export class RequesterClock extends Component {
    static template = "etp_helpdesk.RequesterClock";
    static props = {
        clock: {
            type: Object,
            shape: {
                tz: String,
                shift: String,
                source: String,
                night_start: String,
                night_end: String,
            },
        },
    };

    setup() {
        this.state = useState({ now: DateTime.now() });
        const timer = setInterval(() => {
            this.state.now = DateTime.now();
        }, 20000);
        onWillUnmount(() => clearInterval(timer));
    }

    get local() {
        return this.state.now.setZone(this.props.clock.tz);
    }

    get time() {
        return this.local.toFormat("HH:mm");
    }

    get isNight() {
        const now = this.local.hour * 60 + this.local.minute;
        const start = minutesOf(this.props.clock.night_start);
        const end = minutesOf(this.props.clock.night_end);
        return start > end ? now >= start || now < end : now >= start && now < end;
    }

    get text() {
        return _t("At the requester's now: %(time)s (MSK%(shift)s)", {
            time: this.time,
            shift: this.props.clock.shift,
        });
    }

    get title() {
        return _t("Time zone %(tz)s, %(source)s", {
            tz: this.props.clock.tz,
            source: this.props.clock.source,
        });
    }

    get nightLabel() {
        return _t("night");
    }

    get nightTitle() {
        return _t(
            "Night at the requester's (%(start)s–%(end)s): call back in the morning or on purpose.",
            { start: this.props.clock.night_start, end: this.props.clock.night_end }
        );
    }
}

Object.assign(Thread.components, { RequesterClock });

/** @odoo-module **/
// /support: the known problem of the topic the visitor picks is shown at
// once, before they write (the notices are in the page, hidden; each topic
// option names its platform component).
import publicWidget from "@web/legacy/js/public/public_widget";

publicWidget.registry.EtpKnownProblems = publicWidget.Widget.extend({
    selector: ".o_etp_support_form_page",
    events: {
        "change select[name='category_id']": "_onCategoryChange",
    },

    start() {
        this._showKnownProblems();
        return this._super(...arguments);
    },

    _onCategoryChange() {
        this._showKnownProblems();
    },

    _showKnownProblems() {
        const box = this.el.querySelector("#etp_known_problems");
        const select = this.el.querySelector("select[name='category_id']");
        if (!box || !select) {
            return;
        }
        const option = select.options[select.selectedIndex];
        const component = (option && option.dataset.etpComponent) || "";
        let shown = 0;
        for (const notice of box.querySelectorAll(".o_etp_known_problem")) {
            const match = Boolean(component) && notice.dataset.etpComponent === component;
            notice.classList.toggle("d-none", !match);
            shown += match ? 1 : 0;
        }
        box.classList.toggle("d-none", !shown);
    },
});

export default publicWidget.registry.EtpKnownProblems;

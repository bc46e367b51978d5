/** @odoo-module **/
// The file picker of the request forms (template etp_helpdesk.file_picker):
// the names of the chosen files beside its button, or "no files chosen".
// A listener on the document runs after the forms' own checks, which may
// drop a file that is too large.

document.addEventListener("change", (ev) => {
    const input = ev.target;
    if (!(input instanceof HTMLInputElement) || !input.matches(".o_etp_file_input")) {
        return;
    }
    const names = input.parentElement.querySelector(".o_etp_file_names");
    if (names) {
        // the page's own words for "nothing chosen", kept from the first render
        names.dataset.empty ??= names.textContent;
        const chosen = [...input.files].map((file) => file.name);
        names.textContent = chosen.length ? chosen.join(", ") : names.dataset.empty;
    }
});

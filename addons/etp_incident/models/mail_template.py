# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import models

# A body that only calls a QWeb view: <t t-call="module.view"/>, maybe in a <div>
_VIEW_CALL = re.compile(
    r"\s*(?:<div>)?\s*<t\s+t-call=\"([\w.]+)\"\s*(?:/>|>\s*</t>)\s*(?:</div>)?\s*"
)


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _etp_render_body(self, res_ids):
        """The body of the template rendered on each record, in the record's
        language: {res_id: body}.

        A body that only calls a QWeb view (``<t t-call="…"/>``) renders that
        view, compiled once for all the records; any other body (one an
        administrator rewrote) is rendered as the template renders it, which
        compiles it anew for each record (about 100 times slower).
        """
        self.ensure_one()
        view = _VIEW_CALL.fullmatch(str(self.body_html or ""))
        if not view:
            return self._render_field("body_html", res_ids, compute_lang=True)
        bodies = {}
        for _lang, (template, ids) in self._classify_per_lang(res_ids).items():
            bodies.update(
                template._render_template(
                    view.group(1),
                    self.render_model,
                    ids,
                    engine="qweb_view",
                    options={"post_process": True},
                )
            )
        return bodies

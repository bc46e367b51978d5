# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class HelpdeskEmergencyCaseWaiveWizard(models.TransientModel):
    _name = "helpdesk.emergency.case.waive.wizard"
    _description = "Waive Organisations of an Emergency Case"

    line_ids = fields.Many2many(
        "helpdesk.emergency.case.line",
        "helpdesk_emergency_case_waive_wizard_line_rel",
        "wizard_id",
        "line_id",
        string="Organisations",
        required=True,
    )
    reason = fields.Text(
        required=True,
        help="Why these organisations do not have to act, e.g. the contract "
        "was never concluded. Kept on the case.",
    )

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        if (
            "line_ids" in fields_list
            and not defaults.get("line_ids")
            and self.env.context.get("active_model") == "helpdesk.emergency.case.line"
        ):
            defaults["line_ids"] = [
                fields.Command.set(self.env.context.get("active_ids", []))
            ]
        return defaults

    def action_confirm(self):
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for the waiver."))
        lines = self.line_ids
        lines._etp_check_case_open()
        finished = lines.filtered(lambda line: line.status in ("done", "waived"))
        if finished:
            raise UserError(
                self.env._(
                    "%(organisations)s already finished or were waived: nothing "
                    "to waive.",
                    organisations=", ".join(finished.partner_id.mapped("name")),
                )
            )
        lines.write({"status": "waived", "waive_reason": reason})
        for case, case_lines in lines.grouped("case_id").items():
            case.message_post(
                body=self.env._(
                    "Waived: %(organisations)s. Reason: %(reason)s",
                    organisations=", ".join(case_lines.partner_id.mapped("name")),
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return {"type": "ir.actions.act_window_close"}

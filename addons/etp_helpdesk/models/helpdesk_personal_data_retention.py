# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The retention cron of ``helpdesk.personal.data`` (a mixin it inherits):
closed tickets, finished chats and consents without a ticket are anonymised
once the company's terms are reached, in batches."""

import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.osv import expression

_logger = logging.getLogger(__name__)

PARAM_BATCH_SIZE = "etp_helpdesk.retention_batch_size"
DEFAULT_BATCH_SIZE = 200


class HelpdeskPersonalDataRetention(models.AbstractModel):
    _name = "helpdesk.personal.data.retention"
    _description = "Personal Data Retention"

    @api.model
    def _cron_anonymise_expired(self, batch_size=None):
        """Anonymise one batch of each kind whose retention term is reached:
        closed tickets, finished live chats, consents given without a ticket.

        The cron worker commits after each call and calls again while
        :meth:`ir.cron._notify_progress` reports work left. A batch that
        fails is done again record by record: a record that still fails is
        logged and left for the next run, the others go on.

        :return: ``(done, remaining)``
        """
        if not batch_size:
            raw = self.env["ir.config_parameter"].sudo().get_param(PARAM_BATCH_SIZE)
            batch_size = int(raw) if (raw or "").isdigit() else DEFAULT_BATCH_SIZE
        now = fields.Datetime.now()
        steps = [
            (
                self.env["helpdesk.ticket"],
                self._etp_expired_ticket_domain(now),
                "closed_date, id",
                self._etp_anonymise_tickets,
            ),
            (
                self.env["discuss.channel"],
                self._etp_expired_chat_domain(now),
                "last_interest_dt, id",
                self._etp_anonymise_chats,
            ),
            (
                self.env["helpdesk.ticket.consent"],
                self._etp_expired_consent_domain(now),
                "accepted_at, id",
                self._etp_anonymise_consents,
            ),
        ]
        counts = []
        done = remaining = failed = 0
        for model, domain, order, method in steps:
            Model = model.sudo().with_context(active_test=False)
            records = Model.search(domain, limit=batch_size, order=order)
            succeeded, not_done = self._etp_run_batch(records, method)
            counts.append(len(succeeded))
            done += len(succeeded)
            failed += len(not_done)
            if len(records) >= batch_size:
                remaining += Model.search_count(domain)
        if done or failed:
            self.env["helpdesk.personal.data.log"].sudo()._etp_log(
                "retention",
                ticket_count=counts[0],
                chat_count=counts[1],
                consent_count=counts[2],
                note=self.env._(
                    "%(count)s records could not be anonymised: see the server log.",
                    count=failed,
                )
                if failed
                else False,
            )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    def _etp_run_batch(self, records, method):
        """Run ``method(records)``; if it fails, run it record by record.

        :return: ``(succeeded, failed)`` recordsets
        """
        if not records:
            return records, records
        try:
            with self.env.cr.savepoint():
                method(records)
            return records, records.browse()
        except Exception:  # retried one by one below
            _logger.warning(
                "Retention: the batch of %s %s failed, retrying one by one",
                len(records),
                records._name,
                exc_info=True,
            )
        succeeded = failed = records.browse()
        for record in records:
            try:
                with self.env.cr.savepoint():
                    method(record)
                succeeded |= record
            except Exception:  # logged, the others go on
                _logger.exception(
                    "Retention: could not anonymise %s %s", record._name, record.id
                )
                failed |= record
        return succeeded, failed

    @api.model
    def _etp_cutoffs(self, now, field_name):
        """``[(companies, datetime)]``, one pair per term ``field_name``
        (months) of the companies: what is older than the datetime is past
        their term."""
        return [
            (companies, now - relativedelta(months=months or 1))
            for months, companies in self.env["res.company"]
            .sudo()
            ._read_group([], [field_name], ["id:recordset"])
        ]

    @api.model
    def _etp_expired_ticket_domain(self, now):
        """Closed tickets not anonymised yet, closed before their company's
        term, or of a person who withdrew their consent."""
        by_term = expression.OR(
            [
                [
                    ("company_id", "in", companies.ids),
                    "|",
                    ("closed_date", "<", cutoff),
                    "&",
                    ("closed_date", "=", False),
                    ("last_stage_update", "<", cutoff),
                ]
                for companies, cutoff in self._etp_cutoffs(
                    now, "etp_retention_ticket_months"
                )
            ]
        )
        withdrawn = [
            "|",
            ("partner_id.etp_consent_withdrawn_at", "!=", False),
            ("consent_ids.withdrawn_at", "!=", False),
        ]
        return expression.AND(
            [
                [("etp_anonymised_at", "=", False), ("stage_id.closed", "=", True)],
                expression.OR([by_term, withdrawn]),
            ]
        )

    @api.model
    def _etp_expired_chat_domain(self, now):
        """Finished live chats not anonymised yet, whose last message is
        older than the term of the company of the website they came from
        (the current company when there is no website), or with a person who
        withdrew their consent."""
        cutoffs = self._etp_cutoffs(now, "etp_retention_chat_months")
        domains = []
        for companies, cutoff in cutoffs:
            company_domain = [
                ("livechat_visitor_id.website_id.company_id", "in", companies.ids)
            ]
            if self.env.company in companies:
                company_domain = expression.OR(
                    [
                        company_domain,
                        [("livechat_visitor_id", "=", False)],
                        [("livechat_visitor_id.website_id", "=", False)],
                    ]
                )
            domains.append(
                expression.AND(
                    [
                        company_domain,
                        [
                            "|",
                            ("last_interest_dt", "<", cutoff),
                            "&",
                            ("last_interest_dt", "=", False),
                            ("create_date", "<", cutoff),
                        ],
                    ]
                )
            )
        withdrawn = [
            ("channel_member_ids.partner_id.etp_consent_withdrawn_at", "!=", False)
        ]
        return expression.AND(
            [
                [
                    ("channel_type", "=", "livechat"),
                    ("livechat_active", "=", False),
                    ("etp_anonymised_at", "=", False),
                ],
                expression.OR(domains + [withdrawn]),
            ]
        )

    @api.model
    def _etp_expired_consent_domain(self, now):
        """Consents given without a ticket, not anonymised yet, older than
        their company's term or withdrawn."""
        by_term = expression.OR(
            [
                [("company_id", "in", companies.ids), ("accepted_at", "<", cutoff)]
                for companies, cutoff in self._etp_cutoffs(
                    now, "etp_retention_consent_months"
                )
            ]
        )
        return expression.AND(
            [
                [("ticket_id", "=", False), ("anonymised_at", "=", False)],
                expression.OR([by_term, [("withdrawn_at", "!=", False)]]),
            ]
        )

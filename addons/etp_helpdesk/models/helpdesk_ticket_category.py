# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict, namedtuple

from odoo import api, fields, models, tools

from ..lib import keywords as keyword_rules
from ..tools import set_column_defaults
from .helpdesk_ticket_team import TEAM_AUDIENCES

# fields whose change alters the cached keyword index, paths and names
_INDEX_FIELDS = {"keywords", "active", "parent_id", "company_id", "name"}
# a step of a category's playbook, as the tickets' checklists copy it
PlaybookStep = namedtuple("PlaybookStep", ["id", "name", "description"])


class HelpdeskTicketCategory(models.Model):
    _inherit = "helpdesk.ticket.category"

    audience = fields.Selection(
        TEAM_AUDIENCES,
        required=True,
        default="both",
        help="Whose questions this category is for: the portal offers it to the "
        "contacts of customers, of suppliers, or of both.",
    )
    playbook_step_ids = fields.One2many(
        "helpdesk.playbook.step", "category_id", string="Playbook"
    )
    keywords = fields.Text(
        help="Words and phrases, separated by commas or new lines, that put a "
        "new request without a category into this category. Each word of a "
        "keyword matches the start of a word of the subject or text, in any "
        "case: «подпис» finds «подписать» and «подписание», «личн кабинет» "
        "finds «личном кабинете». When several categories match, a "
        "subcategory wins over its parents, then the longest keyword.",
    )

    def init(self):
        result = super().init()
        set_column_defaults(self, "etp_helpdesk")
        return result

    @api.model_create_multi
    def create(self, vals_list):
        categories = super().create(vals_list)
        if any(vals.get("keywords") for vals in vals_list):
            self.env.registry.clear_cache()
        return categories

    def write(self, vals):
        result = super().write(vals)
        if _INDEX_FIELDS & set(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def _update_field_translations(self, field_name, translations, *args, **kwargs):
        result = super()._update_field_translations(
            field_name, translations, *args, **kwargs
        )
        if field_name == "name":
            self.env.registry.clear_cache()  # _etp_complete_names
        return result

    @api.depends("name", "parent_id.complete_name")
    @api.depends_context("lang")
    def _compute_complete_name(self):
        """Upstream's «Parent / Child», from the cached names of the saved
        categories (``_etp_complete_names``): every list of tickets shows
        them, and upstream reads each level of parents in turn. A category
        being edited (not saved, or renamed in this form) is computed as
        upstream does."""
        names = self._etp_complete_names(self.env.lang or "en_US")
        others = self.browse()
        for category in self:
            name = names.get(category.id) if isinstance(category.id, int) else None
            if name is None:
                others |= category
            else:
                category.complete_name = name
        if others:
            return super(HelpdeskTicketCategory, others)._compute_complete_name()
        return None

    @api.model
    @tools.ormcache("lang")
    def _etp_complete_names(self, lang):
        """``{category id: complete name in lang}`` of every category.
        Cached: a change of a category's name (or its translation) or of its
        parent clears the cache."""
        categories = (
            self.sudo()
            .with_context(lang=lang, active_test=False)
            .search_fetch([("id", "!=", 0)], ["name", "parent_path"])
        )
        names = {category.id: category.name for category in categories}
        return {
            category.id: " / ".join(
                names.get(int(cid), "")
                for cid in category.parent_path.split("/")
                if cid
            )
            for category in categories
        }

    @api.model
    @tools.ormcache("category_id")
    def _etp_category_path(self, category_id):
        """The ids of category ``category_id`` and of its ancestors, root
        first (none for no category). Cached: every new ticket's SLA policies
        ask; moving or deleting a category clears the cache."""
        category = self.sudo().browse(category_id)
        return tuple(int(cid) for cid in (category.parent_path or "").split("/") if cid)

    def _etp_playbook_steps(self):
        """Map each category id to its playbook (see ``_etp_playbook``)."""
        return {category.id: self._etp_playbook(category.id) for category in self}

    @api.model
    @tools.ormcache("category_id")
    def _etp_playbook(self, category_id):
        """The playbook of category ``category_id``: the active steps of its
        ancestors, root first, then its own, each in sequence order, as
        ``PlaybookStep`` tuples. Cached: every new ticket of the category
        asks; a change of a step or of the categories clears the cache."""
        path = self._etp_category_path(category_id)
        if not path:
            return ()
        steps = (
            self.env["helpdesk.playbook.step"]
            .sudo()
            .search_fetch(
                [("category_id", "in", list(path))],
                ["category_id", "sequence", "name", "description"],
            )
        )
        by_category = defaultdict(list)
        for step in steps:
            by_category[step.category_id.id].append(
                PlaybookStep(step.id, step.name, step.description)
            )
        return tuple(step for cid in path for step in by_category[cid])

    @api.model
    @tools.ormcache("company_id")
    def _etp_keyword_index(self, company_id):
        """Keywords of the active categories visible in ``company_id``, as
        ``(pattern, depth, length, category id)`` tuples. Cached: a change of
        the categories clears the cache."""
        categories = self.sudo().search_fetch(
            [
                ("keywords", "!=", False),
                ("company_id", "in", [company_id, False]),
            ],
            ["keywords", "parent_path"],
        )
        index = []
        for category in categories:
            depth = category.parent_path.count("/")
            for pattern, length in keyword_rules.compile_keywords(category.keywords):
                index.append((pattern, depth, length, category.id))
        return tuple(index)

    def _etp_match_keywords(self, text, index):
        """The category whose keyword fits ``text`` best, from ``index`` built
        by :meth:`_etp_keyword_index` (``keyword_rules.best_match``)."""
        return self.browse(keyword_rules.best_match(text, index) or [])

"""The main screens, rendered in Russian, show no English.

With the user language ru_RU, the backend views (form, list, kanban, search)
and field labels of the ticket, team, stage, incident, emergency case, external
escalation and duty roster, the menus, and the portal pages a requester uses
(/my, /my/tickets, a ticket, the new-ticket form, /support) must be Russian:
our addons, helpdesk_mgmt, helpdesk_mgmt_sla, helpdesk_mgmt_rating and Odoo's
own terms alike. A Latin word outside ALLOWED fails the test with the list of
the English labels found on each screen.
"""

import re

from lxml import etree, html

from odoo.tests import HttpCase, new_test_user, tagged

# Latin words a Russian user reads as they are: abbreviations and brands.
ALLOWED = {
    "SLA",  # used as is in Russian service management
    "ID",
    "Odoo",  # "Работает на Odoo" in the website footer
    "odoo",  # the title of Odoo's logo there
    "Facebook",
    "LinkedIn",
}
# Whole texts allowed: the language switcher names each language in itself.
ALLOWED_TEXTS = {"English (US)"}
# A text with Cyrillic letters is a translation, even where it keeps a Latin
# term ("Значок Font Awesome"); a text without any is English unless its Latin
# words are all in ALLOWED.
CYRILLIC = re.compile("[А-Яа-яЁё]")
# Words only: not parts of codes (HT00042), addresses or domains (mycompany.com).
LATIN_WORD = re.compile(r"(?<![\w.])[A-Za-z]{2,}(?![\w.])")
# Attributes whose values a user reads (as labels, tooltips or placeholders).
READ_ATTRIBUTES = ("string", "help", "placeholder", "title", "aria-label", "confirm")
# Backend models whose screens are checked.
MODELS = (
    "helpdesk.ticket",
    "helpdesk.ticket.team",
    "helpdesk.ticket.stage",
    "helpdesk.incident",
    "helpdesk.emergency.case",
    "helpdesk.external.escalation",
    "helpdesk.duty.shift",
)
VIEW_TYPES = ("form", "list", "kanban", "search")
# Selections whose values are codes, not labels: Odoo's IANA time zones of a
# partner (the requester's zone on a ticket is picked by Russian names).
CODE_SELECTIONS = {"tz"}


def english(texts):
    """The texts (sorted, unique) with a Latin word that is not allowed."""
    found = set()
    for text in texts:
        if not isinstance(text, str):
            continue
        text = " ".join(text.split())
        # Placeholders, expressions and example addresses are not labels.
        if not text or text.startswith(("{{", "${")) or "@" in text:
            continue
        if text in ALLOWED_TEXTS or CYRILLIC.search(text):
            continue
        words = [w for w in LATIN_WORD.findall(text) if w not in ALLOWED]
        if words:
            found.add(text)
    return sorted(found)


def arch_texts(arch):
    """What a user reads in a view architecture: text nodes and the
    attributes that hold labels. QWeb expressions are skipped."""
    root = etree.fromstring(arch)
    texts = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        texts.extend(node.get(attr) for attr in READ_ATTRIBUTES if node.get(attr))
        if node.tag not in ("field",):
            texts.append(node.text or "")
        texts.append(node.tail or "")
    return texts


def page_texts(body):
    """What a visitor reads on a web page: the text of <body> without scripts
    and styles, with placeholders, titles and button values."""
    root = html.fromstring(body)
    for node in root.xpath("//script | //style | //template | //noscript"):
        node.drop_tree()
    texts = list(root.xpath("//body//text()"))
    for attr in ("placeholder", "title"):
        texts.extend(root.xpath(f"//body//@{attr}"))
    texts.extend(root.xpath("//body//input[@type='submit']/@value"))
    # A file input the browser draws itself speaks the browser's language
    # ("Choose Files", "No file chosen"): the page must draw its own picker.
    for node in root.xpath("//body//input[@type='file']"):
        if "visually-hidden" not in (node.get("class") or "").split():
            texts.append("Choose Files")
    return texts


@tagged("post_install", "-at_install")
class TestRussianScreens(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        ru = env["res.lang"]._activate_lang("ru_RU")
        installed = env["ir.module.module"].search([("state", "=", "installed")])
        env["ir.module.module"]._load_module_terms(installed.mapped("name"), ["ru_RU"])
        # What the administrator of a Russian desk sets up: the company's and
        # the website's names, Russian as the website's language.
        env.company.write({"name": "ЭТП — служба поддержки"})
        env.company.partner_id.lang = "ru_RU"
        for website in env["website"].search([]):
            website.write(
                {
                    "name": "Служба поддержки ЭТП",
                    "language_ids": [(4, ru.id)],
                    "default_lang_id": ru.id,
                }
            )
        cls.operator = new_test_user(
            env,
            login="ru_operator",
            groups="etp_escalation.group_etp_line1_customer",
            lang="ru_RU",
            tz="Europe/Moscow",
        )
        cls.supervisor = new_test_user(
            env,
            login="ru_supervisor",
            groups="etp_escalation.group_etp_supervisor",
            lang="ru_RU",
        )
        organisation = env["res.partner"].create(
            {"name": "ГБУЗ «Городская больница № 3»", "is_company": True}
        )
        cls.requester = new_test_user(
            env,
            login="ru_requester",
            groups="base.group_portal",
            lang="ru_RU",
            name="Мария Соколова",
            email="sokolova@gb3.example.ru",
        )
        cls.requester.partner_id.parent_id = organisation
        team = env["helpdesk.ticket.team"].search([("support_line", "=", "1")], limit=1)
        cls.ticket = (
            env["helpdesk.ticket"]
            .with_context(lang="ru_RU")
            .create(
                {
                    "name": "Не подписывается протокол",
                    "description": "<p>Ошибка при подписании протокола.</p>",
                    "partner_id": cls.requester.partner_id.id,
                    "team_id": team.id,
                    "user_id": cls.operator.id,
                }
            )
        )
        cls.ticket.message_post(
            body="Протокол подписан, проверьте, пожалуйста.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=cls.operator.partner_id.id,
        )

    def _assert_russian(self, screen, texts):
        found = english(texts)
        if found:
            self.fail(f"{screen} shows English in ru_RU ({len(found)}): {found[:60]}")

    def test_backend_views_and_fields(self):
        env = self.env(user=self.operator, context={"lang": "ru_RU"})
        for model in MODELS:
            Model = env[model]
            # The view types the model has (Odoo's generated defaults, e.g. a
            # kanban of stages, are never opened).
            view_types = [
                view_type
                for view_type in VIEW_TYPES
                if self.env["ir.ui.view"].search_count(
                    [("model", "=", model), ("type", "=", view_type)], limit=1
                )
            ]
            views = Model.get_views(
                [(False, view_type) for view_type in view_types], {"toolbar": True}
            )
            for view_type, view in views["views"].items():
                with self.subTest(model=model, view=view_type):
                    texts = arch_texts(view["arch"])
                    for section in view.get("toolbar", {}).values():
                        texts.extend(item.get("name") for item in section)
                    self._assert_russian(f"{model} {view_type} view", texts)
            with self.subTest(model=model, view="fields"):
                texts = []
                for name, description in Model.fields_get(
                    attributes=["string", "help", "selection"]
                ).items():
                    texts.append(description.get("string"))
                    texts.append(description.get("help"))
                    if name not in CODE_SELECTIONS:
                        texts.extend(
                            label
                            for _value, label in description.get("selection") or []
                        )
                self._assert_russian(f"{model} fields", texts)

    def test_menus(self):
        for user in (self.operator, self.supervisor):
            with self.subTest(user=user.login):
                env = self.env(user=user, context={"lang": "ru_RU"})
                menus = env["ir.ui.menu"].load_menus(debug=False)
                names = [menu["name"] for key, menu in menus.items() if key != "root"]
                self._assert_russian(f"menus of {user.login}", names)

    def test_portal_pages(self):
        self.authenticate(self.requester.login, self.requester.login)
        for path in (
            "/my",
            "/my/tickets",
            f"/my/ticket/{self.ticket.id}",
            "/new/ticket",
            "/support",
        ):
            with self.subTest(path=path):
                response = self.url_open(path)
                self.assertEqual(response.status_code, 200, path)
                self._assert_russian(path, page_texts(response.content))

    def test_public_support_form(self):
        # A Russian visitor's browser asks for Russian.
        response = self.url_open("/support", headers={"Accept-Language": "ru-RU,ru"})
        self.assertEqual(response.status_code, 200)
        self._assert_russian("/support (anonymous)", page_texts(response.content))

    def test_known_problems_and_status_page(self):
        # etp_incident: a public incident where people ask, and /status
        incident = (
            self.env["helpdesk.incident"]
            .with_context(lang="ru_RU")
            .create(
                {
                    "title": "Сбой подписи (внутреннее)",
                    "component": "signature",
                    "is_public": True,
                    "public_title": "Не работает подписание заявок",
                    "public_update": "Исправление выкладываем.",
                }
            )
        )
        headers = {"Accept-Language": "ru-RU,ru"}
        self.opener.cookies.set("tz", "Asia/Vladivostok")
        for path in ("/", "/status", f"/status/incident/{incident.id}", "/support"):
            with self.subTest(path=path, user="anonymous"):
                response = self.url_open(path, headers=headers)
                self.assertEqual(response.status_code, 200, path)
                self.assertIn("Не работает подписание заявок", response.text)
                self._assert_russian(path, page_texts(response.content))
        self.authenticate(self.requester.login, self.requester.login)
        self.opener.cookies.set("tz", "Asia/Vladivostok")
        for path in ("/my", "/my/tickets", f"/status/incident/{incident.id}"):
            with self.subTest(path=path, user=self.requester.login):
                response = self.url_open(path)
                self.assertIn("Не работает подписание заявок", response.text)
                self._assert_russian(path, page_texts(response.content))

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Removal of personal details from the free text of a request.

A closed request kept past its retention term loses what identifies its
requester; what the desk needs for its reports (the procurement, the problem,
the organisation) stays. :func:`redact_text` and :func:`redact_html` replace:

* e-mail addresses;
* telephone numbers as Russians write them (``+7 (916) 123-45-67``,
  ``8 916 123 45 67``, ``89161234567``, ``+375 29 123 45 67``), checked with
  :func:`.phones.normalize_phone`;
* the ИНН of an individual (12 digits with valid check digits); the 10-digit
  ИНН of an organisation is not personal data and stays;
* СНИЛС (``123-456-789 01``; 11 bare digits after the ``СНИЛС`` keyword or
  with valid check digits);
* Russian passport numbers (``45 08 123456``, ``4508 №123456``; 10 bare digits
  after ``паспорт`` or ``серия``);
* bank card numbers (16 digits passing the Luhn check);
* the given names (the requester's name, first name, surname and patronymic),
  in any grammatical case.

Procurement notice numbers (19 digits, or 11 digits starting with 3), the
ИНН, КПП and ОГРН of organisations, dates and amounts are left alone: the
patterns above are checked against the same keyword rules as
:mod:`.extraction`.

The replacement of each kind is given by the caller (translated text); the
defaults are English.
"""

import html
import re

from . import extraction
from .identifiers import classify_notice_number, is_valid_inn
from .phones import normalize_phone

EMAIL = "email"
PHONE = "phone"
INN = "inn"
SNILS = "snils"
PASSPORT = "passport"
CARD = "card"
NAME = "name"

DEFAULT_MARKS = {
    EMAIL: "[email removed]",
    PHONE: "[phone removed]",
    INN: "[INN removed]",
    SNILS: "[SNILS removed]",
    PASSPORT: "[passport removed]",
    CARD: "[card removed]",
    NAME: "[name removed]",
}

_SP = "[ \t\u00a0\u2007\u2009\u202f]"
_DASH = "[\\-\u2010\u2011\u2012\u2013]"
_SEP = f"(?:{_SP}|{_DASH})"
_EMAIL_RE = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.\w{2,}")
# 123-456-789 01, 123-456-789-01, 123 456 789 01
_SNILS_FORMATTED_RE = re.compile(
    rf"(?<![\w\-])\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}{_SEP}+\d{{2}}(?![\w\-])"
)
# 45 08 123456, 4508 123456, 4508 № 123456, 4508 номер 123456
_PASSPORT_FORMATTED_RE = re.compile(
    rf"(?<![\w\-])\d{{2}}{_SP}?\d{{2}}{_SP}+(?:(?:№|номер|n){_SP}*)?\d{{6}}(?![\w\-])",
    re.IGNORECASE,
)
_CARD_RE = re.compile(rf"(?<![\w\-])\d{{4}}(?:{_SEP}?\d{{4}}){{3}}(?![\w\-])")
# A phone number written with its + country code.
_PHONE_PLUS_RE = re.compile(rf"\+{_SP}*\d(?:[ \t\u00a0\-().]{{0,2}}\d){{6,14}}")
# A Russian number: optional 8 or 7, an area code (bracketed or not), then
# 3-2-2 digits; any single separators.
_PHONE_RU_RE = re.compile(
    rf"(?<![\w+\-])(?:[78]{_SEP}*)?(?:\(\d{{3,5}}\)|\d{{3}}){_SEP}*"
    rf"\d{{3}}{_SEP}?\d{{2}}{_SEP}?\d{{2}}(?![\w\-])"
)
_DIGIT_RUN_RE = re.compile(r"(?<![\w\-+])\d{10,12}(?![\w\-])")
_SNILS_KEYWORD_RE = re.compile(r"(?<!\w)снилс", re.IGNORECASE)
_PASSPORT_KEYWORD_RE = re.compile(r"(?<!\w)(?:паспорт|серия|серии)", re.IGNORECASE)
_KEYWORD_WINDOW = 40

# Word endings of Russian first names, surnames and patronymics in their
# grammatical cases, longest first.
_ENDINGS = (
    "ого ему ому его ами ями ой ей ою ею ом ем ым им ах ях ую юю ая яя ий ый "
    "ов ев ых их а я у ю е и ы ь й"
).split()
_STEM_STRIP = "аяеиоуыюйь"
_NAME_TOKEN_RE = re.compile(r"[^\W\d_]{3,}")
_TAG_RE = re.compile(r"(<[^>]*>)")
_TEL_HREF_RE = re.compile(r"tel:[^\"'\s>]*", re.IGNORECASE)


def is_individual_inn(value):
    """True for the ИНН of an individual (or an individual entrepreneur):
    12 digits with valid check digits."""
    digits = (value or "").strip()
    return len(digits) == 12 and is_valid_inn(digits)


def is_valid_snils(value):
    """Tell whether 11 digits make a СНИЛС with valid check digits.

    The check number is the sum of the first nine digits weighted 9 to 1,
    taken modulo 101 (100 and 101 give 00). Numbers up to 001-001-998 were
    issued without a check.
    """
    digits = re.sub(r"\D", "", value or "")
    if len(digits) != 11:
        return False
    if int(digits[:9]) <= 1001998:
        return True
    total = sum(int(d) * w for d, w in zip(digits[:9], range(9, 0, -1), strict=True))
    check = total % 101 % 100
    return check == int(digits[9:])


def _luhn(digits):
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _keyword_before(regex, text, start):
    """True when ``regex`` matches in the ``_KEYWORD_WINDOW`` characters
    before ``start`` on the same line."""
    line_start = text.rfind("\n", 0, start) + 1
    return bool(regex.search(text, max(line_start, start - _KEYWORD_WINDOW), start))


def _words(text):
    return {
        word.lower().replace("ё", "е") for word in _NAME_TOKEN_RE.findall(text or "")
    }


def _name_pattern(names, keep=()):
    """One regex for every word of ``names`` in any grammatical case, or
    ``None`` when no word is long enough to be looked for. Words of ``keep``
    (e.g. the organisation's name, not personal data) are not looked for."""
    kept = set().union(*(_words(text) for text in keep)) if keep else set()
    stems = set()
    for name in names:
        for token in _NAME_TOKEN_RE.findall(name or ""):
            stem = token.lower().replace("ё", "е")
            if stem in kept:
                continue
            if stem[-1] in _STEM_STRIP and len(stem) > 3:
                stem = stem[:-1]
            stems.add(stem)
    if not stems:
        return None
    alternatives = "|".join(
        re.escape(stem).replace("е", "[её]")
        for stem in sorted(stems, key=len, reverse=True)
    )
    endings = "|".join(_ENDINGS)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:{endings})?(?!\w)", re.IGNORECASE)


class Redactor:
    """Replaces the personal details of one person (or of nobody in
    particular: without ``names``) in texts.

    :param names: names of the people whose names must go (e.g. the
        requester's name as typed on the form and as on the contact)
    :param marks: replacement text per kind (``EMAIL``, ``PHONE``…);
        missing kinds take :data:`DEFAULT_MARKS`
    :param keep: texts whose words stay even if a name has them (the
        organisation's name: «ИП Соколов» is a person, «ООО Соколов и
        партнёры» is not)
    """

    def __init__(self, names=(), marks=None, keep=()):
        self.marks = dict(DEFAULT_MARKS, **(marks or {}))
        self._names_re = _name_pattern(names, keep)

    # -- text ------------------------------------------------------------

    def text(self, text):
        """``text`` without the personal details (a plain string)."""
        if not text:
            return text
        text = _EMAIL_RE.sub(self.marks[EMAIL], text)
        text = _SNILS_FORMATTED_RE.sub(self._snils_formatted, text)
        text = _CARD_RE.sub(self._card, text)
        text = _PASSPORT_FORMATTED_RE.sub(self._passport_formatted, text)
        text = _DIGIT_RUN_RE.sub(self._digit_run, text)
        text = _PHONE_PLUS_RE.sub(self._phone, text)
        text = _PHONE_RU_RE.sub(self._phone, text)
        if self._names_re:
            text = self._names_re.sub(self.marks[NAME], text)
        return text

    def html(self, value):
        """``value`` (HTML) without the personal details: the text between
        tags is redacted; in tags, e-mail addresses and ``tel:`` links go."""
        if not value:
            return value
        parts = _TAG_RE.split(str(value))
        for index, part in enumerate(parts):
            if index % 2:  # a tag
                part = _EMAIL_RE.sub(self.marks[EMAIL], part)
                parts[index] = _TEL_HREF_RE.sub("tel:", part)
            elif part:
                parts[index] = html.escape(self.text(html.unescape(part)), quote=False)
        return "".join(parts)

    # -- one kind each ---------------------------------------------------

    def _snils_formatted(self, match):
        return self.marks[SNILS]

    def _card(self, match):
        digits = re.sub(r"\D", "", match.group())
        return self.marks[CARD] if _luhn(digits) else match.group()

    def _passport_formatted(self, match):
        value = match.group()
        if not value[:-6].rstrip()[-1].isdigit() or _keyword_before(
            _PASSPORT_KEYWORD_RE, match.string, match.start()
        ):
            # "4508 № 123456", or a passport keyword before
            return self.marks[PASSPORT]
        # "45 08 123456": two pairs then six digits is a passport's shape;
        # "4508 123456" alone could be a phone extension or a code.
        compact = re.sub(rf"{_SP}+", " ", value.strip())
        if re.fullmatch(r"\d{2} \d{2} \d{6}", compact):
            return self.marks[PASSPORT]
        return value

    def _digit_run(self, match):
        """A bare run of 10 to 12 digits: individual ИНН, СНИЛС, passport or
        phone, by its length, check digits and the keyword before it."""
        run = match.group()
        text, start = match.string, match.start()
        keyword = extraction.keyword_before(text, start)
        if len(run) == 12:
            return self.marks[INN] if is_valid_inn(run) else run
        if len(run) == 11:
            if _keyword_before(_SNILS_KEYWORD_RE, text, start):
                return self.marks[SNILS]
            if run[0] in "78" and normalize_phone(run):
                return self.marks[PHONE]
            if classify_notice_number(run):
                return run  # a 223-FZ notice number
            return self.marks[SNILS] if is_valid_snils(run) else run
        # 10 digits: an organisation's ИНН unless a keyword tells otherwise
        if _keyword_before(_PASSPORT_KEYWORD_RE, text, start):
            return self.marks[PASSPORT]
        if keyword == "inn":
            return run
        if (keyword == "other" or not is_valid_inn(run)) and normalize_phone(run):
            return self.marks[PHONE]
        return run

    def _phone(self, match):
        value = match.group()
        if value.isdigit() or normalize_phone(value) is None:
            # a bare run of digits was judged by _digit_run
            return value
        return self.marks[PHONE]


def redact_text(text, names=(), marks=None):
    """Shortcut: ``Redactor(names, marks).text(text)``."""
    return Redactor(names, marks).text(text)


def redact_html(value, names=(), marks=None):
    """Shortcut: ``Redactor(names, marks).html(value)``."""
    return Redactor(names, marks).html(value)


def is_individual_entrepreneur(vat, ogrn):
    """A company record that is an individual entrepreneur (ИП): its ИНН has
    12 digits or its registration number is a 15-digit ОГРНИП. Its data is
    a person's data."""
    return is_individual_inn(vat) or len((ogrn or "").strip()) == 15

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Extraction of ЕИС notice numbers and ИНН from free Russian text.

The text is an e-mail subject or body, a chat transcript or a form field. Both
extractors look at maximal runs of ASCII digits only, so a number is never
carved out of a longer run (a 20-digit bank account never yields a 19-digit
notice number). A run is a *candidate* when it passes the boundary rules:

* the characters right before and after it are not letters, ``@`` (e-mail
  addresses) or ``+`` (international phone numbers), nor currency signs;
* it is not glued to another digit run by one digit-group separator (space,
  no-break space, ``.``, ``,``, ``-``, ``/``, ``:``, apostrophe): that is how
  phone numbers (``+7 916 ...``, ``8 800 ...``), dates and amounts with kopecks
  (``30000000000,00``) look. The only exception is a list of numbers of the
  same kind (``0373100000124000456,0373100000124000457``), and for ИНН the
  ``ИНН/КПП 7707083893/770701001`` notation;
* it is not followed by a currency word or sign (``руб``, ``р.``, ``₽``,
  ``коп``, ``тыс``, ``млн``, ``RUB``, ``$``, ``%`` ...).

Then the nearest keyword before the number, on the same line, within
``_WINDOW`` characters and after any other digit run, decides:

* a procurement keyword (``извещени``, ``закупк``, ``процедур``, ``аукцион``,
  ``конкурс``, ``котировк``, ``тендер``, ``лот``, ``номер``, ``№``, ``#``,
  ``44-ФЗ``, ``223``/``223-ФЗ`` ...) accepts the notice number;
* a phone, amount or requisites keyword (``тел``, ``моб``, ``факс``,
  ``сумм``, ``цен``, ``стоимост``, ``НМЦК``, ``ИНН``, ``КПП``, ``ОГРН``,
  ``БИК``, ``ОКТМО``, ``СНИЛС``, ``счёт``, ``р/с``, ``карт`` ...) rejects it;
* with no keyword, a 19-digit number is accepted and an 11-digit number
  starting with 3 is accepted too, since it stood alone (the boundary rules
  already removed phone and amount shapes).

For ИНН, the ``ИНН`` keyword (or ``ИНН/КПП``) accepts a 10/12-digit run that
passes the check digits; without it, the run is accepted only when no other
keyword is nearer and it does not look like a mobile phone number written
without the trunk prefix (10 digits starting with 9).
"""

import re

from .identifiers import classify_notice_number, is_valid_inn

_WINDOW = 40
_RUN_RE = re.compile(r"[0-9]+")
_GROUP_SEPARATORS = " \t\u00a0\u2007\u2009\u202f.,-\u2010\u2011\u2012\u2013/:'’`"
_LIST_SEPARATORS = " \t\u00a0\u2007\u2009\u202f,"
_FORBIDDEN_NEIGHBOURS = "@+₽$€%"
_CURRENCY_AFTER_RE = re.compile(
    r"[ \t\u00a0\u2007\u2009\u202f]*(?:руб|р\.|р\b|₽|коп|тыс|млн|млрд|rub|rur|usd|eur"
    r"|евро|долл|\$|€|%)",
    re.IGNORECASE,
)
_W = r"(?<!\w)"  # a keyword starts a word
_KEYWORD_RE = re.compile(
    r"(?P<inn>" + _W + r"инн(?:\s*/\s*кпп)?|" + _W + r"inn\b)"
    r"|(?P<notice>"
    + _W
    + r"(?:извещени|закупк|закупоч|процедур|аукцион|конкурс|котировк|тендер|торг"
    r"|лот|номер|реестров|еис|eis|zakupki|regnumber|notice|tender|lot\b)"
    r"|№|#|(?<![0-9])(?:44|223)\s*-?\s*фз|(?<![0-9])223(?![0-9]))"
    r"|(?P<other>"
    + _W
    + r"(?:тел|моб|сотов|факс|звон|phone|tel\b|mob|fax|whatsapp|ватсап|viber|вайбер"
    r"|сумм|цен|стоимост|нмц|итог|оплат|кпп|огрн|бик|окпо|октмо|окато|оквэд|окпд"
    r"|снилс|кбк|сч\.|сч\b|счет|счёт|[ркл]/с|карт|card|account|паспорт))"
    r"|(?P<digits>[0-9]+)",
    re.IGNORECASE,
)


def _neighbour_run(text, start, end, side):
    """Return the digit run glued to ``text[start:end]`` by one separator.

    ``side`` is -1 for the left neighbour and 1 for the right one. Return a
    ``(separator, run)`` pair, or ``None`` when there is no such run.
    """
    if side < 0:
        if start < 2 or text[start - 1] not in _GROUP_SEPARATORS:
            return None
        first = start - 1
        while first > 0 and "0" <= text[first - 1] <= "9":
            first -= 1
        return (text[start - 1], text[first : start - 1]) if first < start - 1 else None
    if end + 1 < len(text) and text[end] in _GROUP_SEPARATORS:
        match = _RUN_RE.match(text, end + 1)
        if match:
            return text[end], match.group()
    return None


def _glued(text, start, end, same_kind):
    """Tell whether the run ``text[start:end]`` is glued to something.

    ``same_kind(separator, run)`` says whether a neighbouring run joined by
    ``separator`` is a list item of the same kind (then it is allowed).
    """
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    for char in (before, after):
        if char.isalnum() or char in _FORBIDDEN_NEIGHBOURS:
            return True
    for side in (-1, 1):
        neighbour = _neighbour_run(text, start, end, side)
        if neighbour and not same_kind(*neighbour):
            return True
    return bool(_CURRENCY_AFTER_RE.match(text, end))


def _nearest_keyword(text, start):
    """Return the group name of the nearest keyword before ``start``.

    Only the same line and the last ``_WINDOW`` characters are looked at.
    The result is ``"notice"``, ``"inn"``, ``"other"`` (a phone, amount or
    requisites keyword) or ``None`` when no keyword follows the last other
    digit run.
    """
    line_start = text.rfind("\n", 0, start) + 1
    window = text[max(line_start, start - _WINDOW) : start]
    last = None
    for match in _KEYWORD_RE.finditer(window):
        last = match.lastgroup
    return None if last == "digits" else last


def keyword_before(text, start):
    """The kind of the nearest keyword before ``text[start]`` on its line:
    ``"notice"``, ``"inn"``, ``"other"`` (phone, amount, requisites) or
    ``None``; see :func:`_nearest_keyword`."""
    return _nearest_keyword(text, start)


def _is_notice(run):
    return classify_notice_number(run) is not None


def extract_notice_numbers(text):
    """Return the ЕИС notice numbers found in ``text``.

    19-digit numbers (44-ФЗ) and 11-digit numbers starting with 3 (223-ФЗ) are
    returned in order of appearance, without duplicates. See the module
    docstring for the rules that keep phone numbers, dates, amounts, bank
    accounts and requisites out.
    """
    found = []
    for match in _RUN_RE.finditer(text or ""):
        run = match.group()
        if not _is_notice(run):
            continue
        if _glued(
            text,
            match.start(),
            match.end(),
            lambda sep, other: sep in _LIST_SEPARATORS and _is_notice(other),
        ):
            continue
        if _nearest_keyword(text, match.start()) in ("other", "inn"):
            continue
        if run not in found:
            found.append(run)
    return found


def _inn_list_item(separator, other):
    if separator == "/":
        return len(other) == 9  # ИНН/КПП 7707083893/770701001
    return separator in _LIST_SEPARATORS and len(other) in (10, 12)


def extract_inns(text):
    """Return the valid ИНН (10 or 12 digits) found in ``text``.

    Numbers after the ``ИНН`` keyword are preferred; a standalone number
    without it is accepted only when no other keyword is nearer and it is not
    shaped like a mobile phone number. The result keeps the order of appearance
    and has no duplicates.
    """
    found = []
    for match in _RUN_RE.finditer(text or ""):
        run = match.group()
        if len(run) not in (10, 12) or not is_valid_inn(run):
            continue
        if _glued(text, match.start(), match.end(), _inn_list_item):
            continue
        keyword = _nearest_keyword(text, match.start())
        if keyword == "inn" or (
            keyword is None and not (len(run) == 10 and run[0] == "9")
        ):
            if run not in found:
                found.append(run)
    return found

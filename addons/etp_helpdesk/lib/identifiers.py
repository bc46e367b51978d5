# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Validation of Russian company identifiers and ЕИС notice numbers.

All validators accept ``None`` and any string; separators (whitespace and
hyphens) are ignored, anything else that is not an ASCII digit makes the value
invalid. They never raise.
"""

import re

_SEPARATORS_RE = re.compile(r"[\s\-\u2010\u2011\u2012\u2013]+")
_KPP_RE = re.compile(r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}")

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)

EIS_44 = "eis_44"
EIS_223 = "eis_223"


def normalize_digits(value):
    """Return ``value`` as a string without whitespace and hyphens.

    ``None`` and other falsy values give ``""``. Letters are kept, so the
    result still has to be validated.
    """
    if not value:
        return ""
    return _SEPARATORS_RE.sub("", str(value))


def _digits(value, *lengths):
    """Return the normalized value if it is ASCII digits of one of ``lengths``."""
    digits = normalize_digits(value)
    if len(digits) in lengths and digits.isascii() and digits.isdigit():
        return digits
    return None


def _check_digit(digits, weights):
    """Weighted sum of ``digits`` modulo 11 modulo 10 (the ФНС check digit)."""
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10


def is_valid_inn(value):
    """Tell whether ``value`` is a valid ИНН.

    10 digits (legal entity): one check digit over the first 9 digits.
    12 digits (individual): two check digits, the 11th over the first 10 digits
    and the 12th over the first 11. An all-zero number is rejected.
    """
    digits = _digits(value, 10, 12)
    if digits is None or not digits.strip("0"):
        return False
    if len(digits) == 10:
        return _check_digit(digits[:9], _INN10_WEIGHTS) == int(digits[9])
    first = _check_digit(digits[:10], _INN12_WEIGHTS_1)
    second = _check_digit(digits[:11], _INN12_WEIGHTS_2)
    return (first, second) == (int(digits[10]), int(digits[11]))


def is_valid_kpp(value):
    """Tell whether ``value`` is a well-formed КПП.

    Nine characters: four digits, two digits or uppercase Latin letters, three
    digits. КПП has no check digit.
    """
    return bool(_KPP_RE.fullmatch(normalize_digits(value)))


def _is_valid_ogrn_like(value, length, modulus):
    digits = _digits(value, length)
    if digits is None or not digits.strip("0"):
        return False
    return int(digits[:-1]) % modulus % 10 == int(digits[-1])


def is_valid_ogrn(value):
    """Tell whether ``value`` is a valid ОГРН (13 digits).

    The last digit equals the number formed by the first 12 digits, modulo 11,
    modulo 10. An all-zero number is rejected.
    """
    return _is_valid_ogrn_like(value, 13, 11)


def is_valid_ogrnip(value):
    """Tell whether ``value`` is a valid ОГРНИП (15 digits).

    The last digit equals the number formed by the first 14 digits, modulo 13,
    modulo 10 (a remainder of 10, 11 or 12 gives 0, 1 or 2). An all-zero number
    is rejected.
    """
    return _is_valid_ogrn_like(value, 15, 13)


def classify_notice_number(value):
    """Classify a procurement notice number.

    Return ``"eis_44"`` for a 19-digit ЕИС notice number (44-ФЗ), ``"eis_223"``
    for an 11-digit number starting with 3 (223-ФЗ) and ``None`` otherwise (the
    platform's own procedure numbers are free text that the caller keeps).
    """
    digits = _digits(value, 19, 11)
    if digits is None:
        return None
    if len(digits) == 19:
        return EIS_44
    return EIS_223 if digits[0] == "3" else None


def is_malformed_notice_number(value):
    """True for a number shaped like a ЕИС notice (11 or 19 digits) that cannot be
    one: such a value is a typo, not one of the platform's own numbers."""
    number = (value or "").strip()
    return (
        number.isdigit()
        and len(number) in (11, 19)
        and classify_notice_number(number) is None
    )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Normalisation of telephone numbers as callers and contacts write them.

One canonical form, ``+<country code><number>`` with digits only, lets a
number typed by an operator during a call (``+7 (916) 123-45-67``) meet the
same number stored on a contact (``8 916 1234567``). Russian numbers are the
rule on the platform:

* 11 digits starting with ``7`` or ``8`` (``8`` is the domestic trunk prefix)
  become ``+7`` and the 10 national digits;
* 10 digits without a prefix (``(495) 123-45-67``, ``916 123 45 67``) are a
  national number when they begin like a Russian area code (3, 4, 8, 9, but
  not 89, which is an ``8 9..`` number with a digit missing): ``+7`` is added;
* ``8 10`` followed by a country code is the old domestic international
  prefix: ``8 10 375 29 123-45-67`` is ``+375291234567``;
* ``+8 9..`` with 11 digits is the common slip for ``8 9..``: no country
  code begins with 89, so it is a Russian mobile number;
* a number written with ``+`` keeps its country code when it is not ``+7``
  (``+375 29 123 45 67``), with 8 to 15 digits as ITU-T E.164 allows.

Spaces, no-break spaces, dashes, dots, slashes and brackets are separators.
An extension written after the number (``доб. 123``, ``доп. 12``, ``ext 5``,
``x5``, ``#5``) is dropped: the extension reaches a person, the number an
organisation. Anything else (letters, a second ``+``, too few or too many
digits) is not a telephone number and gives ``None``.
"""

import re

_EXTENSION = re.compile(
    r"\s*[,;]?\s*(?:доб|доп|вн|ext|extension|x|#)\.?\s*\d{1,6}\s*$",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.()/]+")
_RUSSIAN_NATIONAL_DIGITS = 10
_E164_MIN_DIGITS = 8
_E164_MAX_DIGITS = 15


def normalize_phone(value):
    """Return ``value`` as ``+<digits>`` (``+7XXXXXXXXXX`` for Russia), or
    ``None`` when it is not a telephone number."""
    if not value or not isinstance(value, str):
        return None
    text = _EXTENSION.sub("", value.strip())
    compact = _SEPARATORS.sub("", text)
    has_plus = compact.startswith("+")
    digits = compact[1:] if has_plus else compact
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    if has_plus:
        if digits.startswith("7"):
            return _russian(digits[1:])
        if digits.startswith("89") and len(digits) == _RUSSIAN_NATIONAL_DIGITS + 1:
            # "+8 9.." is a common slip for "8 9..": no country code starts
            # with 89, so this is a Russian mobile number.
            return _russian(digits[1:])
        if _E164_MIN_DIGITS <= len(digits) <= _E164_MAX_DIGITS:
            return "+" + digits
        return None
    if len(digits) == _RUSSIAN_NATIONAL_DIGITS:
        # Russian area codes begin with 3, 4, 8 or 9, and none with 89: a
        # 10-digit run "89..." is an "8 9.." number with a digit missing.
        if digits[0] in "3489" and not digits.startswith("89"):
            return _russian(digits)
        return None
    if len(digits) == _RUSSIAN_NATIONAL_DIGITS + 1 and digits[0] in "78":
        return _russian(digits[1:])
    if digits.startswith("810") and len(digits) > _RUSSIAN_NATIONAL_DIGITS + 1:
        return normalize_phone("+" + digits[3:])
    return None


def _russian(national):
    if len(national) != _RUSSIAN_NATIONAL_DIGITS:
        return None
    return "+7" + national


def format_phone(normalized):
    """Readable form of a normalised number: ``+7 (916) 123-45-67`` for a
    Russian number, the normalised value unchanged otherwise."""
    if not normalized:
        return ""
    if normalized.startswith("+7") and len(normalized) == 12:
        n = normalized[2:]
        return f"+7 ({n[:3]}) {n[3:6]}-{n[6:8]}-{n[8:]}"
    return normalized

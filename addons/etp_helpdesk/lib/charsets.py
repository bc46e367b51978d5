"""Best-effort decoding of email text whose charset is unknown or missing.

Real mail clients send ``charset=unknown-8bit``, ``x-unknown`` or an empty
charset, and Russian mail still comes in windows-1251 and KOI8-R. Python's
``email`` package raises ``LookupError`` on such a part, which would lose the
request. The text is decoded here with the charsets a Russian mailbox meets,
in this order: UTF-8 (self-checking: it fails on anything else), then
windows-1251, then KOI8-R, then UTF-8 with undecodable bytes replaced.

windows-1251 and KOI8-R decode almost any bytes, so "decodes without error"
cannot tell them apart: each decoding must also look like text (no control or
box-drawing characters) and, when it holds Cyrillic, the one whose letters
are likelier in Russian wins (the other reads a permutation of the alphabet);
on a tie the earlier charset wins.
"""

import codecs
import math
import re
from email.header import decode_header

FALLBACK_CHARSETS = ("windows-1251", "koi8-r")
REPLACED = "utf-8 (undecodable bytes replaced)"

# Frequency of the Russian letters in ordinary text, in ‰.
_LETTER_FREQUENCY = {
    "о": 110, "е": 85, "а": 80, "и": 74, "н": 67, "т": 63, "с": 55, "р": 47,
    "в": 45, "л": 44, "к": 35, "м": 32, "д": 30, "п": 28, "у": 26, "я": 20,
    "ы": 19, "ь": 17, "г": 17, "з": 17, "б": 16, "ч": 14, "й": 12, "х": 10,
    "ж": 9, "ш": 7, "ю": 6, "ц": 5, "щ": 4, "э": 3, "ф": 3, "ъ": 1, "ё": 1,
}  # fmt: skip
_LOG_FREQUENCY = {letter: math.log(n) for letter, n in _LETTER_FREQUENCY.items()}
_CYRILLIC_RE = re.compile(r"[а-яё]", re.IGNORECASE)
# C0 controls but tab, newlines, form feed; C1 controls; box drawing and
# block elements (KOI8-R's 0x80-0xBF)
_JUNK_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u2500-\u25ff]")


def is_known_charset(charset):
    """True when Python can decode ``charset``."""
    if not charset:
        return False
    try:
        codecs.lookup(charset)
    except LookupError:
        return False
    return True


def russian_score(text):
    """How Russian the Cyrillic letters of ``text`` look: the mean logarithm
    of their frequency in Russian (0 without Cyrillic, higher is likelier)."""
    letters = _CYRILLIC_RE.findall(text.lower())
    if not letters:
        return 0.0
    return sum(_LOG_FREQUENCY[letter] for letter in letters) / len(letters)


def decode_best_effort(data):
    """Decode ``data`` (bytes) without knowing its charset.

    :return: ``(text, charset)``, where ``charset`` names the decoding used
        (:data:`REPLACED` when no charset fitted).
    """
    if not data:
        return "", "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        best = None  # not UTF-8: one of the Russian 8-bit charsets
    for rank, charset in enumerate(FALLBACK_CHARSETS):
        try:
            text = data.decode(charset)
        except UnicodeDecodeError:
            continue
        if _JUNK_RE.search(text):
            continue
        key = (russian_score(text), -rank)
        if best is None or key > best[0]:
            best = (key, text, charset)
    if best:
        return best[1], best[2]
    return data.decode("utf-8", errors="replace"), REPLACED


def decode_header_best_effort(raw):
    """Decode a raw header value (``str``, 8-bit bytes kept as surrogates, as
    the ``email`` package stores them) whose encoded words may name unknown
    charsets; return ``None`` when the value needs no best effort."""
    needed = False
    chunks = []
    for chunk, charset in decode_header(raw):
        if isinstance(chunk, str):
            try:
                chunk.encode("utf-8")
            except UnicodeEncodeError:  # raw 8-bit bytes in the header
                chunk = chunk.encode("ascii", "surrogateescape")
            else:
                chunks.append(chunk)
                continue
        if charset and charset != "unknown-8bit" and is_known_charset(charset):
            chunks.append(chunk.decode(charset, errors="replace"))
            continue
        text, used = decode_best_effort(chunk)
        # raw UTF-8 (RFC 6532) is read right by the email package already
        needed = needed or used != "utf-8" or bool(charset)
        chunks.append(text)
    return "".join(chunks) if needed else None

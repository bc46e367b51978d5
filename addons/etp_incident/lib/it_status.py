# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""IT's status in the text of an email reply.

IT answers the hand-off email in plain words. A reply that says «исправлено»,
«решено» or «устранено» means the failure is fixed; «в работе» means IT is on
it. The words are matched case-insensitively at the start of a word, and a
negation just before them («не исправлено», «ещё не в работе») cancels them.
The quoted original message (lines starting with ``>``, everything under
a reply header such as «… пишет:» or ``-----Original Message-----``) is not
read: the hand-off email itself names the keywords.
"""

import re

NEW = "new"
HANDED_TO_IT = "handed_to_it"
IN_PROGRESS = "in_progress"
RESOLVED = "resolved"
CLOSED = "closed"

# The incident's path; IT's status only ever moves an incident forward on it.
STATE_ORDER = (NEW, HANDED_TO_IT, IN_PROGRESS, RESOLVED, CLOSED)
# The states IT can report, by email or through the callback.
REPORTABLE = (IN_PROGRESS, RESOLVED)

_RESOLVED_RE = re.compile(r"(?<!\w)(?:исправлено|решено|устранено)", re.IGNORECASE)
_IN_PROGRESS_RE = re.compile(r"(?<!\w)в\s+работе(?!\w)", re.IGNORECASE)
_NEGATION_RE = re.compile(r"(?<!\w)(?:не|ни)(?!\w)", re.IGNORECASE)
# What a keyword's negation may stand in: the same clause, three words back
# («пока ещё не до конца устранено» is still negated by «не»).
_CLAUSE_BREAK_RE = re.compile(r"[.,;:!?\n()«»\"—–]|\s-\s")
_NEGATION_WINDOW = 4

_REPLY_HEADER_RES = [
    re.compile(
        r"^-{2,}\s*(?:original message|forwarded message|исходное сообщение|"
        r"пересылаемое сообщение|перенаправленное сообщение)",
        re.IGNORECASE,
    ),
    # "On Tue, 24 Nov 2026, Operator <op@example.ru> wrote:",
    # «24.11.2026, 23:05, Оператор пишет:», «… написал(а):»
    re.compile(
        r"(?:wrote|пишет|писал|писала|написал|написала|написал\(а\))\s*:\s*$",
        re.IGNORECASE,
    ),
    # Gmail in Russian: «вт, 24 нояб. 2026 г. в 23:05, Оператор <op@x.ru>:»
    re.compile(r"<[^<>\s@]+@[^<>\s]+>\s*:\s*$"),
    # Outlook's header block of the quoted message.
    re.compile(r"^(?:from|от|sent|отправлено)\s*:\s", re.IGNORECASE),
    # A signature.
    re.compile(r"^--\s*$"),
]


def strip_quoted(text):
    """Return the part of an email reply's plain text written by its sender:
    lines starting with ``>`` and everything from the first reply header on
    are dropped."""
    kept = []
    for line in (text or "").splitlines():
        stripped = line.strip()
        if any(header.search(stripped) for header in _REPLY_HEADER_RES):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept)


def _negated(text, start):
    clause = _CLAUSE_BREAK_RE.split(text[:start])[-1]
    words = clause.split()[-_NEGATION_WINDOW:]
    return any(_NEGATION_RE.fullmatch(word) for word in words)


def _says(pattern, text):
    return any(not _negated(text, m.start()) for m in pattern.finditer(text))


def parse_status(text):
    """Return the status IT's reply reports: ``"resolved"``, ``"in_progress"``
    or ``None`` when it says nothing recognisable. When a reply says both,
    the furthest state wins («было в работе, теперь исправлено»)."""
    own_text = strip_quoted(text)
    if _says(_RESOLVED_RE, own_text):
        return RESOLVED
    if _says(_IN_PROGRESS_RE, own_text):
        return IN_PROGRESS
    return None


def is_forward(current, target):
    """Tell whether moving from ``current`` to ``target`` goes forward on the
    incident's path. Raise ``ValueError`` for a state that is not on it."""
    for state in (current, target):
        if state not in STATE_ORDER:
            raise ValueError(f"unknown_state: {state!r}")
    return STATE_ORDER.index(target) > STATE_ORDER.index(current)

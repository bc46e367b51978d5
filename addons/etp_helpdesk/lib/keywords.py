# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The keyword matcher of categories: a new request without a category goes
to the category whose keyword fits its subject or text best.

Each word of a keyword matches the start of a word of the text, in any case,
``ё`` read as ``е``: «подпис» finds «подписать», «личн кабинет» finds
«личном кабинете». When several categories match, the deepest category wins,
then the longest keyword, then the category listed first.
"""

import re

SEPARATORS = re.compile(r"[,;\n]+")


def normalize_text(text):
    """Lower case, ``ё`` read as ``е``, runs of white space as one space."""
    return " ".join((text or "").lower().replace("ё", "е").split())


def compile_keywords(keywords):
    """``[(pattern, length)]`` of the keywords in ``keywords`` (separated by
    commas, semicolons or new lines), empty ones skipped; ``length`` is the
    keyword's normalised length."""
    compiled = []
    for keyword in SEPARATORS.split(keywords or ""):
        words = normalize_text(keyword).split()
        if words:
            # each word of the keyword starts a word of the text
            pattern = re.compile(r"(?<!\w)" + r"\w*\s+".join(map(re.escape, words)))
            compiled.append((pattern, len(" ".join(words))))
    return compiled


def best_match(text, index):
    """The category id whose keyword fits ``text`` best, or None. ``index``
    holds ``(pattern, depth, length, category id)`` tuples (patterns from
    :func:`compile_keywords`): the deepest category first, then the longest
    keyword, then the one listed first."""
    text = normalize_text(text)
    best = None
    if text:
        for pattern, depth, length, category_id in index:
            if pattern.search(text):
                key = (depth, length)
                if best is None or key > best[0]:
                    best = (key, category_id)
    return best[1] if best else None

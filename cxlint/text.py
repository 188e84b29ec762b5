"""Matching the words a campaign prints against what a page shows, the way a reader would:
case-insensitive, whitespace-tolerant, and whole words only (V710 is not in V7100).
"""

from __future__ import annotations

import re
from functools import lru_cache

_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


@lru_cache(maxsize=512)
def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])" + re.escape(norm(term)).replace(r"\ ", r"\s+") + r"(?![\w])")


def contains(haystack: str, term: str) -> bool:
    """Whether `term` appears in `haystack` as whole words, ignoring case and spacing."""
    return _found(haystack.casefold(), term)


def _found(folded: str, term: str) -> bool:
    """contains() for a haystack already casefolded."""
    words = norm(term).split(" ")
    if not words[0]:
        return False
    # Each word must be in the text for the pattern to match. Looked for in C first, most
    # terms are settled without compiling their pattern (a model number's is used once).
    if not all(word in folded for word in words):
        return False
    return _term_pattern(term).search(folded) is not None


def model_variants(model: str) -> list[str]:
    """Spellings people type for a model number: V710 → v710, V-710, V 710 (and back)."""
    compact = re.sub(r"[\s\-_./]+", "", model)
    split = re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", "-", compact)
    candidates = [model, model.lower(), compact, compact.lower(), split, split.replace("-", " ")]
    seen: list[str] = []
    for candidate in candidates:
        if candidate and candidate not in seen:
            seen.append(candidate)
    return seen


def contains_any_spelling(haystack: str, model: str) -> str | None:
    """The spelling of `model` the text uses (exact first), or None."""
    folded = haystack.casefold()
    for variant in model_variants(model):
        if _found(folded, variant):
            return variant
    return None

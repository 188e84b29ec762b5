"""Matching the words a campaign prints against what a page shows, the way a reader would:
the same characters whatever bytes spell them, case-insensitive, whitespace-tolerant, and
whole words only (V710 is not in V7100).

Every comparison goes through fold(): a full-width ＶＸ７１０ pasted from a spreadsheet is VX710,
V\\u200b710 with a CMS's zero-width space is V710, SM–S921B with an en dash is SM-S921B, and
an é typed as e + combining accent is é.
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from array import array
from functools import lru_cache

# Every character str.split() splits at but the space, for collapse() (tests/test_text.py
# checks them against the running Python's str.isspace)
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def collapse(text: str, *, ascii_spaces: bool = False) -> str:
    """`text` with each run of whitespace one space, none at its ends: " ".join(text.split()),
    the same characters (tests/test_text.py), faster on a page's long text (docs/performance.md,
    "Round 2: a page's CPU"): when each character is one byte (ASCII, Latin-1), the spaces
    present are found by memchr and replaced in C, and the runs left split away at once,
    without making a string of each word.

    With `ascii_spaces`, the caller knows that the text's only whitespace is ASCII's (a page's
    ASCII text with cxlint's marks put in, which make it two bytes a character)."""
    if len(text) < 256:  # a title, a cell: the split is as fast, and no loop runs
        return " ".join(text.split())
    spaces = _ASCII_SPACES if ascii_spaces or text.isascii() else _BYTE_SPACES
    if spaces is _BYTE_SPACES:
        try:
            text.encode("latin-1")  # a copy when one byte a character, else stops at the first
        except UnicodeEncodeError:
            # Wider characters (any ’, € or ™): searching them for a space goes character by
            # character, or finds a false start in every other byte; the split costs less.
            return " ".join(text.split())
    for space in spaces:
        if space in text:
            text = text.replace(space, " ")
    return _squeeze(text)


_BYTE_SPACES = [space for space in SPACES if space <= "\xff"]  # a wider one is in no such text
_ASCII_SPACES = [space for space in SPACES if space.isascii()]


def _squeeze(text: str) -> str:
    """`text`, whose only whitespace is the space, with each run of spaces one, none at its
    ends. Split at the double spaces (one search in C): what lies between holds single spaces
    only, a run's ends being stripped; not replace("  ", " ") until none is left, which
    counts, copies and searches the text again."""
    if "  " not in text:
        return text.strip(" ")
    return " ".join(filter(None, map(str.strip, text.split("  "))))


# Dashes a reader takes for the hyphen of a model number: hyphen, non-breaking hyphen, figure
# dash, en and em dash, horizontal bar, minus sign, and the forms NFKC would turn into one of
# them (superscript and subscript minus, small and vertical dashes). NFKC itself makes the
# full-width and small hyphen-minus "-".
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u207b\u208b\ufe31\ufe32\ufe58"
# Trade marks a reader skips: "Galaxy S24™" shows Galaxy S24 (NFKC would make it S24TM).
MARKS = "\u2122\u2120\u00ae"
_SEEN_AS = [(dash, "-") for dash in DASHES] + [(mark, " ") for mark in MARKS]

# Unicode puts every format character (category Cf) in the BMP, plane 1 or the tags block of
# plane 14; scanning only those is an eighth of all 1.1 million code points (tests/test_text.py
# checks that none is elsewhere in the running Python's tables).
_CF_RANGES = (range(0xD800), range(0xE000, 0x20000), range(0xE0000, 0xE1000))


@lru_cache(maxsize=1)
def _invisible() -> tuple[re.Pattern[str], frozenset[str]]:
    """A pattern finding the format characters (Unicode category Cf: zero-width space and
    joiners, soft hyphen, word joiner, BOM, LRM/RLM...), and the set of them. Built on the
    first text that has an unprintable character, from the running Python's Unicode tables
    (once), so that `import` and `--help` stay fast."""
    chars = format_characters()
    bmp = [c for c in chars if c <= "\uffff"]
    astral = [c for c in chars if c > "\uffff"]
    # One character class, tested in C: the BMP's as a bitmap, the few astral ones (tags,
    # musical and shorthand controls) as one range around them, far faster than a range each;
    # _plain() keeps the other characters of that range (emoji).
    ranges = [f"{re.escape(a)}-{re.escape(b)}" for a, b in _runs(bmp)]
    ranges.append(f"{re.escape(astral[0])}-{re.escape(astral[-1])}" if astral else "")
    return re.compile("[" + "".join(ranges) + "]"), frozenset(chars)


def format_characters(ranges: tuple[range, ...] = _CF_RANGES) -> list[str]:
    """The characters of category Cf in `ranges`, in order, from the running Python's tables."""
    codes = array("I", itertools.chain.from_iterable(ranges)).tobytes()  # 4 bytes a character
    chars = codes.decode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")
    found = []
    for start in range(0, len(chars), 256):
        block = chars[start : start + 256]
        if not block.isprintable():  # most blocks are all letters: no format character
            found += itertools.compress(block, map("Cf".__eq__, map(unicodedata.category, block)))
    return found


def _runs(chars: list[str]) -> list[tuple[str, str]]:
    """Sorted characters as runs of consecutive code points: (first, last)."""
    runs: list[tuple[str, str]] = []
    for char in chars:
        if runs and ord(char) == ord(runs[-1][1]) + 1:
            runs[-1] = (runs[-1][0], char)
        else:
            runs.append((char, char))
    return runs


def _plain(text: str) -> str:
    """`text` as a reader sees it, case kept: format characters dropped, dashes made "-", trade
    marks a space, then NFKC (full-width letters and digits, ligatures, non-breaking spaces,
    accents composed).

    Format characters go first: one between a letter and its accent would keep NFKC from
    composing them. ASCII is left as it is: it has none of these, and NFKC never changes it
    (most English pages, and most manifests' words). The checks in C (isprintable, `in`) keep
    the usual page, with none of them either, from paying for the replacements."""
    if text.isascii():
        return text
    if not text.isprintable():  # a format character is never printable
        pattern, invisible = _invisible()
        text = pattern.sub(lambda found: "" if found[0] in invisible else found[0], text)
    for char, seen_as in _SEEN_AS:
        if char in text:
            text = text.replace(char, seen_as)
    return unicodedata.normalize("NFKC", text)


def visible(text: str) -> str:
    """`text` without its format characters (soft hyphen, zero-width space, joiners: category
    Cf), nothing else changed: what a reader sees, fit to quote as evidence and to match with
    patterns ("ausver\\u00adkauft" is ausverkauft)."""
    if text.isascii() or text.isprintable():
        return text
    pattern, invisible = _invisible()
    return pattern.sub(lambda found: "" if found[0] in invisible else found[0], text)


def _folded(text: str) -> str:
    """fold() without collapsing whitespace: for a page's text, matched by patterns that take
    any run of whitespace for one space (collapsing 30 KB of text cost more than the rest)."""
    if text.isascii():
        return text.casefold()
    # casefold can undo NFKC (ǰ folds to j + a combining caron, ΐ likewise), hence NFKC once
    # more, as Unicode's NFKC_Casefold does: then fold(fold(x)) == fold(x).
    return unicodedata.normalize("NFKC", _plain(text).casefold())


def fold(text: str) -> str:
    """The one form in which cxlint compares the campaign's words with a site's, so that what
    reads the same is the same. In this order: format characters dropped (first, or one between
    a letter and its accent would keep NFKC from composing them); dashes made "-" and trade
    marks a space; NFKC; casefold; NFKC again (casefold can undo it); every run of whitespace
    one space, none at either end. ASCII needs only casefold and the spaces, as before.
    For display, keep the text as written: fold only to compare."""
    return " ".join(_folded(text).split())


@lru_cache(maxsize=4)
def _folded_page(text: str) -> str:
    """_folded() of a non-ASCII page text, kept for the rules that look in the same text for
    each of a product's name, aliases and model spellings."""
    return _folded(text)


def _haystack(text: str) -> str:
    return text.casefold() if text.isascii() else _folded_page(text)


def contains(haystack: str, term: str) -> bool:
    """Whether `term` appears in `haystack` as whole words, as a reader would read them: the
    same characters whatever their bytes, ignoring case and spacing."""
    return _found(_haystack(haystack), fold(term))


def _is_word(char: str) -> bool:
    """What the regex `\\w` matches in a str pattern: a letter, a digit or "_"."""
    return char.isalnum() or char == "_"


def _found(haystack: str, term: str) -> bool:
    """contains() for a haystack and a term already folded: each place the term's first word
    starts at a word boundary, its words follow one another across any whitespace, and the
    last ends at one. Found with `str.find` in C, not a regex: a model number's pattern is
    used once, and compiling it cost more than the search (a tenth of a product's rules)."""
    words = term.split(" ")
    first = words[0]
    if not first or not all(word in haystack for word in words):
        return False
    end_of_text = len(haystack)
    start = haystack.find(first)
    while start >= 0:
        if start == 0 or not _is_word(haystack[start - 1]):
            end = _words_follow(haystack, start + len(first), words[1:])
            if end is not None and (end == end_of_text or not _is_word(haystack[end])):
                return True
        start = haystack.find(first, start + 1)
    return False


def _words_follow(haystack: str, at: int, words: list[str]) -> int | None:
    """Where `words` end when each follows some whitespace from `at` on; None if not."""
    for word in words:
        gap = at
        while gap < len(haystack) and haystack[gap].isspace():
            gap += 1
        if gap == at or not haystack.startswith(word, gap):
            return None
        at = gap + len(word)
    return at


def model_variants(model: str) -> list[str]:
    """Spellings people type for a model number: V710 → v710, V-710, V 710 (and back). A model
    pasted full-width or with invisible characters (ＶＸ７１０, V\\u200b710) also as typed."""
    plain = _plain(model)
    compact = re.sub(r"[\s\-_./]+", "", plain)
    split = re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", "-", compact)
    candidates = [
        model,
        plain,
        plain.lower(),
        compact,
        compact.lower(),
        split,
        split.replace("-", " "),
    ]
    seen: list[str] = []
    for candidate in candidates:
        if candidate and candidate not in seen:
            seen.append(candidate)
    return seen


def contains_any_spelling(haystack: str, model: str) -> str | None:
    """The spelling of `model` the text uses (exact first), or None."""
    text = _haystack(haystack)
    for variant, term in _spellings(model):
        if _found(text, term):
            return variant
    return None


@lru_cache(maxsize=1024)
def _spellings(model: str) -> tuple[tuple[str, str], ...]:
    """Each spelling of `model` with its folded form, in order, one per folded form (V710 and
    v710 are one search of the folded text). Kept per model: the rules ask for the same
    product's model against several texts of a page (its offers, its product data, its
    text), and spelling and folding it anew cost more than the searches."""
    found: dict[str, str] = {}
    for variant in model_variants(model):
        found.setdefault(fold(variant), variant)
    return tuple((variant, term) for term, variant in found.items())

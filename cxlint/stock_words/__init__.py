"""Stock wording in many languages, kept as data: one YAML file a language in this folder
(`en.yaml`, `de.yaml`, `ja.yaml`...), reviewed like the rules. Each file holds:

- `gone`: phrases that say the product cannot be bought now (out of stock, sold out,
  discontinued, currently unavailable...);
- `later`: phrases that say it can be ordered but comes later (pre-order, back order);
- `labels`: short stock labels, read only when a block of the product says nothing else
  ("Unavailable", "Nicht verfügbar"); every `gone` phrase is such a label too;
- `label_prefixes`: what may stand before a label ("Availability:", "Verfügbarkeit:");
- `not_this_product`: words that, a few words before a phrase in its sentence or right after
  it, make it about something else than the product's stock: `pickup` (in store, click &
  collect), `delivery` (shipping options), `sellers` (other sellers, marketplace offers);
- `general`: items in general, just before or right after a phrase: a shop's policy
  ("some items are out of stock", "sold-out items are refunded");
- `negations` (up to two words before a phrase) and `negations_after` (right after it, for
  the languages that say "not" or "almost" after the words: 売り切れ間近, 품절임박);
- `conditions` (up to four words before) and `conditions_after` (right after: 在庫切れの場合):
  a condition or a policy ("if we're out of stock of an item, we..."), not this product's news;
- `answers_no`: a detail table's "no" right after a phrase ("Discontinued: No").

A phrase in a question ("Find something you want but it's not in stock?") is no news either.

Phrases are matched case-insensitively, whole words where the script has spaces (not in
Chinese, Japanese or Korean); a space or hyphen in a phrase matches any run of spaces and
hyphens. The files are read once, checked against a small schema (a malformed file is an
error naming it), and compiled into one pattern for all languages: the text of a product's
block is searched once, whatever its language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from cxlint.text import fold

if TYPE_CHECKING:
    import jsonschema

_WORDS = {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 80}}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "language",
        "name",
        "gone",
        "later",
        "labels",
        "not_this_product",
        "negations",
        "conditions",
        "answers_no",
    ],
    "additionalProperties": False,
    "properties": {
        "language": {"type": "string", "pattern": "^[a-z]{2,3}$"},
        "name": {"type": "string", "minLength": 1},
        "gone": {**_WORDS, "minItems": 1},
        "later": _WORDS,
        "labels": _WORDS,
        "label_prefixes": _WORDS,
        "not_this_product": {
            "type": "object",
            "required": ["pickup", "delivery", "sellers"],
            "additionalProperties": False,
            "properties": {"pickup": _WORDS, "delivery": _WORDS, "sellers": _WORDS},
        },
        "general": _WORDS,
        "negations": _WORDS,
        "negations_after": _WORDS,
        "conditions": _WORDS,
        "conditions_after": _WORDS,
        "answers_no": _WORDS,
    },
}


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema  # 0.07 s to import: only files being checked need it

    return jsonschema.Draft202012Validator(SCHEMA)


class StockWordsError(ValueError):
    """A stock words file that cannot be used: its name and what is wrong."""


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    data: dict[str, Any]


def parse(name: str, text: str, *, checked: bool = True) -> Language:
    """One language's file, checked against SCHEMA: StockWordsError names the file and the
    problem. checked=False skips the schema: the package's own files, which the tests check
    (tests/test_stock_words.py), read at every run."""
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        raise StockWordsError(f"stock words file {name}: not valid YAML: {error}") from None
    error = next(iter(_validator().iter_errors(data)), None) if checked else None
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the file"
        raise StockWordsError(f"stock words file {name}: {where}: {error.message}") from None
    stem = name.rsplit("/", 1)[-1].removesuffix(".yaml")
    if data["language"] != stem:
        raise StockWordsError(
            f"stock words file {name}: language {data['language']!r} must equal the file's name"
        )
    return Language(data["language"], data["name"], data)


@cache
def languages() -> tuple[Language, ...]:
    """Every language's file in the package, read and checked once."""
    folder = resources.files(__name__)
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            text = entry.read_text("utf-8")
            found.append(parse(f"cxlint/stock_words/{entry.name}", text, checked=False))
    return tuple(found)


# --- compiling the phrases ----------------------------------------------------------------------

# Scripts written without spaces between words: no word boundary around their phrases.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u1100-\u11ff\uf900-\ufaff]")
_GAP = r"[\s\-\u2010\u2011]+"  # a space or hyphen in a phrase: any run of them in the text
_GAP_TOKEN = ""  # the gap in a phrase's tokens (no character is empty)


def _tokens(phrase: str) -> list[str]:
    """A phrase, lower case, as characters and gaps (a run of spaces or hyphens)."""
    tokens: list[str] = []
    for char in phrase.strip().lower():
        if char.isspace() or char == "-":
            if tokens and tokens[-1] != _GAP_TOKEN:
                tokens.append(_GAP_TOKEN)
        else:
            tokens.append(char)
    return tokens


def _spaced_end(char: str) -> bool:
    """Whether a phrase that ends (or begins) with `char` must end (begin) a word there."""
    return char.isalnum() and not _UNSPACED.match(char)


def _trie(phrases: list[str]) -> str:
    """The phrases as one pattern, a trie: a position of the text is tried against the
    phrases that start with its character only, and the longest phrase at a place wins.
    Phrases of spaced scripts end a word (their start is checked by `find`)."""
    root: dict[str, Any] = {}
    for phrase in phrases:
        tokens = _tokens(phrase)
        if not tokens:
            continue
        node = root
        for token in tokens:
            node = node.setdefault(token, {})
        node["end"] = r"(?!\w)" if _spaced_end(tokens[-1]) else ""

    def pattern(node: dict[str, Any]) -> str:
        branches = []
        for token in sorted(k for k in node if k != "end"):
            head = _GAP if token == _GAP_TOKEN else re.escape(token)
            branches.append(head + pattern(node[token]))
        if "end" in node:
            branches.append(node["end"])  # last: a longer phrase first
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return pattern(root) if root else r"(?!)"


def _scanner(phrases: list[str]) -> str:
    """The phrases as the pattern a page's text is searched with: at each position of a long
    text, a word boundary (or, for the unspaced scripts, the set of their first characters)
    is tested first, in C, before any phrase (four times faster on 25 KB than the trie
    alone, whose first letters are most of the alphabet)."""
    spaced = [p for p in phrases if p.strip() and _spaced_end(p.strip()[0])]
    others = [p for p in phrases if p.strip() and not _spaced_end(p.strip()[0])]
    parts = []
    for group, head in ((spaced, r"\b"), (others, "")):
        if group:
            first = "".join(sorted({_tokens(p)[0] for p in group}))
            parts.append(rf"{head}(?=[{re.escape(first)}]){_trie(group)}")
    return "|".join(parts) or r"(?!)"


def _alternation(phrases: list[str]) -> str:
    """The phrases as one pattern (a trie), whole words where their script has them."""
    spaced = [p for p in phrases if p.strip() and _spaced_end(p.strip()[0])]
    others = [p for p in phrases if p.strip() and not _spaced_end(p.strip()[0])]
    parts = [rf"(?<!\w){_trie(spaced)}"] if spaced else []
    parts += [_trie(others)] if others else []
    return "(?:" + "|".join(parts) + ")" if parts else r"(?!)"


def _collect(key: str, sub: str | None = None) -> list[str]:
    found: list[str] = []
    for language in languages():
        value = language.data.get(key) or ([] if sub is None else {})
        found += value.get(sub, []) if sub is not None else value
    return found


def _split(words: list[str]) -> tuple[list[str], list[str]]:
    """Words of the spaced scripts, and those of the unspaced ones."""
    unspaced = [w for w in words if _UNSPACED.search(w)]
    return [w for w in words if not _UNSPACED.search(w)], unspaced


def _before(words: list[str], spaced_gap: int, unspaced_gap: int) -> re.Pattern[str]:
    """A pattern for the text just before a phrase (its sentence's part): one of `words`,
    then at most `spaced_gap` words (spaced scripts) or `unspaced_gap` characters (the
    others) up to the phrase."""
    spaced, unspaced = _split(words)
    parts = []
    if spaced:
        parts.append(rf"(?:{_alternation(spaced)})(?:\W*+\w++){{0,{spaced_gap}}}\W*$")
    if unspaced:
        parts.append(rf"(?:{_alternation(unspaced)})[^.!?。！？]{{0,{unspaced_gap}}}$")
    return re.compile("|".join(parts) or r"(?!)", re.I)


def _after(words: list[str], spaced_gap: int = 0) -> re.Pattern[str]:
    """A pattern for the text right after a phrase: one of `words`, after at most
    `spaced_gap` words."""
    gap = rf"(?:\w++\W*+){{0,{spaced_gap}}}" if spaced_gap else ""
    return re.compile(rf"^[\s:：,]*{gap}(?:{_alternation(words)})", re.I)


@dataclass(frozen=True)
class Matcher:
    words: re.Pattern[str]  # every gone and later phrase, for a text in lower case
    trie: str  # its source, compiled ignoring case for a text lower() changes the length of
    kinds: dict[str, str]  # a phrase, its gaps one space → "gone" or "later"
    negated: re.Pattern[str]
    negated_after: re.Pattern[str]
    condition: re.Pattern[str]
    condition_after: re.Pattern[str]
    general: re.Pattern[str]
    general_after: re.Pattern[str]
    elsewhere: re.Pattern[str]
    elsewhere_after: re.Pattern[str]
    answer_no: re.Pattern[str]
    answers_no: frozenset[str]
    labels: frozenset[str]
    label_prefix: re.Pattern[str]
    fulfilment: re.Pattern[str]


def _key(words: str) -> str:
    return " ".join(re.split(r"[\s\-\u2010\u2011]+", words.strip().lower()))


@cache
def matcher() -> Matcher:
    """The compiled patterns of every language's file, built once."""
    gone, later = _collect("gone"), _collect("later")
    kinds = {_key(p): "later" for p in later} | {_key(p): "gone" for p in gone}
    trie = _scanner([*gone, *later])
    elsewhere = [
        w for kind in ("pickup", "delivery", "sellers") for w in _collect("not_this_product", kind)
    ]
    answers = _collect("answers_no")
    no = f"(?:{_alternation(answers)})"
    prefixes = sorted({fold(p) for p in _collect("label_prefixes")}, key=len, reverse=True)
    return Matcher(
        words=re.compile(trie),
        trie=trie,
        kinds=kinds,
        negated=_before(_collect("negations"), 2, 2),
        negated_after=_after(_collect("negations_after")),
        condition=_before(_collect("conditions"), 4, 30),
        condition_after=_after(_collect("conditions_after")),
        general=_before(_collect("general"), 3, 6),
        general_after=_after(_collect("general")),
        elsewhere=_before(elsewhere, 3, 12),
        elsewhere_after=_after(elsewhere, 3),
        # "Discontinued: No", "Discontinued by manufacturer: No", "Discontinued No" at the end
        answer_no=re.compile(rf"^(?:\W*+\w++){{0,3}}\s*[:：]\s*{no}|^\s*{no}\s*$", re.I),
        answers_no=frozenset(w.lower() for w in answers),
        labels=frozenset(_label_key(fold(p)) for p in [*gone, *_collect("labels")]),
        label_prefix=re.compile(
            r"^(?:" + "|".join(re.escape(p) for p in prefixes) + r")\s*[:：]\s*"
        ),
        fulfilment=re.compile(_alternation(elsewhere), re.I),
    )


def _label_key(folded: str) -> str:
    return " ".join(folded.replace("-", " ").split())


# --- reading a text -----------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?;…。！？](?=\s|$)|[。！？]")
_WORD_CHAR = re.compile(r"\w")
_BEFORE_REACH = 60  # characters before a phrase read for its negation, condition, context
_AFTER_REACH = 40


@dataclass(frozen=True)
class Found:
    kind: str  # "gone" or "later"
    start: int
    end: int
    words: str  # the phrase as the text writes it


def scan(text: str, spans: list[tuple[int, int]] | None = None) -> list[Found]:
    """Every phrase of `text` (of its `spans` only, when given: (start, end) pairs in order,
    not overlapping), left to right, the longest at each place, whatever its context: the
    one compiled pattern, searched once."""
    m = matcher()
    lower = text.lower()
    pattern, haystack = (m.words, lower) if len(lower) == len(text) else (_any_case(m.trie), text)
    found: list[Found] = []
    for begin, stop in spans if spans is not None else [(0, len(text))]:
        found += _scan(pattern, haystack, text, begin, stop, m.kinds)
    return found


def _scan(
    pattern: re.Pattern[str], haystack: str, text: str, at: int, stop: int, kinds: dict[str, str]
) -> list[Found]:
    found = []
    while True:
        match = pattern.search(haystack, at, stop)
        if match is None:
            return found
        start, end = match.span()
        if start and _spaced_end(haystack[start]) and _WORD_CHAR.match(haystack, start - 1):
            at = start + 1  # inside a word: "unsold out" is no "sold out"
            continue
        found.append(Found(kinds.get(_key(match.group(0)), "gone"), start, end, text[start:end]))
        at = end


def find(
    text: str, kind: str | None = None, spans: list[tuple[int, int]] | None = None
) -> list[Found]:
    """The phrases of `text` that say the product cannot be bought ("gone") or comes only
    later ("later"), in order, leaving out those negated ("never out of stock"), in a condition
    or a policy ("if an item is out of stock", "sold-out items"), about a way to get it or
    another seller ("Store pickup: not available", "other sellers: sold out"), and a detail
    table's field answered no ("Discontinued: No"). Only in `spans` of the text when given
    (the words around a phrase are read all the same)."""
    m = matcher()
    found: list[Found] = []
    for phrase in scan(text, spans):
        what, start, end = phrase.kind, phrase.start, phrase.end
        if kind is not None and what != kind:
            continue
        before = text[max(0, start - _BEFORE_REACH) : start]
        ends = [e.end() for e in _SENTENCE_END.finditer(before)]
        if ends:
            before = before[ends[-1] :]  # its own sentence only
        after = text[end : end + _AFTER_REACH]
        stop = _SENTENCE_END.search(after)
        if stop is not None:
            after = after[: stop.start()]
        if stop is not None and stop.group(0) in "?？":
            continue  # a question ("Find something you want but it's not in stock?")
        if (
            m.negated.search(before)
            or m.condition.search(before)
            or m.general.search(before)
            or m.elsewhere.search(before)
            or m.negated_after.match(after)
            or m.condition_after.match(after)
            or m.general_after.match(after)
            or m.elsewhere_after.match(after)
            or m.answer_no.match(after)
            or _cell_no(after, m.answers_no)
        ):
            continue
        found.append(Found(what, start, end, text[start:end]))
    return found


_NEXT_CELL = re.compile(r"\s+(\w+)(?:\s+(\S))?")


def _cell_no(after: str, answers: frozenset[str]) -> bool:
    """A detail table's cell answering no, without a colon ("Discontinued No Brand Acme"):
    capitalised, then the next field's capital; not a sentence ("esgotado no momento")."""
    cell = _NEXT_CELL.match(after)
    if cell is None or not cell[1][0].isupper() or cell[1].lower() not in answers:
        return False
    return cell[2] is None or cell[2][0].isupper()


@cache
def _any_case(trie: str) -> re.Pattern[str]:
    return re.compile(trie, re.I)


_LABEL_TRIM = " .!:;-–—*()[]"


def label(words: str) -> str | None:
    """The stock label `words` are, folded, when they say the product cannot be bought:
    "Unavailable", "Availability: Sold out", "ausver\\u00adkauft" (a soft hyphen is no
    defence), "在庫切れ"."""
    return _label(words) if len(words) <= 60 else None


# Each short block of a product's text is asked (a real page has hundreds), and a site's pages
# repeat theirs ("Add to cart", "Size", "Free delivery"): answers are remembered, boundedly.
@lru_cache(maxsize=50_000)
def _label(words: str) -> str | None:
    m = matcher()
    folded = m.label_prefix.sub("", fold(words).strip(_LABEL_TRIM)).strip(_LABEL_TRIM)
    return folded if _label_key(folded) in m.labels else None


def answers_no(words: str) -> bool:
    """Whether `words` are a detail table's answer no ("No", "Nein", "いいえ")."""
    return fold(words).strip(_LABEL_TRIM) in matcher().answers_no


def about_fulfilment(words: str) -> bool:
    """Whether `words` speak of a way to get the product or another seller (the block before
    a stock label: "Store pickup" then "Not available")."""
    return matcher().fulfilment.search(words) is not None

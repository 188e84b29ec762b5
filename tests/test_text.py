"""Matching printed words against page text as a reader does (cxlint/text.py)."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlint.text import (
    SPACES,
    collapse,
    contains,
    contains_any_spelling,
    fold,
    format_characters,
    model_variants,
)


@pytest.mark.parametrize(
    ("haystack", "term", "expected"),
    [
        ("The Motorola RAZR V710 is here", "v710", True),
        ("The Motorola RAZR V7100 is here", "V710", False),  # whole words only
        ("model XV710 inside", "V710", False),
        ("RAZR\n\t  V710", "razr v710", True),  # any spacing between words
        ("RAZR-V710", "razr v710", False),  # a hyphen is not a space
        ("V710 RAZR", "razr v710", False),  # words in order
        ("Straße 5", "STRASSE 5", True),  # casefolded, not only lower-cased
        ("anything", "   ", False),
        ("", "V710", False),
    ],
)
def test_contains(haystack: str, term: str, expected: bool) -> None:
    assert contains(haystack, term) is expected


def test_contains_any_spelling_names_the_spelling_found() -> None:
    assert contains_any_spelling("Buy the V-710 today", "V710") == "V-710"
    assert contains_any_spelling("Buy the v 710 today", "V710") == "V 710"
    assert contains_any_spelling("Buy the V7100 today", "V710") is None


# --- fold: same characters, different bytes ---------------------------------------------------

FULL_WIDTH_VX710 = "\uff36\uff38\uff17\uff11\uff10"  # ＶＸ７１０, as a Japanese spreadsheet has it

# (on the page, in the manifest): a reader sees the same thing
READ_ALIKE = [
    (FULL_WIDTH_VX710, "VX710"),
    ("V\u200b710", "V710"),  # zero-width space, from a CMS
    ("V\u00ad710", "V710"),  # soft hyphen
    ("V\u200c71\u200d0", "V710"),  # zero-width non-joiner and joiner
    ("\ufeffV\u2060710", "V710"),  # byte-order mark, word joiner
    ("\u200eV710\u200f", "V710"),  # left-to-right and right-to-left marks
    ("Cafe\u0301", "Caf\u00e9"),  # é decomposed (NFD) and composed (NFC)
    ("Galaxy\u00a0S24", "Galaxy S24"),  # non-breaking spaces
    ("Galaxy\u202fS24", "Galaxy S24"),
    ("Galaxy\u2007S24", "Galaxy S24"),
    ("SM\u2013S921B", "SM-S921B"),  # en dash
    ("SM\u2014S921B", "SM-S921B"),  # em dash
    ("SM\u2212S921B", "SM-S921B"),  # minus sign
    ("SM\u2011S921B", "SM-S921B"),  # non-breaking hyphen
    ("SM\u2010S921B", "SM\u2012S921B"),  # hyphen, figure dash
    ("SM\uff0dS921B", "SM-S921B"),  # full-width hyphen-minus
    ("Galaxy S24\u2122", "Galaxy S24"),  # a trade mark (NFKC alone would make it S24TM)
    ("Windows\u00ae 11", "Windows 11"),
    ("STRASSE", "stra\u00dfe"),  # casefolded, not only lower-cased
    ("\u3392", "MHz"),  # ㎒: NFKC, then casefold
    ("V710 \U000e0067", "V710"),  # a tag character (flag emoji sequences) is a format one too
]


@pytest.mark.parametrize(("page", "manifest"), READ_ALIKE)
def test_what_reads_alike_folds_alike_and_matches_both_ways(page: str, manifest: str) -> None:
    assert fold(page) == fold(manifest)
    assert contains(f"Buy the {page} today", manifest)
    assert contains(f"Buy the {manifest} today", page)


@pytest.mark.parametrize(
    ("haystack", "term"),
    [
        ("Galaxy S24 SM\u2013S921U", "SM-S921B"),  # another model, whatever its dash
        (FULL_WIDTH_VX710 + "\uff10", "VX710"),  # full-width VX7100 is not VX710
        ("V710\u200bX", "V710"),  # V710X to a reader: the zero-width space joins, not splits
        ("\u01f0", "j"),  # ǰ is not j: casefold decomposes it, NFKC composes it again
        ("Caf\u00e9", "Cafe"),
    ],
)
def test_what_reads_differently_does_not_match(haystack: str, term: str) -> None:
    assert not contains(haystack, term)


def test_a_model_pasted_full_width_is_found_and_reported_as_written() -> None:
    assert model_variants(FULL_WIDTH_VX710)[:2] == [FULL_WIDTH_VX710, "VX710"]
    assert "VX-710" in model_variants(FULL_WIDTH_VX710)
    assert model_variants("SM\u2013S921B")[1] == "SM-S921B"
    assert contains_any_spelling("Camera phone VX710", FULL_WIDTH_VX710) == FULL_WIDTH_VX710
    assert contains_any_spelling("Camera phone VX-710", FULL_WIDTH_VX710) == "VX-710"
    assert contains_any_spelling("Camera phone VX7100", FULL_WIDTH_VX710) is None


def test_ascii_models_have_the_spellings_they_always_had() -> None:
    assert model_variants("V710") == ["V710", "v710", "V-710", "V 710"]


def test_emoji_and_other_characters_beside_format_ones_are_kept() -> None:
    # the pattern finding astral format characters spans the emoji between them
    assert fold("V710 \U0001f600 \U0001d11e \U00020000") == "v710 \U0001f600 \U0001d11e \U00020000"
    # England's flag: a black flag, tag characters (format), a cancel tag (format)
    assert fold("\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f") == (
        "\U0001f3f4"
    )
    assert fold("V710\u2028\x85\u3000x") == "v710 x"  # every kind of whitespace is one space


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_fold_of_ascii_is_the_old_casefold_and_collapse(text: str) -> None:
    assert fold(text) == re.sub(r"\s+", " ", text).strip().casefold()


MODEL = st.from_regex(r"[A-Za-z]{1,4}[-]?[0-9]{1,5}[A-Za-z]?", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(MODEL, st.data())
def test_a_model_is_found_however_the_page_encodes_it(model: str, data: st.DataObject) -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) if c != "-" else "\u2013" for c in model)
    at = data.draw(st.integers(0, len(model)))
    invisible = data.draw(st.sampled_from(["\u200b", "\u00ad", "\u2060", "\ufeff", "\u200d"]))
    for page in (full_width, model[:at] + invisible + model[at:]):
        assert contains_any_spelling(f"Model: {page}.", model) == model
        assert contains_any_spelling(f"Model: {model}.", page) == page


def test_the_format_characters_scanned_are_all_there_are() -> None:
    """text.py scans only the planes where Unicode puts format characters, to build its table
    fast: no format character of this Python's Unicode tables is elsewhere."""
    everything = (range(0xD800), range(0xE000, sys.maxunicode + 1))
    found = format_characters()
    assert found == format_characters(everything)
    assert found == [chr(c) for r in everything for c in r if unicodedata.category(chr(c)) == "Cf"]
    assert {"\u00ad", "\u200b", "\u200c", "\u200d", "\u200e", "\u2060", "\ufeff"} <= set(found)


def test_collapse_knows_every_space_python_splits_at() -> None:
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()} - {" "}
    assert set(SPACES) == spaces


# long texts (the replace path) and short ones, of words and every kind of space
_PIECES = st.sampled_from(["a", "bé", "\u200b", "x" * 300, " " * 40, *SPACES, " "])


@given(st.lists(_PIECES, max_size=60).map("".join))
@settings(max_examples=300)
def test_collapse_is_the_split_and_join_it_replaces(text: str) -> None:
    assert collapse(text) == " ".join(text.split())


def _regex_found(haystack: str, term: str) -> bool:
    """The whole-word search contains() made with a regex before it used str.find."""
    pattern = r"(?<![\w])" + re.escape(term).replace(r"\ ", r"\s+") + r"(?![\w])"
    return bool(term.split(" ")[0]) and re.search(pattern, haystack) is not None


# words, their pieces, separators a word boundary stops or does not stop at, and spaces
_TEXT = st.sampled_from(["v710", "v", "710", "razr", "_", "-", "é", "٣", " ", "\t", "\xa0", "."])


@given(st.lists(_TEXT, max_size=14).map("".join), st.lists(_TEXT, max_size=5).map("".join))
@settings(max_examples=1500)
def test_contains_finds_whole_words_as_the_regex_did(haystack: str, term: str) -> None:
    from cxlint.text import _found

    term = " ".join(term.split())  # a folded term: words one space apart
    assert _found(haystack, term) is _regex_found(haystack, term)

"""Matching printed words against page text as a reader does (cxlint/text.py)."""

from __future__ import annotations

import pytest

from cxlint.text import contains, contains_any_spelling


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

"""near_marks finds exactly what a whole-text scan finds, for each pattern cxlint scans so.
(Stock words are no longer scanned so: one compiled trie over the product's block, tested in
tests/test_stock_words.py.)"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlint import prices
from cxlint.textscan import near_marks

# (pattern, its marks, reach, ignore_case) as their modules call near_marks. Numbers stay
# shorter than the reach (each is followed by a space): amounts longer are no prices.
SCANS = {
    "amounts": (prices._MONEY, prices._MARKS, prices._REACH, False),
}

WORDS = [
    "$",
    "€",
    "£",
    "US$",
    "zł",
    "kr",
    "USD",
    "EUR",
    "EURO",
    "V710",
    "1,299.00",
    "19.99",
    "7",
    "1 299,00",
    "2.000",
    "Skr",
    "USDX",
    "Out of stock",
    "out-of-STOCK",
    "sold out",
    "Sold-Out",
    "discontinued",
    "no longer available",
    "No Longer made",
    "currently unavailable",
    "temporarily out of stock",
    "not available for purchase",
    "not currently available online",
    "this item is unavailable",
    "The product is currently unavailable",
    "never",
    "not",
    "isn't",
    "available for pre-order",
    "Pre-order now",
    "on backorder",
    "back-ordered",
    "preorder today",
    "stockist",
    "İstanbul",
    "ß",
    ".",
    ",",
    " ",
    "\u00a0",
    "-",
    "(",
    ")",
    "\n",
]


@pytest.mark.parametrize("name", sorted(SCANS))
@given(
    tokens=st.lists(
        st.one_of(st.sampled_from(WORDS), st.from_regex(r"[0-9]{1,12} ", fullmatch=True)),
        max_size=80,
    )
)
@settings(max_examples=300, deadline=None)
def test_scanning_near_marks_finds_what_a_whole_scan_finds(name: str, tokens: list[str]) -> None:
    pattern, marks, reach, ignore_case = SCANS[name]
    text = "".join(tokens)
    expected = [(m.start(), m.group(0)) for m in pattern.finditer(text)]
    found = near_marks(pattern, text, marks, reach, ignore_case=ignore_case)
    assert [(m.start(), m.group(0)) for m in found] == expected

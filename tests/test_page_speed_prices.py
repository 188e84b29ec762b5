"""The price reader's shortcuts read what a plain reading does: blocks without a digit or a
mark are skipped (cxlint.prices._blocks_to_read), and the elements inside nested marked
prices are walked once (_inside_marked)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from cxlint import prices, regions


def _every_block(text: str) -> list[str]:
    """The amounts of each non-blank block, as the reader found them before."""
    return [
        match.group(0)
        for block in text.split(regions.SEP)
        if block and not block.isspace()
        for match in prices._amounts(block)
    ]


def _read_blocks(text: str) -> list[str]:
    return [
        match.group(0) for block in prices._blocks_to_read(text) for match in prices._amounts(block)
    ]


# pieces of a product's text: words, amounts, marks, digits of other scripts, block ends
_PIECES = st.sampled_from(
    [
        " ",
        "  ",
        "\n",
        "\xa0",
        regions.SEP,
        regions.OLD,
        regions.END_OLD,
        "$",
        "€",
        "£",
        "kr",
        "USD",
        "EUR",
        "руб",
        "zł",
        "Kč",
        "Rs",
        "19",
        "1,299.00",
        "0.99",
        "5",
        ".",
        ",",
        "٣٤",
        "１２",
        "Price",
        "was",
        "Model TE-310",
        "size 42",
        "é",
        "x",
        "In stock",
    ]  # fmt: skip
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=80), st.integers(min_value=1, max_value=40))
def test_blocks_to_read_find_every_amount(pieces: list[str], repeat: int) -> None:
    text = "".join(pieces) * (1 + repeat // 10)
    assert _read_blocks(text) == _every_block(text)


def test_blocks_to_read_on_long_texts_of_both_kinds() -> None:
    # few digits in a long text: found by str.find; many: the text is scanned for marks
    filler = "lorem ipsum dolor sit amet " * 40
    sparse = regions.SEP.join([filler, "Price $19.99", filler, "Model 310", filler, "€ 5"])
    dense = regions.SEP.join(f"row {i} of {i * 7} items, 12 kr" for i in range(500))
    others = regions.SEP.join(["цена ٣٤ руб", "١٢ $"] * 100 + [filler])
    for text in (sparse, dense, others, "", regions.SEP, "$5"):
        assert _read_blocks(text) == _every_block(text)
    assert _read_blocks(sparse) == ["$19.99", "€ 5"]


def test_inside_marked_walks_nested_prices_once() -> None:
    root = etree.fromstring(
        '<div class="price"><span class="price"><b>19</b><i class="cents">99</i></span>'
        "<u>x</u></div>",
        etree.HTMLParser(),
    )
    marked = [e for e in root.iter() if e.get("class") == "price"]
    inner = prices._inside_marked(marked)
    assert [e.tag for e in inner] == ["span", "b", "i", "u"]

"""The regions' shortcuts read what a plain reading does: a product's blocks and the main
content's are split once from the main content's text (regions._blocks_around)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cxlint import regions

# pieces of a main content's text: words, spaces and block ends
_PIECES = st.sampled_from([" ", "  ", "a", "Sold out", " b ", "$5.00", regions.SEP])
_TEXTS = st.lists(_PIECES, max_size=12).map("".join)


def _plain(words: str, start: int, end: int) -> tuple[list[str], list[str]]:
    """What Regions.blocks read before: the marks replaced away, and the slice between."""
    main = regions._blocks(words.replace(regions.PRODUCT, "").replace(regions.END_PRODUCT, ""))
    return main, regions._blocks(words[start + 1 : end])


@settings(max_examples=1500)
@given(_TEXTS, _TEXTS, _TEXTS)
def test_blocks_around_reads_what_the_plain_split_does(head: str, inner: str, tail: str) -> None:
    # one mark of each, in order: Regions.blocks reads any other text the plain way
    words = f"{head}{regions.PRODUCT}{inner}{regions.END_PRODUCT}{tail}"
    start, end = words.find(regions.PRODUCT), words.find(regions.END_PRODUCT)
    assert regions._blocks_around(words, start, end) == _plain(words, start, end)


def test_blocks_around_joins_the_blocks_a_mark_stood_between() -> None:
    sep, start, end = regions.SEP, regions.PRODUCT, regions.END_PRODUCT
    for words in (
        f"Home{sep} crumbs {start}Title{sep}$5{end} more{sep}Footer",
        f"a {start} b {end} c",
        f"{start}{end}",
        f"{sep}{start}{sep}{sep}{end}{sep}",
        f"x{start}y{sep}z{end}w",
    ):
        at, to = words.find(start), words.find(end)
        assert regions._blocks_around(words, at, to) == _plain(words, at, to), words

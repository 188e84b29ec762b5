"""Stock labels are remembered per process (a site's pages repeat their blocks): the answer
remembered is the one read, and the memory is bounded."""

from __future__ import annotations

from cxlint import regions, stock_words


def test_a_remembered_label_is_the_one_read() -> None:
    words = ["Sold out", "Availability: Out of stock", "Add to cart", "ausver\u00adkauft", "x" * 61]
    first = [stock_words.label(w) for w in words]
    assert first[0] is not None and first[2] is None and first[4] is None
    assert [stock_words.label(w) for w in words] == first


def test_the_memory_is_bounded() -> None:
    for i in range(50_001):
        stock_words.label(f"block {i}")
    assert stock_words._label.cache_info().currsize == 50_000
    assert stock_words.label("Sold out") is not None
    assert stock_words._label.cache_info().currsize == 50_000


def test_blocks_are_stripped_and_empty_ones_dropped() -> None:
    sep = regions.SEP
    assert regions._blocks(f"{sep} a {sep}{sep} {sep}b  c {sep}") == ["a", "b  c"]

"""The regions' shortcuts read what a plain reading does: a product's blocks and the main
content's are split once from the main content's text (regions._blocks_around), and what
is left of the tree after the chrome is cut out is asked of a few elements (regions._alive),
links to a cart are found by str.find (regions._to_cart), and the main content's spaces are
taken for ASCII only when the body's text says so."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from cxlint import page, regions
from cxlint.model import Response
from cxlint.tree import INVISIBLE, drop, drop_non_text
from tests.benchmarks import store

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


def test_alive_asked_of_ancestors_is_the_set_of_the_tree() -> None:
    """What a few elements' ancestors say of them is what a set of the whole tree said."""
    html = store.product_page(store.product(7)).replace(
        "</article>", '<div class="related"><p class="price">$1.00</p></div></article>'
    )
    root = etree.fromstring(html.encode(), etree.HTMLParser())
    drop_non_text(root)
    drop(root, INVISIBLE)
    body = root.find(".//body")
    every = list(body.iter(etree.Element))
    found = regions.read(body)
    cut = {e for e, _ in found.chrome}
    whole = set(body.iter(etree.Element)) - cut
    assert 0 < len(whole) < len(every) - len(cut)  # some cut, some held by what was cut
    for at in range(0, len(every), 60):
        asked = every[at : at + 60]
        assert regions._alive(body, asked, cut) == {e for e in asked if e in whole}


# the letters of "cart" and "basket" in both cases, letters a case-insensitive match takes for
# them (long s, Kelvin sign), others whose case changes length or script, and a path's marks
_HREF = st.text(alphabet="cartbasketCARTBASKETſKİıßé/-_?=.%x", max_size=24)


@settings(max_examples=2000)
@given(_HREF)
def test_a_cart_link_is_found_as_the_pattern_finds_it(href: str) -> None:
    assert regions._to_cart(href) is (regions._CART_HREF.search(href) is not None)


def test_a_cart_link_in_any_case() -> None:
    for href in ("/cart", "/Shopping-CART?x", "/basket/add", "/BasKet", "/carton"):
        assert regions._to_cart(href)
    assert regions._to_cart("/ba\u017fket")  # a long s: not ASCII, matched by the pattern
    assert regions._to_cart("/\u212aart") is (regions._CART_HREF.search("/\u212aart") is not None)
    assert not regions._to_cart("/products/x") and not regions._to_cart("/bas-ket")


def test_the_main_content_of_a_page_read_without_its_whole_text_keeps_its_wide_spaces() -> None:
    """The body's text tells the main content's reader that ASCII spaces are all there is;
    a page read without that text must not say so."""
    html = store.product_page(store.product(3)).replace(
        "<h1>", "<p>" + "wide\u3000space\u2003" * 30 + "</p><h1>"
    )
    response = Response(
        url="http://bench.test/p",
        final_url="http://bench.test/p",
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        body=html.encode(),
    )
    full = page.parse_page(response, links=False)
    assert "wide space wide" in full.main_text
    alone = page._page_of(response, False, None, False, whole_text=False)
    assert (alone.main_text, alone.product_text) == (full.main_text, full.product_text)

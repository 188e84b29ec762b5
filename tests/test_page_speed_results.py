"""A results page whose search stayed on it is read without its whole text: the facts the
search reads of it (title, headings, results region, links) are those of a full read."""

from __future__ import annotations

import dataclasses

import pytest

from cxlint.model import Response
from cxlint.page import parse_results_page
from tests.benchmarks import store

PAGES = {
    "results": store.search_page(store.product(7)),
    "empty": store.empty_search_page(),
}


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("wanted", [None, lambda url: not url.endswith("/")])
def test_a_results_page_read_without_its_whole_text(name: str, wanted: object) -> None:
    url = "http://shop.test/search?q=x"
    response = Response(
        url=url,
        final_url=url,
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        body=PAGES[name].encode(),
    )
    full = parse_results_page(response, wanted)  # type: ignore[arg-type]
    light = parse_results_page(response, wanted, whole_text=False)  # type: ignore[arg-type]
    assert full.text and light.text == ""
    assert full.main_text  # the region the search reads, read alike
    assert dataclasses.replace(light, text=full.text) == full

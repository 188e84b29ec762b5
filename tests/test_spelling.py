"""Manifest typo or site fault (issue 15, item 4): one_edit against a textbook
Damerau-Levenshtein (optimal string alignment), the near spellings a page offers, and the fix
of a finding that asks about the manifest, against a real server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from cxlint.model import Response
from cxlint.page import parse_page
from cxlint.spelling import near_spelling, one_edit
from tests.rulecase import render_page, run_case


def osa_distance(a: str, b: str) -> int:
    """The textbook dynamic programme (optimal string alignment): the reference one_edit is
    checked against."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


# A small alphabet, so that near strings (one edit apart) come up often.
near_text = st.text(alphabet="ab8-", max_size=7)


@given(near_text, near_text)
def test_one_edit_is_exactly_distance_one(a: str, b: str) -> None:
    assert (one_edit(a, b) is not None) == (osa_distance(a, b) == 1)


@pytest.mark.parametrize(
    ("campaign", "page", "edit"),
    [
        ("mtb8", "mt8", "extra"),
        ("mt8", "mtb8", "missing"),
        ("v710", "v170", "swapped"),
        ("sms921b", "sms921u", "other"),
        ("v710", "v710", None),
        ("v710", "v7100x", None),
        ("v710", "x701", None),
    ],
)
def test_which_edit(campaign: str, page: str, edit: str | None) -> None:
    assert one_edit(campaign, page) == edit


def page_of(spec: dict[str, object]) -> object:
    html = render_page(spec).encode()
    url = "http://shop.test/p"
    headers = {"content-type": "text/html"}
    return parse_page(Response(url=url, final_url=url, status=200, headers=headers, body=html))


def test_a_model_in_a_name_two_words_long_is_found_as_written() -> None:
    page = page_of({"h1": "Galaxy S24 (SM S921U)"})
    near = near_spelling("SM-S921B", page)  # type: ignore[arg-type]
    assert near is not None and (near.spelling, near.where, near.edit) == (
        "SM S921U",
        "heading",
        "other",
    )
    assert not near.typo  # another variant is asked about, never called a typo


def test_a_word_without_the_digits_of_a_model_number_is_no_spelling_of_it() -> None:
    # "MTB" is one edit from MTB8, but a model number's near spelling keeps its digits
    assert near_spelling("MTB8", page_of({"h1": "MTB trail set"})) is None  # type: ignore[arg-type]
    near = near_spelling("MTB8", page_of({"h1": "MTB trail set MT8"}))  # type: ignore[arg-type]
    assert near is not None and near.spelling == "MT8"


def test_the_fix_points_at_the_manifest_line_first(httpserver: HTTPServer, tmp_path: Path) -> None:
    jsonld = [{"@type": "Product", "name": "Acme Fitness Tracker", "sku": "MT8"}]
    case = {
        "name": "typo",
        "rule": "model-not-on-product-page",
        "site": {"/p/t": {"page": {"h1": "Acme Fitness Tracker", "jsonld": jsonld}}},
        "manifest": {
            "products": [
                {"id": "t", "name": "Acme Fitness Tracker", "model": "MTB8", "url": "/p/t"}
            ]
        },
    }
    result = run_case(httpserver, case, tmp_path)
    (finding,) = [f for f in result.findings if f.rule == "model-not-on-product-page"]
    assert finding.line is not None
    assert finding.fix == (
        f"If MT8 is right, correct the model in the manifest (line {finding.line}); if MTB8 is "
        "right, ask the site team to add MTB8 to the product's title or heading and to its "
        "structured data (mpn)."
    )


def test_a_search_miss_with_a_near_spelling_asks_about_the_manifest_too(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    jsonld = [{"@type": "Product", "name": "Acme Fitness Tracker", "sku": "MT8"}]
    found = {"page": {"h1": "Results", "body": '<ul><li><a href="/p/t">Acme</a></li></ul>'}}
    case = {
        "name": "typo",
        "rule": "search-misses-product",
        "site": {
            "/p/t": {"page": {"h1": "Acme Fitness Tracker", "jsonld": jsonld}},
            "/search?q=MT8": found,
            "/search": {"page": {"h1": "Results", "text": "No results."}},
        },
        "manifest": {
            "site": {"search": "{base}/search?q={query}"},
            "products": [
                {"id": "t", "name": "Acme Fitness Tracker", "model": "MTB8", "url": "/p/t"}
            ],
        },
    }
    result = run_case(httpserver, case, tmp_path)
    (finding,) = [f for f in result.findings if f.rule == "search-misses-product"]
    assert finding.fix.startswith(
        f"If MT8 is right, correct the model in the manifest (line {finding.line}); "
        "if MTB8 is right, add MTB8 to the product title"
    )
    spelled = [q for q in finding.evidence["queries"] if q["kind"] == "page spelling"]
    assert spelled == [
        {
            "query": "MT8",
            "kind": "page spelling",
            "url": spelled[0]["url"],
            "results": 1,
            "rank": 1,
            "found": True,
            "signal": "listed at rank 1",
        }
    ]

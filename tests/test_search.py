"""Site search as a customer uses it, against real HTTP servers on 127.0.0.1: discovery in
each of its ways, reading results pages (broken, redirected, empty, fingerprinted), JSON search
APIs, one request per distinct query, and the demo store end to end through the CLI."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WResponse

from cxlint.cache import PageCache
from cxlint.cli import main
from cxlint.demo import campaign_text
from cxlint.fetch import Fetcher, FetchOptions
from cxlint.model import RunResult, SearchConfig
from cxlint.results_region import did_you_mean
from cxlint.search import EMPTY_PROBE, QueryResult, SiteSearch
from tests.rulecase import render_page, run_case
from tests.shared import CORPUS  # real pages, when here

SEARCH_RULES = ["search-misses-product", "search-partial-match", "search-not-found"]
PRODUCT = {"id": "x1", "name": "Phone X1", "model": "X1", "url": "/p/x1"}
PRODUCT_PAGE = {"page": {"title": "Phone X1", "h1": "Phone X1", "text": "Model X1"}}
X1_CATALOGUE = {"X1": [("/p/x1", "Phone X1")], "Phone X1": [("/p/x1", "Phone X1")]}


def html(body: str = "", head: str = "", h1: str = "Shop", title: str = "Shop") -> str:
    return render_page({"title": title, "h1": h1, "head": head, "body": body})


def results_page(*links: tuple[str, str]) -> str:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return html(f"<ul>{items}</ul>" if items else "<p>No results for your search</p>", h1="Search")


def search_handler(
    catalogue: dict[str, list[tuple[str, str]]], param: str = "q"
) -> Callable[[Request], WResponse]:
    """A tiny search engine: a query's results are the catalogue entry it names exactly."""

    def handle(request: Request) -> WResponse:
        query = request.args.get(param, "")
        return WResponse(results_page(*catalogue.get(query, [])), content_type="text/html")

    return handle


def run(
    server: HTTPServer,
    tmp_path: Path,
    site: dict[str, Any] | None = None,
    products: list[dict[str, Any]] | None = None,
    search: str | dict[str, Any] | None = None,
    rules: dict[str, Any] | None = None,
) -> RunResult:
    """Serve `site`, check a manifest with `products` (and `search`, `rules`) against it."""
    manifest: dict[str, Any] = {"products": products if products is not None else [PRODUCT]}
    if search is not None:
        manifest["site"] = {"search": search}
    if rules:
        manifest["rules"] = rules
    case = {
        "name": "search test",
        "rule": SEARCH_RULES[0],
        "with": SEARCH_RULES[1:],
        "site": site or {},
        "manifest": manifest,
    }
    return run_case(server, case, tmp_path)


def findings(result: RunResult, rule: str) -> list[Any]:
    return [f for f in result.findings if f.rule == rule]


def requested(server: HTTPServer, path: str) -> list[dict[str, list[str]]]:
    """The query strings of every request the server got for `path`."""
    return [parse_qs(req.query_string.decode()) for req, _ in server.log if req.path == path]


# --- discovery --------------------------------------------------------------------------------


OPENSEARCH = """<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>Shop</ShortName>
  <Url type="application/x-suggestions+json" template="/suggest?q={searchTerms}"/>
  <Url type="text/html"
       template="/find?text={searchTerms}&amp;page={startPage?}&amp;lang={language}"/>
  <Query role="example" searchTerms="Phone X1"/>
</OpenSearchDescription>"""


def test_opensearch_description_is_found_and_its_example_query_run(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    link = '<link rel="search" type="application/opensearchdescription+xml" href="/os.xml">'
    httpserver.expect_request("/find").respond_with_handler(search_handler(X1_CATALOGUE, "text"))
    site = {
        "/": {"body": html(head=link)},
        "/os.xml": {"body": OPENSEARCH, "content_type": "application/opensearchdescription+xml"},
        "/p/x1": PRODUCT_PAGE,
    }
    result = run(httpserver, tmp_path, site)
    base = httpserver.url_for("/").rstrip("/")
    assert result.search is not None
    assert result.search["method"] == "opensearch"
    # optional {startPage?} left empty, required {language} given its "any" value
    assert result.search["template"] == f"{base}/find?text={{query}}&page=&lang=*"
    assert result.search["source"] == f"{base}/os.xml"
    assert "example query 'Phone X1' gives 1 result" in result.search["tried"][0]["outcome"]
    assert {"text": ["Phone X1"], "lang": ["*"]}.items() <= requested(httpserver, "/find")[
        1
    ].items()
    assert result.findings == []
    checks = {c.rule: c.status for s in result.subjects for c in s.checks}
    assert checks["search-misses-product"] == "passed"


def test_opensearch_post_only_is_reported_and_the_next_method_used(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    description = OPENSEARCH.replace('type="text/html"', 'type="text/html" method="post"')
    link = '<link rel="search" type="application/opensearchdescription+xml" href="/os.xml">'
    form = '<form action="/s" role="search"><input type="search" name="term"></form>'
    httpserver.expect_request("/s").respond_with_handler(search_handler(X1_CATALOGUE, "term"))
    site = {
        "/": {"body": html(form, head=link)},
        "/os.xml": {"body": description, "content_type": "application/xml"},
        "/p/x1": PRODUCT_PAGE,
    }
    result = run(httpserver, tmp_path, site)
    assert result.search is not None
    steps = result.search["tried"]
    assert steps[0]["method"] == "opensearch" and "POST" in steps[0]["outcome"]
    assert steps[1]["method"] == "schema.org" and "no schema.org" in steps[1]["outcome"]
    assert result.search["method"] == "form"
    assert result.search["template"].endswith("/s?term={query}")
    assert result.findings == []


def test_schema_org_search_action_in_json_ld(httpserver: HTTPServer, tmp_path: Path) -> None:
    website = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "url": "/",
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": "/lookup?for={term}&x=1"},
            "query-input": "required name=term",
        },
    }
    head = f'<script type="application/ld+json">{json.dumps(website)}</script>'
    httpserver.expect_request("/lookup").respond_with_handler(search_handler(X1_CATALOGUE, "for"))
    site = {"/": {"body": html(head=head)}, "/p/x1": PRODUCT_PAGE}
    result = run(httpserver, tmp_path, site)
    assert result.search is not None
    assert result.search["method"] == "schema.org"
    assert result.search["template"].endswith("/lookup?for={query}&x=1")
    assert [s["method"] for s in result.search["tried"]] == ["opensearch", "schema.org"]
    assert result.findings == []


def test_schema_org_search_action_in_microdata(httpserver: HTTPServer, tmp_path: Path) -> None:
    body = """<div itemscope itemtype="https://schema.org/WebSite">
      <meta itemprop="url" content="/">
      <form itemprop="potentialAction" itemscope itemtype="https://schema.org/SearchAction">
        <meta itemprop="target" content="/md-search?q={search_term_string}">
        <input itemprop="query-input" type="text" name="search_term_string" required>
      </form></div>"""
    httpserver.expect_request("/md-search").respond_with_handler(search_handler(X1_CATALOGUE))
    result = run(httpserver, tmp_path, {"/": {"body": html(body)}, "/p/x1": PRODUCT_PAGE})
    assert result.search is not None
    assert result.search["method"] == "schema.org"
    assert result.search["template"].endswith("/md-search?q={query}")
    assert "microdata" in result.search["source"]


def test_search_form_with_hidden_fields(httpserver: HTTPServer, tmp_path: Path) -> None:
    # A GET form whose text field is named "term": no role, no type=search.
    form = """<form action="/catalog/find?ignored=1" method="get">
      <input type="hidden" name="type" value="product">
      <input type="text" name="term"><button>Go</button></form>
      <form action="/newsletter" method="post"><input type="email" name="email"></form>"""

    def handle(request: Request) -> WResponse:
        assert request.args.get("type") == "product"
        hits = X1_CATALOGUE.get(request.args.get("term", ""), [])
        return WResponse(results_page(*hits), content_type="text/html")

    httpserver.expect_request("/catalog/find").respond_with_handler(handle)
    result = run(httpserver, tmp_path, {"/": {"body": html(form)}, "/p/x1": PRODUCT_PAGE})
    assert result.search is not None
    assert result.search["method"] == "form"
    # the action's own query string is replaced by the form's fields, as a browser does
    assert result.search["template"].endswith("/catalog/find?type=product&term={query}")
    assert result.findings == []


def test_search_element_form(httpserver: HTTPServer, tmp_path: Path) -> None:
    form = '<search><form action="/results"><input name="what"></form></search>'
    httpserver.expect_request("/results").respond_with_handler(search_handler(X1_CATALOGUE, "what"))
    result = run(httpserver, tmp_path, {"/": {"body": html(form)}, "/p/x1": PRODUCT_PAGE})
    assert result.search is not None
    assert result.search["method"] == "form"
    assert result.search["template"].endswith("/results?what={query}")


def test_post_only_search_form_is_reported_not_guessed(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    form = '<form action="/do-search" method="post" role="search"><input name="q"></form>'
    result = run(httpserver, tmp_path, {"/": {"body": html(form)}, "/p/x1": PRODUCT_PAGE})
    assert all(path != "/do-search" for path in (r.path for r, _ in httpserver.log))
    [finding] = findings(result, "search-not-found")
    assert "POST" in finding.message
    assert any("POST" in line and "does not guess" in line for line in finding.evidence["tried"])
    skipped = [c for s in result.subjects for c in s.checks if c.rule == "search-misses-product"]
    assert [c.status for c in skipped] == ["skipped"]
    assert "no site search" in (skipped[0].reason or "")


def test_common_search_path_is_used_when_a_product_verifies_it(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/search", query_string={"query": "Phone X1"}).respond_with_data(
        results_page(("/p/x1", "Phone X1")), content_type="text/html"
    )
    httpserver.expect_request("/search").respond_with_data(results_page(), content_type="text/html")
    result = run(httpserver, tmp_path, {"/p/x1": PRODUCT_PAGE})
    assert result.search is not None
    assert result.search["method"] == "probe"
    assert result.search["template"].endswith("/search?query={query}")
    first = result.search["tried"][3]  # after opensearch, schema.org and form found nothing
    assert first["template"].endswith("/search?q={query}")
    assert "does not find the product" in first["outcome"]
    # found by name but not by its model number: the probe found a real search, not a pass
    [miss] = findings(result, "search-misses-product")
    assert '"X1" find nothing' in miss.message


def test_common_path_that_shows_the_home_page_is_not_accepted(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    # "/?s=..." answers with the home page, which links to the product: a pass would be a lie.
    home = html('<a href="/p/x1">Featured: Phone X1</a>')
    result = run(httpserver, tmp_path, {"/": {"body": home}, "/p/x1": PRODUCT_PAGE})
    assert len(findings(result, "search-not-found")) == 1
    tried = result.search["tried"] if result.search else []
    home_probe = next(s for s in tried if s.get("template", "").endswith("/?s={query}"))
    assert "does not find the product" in home_probe["outcome"]
    assert any(r.path == "/" and b"s=Phone+X1" in r.query_string for r, _ in httpserver.log)


def test_no_search_anywhere_gives_search_not_found_and_skipped_checks(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    result = run(httpserver, tmp_path, {"/p/x1": PRODUCT_PAGE})
    [finding] = findings(result, "search-not-found")
    assert finding.subject.type == "site"
    assert result.search is not None
    assert len(result.search["tried"]) == 3 + 8  # three hints, eight common paths
    assert finding.evidence["tried"][:3] == [
        "opensearch: the home page links no OpenSearch description",
        "schema.org: the home page has no schema.org SearchAction",
        "form: the home page has no search form",
    ]
    assert finding.evidence["tried"][3].startswith("common search paths (/search?q={query}, ")
    statuses = {
        c.rule: (c.status, c.reason)
        for s in result.subjects
        for c in s.checks
        if s.subject.type == "product"
    }
    for rule in ("search-misses-product", "search-partial-match"):
        status, reason = statuses[rule]
        assert status == "skipped" and "no site search" in (reason or "")


# --- reading results --------------------------------------------------------------------------


SEARCH = "{base}/search?q={query}"


def test_search_broken_for_every_query_is_not_found(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = {"/search": {"page": {"title": "Page not found", "h1": "Oops"}}, "/p/x1": PRODUCT_PAGE}
    result = run(httpserver, tmp_path, site, search=SEARCH)
    [finding] = findings(result, "search-not-found")
    assert "does not work" in finding.message and "Page not found" in finding.message
    assert findings(result, "search-misses-product") == []


def test_results_page_that_is_an_error_is_broken_search_not_a_miss(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/search", query_string={"q": "X1"}).respond_with_data(
        "boom", status=500
    )
    site = {"/search": {"page": {"h1": "Search", "text": "No results"}}, "/p/x1": PRODUCT_PAGE}
    result = run(httpserver, tmp_path, site, search=SEARCH)
    [finding] = findings(result, "search-misses-product")
    assert finding.message.startswith("The site's search is broken")
    assert "HTTP 500" in finding.message
    assert "find nothing" not in finding.message
    assert finding.evidence["queries"][0]["error"]


def test_search_that_jumps_to_the_product_page_finds_it(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/search", query_string={"q": "X1"}).respond_with_data(
        "", status=302, headers={"Location": "/p/x1"}
    )
    site = {"/search": {"body": results_page()}, "/p/x1": PRODUCT_PAGE}
    result = run(httpserver, tmp_path, site, search=SEARCH)
    assert findings(result, "search-misses-product") == []


def test_search_that_sends_everything_to_the_home_page_is_broken(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    site = {"/search": {"status": 302, "headers": {"Location": "/"}}, "/p/x1": PRODUCT_PAGE}
    result = run(httpserver, tmp_path, site, search=SEARCH)
    [finding] = findings(result, "search-not-found")
    assert "every search is sent to the home page" in finding.message


def test_search_redirecting_misses_to_a_no_results_page(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    # Searches that find nothing are redirected to /search/none, whose links are no results.
    httpserver.expect_request("/search", query_string={"q": "Phone X1"}).respond_with_data(
        results_page(("/p/x1", "Phone X1")), content_type="text/html"
    )
    none = html('<p>Try these instead:</p><a href="/p/y2">Phone Y2</a>', h1="Sorry")
    site = {
        "/search": {"status": 302, "headers": {"Location": "/search/none"}},
        "/search/none": {"body": none},
        "/p/x1": PRODUCT_PAGE,
    }
    result = run(httpserver, tmp_path, site, search=SEARCH)
    [miss] = findings(result, "search-misses-product")
    queries = {q["query"]: (q["results"], q["rank"]) for q in miss.evidence["queries"]}
    assert queries["X1"] == (0, "absent")
    assert queries["Phone X1"] == (1, 1)


def test_empty_results_fingerprint_without_no_results_wording(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    # No "no results" words: the empty page suggests a product whose link carries the query.
    def handle(request: Request) -> WResponse:
        query = request.args.get("q", "")
        if query == "Phone X1":
            body = results_page(("/p/x1", "Phone X1"))
        else:
            body = html(
                f"<p>We looked everywhere for {query}.</p>"
                f'<a href="/p/popular?from={query}">You may like: Popular phone</a>',
                h1="Search",
            )
        return WResponse(body, content_type="text/html")

    httpserver.expect_request("/search").respond_with_handler(handle)
    result = run(httpserver, tmp_path, {"/p/x1": PRODUCT_PAGE}, search=SEARCH)
    [miss] = findings(result, "search-misses-product")
    queries = {q["query"]: q for q in miss.evidence["queries"]}
    assert queries["X1"]["results"] == 0  # the suggestion is not a result
    assert queries["Phone X1"]["rank"] == 1
    assert "found only by its name 'Phone X1'" in miss.message


def test_rank_and_top_k(httpserver: HTTPServer, tmp_path: Path) -> None:
    others = [(f"/p/o{i}", f"Other X1 case {i}") for i in range(4)]
    catalogue = {"X1": [*others, ("/p/x1", "Phone X1")], "Phone X1": [("/p/x1", "Phone X1")]}
    httpserver.expect_request("/search").respond_with_handler(search_handler(catalogue))
    rules = {"search-misses-product": {"top": 3}}
    result = run(httpserver, tmp_path, {"/p/x1": PRODUCT_PAGE}, search=SEARCH, rules=rules)
    [miss] = findings(result, "search-misses-product")
    assert "position 5, below the first 3" in miss.message
    assert miss.evidence["queries"][0]["rank"] == 5 and miss.evidence["top"] == 3


def test_result_text_matching_when_configured(httpserver: HTTPServer, tmp_path: Path) -> None:
    # Results link through a click tracker, never to the product page itself.
    item = ("/click?id=17", "Phone X1 (model X1) - $99")
    catalogue = {"X1": [item], "Phone X1": [item]}
    httpserver.expect_request("/search").respond_with_handler(search_handler(catalogue))
    plain = run(httpserver, tmp_path, {"/p/x1": PRODUCT_PAGE}, search=SEARCH)
    assert len(findings(plain, "search-misses-product")) == 1
    httpserver.clear()
    httpserver.expect_request("/search").respond_with_handler(search_handler(catalogue))
    rules = {
        "search-misses-product": {"match_text": True},
        "search-partial-match": {"match_text": True},
    }
    matched = run(httpserver, tmp_path, {"/p/x1": PRODUCT_PAGE}, search=SEARCH, rules=rules)
    assert findings(matched, "search-misses-product") == []
    assert findings(matched, "search-partial-match") == []


def test_miss_explained_by_variants_and_the_page_showing_the_model(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    catalogue = {
        "V-710": [("/p/v", "RAZR V-710")],
        "RAZR V-710": [("/p/v", "RAZR V-710")],
    }
    httpserver.expect_request("/search").respond_with_handler(search_handler(catalogue))
    product = {"id": "v", "name": "Motorola RAZR", "model": "V710", "url": "/p/v"}
    site = {"/p/v": {"page": {"h1": "RAZR V-710", "text": "Model V-710"}}}
    result = run(httpserver, tmp_path, site, [product], search=SEARCH)
    [miss] = findings(result, "search-misses-product")
    assert miss.message == (
        'Customers who search the site for "V710" find nothing; the product is found only by '
        "typing 'V-710' and the name the site gives it, 'RAZR V-710', "
        "not by its name 'Motorola RAZR'."
    )
    evidence = miss.evidence
    assert evidence["variants_that_find"] == ["V-710"]
    assert evidence["page_shows_model"] is True
    assert [(q["query"], q["kind"], q["results"], q["rank"]) for q in evidence["queries"]] == [
        ("V710", "model", 0, "absent"),
        ("Motorola RAZR", "name", 0, "absent"),
        ("v710", "variant", 0, "absent"),
        ("V-710", "variant", 1, 1),
        ("V 710", "variant", 0, "absent"),
        ("RAZR V-710", "site name", 1, 1),
    ]
    assert "synonym" in miss.fix


def test_partial_match_for_an_alias_without_the_hyphen(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    hit = [("/p/k", "Holster HLD-E815")]
    catalogue = {"HLD-E815": hit, "hld-e815": hit, "Holster": hit}
    httpserver.expect_request("/search").respond_with_handler(search_handler(catalogue))
    product = {
        "id": "k",
        "name": "Holster",
        "model": "HLD-E815",
        "aliases": ["HLDE815"],
        "url": "/p/k",
    }
    site = {"/p/k": {"page": {"h1": "Holster", "text": "Model HLD-E815"}}}
    result = run(httpserver, tmp_path, site, [product], search=SEARCH)
    assert findings(result, "search-misses-product") == []
    [partial] = findings(result, "search-partial-match")
    assert partial.message == (
        'Customers who search the site for "HLD-E815" find the product, '
        'but those who type its alias "HLDE815" find nothing.'
    )
    assert "hld-e815" in partial.evidence["variants_that_find"]
    assert '"HLDE815"' in partial.fix


# --- JSON search APIs -------------------------------------------------------------------------


def test_json_search_api_end_to_end(httpserver: HTTPServer, tmp_path: Path) -> None:
    def handle(request: Request) -> WResponse:
        query = request.args.get("q", "")
        items = [{"title": "Phone X1", "link": "/p/x1/?utm_source=api"}] if query == "X1" else []
        payload = {"data": {"total": len(items), "items": items}}
        return WResponse(json.dumps(payload), content_type="application/json")

    httpserver.expect_request("/api/search").respond_with_handler(handle)
    api = {"url": "{base}/api/search?q={query}", "results": "data.items", "url_field": "link"}
    products = [PRODUCT, {"id": "y2", "name": "Phone Y2", "model": "Y2", "url": "/p/y2"}]
    site = {"/p/x1": PRODUCT_PAGE, "/p/y2": {"page": {"h1": "Phone Y2"}}}
    result = run(httpserver, tmp_path, site, products, search=api)
    assert result.search == {
        "method": "manifest",
        "template": httpserver.url_for("/api/search") + "?q={query}",
    }
    misses = findings(result, "search-misses-product")
    assert [f.subject.id for f in misses] == ["y2"]
    assert '"Y2" find nothing' in misses[0].message
    assert misses[0].evidence["search_result"] == (
        '"Y2": 0 results: the search API answered with no results'
    )
    partial = findings(result, "search-partial-match")
    assert [f.subject.id for f in partial] == ["x1"]  # "Phone X1" finds nothing in this API


def test_json_search_api_with_the_wrong_shape_is_broken(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/api/search").respond_with_json({"data": {"items": "oops"}})
    api = {"url": "{base}/api/search?q={query}", "results": "data.items"}
    result = run(httpserver, tmp_path, {"/p/x1": PRODUCT_PAGE}, search=api)
    [finding] = findings(result, "search-not-found")
    assert "does not point to a list" in finding.message


# --- one request per distinct query -----------------------------------------------------------


def test_each_distinct_query_is_sent_once_per_run(httpserver: HTTPServer, tmp_path: Path) -> None:
    form = '<form action="/search" role="search"><input type="search" name="q"></form>'
    a, b = ("/p/a", "Phone A"), ("/p/b", "Phone B")
    catalogue = {"Phone": [a, b], "A1": [a], "Phone A": [a], "B2": [b], "Phone B": [b]}
    httpserver.expect_request("/search").respond_with_handler(search_handler(catalogue))
    products = [
        {"id": "a", "name": "Phone A", "model": "A1", "aliases": ["Phone"], "url": "/p/a"},
        {"id": "b", "name": "Phone B", "model": "B2", "aliases": ["Phone"], "url": "/p/b"},
    ]
    site = {
        "/": {"body": html(form)},
        "/p/a": {"page": {"h1": "Phone A"}},
        "/p/b": {"page": {"h1": "Phone B"}},
    }
    result = run(httpserver, tmp_path, site, products)
    sent = [q["q"][0] for q in requested(httpserver, "/search")]
    assert sorted(sent) == sorted(set(sent)), sent  # no query twice
    assert sent.count("Phone") == 1  # shared by both products
    assert sent.count("zqxj cxlint empty probe") == 1  # discovery's probe reused by the run
    assert result.stats["searches"] == len(set(sent)) - 1
    assert findings(result, "search-partial-match") == []  # both found by "Phone" (top 10)


def test_an_answer_is_kept_until_its_last_planned_asker_is_done(httpserver: HTTPServer) -> None:
    # A catalogue's answers are let go as the run goes (memory), never while a product that
    # will ask the same query is still to come (one request per distinct query).
    httpserver.expect_request("/search").respond_with_handler(
        search_handler({"Phone": [("/p/a", "Phone A")]})
    )

    async def scenario() -> list[int]:
        async with Fetcher(FetchOptions(respect_robots=False)) as fetcher:
            config = SearchConfig(httpserver.url_for("/search?q={query}"))
            search = SiteSearch(config, fetcher, release_bodies=True)  # as a run's search is
            search.expect(["Phone"])
            search.expect(["Phone"])  # two products ask "Phone"
            counts = []
            for _ in range(2):
                assert (await search.query("Phone")).count == 1
                search.done_with(["Phone"])
                counts.append(len(requested(httpserver, "/search")))
            await search.query("Phone")  # asked again after the last planned asker: re-read
            counts.append(len(requested(httpserver, "/search")))
            return counts

    assert asyncio.run(scenario()) == [1, 1, 2]


# --- results regions: links beat words, suggestions are not results (issue 15) ----------------


def test_a_cached_results_page_keeps_why_it_found_nothing_and_what_the_site_suggests(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    # --cache: a results page the site says is unchanged (304) is not read again; what its
    # reading said (empty, and why; "did you mean") comes back from the cache as it was.
    dym = '<p>No results for V710. Did you mean <a href="/search?q=V710i">V710i</a>?</p>'
    pages = {EMPTY_PROBE: html("<main><p>Nothing matched.</p></main>"), "V710": html(dym)}
    revalidated: list[str] = []

    def handle(request: Request) -> WResponse:
        query = request.args.get("q", "")
        body = pages[query]
        etag = '"' + hashlib.sha1(body.encode()).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            revalidated.append(query)
            return WResponse(status=304, headers={"ETag": etag})
        return WResponse(body, content_type="text/html", headers={"ETag": etag})

    httpserver.expect_request("/search").respond_with_handler(handle)

    async def read() -> QueryResult:
        cache = PageCache(tmp_path / "cache")
        try:
            async with Fetcher(FetchOptions(respect_robots=False)) as fetcher:
                config = SearchConfig(httpserver.url_for("/search?q={query}"))
                search = SiteSearch(config, fetcher, cache=cache)
                await search.probe()
                return await search.query("V710")
        finally:
            cache.close()

    first = asyncio.run(read())
    assert (first.empty, first.suggestion) == (
        "the results area says 'No results for V710.'",
        "V710i",
    )
    assert revalidated == []
    second = asyncio.run(read())
    assert revalidated == [EMPTY_PROBE, "V710"]  # both answered 304: read from the cache
    assert (second.empty, second.suggestion, second.results) == (
        first.empty,
        first.suggestion,
        first.results,
    )


def test_every_signal_is_named_in_the_evidence(httpserver: HTTPServer, tmp_path: Path) -> None:
    """Each query's evidence says which signal decided it, in a marketer's words."""
    listed = (
        '<main><ul><li><a href="/p/a">A</a></li><li><a href="/p/x1">Phone X1</a></li></ul></main>'
    )
    others = '<main><ul><li><a href="/p/a">Phone A</a></li></ul></main>'
    site = {
        "/p/x1": PRODUCT_PAGE,
        "/search?q=X1": {"body": html(others)},
        "/search?q=Phone X1": {"body": html(listed)},
        "/search?q=x1": {"body": html("<main><p>No products found.</p></main>")},
        "/search": {"body": html("<main><p>Try another word.</p></main>")},
    }
    result = run(httpserver, tmp_path, site, search="{base}/search?q={query}")
    (finding,) = findings(result, "search-misses-product")
    signals = {q["query"]: q["signal"] for q in finding.evidence["queries"]}
    assert signals == {
        "X1": "1 result, none of them links to the product",
        "Phone X1": "listed at rank 2",
        "x1": "0 results: the results area says 'No products found.'",
        # no wording: the very page the nonsense query got
        "X-1": "0 results: the page is, word for word, the one the site shows when nothing matches",
        "X 1": "0 results: the page is, word for word, the one the site shows when nothing matches",
    }
    assert finding.evidence["search_result"] == '"X1": 1 result, none of them links to the product'


def test_a_real_results_page_is_read_in_its_labelled_order(httpserver: HTTPServer) -> None:
    # The corpus's one search results page (../shared/corpus, the WebShop simulator's, MIT):
    # every labelled result is found by its link at its labelled rank, each its own result
    # though each shows its id, title and price in a heading of its own.
    page = CORPUS / "pages" / "webshop-sim" / "search-red-basketball-shoes.html"
    if not page.exists():
        pytest.skip("no ../shared/corpus here")
    index = json.loads((CORPUS / "INDEX.json").read_text())["pages"]
    entry = next(p for p in index if p["path"].endswith(page.name))
    labelled, query = entry["labels"]["results_first_n"], entry["labels"]["query"]
    pages = {query: page.read_bytes(), EMPTY_PROBE: html("<p>0 results</p>").encode()}
    httpserver.expect_request("/find").respond_with_handler(
        lambda request: WResponse(pages[request.args["q"]], content_type="text/html")
    )

    async def read() -> QueryResult:
        async with Fetcher(FetchOptions(respect_robots=False)) as fetcher:
            search = SiteSearch(SearchConfig(httpserver.url_for("/find?q={query}")), fetcher)
            await search.probe()
            return await search.query(query)

    result = asyncio.run(read())
    assert result.empty is None and result.count == len(labelled)
    for label in labelled:
        (url,) = [u for u in result.results if f"/{label['id']}/" in u]
        assert result.rank({url}) == label["rank"], label["title"]


@pytest.mark.parametrize(
    ("words", "asked"),
    [
        ("No results for V710. Did you mean V710i?", "Did you mean"),
        ("NOTHING FOUND. DID YOU MEAN: V710I", "DID YOU MEAN"),
        ("Keine Treffer. Meinten Sie: V710i", "Meinten Sie"),
        ("Aucun résultat. Vouliez-vous dire V710i ?", "Vouliez-vous dire"),
        ("What we mean by 'used' is below. Did\nyou  mean V710i?", "Did\nyou  mean"),
        ("The meaning of V710: a mean little phone", None),
    ],
)
def test_did_you_mean_is_found_around_its_words(words: str, asked: str | None) -> None:
    found = did_you_mean(words)
    assert (found.group(0) if found else None) == asked


# --- the demo store, end to end through the CLI ----------------------------------------------


def test_demo_store_end_to_end(tmp_path: Path, monkeypatch: Any) -> None:
    # `cxlint demo` starts the bundled DemoStore and checks the bundled campaign against it.
    assert "\n  search:" not in campaign_text()  # the demo discovers its search
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "run.json"
    outcome = CliRunner().invoke(main, ["demo", "--format", "json", "-o", str(report), "-q"])
    assert outcome.exit_code == 1, outcome.output
    data = json.loads(report.read_text())
    base = data["run"]["origin"]
    assert data["search"]["method"] == "opensearch"
    assert data["search"]["template"] == f"{base}/search?q={{query}}"
    by_product: dict[str, list[dict[str, Any]]] = {}
    for finding in data["findings"]:
        if finding["rule"].startswith("search-"):
            by_product.setdefault(finding["subject"].get("id", "site"), []).append(finding)
    assert set(by_product) == {"v710", "hld-e815"}  # nothing for e815, h500, nor the site

    [v710] = by_product["v710"]
    assert v710["rule"] == "search-misses-product" and v710["severity"] == "error"
    assert v710["message"].startswith('Customers who search the site for "V710" find nothing')
    assert "'MOTORAZR Camera Phone'" in v710["message"]
    queries = {q["query"]: q for q in v710["evidence"]["queries"]}
    assert queries["V710"]["results"] == 0 and queries["V710"]["rank"] == "absent"
    assert {"v710", "V-710", "V 710"} <= set(queries)
    assert queries["MOTORAZR Camera Phone"]["rank"] == 1
    assert v710["evidence"]["variants_that_find"] == []
    assert v710["evidence"]["page_shows_model"] is False
    assert "add V710 to the product title" in v710["fix"]

    [holster] = by_product["hld-e815"]
    assert holster["rule"] == "search-partial-match" and holster["severity"] == "warning"
    assert 'its alias "HLDE815" find nothing' in holster["message"]

    statuses = {
        (s["subject"].get("id"), c["rule"]): c["status"]
        for s in data["subjects"]
        for c in s["checks"]
    }
    for product in ("e815", "h500"):
        assert statuses[(product, "search-misses-product")] == "passed"
        assert statuses[(product, "search-partial-match")] == "passed"
    assert statuses[(None, "search-not-found")] == "passed"


def test_demo_manifest_keeps_search_out(tmp_path: Path) -> None:
    data = yaml.safe_load(campaign_text())
    assert "search" not in data["site"]
    assert any(p.get("aliases") == ["HLDE815"] for p in data["products"])
    assert urlsplit(data["site"]["url"]).hostname == "127.0.0.1"

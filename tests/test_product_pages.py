"""Product-page facts and rules beyond the YAML cases: prices and currencies, microdata,
the main text, GTINs, sitemaps read through the real fetcher, robots.txt per crawler, and
the two severities of product-unavailable."""

from __future__ import annotations

import asyncio
import gzip
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pytest_httpserver import HTTPServer

from cxlint import microdata
from cxlint.checks.product_page import gtin_problem
from cxlint.fetch import Fetcher, FetchOptions
from cxlint.model import Response
from cxlint.page import parse_page
from cxlint.prices import amount, offers, visible_prices
from cxlint.robots import robots_facts
from cxlint.sitemap import Sitemaps, read_sitemaps
from tests.rulecase import run_case

# --- prices -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("499.99", "499.99"),
        (499.99, "499.99"),
        (1299, "1299"),
        ("$1,299.00", "1299.00"),
        ("1.299,00", "1299.00"),
        ("", None),
        (None, None),
        (True, None),
        ("call us", None),
    ],
)
def test_amounts_from_structured_data(value: object, expected: str | None) -> None:
    got = amount(value)
    assert (str(got) if got is not None else None) == expected


def test_visible_prices_prefer_marked_elements_and_skip_model_numbers() -> None:
    html = """<div class="price-box"><span class="price-now">$19.99</span>
    <span class="price-was">$29.99</span></div><p>RAZR V710 $499.99. Ships in 2 days.</p>"""
    found = visible_prices(BeautifulSoup(html, "lxml"))
    assert [(p.text, p.marked) for p in found] == [
        ("$19.99", True),
        ("$29.99", True),
        ("$499.99", False),
    ]
    assert found[2].amount == Decimal("499.99") and found[2].currency == "$"


def test_offers_read_specifications_aggregates_and_microdata_sources() -> None:
    products = [
        {
            "@type": "Product",
            "name": "Phone",
            "sku": "P-1",
            "offers": [
                {
                    "@type": "Offer",
                    "priceSpecification": {"@type": "UnitPriceSpecification", "price": "10.50"},
                    "priceCurrency": "eur",
                    "availability": {"@id": "http://schema.org/InStock"},
                },
                {"@type": "AggregateOffer", "lowPrice": 9, "highPrice": "12.00"},
            ],
        },
        {"@source": "microdata", "@type": "Product", "offers": {"price": "1", "gtin13": "4"}},
    ]
    one, many, micro = offers(products)
    assert (one.price, one.currency, one.availability) == (Decimal("10.50"), "EUR", "InStock")
    assert one.where() == "JSON-LD Offer (sku P-1)"
    assert (many.price, many.high, many.shown()) == (Decimal("9"), Decimal("12.00"), "9–12.00")
    assert (micro.source, micro.product, micro.where()) == (
        "microdata",
        1,
        "microdata Offer (gtin13 4)",
    )


# --- microdata and the main text --------------------------------------------------------------


def test_microdata_keeps_nested_items_to_themselves() -> None:
    html = """<div itemscope itemtype="https://schema.org/Product">
      <h1 itemprop="name">Phone</h1><img itemprop="image" src="/p.png">
      <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
        <span itemprop="price" content="9.99">$9.99</span><meta itemprop="name" content="offer">
      </div>
      <span itemprop="color">red</span><span itemprop="color">blue</span>
    </div>"""
    (item,) = microdata.items(BeautifulSoup(html, "lxml"))
    assert item["@type"] == "https://schema.org/Product"
    assert item["name"] == "Phone"  # the offer's name stays the offer's
    assert item["image"] == "/p.png" and item["color"] == ["red", "blue"]
    assert item["offers"] == {
        "@source": "microdata",
        "@type": "https://schema.org/Offer",
        "price": "9.99",
        "name": "offer",
    }


def _page(html: str) -> object:
    body = html.encode()
    return parse_page(
        Response("http://x/p", "http://x/p", 200, {"content-type": "text/html"}, body)
    )


def test_a_malformed_link_costs_the_page_nothing() -> None:
    # urljoin raises on a broken IPv6 address; the page's facts were all lost to one link.
    page = _page(
        """<html><head><title>RAZR V710</title></head><body><h1>RAZR V710</h1>
        <p>Only $99</p><a href="http://[::1/x">broken</a><a href="/cart">Cart</a></body></html>"""
    )
    assert page.is_html  # type: ignore[attr-defined]
    assert "Only $99" in page.text  # type: ignore[attr-defined]
    assert [link.url for link in page.links] == ["http://[::1/x", "http://x/cart"]  # type: ignore[attr-defined]


def test_page_products_include_microdata_and_main_text_leaves_out_the_furniture() -> None:
    page = _page(
        """<html><body><header>Sold out everywhere!</header><nav>Menu</nav>
        <main><!-- out of stock --><h1>Phone</h1>
        <div itemscope itemtype="http://schema.org/Product"><meta itemprop="mpn" content="X1">
        </div><p>In stock</p><aside>Related: sold out</aside></main>
        <footer>Sold out soon</footer></body></html>"""
    )
    assert [p["mpn"] for p in page.products] == ["X1"]  # type: ignore[attr-defined]
    assert page.main_text == "Phone In stock"  # type: ignore[attr-defined]


# --- GTINs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("gtin", ["96385074", "036000291452", "4006381333931", "00012345600012"])
def test_valid_gtins_of_every_length(gtin: str) -> None:
    assert gtin_problem(gtin) is None
    assert gtin_problem(f" {gtin[:4]}-{gtin[4:]} ") is None  # spaces and hyphens are ignored


@pytest.mark.parametrize(
    ("gtin", "problem"),
    [
        ("4006381333932", "its check digit should be 1, not 2"),
        ("036000291453", "its check digit should be 2, not 3"),
        ("12345", "it is not 8, 12, 13 or 14 digits"),
        ("ABCDEFGH", "it is not 8, 12, 13 or 14 digits"),
    ],
)
def test_invalid_gtins_say_why(gtin: str, problem: str) -> None:
    assert gtin_problem(gtin) == problem


# --- robots.txt per crawler -------------------------------------------------------------------


def test_robots_facts_know_which_crawlers_are_named() -> None:
    robots = robots_facts(
        "User-agent: *\nDisallow: /p/\n\nUser-agent: Googlebot # Search\nAllow: /\n"
    )
    assert robots.names("Googlebot") and not robots.names("AdsBot-Google")
    assert robots.allows("http://x/p/1", "Googlebot")
    assert not robots.allows("http://x/p/1", "Storebot-Google")
    nothing = robots_facts(None)
    assert nothing.allows("http://x/p/1", "Googlebot") and not nothing.names("Googlebot")


# --- sitemaps through the real fetcher --------------------------------------------------------


def _read(server: HTTPServer, **bounds: int) -> Sitemaps:
    async def go() -> Sitemaps:
        async with Fetcher(FetchOptions(retries=0, timeout=5)) as fetcher:
            origin = server.url_for("/").rstrip("/")
            return await read_sitemaps(fetcher, origin, **bounds)

    return asyncio.run(go())


def _urlset(*locs: str) -> str:
    items = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'


def _index(*locs: str) -> str:
    items = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return (
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'
    )


def test_sitemaps_from_robots_lines_indexes_and_gzip(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("/").rstrip("/")
    robots = f"User-agent: *\nAllow: /\nSITEMAP: {base}/a.xml # main\nSitemap: {base}/idx.xml\n"
    httpserver.expect_request("/robots.txt").respond_with_data(robots)
    httpserver.expect_request("/a.xml").respond_with_data(_urlset(f"{base}/p/1"))
    # an index that lists itself must not loop
    idx = _index(f"{base}/b.xml.gz", f"{base}/idx.xml", f"{base}/gone.xml")
    httpserver.expect_request("/idx.xml").respond_with_data(idx)
    gz = gzip.compress(_urlset(f"{base}/p/2/", "https://elsewhere.example/p/3").encode())
    httpserver.expect_request("/b.xml.gz").respond_with_data(gz, content_type="application/gzip")
    httpserver.expect_request("/gone.xml").respond_with_data("missing", status=404)
    result = _read(httpserver)
    assert result.found_via == "robots.txt"
    assert result.read == [f"{base}/a.xml", f"{base}/idx.xml", f"{base}/b.xml.gz"]
    assert result.failed == [f"{base}/gone.xml: HTTP 404"]
    assert result.lists(f"{base}/p/1") and result.lists(f"{base}/p/2")
    # http and https, a trailing slash, tracking parameters: the same page
    https = base.replace("http://", "https://")
    assert result.lists(f"{https}/p/1/?utm_source=x") and not result.lists(f"{base}/p/9")


def test_sitemaps_are_bounded(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("/").rstrip("/")
    chain = _index(*(f"{base}/s{i}.xml" for i in range(5)))
    httpserver.expect_request("/sitemap.xml").respond_with_data(chain)
    for i in range(5):
        httpserver.expect_request(f"/s{i}.xml").respond_with_data(_urlset(f"{base}/p/{i}"))
    few = _read(httpserver, max_files=3)
    assert few.found_via == "/sitemap.xml" and len(few.read) == 3
    assert few.incomplete == "read the first 3 sitemap files only"
    capped = _read(httpserver, max_urls=2)
    assert len(capped.urls) == 2 and capped.incomplete == "kept the first 2 URLs only"


def test_a_gzip_bomb_and_a_page_that_is_no_sitemap_are_refused(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("/").rstrip("/")
    httpserver.expect_request("/sitemap.xml").respond_with_data(_index(f"{base}/bomb.xml.gz"))
    bomb = gzip.compress(b"<urlset>" + b" " * (60 * 1024 * 1024))  # ~60 KB that inflate to 60 MB
    httpserver.expect_request("/bomb.xml.gz").respond_with_data(bomb)
    result = _read(httpserver)
    assert result.failed == [f"{base}/bomb.xml.gz: larger than 50 MB uncompressed"]
    httpserver.clear()
    httpserver.expect_request("/sitemap.xml").respond_with_data("<html><body>Hi</body></html>")
    httpserver.expect_request("/robots.txt").respond_with_data("nope", status=404)
    none = _read(httpserver)
    assert not none.exists and none.found_via == ""
    assert none.failed == [f"{base}/sitemap.xml: not a sitemap"]


# --- two severities of one rule ---------------------------------------------------------------


def _availability_case(availability: str, rules: dict[str, object] | None = None) -> dict:
    offer = {"@type": "Offer", "availability": f"https://schema.org/{availability}"}
    return {
        "name": availability,
        "rule": "product-unavailable",
        "site": {
            "/p/x": {
                "page": {
                    "h1": "Phone X",
                    "jsonld": [{"@type": "Product", "name": "Phone X", "offers": offer}],
                }
            }
        },
        "manifest": {
            "products": [{"id": "x", "name": "Phone X", "url": "/p/x"}],
            **({"rules": rules} if rules else {}),
        },
    }


@pytest.mark.parametrize(
    ("availability", "rules", "severity"),
    [
        ("OutOfStock", None, "error"),
        ("PreOrder", None, "warning"),  # one level below the rule's severity
        ("BackOrder", None, "warning"),
        ("BackOrder", {"product-unavailable": "warning"}, "info"),
        ("Discontinued", {"product-unavailable": "warning"}, "warning"),
    ],
)
def test_pre_orders_are_reported_one_level_lower(
    httpserver: HTTPServer,
    tmp_path: Path,
    availability: str,
    rules: dict[str, object] | None,
    severity: str,
) -> None:
    result = run_case(httpserver, _availability_case(availability, rules), tmp_path)
    (finding,) = result.findings
    assert finding.severity == severity

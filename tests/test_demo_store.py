"""The bundled demo store: the planted V710 failures are there, everything else is healthy."""

from __future__ import annotations

import json
import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from cxlint.demo import campaign_text
from cxlint.demo.catalogue import DEFAULT_CATALOGUE, LandingPage
from cxlint.demo.store import DemoStore, respond

UTM = "utm_source=newsletter&utm_medium=email&utm_campaign=v710-launch"


@pytest.fixture(scope="module")
def store() -> Iterator[DemoStore]:
    with DemoStore() as running:
        yield running


@pytest.fixture(scope="module")
def client(store: DemoStore) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=store.url, follow_redirects=False, timeout=10) as c:
        yield c


def json_ld(page: str) -> list[dict[str, Any]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(block) for block in blocks]


def result_links(page: str) -> list[str]:
    match = re.search(r'<ul class="results">(.*?)</ul>', page, re.S)
    return re.findall(r'href="([^"]+)"', match.group(1)) if match else []


# --- the planted V710 story ------------------------------------------------------------------


def test_v710_product_page_never_shows_its_model_number(client: httpx.Client) -> None:
    r = client.get("/products/motorazr-camera-phone")
    assert r.status_code == 200
    assert "<h1>MOTORAZR Camera Phone</h1>" in r.text
    assert "v710" not in r.text.lower()
    assert "Model:" not in r.text
    (product,) = [d for d in json_ld(r.text) if d["@type"] == "Product"]
    assert product["sku"] == "MOTO-CAM-01"
    assert "mpn" not in product
    assert product["offers"]["price"] == "499.99"
    assert product["offers"]["priceCurrency"] == "USD"
    assert product["offers"]["availability"] == "https://schema.org/InStock"


@pytest.mark.parametrize("query", ["V710", "v710", "RAZR V710", "Motorola RAZR V710"])
def test_search_misses_v710_by_model_name_and_alias(client: httpx.Client, query: str) -> None:
    r = client.get("/search", params={"q": query})
    assert r.status_code == 200
    assert f"No results for '{query}'" in r.text
    assert 'class="results"' not in r.text


@pytest.mark.parametrize("query", ["MOTORAZR", "motorazr camera", "camera phone"])
def test_search_finds_v710_by_the_site_name(client: httpx.Client, query: str) -> None:
    r = client.get("/search", params={"q": query})
    assert "/products/motorazr-camera-phone" in result_links(r.text)


def test_v710_vanity_url_redirects_to_the_home_page(client: httpx.Client, store: DemoStore) -> None:
    query = "utm_source=vanityfair&utm_medium=print&utm_campaign=v710-launch"
    r = client.get(f"/v710?{query}")
    assert r.status_code == 302
    assert r.headers["location"] == f"{store.url}/?{query}"
    home = client.get(r.headers["location"])
    assert home.status_code == 200
    assert "v710" not in home.text.lower().replace("utm_campaign=v710-launch", "")
    assert "motorazr" not in home.text.lower()  # a generic page: the phone is not there


def test_spring_vanity_link_drops_the_query_string(client: httpx.Client, store: DemoStore) -> None:
    r = client.get(f"/go/spring?{UTM}")
    assert r.status_code == 301
    assert r.headers["location"] == f"{store.url}/lp/spring-sale"
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    assert "Motorola E815" in page.text and "Model: E815" in page.text


# --- the healthy subjects --------------------------------------------------------------------


def test_h500_vanity_link_keeps_the_query_string(client: httpx.Client, store: DemoStore) -> None:
    r = client.get(f"/go/h500?{UTM}")
    assert r.status_code == 301
    assert r.headers["location"] == f"{store.url}/lp/h500?{UTM}"


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("E815", "/products/motorola-e815"),
        ("Motorola E815", "/products/motorola-e815"),
        ("H500", "/products/motorola-h500-bluetooth-headset"),
        ("Motorola H500 Bluetooth Headset", "/products/motorola-h500-bluetooth-headset"),
        ("h500 headset", "/products/motorola-h500-bluetooth-headset"),
    ],
)
def test_search_finds_healthy_products(client: httpx.Client, query: str, path: str) -> None:
    r = client.get("/search", params={"q": query})
    links = result_links(r.text)
    assert links[0] == path  # name matches rank first
    assert re.search(rf"{len(links)} results? for '{re.escape(query)}'", r.text)


def test_healthy_product_page(client: httpx.Client, store: DemoStore) -> None:
    r = client.get("/products/motorola-e815")
    assert r.status_code == 200
    assert "<h1>Motorola E815</h1>" in r.text
    assert "Model: E815" in r.text and "$199.99" in r.text and "In stock" in r.text
    assert "Add to cart" in r.text
    assert f'<link rel="canonical" href="{store.url}/products/motorola-e815">' in r.text
    for meta in ('property="og:title"', 'property="og:image"', 'name="twitter:card"'):
        assert meta in r.text
    (product,) = [d for d in json_ld(r.text) if d["@type"] == "Product"]
    assert product["name"] == "Motorola E815"
    assert product["mpn"] == "E815"
    assert product["offers"]["price"] == "199.99"


def test_landing_page_shows_its_product_and_the_phone(client: httpx.Client) -> None:
    r = client.get("/lp/e815?utm_source=google&utm_medium=cpc&utm_campaign=v710-launch")
    assert r.status_code == 200
    assert "Motorola E815" in r.text and "Model: E815" in r.text and "$199.99" in r.text
    assert 'href="/products/motorola-e815"' in r.text
    assert '<a href="tel:+18005550100">1-800-555-0100</a>' in r.text


def test_every_catalogue_page_renders(client: httpx.Client) -> None:
    cat = DEFAULT_CATALOGUE
    paths = [f"/products/{p.slug}" for p in cat.products]
    paths += [f"/category/{c.slug}" for c in cat.categories]
    paths += [f"/lp/{lp.slug}" for lp in cat.landing_pages]
    paths += [f"/images/{p.slug}.png" for p in cat.products[:2]]
    for path in paths:
        assert client.get(path).status_code == 200, path


# --- site furniture --------------------------------------------------------------------------


def test_home_page_advertises_its_search(client: httpx.Client, store: DemoStore) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert '<form role="search" action="/search" method="get">' in r.text
    assert '<input type="search" id="site-search" name="q"' in r.text
    assert (
        '<link rel="search" type="application/opensearchdescription+xml" '
        'title="Moto Direct" href="/opensearch.xml">'
    ) in r.text
    (site,) = [d for d in json_ld(r.text) if d["@type"] == "WebSite"]
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"] == f"{store.url}/search?q={{search_term_string}}"


@pytest.mark.parametrize("path", ["/no/such/page", "/products/no-such-phone", "/lp/nope"])
def test_unknown_paths_are_real_404s(client: httpx.Client, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert "Page not found" in r.text


def test_opensearch_template_uses_the_request_host(client: httpx.Client, store: DemoStore) -> None:
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    for host, origin in [
        (None, store.url),
        ("shop.example.test:8080", "http://shop.example.test:8080"),
    ]:
        headers = {"Host": host} if host else {}
        r = client.get("/opensearch.xml", headers=headers)
        assert r.headers["content-type"] == "application/opensearchdescription+xml"
        url = ET.fromstring(r.content).find("os:Url", ns)
        assert url is not None
        assert url.get("type") == "text/html"
        assert url.get("template") == f"{origin}/search?q={{searchTerms}}"


def test_robots_and_sitemap(client: httpx.Client, store: DemoStore) -> None:
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    assert "User-agent: *" in robots.text and "Allow: /" in robots.text
    assert f"Sitemap: {store.url}/sitemap.xml" in robots.text
    sitemap = client.get("/sitemap.xml")
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {loc.text for loc in ET.fromstring(sitemap.content).findall("sm:url/sm:loc", ns)}
    for p in DEFAULT_CATALOGUE.products:  # all but the one planted for not-in-sitemap
        assert (f"{store.url}/products/{p.slug}" in locs) == p.in_sitemap
    for lp in DEFAULT_CATALOGUE.landing_pages:
        assert f"{store.url}/lp/{lp.slug}" in locs
    for c in DEFAULT_CATALOGUE.categories:
        assert f"{store.url}/category/{c.slug}" in locs


def test_head_post_and_trailing_slash(client: httpx.Client, store: DemoStore) -> None:
    head = client.head("/products/motorola-e815")
    assert head.status_code == 200 and head.content == b""
    cart = client.post("/cart", data={"product": "motorola-e815"})
    assert cart.status_code == 200 and "Motorola E815 added" in cart.text
    slash = client.get("/lp/h500/?a=1")
    assert slash.status_code == 301
    assert slash.headers["location"] == f"{store.url}/lp/h500?a=1"


# --- the bundled campaign against the store --------------------------------------------------


def test_campaign_text_is_the_packaged_file() -> None:
    on_disk = files("cxlint.demo").joinpath("campaign.yaml").read_text(encoding="utf-8")
    assert campaign_text() == on_disk


def test_campaign_manifest_matches_the_store(store: DemoStore) -> None:
    manifest = yaml.safe_load(campaign_text())
    assert manifest["version"] == 1
    assert manifest["campaign"]["id"] == "v710-launch"
    assert manifest["site"]["url"] == "http://127.0.0.1:8642"
    assert "search" not in manifest["site"]  # the demo relies on search discovery
    ids = {p["id"] for p in manifest["products"]}
    assert {"v710", "e815", "h500"} <= ids  # the story's products, and planted cousins

    with httpx.Client(base_url=store.url, follow_redirects=True, timeout=10) as c:
        for product in manifest["products"]:
            r = c.get(product["url"])
            assert r.status_code == 200, product["url"]
            # Prices agree, so the planted failures are the only ones.
            assert f"${Decimal(str(product['price'])):,.2f}" in r.text
        for lp in manifest["landing_pages"]:
            assert set(lp["products"]) <= ids
            r = c.get(lp["url"])
            # the one planted page-unreachable link is the only page that does not open
            unpublished = lp["url"].startswith("/lp/summer-teaser")
            assert r.status_code == (404 if unpublished else 200), lp["url"]
            assert lp["url"].startswith("/") and "utm_campaign=v710-launch" in lp["url"]


def test_campaign_port_is_the_default_serve_port() -> None:
    from cxlint.demo.store import DEFAULT_PORT

    manifest = yaml.safe_load(campaign_text())
    assert urlsplit(manifest["site"]["url"]).port == DEFAULT_PORT


# --- the store's own API ---------------------------------------------------------------------


def test_start_stop_frees_the_port() -> None:
    store = DemoStore()
    url = store.start()
    port = store.port
    assert url == f"http://127.0.0.1:{port}"
    with pytest.raises(RuntimeError):
        store.start()
    assert httpx.get(f"{url}/robots.txt").status_code == 200
    store.stop()
    store.stop()  # idempotent
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # free again


def test_planting_a_case_is_a_data_change() -> None:
    # A landing page that forgets the phone number: one row, no new code.
    quiet = LandingPage("quiet", "Quiet", "No number here", "Text.", ("e815",), show_phone=False)
    cat = replace(DEFAULT_CATALOGUE, landing_pages=(*DEFAULT_CATALOGUE.landing_pages, quiet))
    status, _, body = respond(cat, "GET", "/lp/quiet", "shop.test")
    assert status == 200 and b"Motorola E815" in body and b"tel:" not in body
    with pytest.raises(ValueError, match="unknown"):
        replace(cat, landing_pages=(LandingPage("x", "X", "X", "X", ("nope",)),))

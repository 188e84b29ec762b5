"""`cxlint init --from-url / --from-sitemap`: drafts from the site's own product data, read
with cxlint's fetcher (robots.txt obeyed) from the demo store and a local server."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from cxlint.cli import main
from cxlint.demo.catalogue import DEFAULT_CATALOGUE
from cxlint.demo.store import DemoStore
from cxlint.manifest import load_manifest


@pytest.fixture(scope="module")
def store() -> Iterator[str]:
    with DemoStore() as demo:
        yield demo.url


def run(tmp_path: Path, *args: str) -> Result:
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        return CliRunner().invoke(main, ["init", "--no-input", *args])
    finally:
        os.chdir(here)


def by_slug(slug: str):  # noqa: ANN201 - the demo catalogue's Product
    return next(p for p in DEFAULT_CATALOGUE.products if p.slug == slug)


def test_from_url_reads_the_product_data(tmp_path: Path, store: str) -> None:
    shown = next(p for p in DEFAULT_CATALOGUE.products if p.show_model and p.offer_price is None)
    result = run(tmp_path, "--from-url", f"{store}/products/{shown.slug}")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "campaign.yaml").read_text()
    assert f"# drafted from {store}/products/{shown.slug}" in text
    assert f"model: {shown.model}  # the page's mpn: check it is the model number" in text
    assert "# the page's price today: write the price the campaign advertises" in text
    campaign = load_manifest(tmp_path / "campaign.yaml", env={})
    assert campaign.site.url == store  # the site is the pages' origin
    (product,) = campaign.products
    assert (product.name, product.model) == (shown.name, shown.model)
    assert (product.price, product.currency) == (shown.price, "USD")
    assert product.url_as_written == f"/products/{shown.slug}"  # moves with --base-url


def test_a_page_without_the_model_number_says_where_the_guess_came_from(
    tmp_path: Path, store: str
) -> None:
    # the planted V710 failure: no mpn, only the shop's internal sku
    v710 = next(p for p in DEFAULT_CATALOGUE.products if p.model == "V710")
    result = run(tmp_path, "--from-url", f"{store}/products/{v710.slug}")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "campaign.yaml").read_text()
    assert (
        f"model: {v710.sku}  # the page's sku: check it is the model number the ads print" in text
    )


def test_pages_without_a_product_are_named_not_dropped(tmp_path: Path, store: str) -> None:
    shown = next(p for p in DEFAULT_CATALOGUE.products if p.show_model)
    result = run(
        tmp_path,
        "--from-url", f"{store}/products/{shown.slug}",
        "--from-url", f"{store}/",
        "--from-url", f"{store}/products/no-such-phone",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"not drafted: {store}/: no schema.org Product data on the page" in result.output
    assert f"not drafted: {store}/products/no-such-phone: HTTP 404" in result.output
    text = (tmp_path / "campaign.yaml").read_text()
    assert f"#   {store}/products/no-such-phone: HTTP 404" in text
    assert len(load_manifest(tmp_path / "campaign.yaml", env={}).products) == 1


def test_nothing_drafted_is_exit_2(tmp_path: Path, store: str) -> None:
    result = run(tmp_path, "--from-url", f"{store}/")
    assert result.exit_code == 2
    assert "no product could be drafted from the 1 pages read" in result.output
    assert not (tmp_path / "campaign.yaml").exists()


def test_from_sitemap_with_match_and_limit(tmp_path: Path, store: str) -> None:
    listed = [p for p in DEFAULT_CATALOGUE.products if p.in_sitemap]
    args = ["--from-sitemap", f"{store}/sitemap.xml", "--match", "/products/*"]
    result = run(tmp_path, *args, "--limit", "3")
    assert result.exit_code == 0, result.output
    assert f"drafted the first 3 of {len(listed)} matching pages (--limit)" in result.output
    products = load_manifest(tmp_path / "campaign.yaml", env={}).products
    assert [p.url_as_written for p in products] == [f"/products/{p.slug}" for p in listed[:3]]

    result = run(tmp_path, *args, "--match", "/nothing/*", "-o", "other.yaml")
    assert result.exit_code == 2
    assert "none of the" in result.output and "match '/nothing/*'" in result.output


def test_every_sitemap_product_drafts_a_manifest_check_accepts(tmp_path: Path, store: str) -> None:
    result = run(
        tmp_path, "--from-sitemap", f"{store}/sitemap.xml", "--match", "products/", "--limit", "100"
    )
    assert result.exit_code == 0, result.output
    check = CliRunner().invoke(
        main, ["check", str(tmp_path / "campaign.yaml"), "-q", "--format", "json"]
    )
    assert check.exit_code in (0, 1), check.output
    summary = json.loads(check.output)["summary"]
    assert summary["products"] == len(
        {p.model if p.show_model else p.sku for p in DEFAULT_CATALOGUE.products if p.in_sitemap}
    )


def test_robots_txt_is_obeyed(tmp_path: Path, httpserver: HTTPServer) -> None:
    offer = {"@type": "Offer", "price": "9.50", "priceCurrency": "EUR"}
    product = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Phone X1",
        "mpn": "X1",
    }
    product["offers"] = offer
    page = f'<html><head><script type="application/ld+json">{json.dumps(product)}</script>'
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    httpserver.expect_request("/private/x1").respond_with_data(page, content_type="text/html")
    url = httpserver.url_for("/private/x1")
    result = run(tmp_path, "--from-url", url)
    assert result.exit_code == 2
    assert "robots.txt" in result.output
    result = run(tmp_path, "--from-url", url, "--no-robots")
    assert result.exit_code == 0, result.output
    (x1,) = load_manifest(tmp_path / "campaign.yaml", env={}).products
    assert (x1.model, x1.price, x1.currency) == ("X1", Decimal("9.50"), "EUR")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--match", "/p/*"], "--match and --limit choose pages of --from-sitemap URL"),
        (["--from-url", "shop.example/p"], "take http(s) addresses"),
        (["--from-url", "http://127.0.0.1:9/p", "--products", "p.csv"], "not both"),
    ],
)
def test_bad_combinations(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(tmp_path, "--site-url", "https://shop.example", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_not_a_sitemap(tmp_path: Path, store: str) -> None:
    result = run(tmp_path, "--from-sitemap", f"{store}/")
    assert result.exit_code == 2
    assert result.output == f"cxlint: error: --from-sitemap: {store}/ is not a sitemap\n"

"""canonical-mismatch when a manifest written for production checks a staging copy
(--base-url): canonicals that name production are read as the copy's own."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer

from cxlint.catalogue import load_catalogue
from cxlint.engine import Engine, RunOptions, active_rules
from cxlint.fetch import FetchOptions
from cxlint.manifest import load_manifest
from cxlint.model import Finding

PROD = "https://www.example.com"


def page(canonical: str) -> str:
    return (
        f'<html><head><title>V710</title><link rel="canonical" href="{canonical}"></head>'
        "<body><h1>RAZR V710</h1></body></html>"
    )


def check_staging(server: HTTPServer, tmp_path: Path, canonical: str) -> list[Finding]:
    server.expect_request("/").respond_with_data(page(PROD + "/"), content_type="text/html")
    server.expect_request("/shop/lp/v710").respond_with_data(
        page(canonical), content_type="text/html"
    )
    manifest = {
        "version": 1,
        "campaign": {"name": "staging", "id": "case"},
        "site": {"url": PROD},
        "landing_pages": [{"url": "/lp/v710?utm_source=google&utm_medium=cpc"}],
    }
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(manifest))
    catalogue = load_catalogue()
    staging = server.url_for("/shop")  # a staging copy served under a path prefix
    campaign = load_manifest(
        str(path), base_url=staging, rules={n: set(r.options) for n, r in catalogue.items()}
    )
    rules = active_rules(catalogue, campaign, select=["canonical-mismatch"])
    options = RunOptions(fetch=FetchOptions(retries=0, timeout=5), origin=staging)
    return Engine(campaign, rules, options).run().findings


@pytest.mark.parametrize(
    "canonical", [PROD + "/lp/v710", PROD + "/lp/v710?utm_source=google&utm_medium=cpc"]
)
def test_staging_page_naming_its_production_address_is_fine(
    httpserver: HTTPServer, tmp_path: Path, canonical: str
) -> None:
    assert check_staging(httpserver, tmp_path, canonical) == []


def test_staging_page_naming_the_production_home_page_is_reported(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    (finding,) = check_staging(httpserver, tmp_path, PROD + "/")
    assert "names the home page as its canonical address" in finding.message
    assert finding.evidence["canonical"] == PROD + "/"  # as the page wrote it
    assert finding.severity == "warning"


def test_same_path_on_a_host_the_manifest_does_not_name_is_the_milder_case(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    (finding,) = check_staging(httpserver, tmp_path, "https://example.com/shop/lp/v710")
    assert "same page on https://example.com" in finding.message
    assert finding.severity == "info"

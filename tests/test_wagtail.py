"""cxlint against a real CMS's search: a small Wagtail site (tests/wagtail_site/) with its
built-in database search, checked with a manifest that has no `site.search` at all.

Marked `wagtail`: deselect with `-m "not wagtail"`; .ci/run runs them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cxlint.cli import main
from tests.wagtail_fixture import wagtail_site  # noqa: F401 - the fixture

pytestmark = pytest.mark.wagtail

PRODUCTS = [
    # healthy: the model number is in the page title
    {"id": "l5", "name": "Lumen L5 Speaker", "model": "L5", "url": "/lumen-l5-speaker/"},
    {"id": "t9", "name": "Terra T9 Tablet", "model": "T9", "url": "/terra-t9-tablet/"},
    # the V710 story: the model number is on no page, only the name finds it
    {
        "id": "ac710",
        "name": "Aurora Camera Phone",
        "model": "AC710",
        "url": "/aurora-camera-phone/",
    },
    # the model number finds it, the spelling without the hyphen does not
    {
        "id": "x200",
        "name": "Nimbus X-200 Headset",
        "model": "X-200",
        "aliases": ["X200"],
        "url": "/nimbus-x-200-headset/",
    },
]
SEARCH_RULES = "search-misses-product,search-partial-match,search-not-found"


@pytest.fixture(scope="module")
def report(wagtail_site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:  # noqa: F811
    folder = tmp_path_factory.mktemp("wagtail-run")
    manifest = {
        "version": 1,
        "campaign": {"name": "Nimbus launch", "id": "nimbus"},
        "site": {"url": wagtail_site},  # no `search:` key: cxlint must find it
        "products": PRODUCTS,
    }
    path = folder / "campaign.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=False))
    out = folder / "run.json"
    result = CliRunner().invoke(
        main,
        ["check", str(path), "--select", SEARCH_RULES, "--format", "json", "-o", str(out)],
    )
    assert result.exit_code == 1, result.output  # the planted miss is an error
    return json.loads(Path(out).read_text())


def search_findings(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["subject"].get("id", "site"), []).append(finding)
    return found


def test_search_form_is_discovered_without_configuration(
    report: dict[str, Any],
    wagtail_site: str,  # noqa: F811
) -> None:
    search = report["search"]
    assert search["method"] == "form"
    assert search["template"] == f"{wagtail_site}/search/?query={{query}}"
    methods = [step["method"] for step in search["tried"]]
    assert methods == ["opensearch", "schema.org", "form"]


def test_healthy_products_are_found(report: dict[str, Any]) -> None:
    statuses = {
        (s["subject"]["id"], c["rule"]): c["status"]
        for s in report["subjects"]
        if s["subject"]["type"] == "product"
        for c in s["checks"]
    }
    for product in ("l5", "t9"):
        assert statuses[(product, "search-misses-product")] == "passed"
        assert statuses[(product, "search-partial-match")] == "passed"
    assert set(search_findings(report)) == {"ac710", "x200"}


def test_product_findable_only_by_its_name(report: dict[str, Any]) -> None:
    [finding] = search_findings(report)["ac710"]
    assert finding["rule"] == "search-misses-product"
    assert finding["message"] == (
        'Customers who search the site for "AC710" find nothing; the product is found only '
        "by its name 'Aurora Camera Phone'."
    )
    evidence = finding["evidence"]
    queries = {q["query"]: (q["kind"], q["results"], q["rank"]) for q in evidence["queries"]}
    assert queries["AC710"] == ("model", 0, "absent")
    assert queries["Aurora Camera Phone"] == ("name", 1, 1)
    assert {"ac710", "AC-710", "AC 710"} <= set(queries)  # the spellings people type
    assert evidence["variants_that_find"] == []
    assert evidence["page_shows_model"] is False
    assert "never shows AC710" in finding["fix"]


def test_alias_without_the_hyphen_is_a_partial_match(report: dict[str, Any]) -> None:
    [finding] = search_findings(report)["x200"]
    assert finding["rule"] == "search-partial-match"
    assert finding["severity"] == "warning"
    assert 'its alias "X200" find nothing' in finding["message"]
    queries = {q["query"]: (q["results"], q["rank"]) for q in finding["evidence"]["queries"]}
    assert queries["X-200"] == (1, 1)
    assert queries["X200"] == (0, "absent")

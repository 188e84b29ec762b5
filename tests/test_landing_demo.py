"""The demo store plants one case for each landing-page rule: each fires there, once, and
nowhere else; the healthy landing pages stay clean."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cxlint.catalogue import load_catalogue
from cxlint.demo import campaign_path, campaign_text
from cxlint.demo.store import DemoStore
from cxlint.engine import Engine, RunOptions, active_rules
from cxlint.fetch import FetchOptions
from cxlint.manifest import load_manifest_text
from cxlint.model import RunResult

# rule → (the landing page planted for it, the severity it is reported with)
PLANTED = {
    "soft-404": ("/lp/autumn-preview", "error"),
    "redirect-chain": ("/go/tablet", "warning"),
    "tracking-missing": ("/lp/razr-v3", "error"),
    "wrong-product-on-page": ("/lp/h500-gift", "error"),
    "phone-missing": ("/lp/v551", "error"),
    "canonical-mismatch": ("/lp/e398-music", "warning"),
    "insecure-url": ("/lp/newsletter", "error"),
    "slow-page": ("/lp/tablet-gallery", "warning"),
    "social-preview-missing": ("/lp/kids-tablet", "warning"),
    "page-title-generic": ("/lp/c650", "warning"),
    # the planted cases of 0.1, extended in 0.2
    "redirect-to-generic": ("/v710", "error"),
    "tracking-dropped": ("/go/spring", "error"),
}
HEALTHY = ("/go/h500", "/lp/e815")


@pytest.fixture(scope="module")
def result() -> Iterator[RunResult]:
    catalogue = load_catalogue()
    with DemoStore() as store:
        campaign = load_manifest_text(
            campaign_text(),
            campaign_path(),
            base_url=store.url,
            rules={n: set(r.options) for n, r in catalogue.items()},
        )
        rules = active_rules(catalogue, campaign)
        yield Engine(campaign, rules, RunOptions(fetch=FetchOptions(retries=0))).run()


def path(url: str | None) -> str:
    return (url or "").split("?")[0]


@pytest.mark.parametrize("rule", sorted(PLANTED))
def test_each_planted_case_fires_once_where_planted(result: RunResult, rule: str) -> None:
    where, severity = PLANTED[rule]
    found = [(path(f.subject.url), f.severity) for f in result.findings if f.rule == rule]
    assert found == [(where, severity)]


def test_healthy_landing_pages_have_no_findings(result: RunResult) -> None:
    landing = [s for s in result.subjects if s.subject.type == "landing_page"]
    assert {path(s.subject.url) for s in landing} >= set(HEALTHY)
    for subject in landing:
        if path(subject.subject.url) in HEALTHY:
            assert subject.findings == [], subject.findings
            assert {c.status for c in subject.checks} <= {"passed", "skipped"}


def test_each_planted_page_has_only_its_own_landing_finding(result: RunResult) -> None:
    mine = set(PLANTED) - {"redirect-to-generic"}  # the V710 link also misses its product
    for subject in result.subjects:
        if subject.subject.type != "landing_page":
            continue
        rules = [f.rule for f in subject.findings]
        if set(rules) & mine:
            assert len(rules) == 1, (subject.subject.url, rules)

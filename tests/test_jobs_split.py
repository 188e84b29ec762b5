"""How `--jobs` shares a run's subjects between processes: subjects that read a page (or a
search) in common are one group, and each process takes the next few groups from one shared
counter as it frees up, so none waits idle while another still has work."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer

from cxlint.catalogue import load_catalogue
from cxlint.checks import registry
from cxlint.engine import Engine, RunOptions, active_rules
from cxlint.engine.facts import Facts
from cxlint.engine.pages import PageStore
from cxlint.engine.subjects import Subjects
from cxlint.fetch import FetchOptions
from cxlint.jobs import Claims
from cxlint.manifest import load_manifest
from cxlint.model import Campaign, Product, RunResult
from tests.rulecase import serve


def _campaign(tmp_path: Path, base: str) -> Campaign:
    products = [
        {"id": "a", "name": "Phone A", "model": "A1", "url": "/p/a"},
        {"id": "b", "name": "Phone B", "model": "M2", "url": "/p/b"},
        {"id": "c", "name": "Phone C", "model": "M2", "url": "/p/c"},  # b's model number
        {"id": "d", "name": "Phone D", "model": "D4", "url": "/p/d"},
        {"id": "e", "name": "Phone E", "model": "E5"},  # no page: its searches only
    ]
    manifest = {
        "version": 1,
        "campaign": {"name": "Split", "id": "split"},
        "site": {"url": base},
        "products": products,
        "landing_pages": [
            {"url": "/p/d?utm_source=a&utm_medium=b&utm_campaign=s"},  # d's page, tagged
            {"url": "/p/a"},  # a's page
        ],
    }
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    return load_manifest(path)


def _labels(result: RunResult) -> list[str]:
    return [s.subject.label for s in result.subjects]


def test_subjects_that_read_a_page_or_a_search_in_common_are_one_group(tmp_path: Path) -> None:
    campaign = _campaign(tmp_path, "https://shop.example")
    rules = active_rules(load_catalogue(), campaign)
    pages = PageStore(None, None)  # type: ignore[arg-type]  # planning fetches nothing
    facts = Facts(campaign, pages, None, {}, "token")  # type: ignore[arg-type]
    groups = Subjects(campaign, rules, registry(), pages, facts, None).plan(None)

    def names(group: object) -> list[str]:
        return [job.args[0].label for _, job in group.jobs]  # type: ignore[attr-defined]

    assert [names(g) for g in groups] == [
        ["site"],
        ["landing page /p/d?utm_source=a&utm_medium=b&utm_campaign=s"],  # another URL than d's
        ["landing page /p/a", "product a"],  # one page: fetched and parsed once
        ["product b", "product c"],  # both search for M2
        ["product d"],
        ["product e"],
    ]
    # each job keeps its place in the whole plan, as a run without --jobs orders it
    assert sorted(i for g in groups for i, _ in g.jobs) == list(range(8))
    assert groups[2].pages == ["https://shop.example/p/a"] * 2  # wanted by two subjects
    assert [p.id for p in groups[3].products] == ["b", "c"]


def test_a_search_every_product_shares_does_not_join_them(tmp_path: Path) -> None:
    campaign = _campaign(tmp_path, "https://shop.example")
    for product in campaign.products:
        product.aliases = ["Acme"]  # one alias for the whole catalogue
    rules = active_rules(load_catalogue(), campaign)
    pages = PageStore(None, None)  # type: ignore[arg-type]
    facts = Facts(campaign, pages, None, {}, "token")  # type: ignore[arg-type]
    plan = Subjects(campaign, rules, registry(), pages, facts, None).plan
    # five products share it: one group (and the search is asked once)
    assert [len(g.products) for g in plan(None)] == [0, 0, 5]

    campaign.products[:] = [Product(id=f"x{i}", name=f"X{i}", aliases=["Acme"]) for i in range(40)]
    campaign.landing_pages[:] = []
    groups = plan(None)
    assert len([g for g in groups if any(p.id.startswith("x") for p in g.products)]) == 40


@pytest.fixture
def shop(httpserver: HTTPServer) -> str:
    serve(httpserver, {
        f"/p/{k}": {"page": {"title": f"Phone {k.upper()}", "h1": f"Phone {k.upper()}",
                             "text": f"Model {k.upper()}"}}
        for k in "abcd"
    })  # fmt: skip
    return httpserver.url_for("/").rstrip("/")


def _engine(campaign: Campaign, claims: Claims | None = None) -> Engine:
    rules = active_rules(load_catalogue(), campaign)
    return Engine(campaign, rules, RunOptions(fetch=FetchOptions(retries=0)), claims=claims)


def test_a_process_takes_only_what_the_others_left(
    shop: str, httpserver: HTTPServer, tmp_path: Path
) -> None:
    campaign = _campaign(tmp_path, shop)
    whole = _engine(campaign).run()
    claims = Claims(multiprocessing.get_context("fork"))
    assert claims(3) == 0  # another process took the first three groups
    rest = _engine(campaign, claims).run()
    assert _labels(rest) == ["product b", "product c", "product d", "product e"]
    assert _labels(whole)[-4:] == _labels(rest)
    assert [s.findings for s in rest.subjects] == [
        s.findings for s in whole.subjects if s.subject.label in _labels(rest)
    ]
    # everything is taken now: a process starting late checks nothing and searches for no
    # product (it looks for the site's search as every process does, and stops)
    httpserver.clear_log()
    late = _engine(campaign, claims).run()
    assert late.subjects == [] and late.stats["searches"] == 0
    queries = [request.args.get("q") for request, _ in httpserver.log if request.args.get("q")]
    assert queries and not {"A1", "M2", "D4", "E5", "Phone A"} & set(queries)

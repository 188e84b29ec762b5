"""How `--jobs` shares a run's subjects between processes: subjects that read a page (or a
search) in common are one group, and each process takes the next few groups from one shared
counter as it frees up, so none waits idle while another still has work."""

from __future__ import annotations

import json
import multiprocessing
from collections import Counter
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
from cxlint.jobs import Claims, Progress, context, run_split
from cxlint.manifest import load_manifest
from cxlint.model import Campaign, Product, RunResult
from cxlint.search import EMPTY_PROBE
from tests.rulecase import serve
from tests.test_cli import cxlint


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


# --- the site's start, read once for every process ---------------------------------------------

_SEARCH_FORM = '<form role="search" action="/search"><input type="search" name="q"></form>'


@pytest.fixture
def searchable_shop(httpserver: HTTPServer) -> str:
    """A shop whose home page has a search, whose robots.txt names its sitemap, and whose
    pages carry validators (so a --cache run asks for them conditionally)."""
    base = httpserver.url_for("/").rstrip("/")
    etag = {"headers": {"ETag": '"v1"'}}
    listed = "".join(f"<url><loc>{base}/p/{k}</loc></url>" for k in "abcd")
    site: dict[str, object] = {
        "/": {"page": {"title": "Shop", "h1": "Shop", "body": _SEARCH_FORM}, **etag},
        "/robots.txt": {
            "body": f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n",
            "content_type": "text/plain",
        },
        "/sitemap.xml": {
            "body": f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{listed}</urlset>',
            "content_type": "application/xml",
        },
        "/search": {"page": {"title": "Search", "h1": "No results", "text": "Nothing found."}},
    }
    for k, model in {"a": "A1", "b": "M2", "c": "M2", "d": "D4"}.items():
        page = {"title": f"Phone {k.upper()}", "h1": f"Phone {k.upper()}", "text": f"Model {model}"}
        site[f"/p/{k}"] = {"page": page, **etag}
    found = {"Phone A": "a", "A1": "a", "Phone B": "b", "Phone C": "c", "M2": "bc", "D4": "d"}
    for query, products in {**found, "Phone D": "d"}.items():
        links = "".join(f'<li><a href="/p/{k}">Phone {k.upper()}</a></li>' for k in products)
        results = {"title": "Search", "h1": "Results", "body": f'<ul class="results">{links}</ul>'}
        site[f"/search?q={query}"] = {"page": results}
    serve(httpserver, site)
    return base


def _asked(httpserver: HTTPServer) -> Counter[str]:
    return Counter(
        f"{r.path}?q={r.args['q']}" if "q" in r.args else r.path for r, _ in httpserver.log
    )


@pytest.mark.parametrize("cache", [False, True])
def test_every_process_is_given_the_sites_start_read_once(
    searchable_shop: str, httpserver: HTTPServer, tmp_path: Path, cache: bool
) -> None:
    """--jobs 2 asks for the home page, the search's probe, robots.txt and the sitemap once,
    not once per process, and reports what --jobs 1 reports, counting every request."""
    path = _campaign(tmp_path, searchable_shop).path
    extra = ["--cache", str(tmp_path / "cache")] if cache else []
    reports = {}
    for jobs in ("1", "2", "2"):  # with --cache: a first run, then a re-run
        httpserver.clear_log()
        out = tmp_path / f"jobs{jobs}.json"
        run = cxlint("check", str(path), "--jobs", jobs, "--format", "json", "-o", str(out), *extra)
        assert "Traceback" not in run.stderr, run.stderr
        report = json.loads(out.read_text())
        asked = _asked(httpserver)
        assert report["run"]["stats"]["requests"] == sum(asked.values())
        if jobs == "2":
            once = ["/", "/robots.txt", "/sitemap.xml", f"/search?q={EMPTY_PROBE}"]
            assert {p: asked[p] for p in once} == dict.fromkeys(once, 1)
            assert report["run"]["stats"]["jobs"] == 2
        reports[jobs] = report
    one, two = reports["1"], reports["2"]
    assert two["findings"] == one["findings"]
    assert [{**s, "seconds": 0} for s in two["subjects"]] == [
        {**s, "seconds": 0} for s in one["subjects"]
    ]
    # the sitemap given to the processes was read: each product's page is found in it
    sitemap_checks = {
        s["subject"]["id"]: c["status"]
        for s in two["subjects"]
        for c in s["checks"]
        if c["rule"] == "not-in-sitemap" and s["subject"]["type"] == "product"
    }
    assert sitemap_checks == dict.fromkeys("abcd", "passed") | {"e": "skipped"}


def test_a_start_that_fails_to_be_read_once_is_read_by_each_process(
    searchable_shop: str, httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign = _campaign(tmp_path, searchable_shop)
    whole = _engine(campaign).run()

    def broken(self: Engine) -> None:
        raise RuntimeError("a bug while reading the site's start")

    monkeypatch.setattr(Engine, "read_start", broken)
    httpserver.clear_log()
    rules = active_rules(load_catalogue(), campaign)
    options = RunOptions(fetch=FetchOptions(retries=0))
    split = run_split(campaign, rules, options, 2, Progress(context()))
    assert _asked(httpserver)["/"] == 2  # each process read it, as it would alone
    assert split.stats["requests"] == len(httpserver.log)
    assert [s.findings for s in split.subjects] == [s.findings for s in whole.subjects]

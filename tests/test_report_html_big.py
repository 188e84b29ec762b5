"""A big HTML report stays usable (issue 18, item 8): each rule's texts once, in a glossary;
passing subjects as table rows (the first page in the HTML, every row in a JSON block the
page's script draws from); findings grouped by who usually fixes them, as "Fix these first"
groups them. The run is built without a crawl (tests/benchmarks/html_report_bench.py).

Structure only: nothing here is timed (machines are shared); the benchmark measures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from cxlint.catalogue import load_catalogue
from cxlint.model import Subject, SubjectResult, verdict
from cxlint.report import html as html_report
from cxlint.report.html import PAGE_ROWS, render, subject_id
from cxlint.report.json_report import read
from cxlint.report.priorities import GROUP_ORDER, owner
from tests.benchmarks.html_report_bench import big_result
from tests.test_report_html import DATA, Opened, browser  # noqa: F401 - browser: a fixture

PRODUCTS = 2_000


@pytest.fixture(scope="module")
def big() -> Any:
    return big_result(PRODUCTS)


@pytest.fixture(scope="module")
def big_html(big: Any) -> str:
    return render(big).decode()


@pytest.fixture(scope="module")
def page(big_html: str) -> BeautifulSoup:
    return BeautifulSoup(big_html, "html.parser")


def data_of(page: BeautifulSoup) -> dict[str, Any]:
    return json.loads(page.select_one("script#cxlint-data").string)


def test_each_rule_text_is_written_once_in_the_glossary(big: Any, page: BeautifulSoup) -> None:
    assert len(page.select("section#rules")) == 1
    catalogue = load_catalogue()
    rules = {c.rule for s in big.subjects for c in s.checks} | {f.rule for f in big.findings}
    entries = page.select("#rules article.rule")
    assert sorted(e["id"] for e in entries) == sorted(f"rule-{r}" for r in rules)
    text = page.get_text()
    for rule in rules:
        for words in (catalogue[rule].why, catalogue[rule].summary, catalogue[rule].fix):
            assert text.count(words) == 1, rule
    assert len(page.select('#rules a[href$="docs/rules.md#price-mismatch"]')) == 1


def test_every_finding_links_to_its_rule(big: Any, page: BeautifulSoup) -> None:
    findings = page.select("section.finding")
    assert len(findings) == len(big.findings)
    for finding in findings:
        rule = finding["data-rule"]
        links = {a["href"] for a in finding.select('a[href^="#rule-"]')}
        assert links == {f"#rule-{rule}"}
        assert page.find(id=f"rule-{rule}") is not None
    # the evidence stays with each finding
    card = page.find(id=subject_id(next(s for s in big.subjects if _rules(s) & {"price-mismatch"})))
    price = card.select_one('section.finding[data-rule="price-mismatch"] dl.facts').get_text()
    assert "promised" in price and "EUR" in price


def _rules(subject: SubjectResult) -> set[str]:
    return {f.rule for f in subject.findings}


def test_passing_subjects_are_rows_every_one_in_the_data(big: Any, page: BeautifulSoup) -> None:
    passing = [s for s in big.subjects if not s.findings]
    # no card per passing subject: only for those with something more to say (acknowledged)
    acknowledged = [
        s for s in big.subjects if s.findings and all(f.acknowledged for f in s.findings)
    ]
    assert acknowledged
    assert [c["id"] for c in page.select("article.card.passed")] == [
        subject_id(s) for s in acknowledged
    ]
    rows = page.select("table.passing tbody tr")
    assert len(rows) == PAGE_ROWS < len(passing)  # the first page in the HTML
    first = page.find(id=subject_id(passing[0]))
    assert first.name == "tr" and first.select_one('a[href^="#checks-"]') is not None
    cells = [c.get_text(" ", strip=True) for c in page.find(id="product-sku-000000")("td")]
    assert cells[:2] == ["products", "products.csv:2"]
    assert cells[2].startswith("8 passed · set ")
    # the rest only in the data, compactly
    data = data_of(page)
    assert len(data["rows"]) == len(passing)
    last = passing[-1]
    assert page.find(id=subject_id(last)) is None
    kind, name, rid, channel, file, line, href, checks = data["rows"][-1]
    assert data["kinds"][kind][1] == "product" and name == last.subject.id and rid == 0
    assert (data["channels"][channel], data["files"][file], line) == (
        "products",
        "products.csv",
        last.location.line,
    )
    assert data["origin"] + href == last.url
    numbers = {s[0]: s for s in data["sets"]}
    assert numbers[checks][3].split() == [c.rule for c in last.checks if c.status == "passed"]
    # every set is written once, in the legend
    legend = page.select("#checks li")
    assert [li["id"] for li in legend] == [f"checks-{s[0]}" for s in data["sets"]]
    assert "the manifest gives no price" in page.select_one("#checks").get_text()


def test_findings_are_grouped_by_who_fixes_them(big: Any, page: BeautifulSoup) -> None:
    groups = page.select("main > section.owner-group")
    assert groups
    order = GROUP_ORDER
    seen = []
    for group in groups:
        title = group["data-owner"]
        assert group.select_one(".group-title").get_text().lower().startswith(title.lower())
        assert title in order
        seen.append(title)
        for card in group.select("article.card"):
            subject = next(s for s in big.subjects if subject_id(s) == card["id"])
            live = [f for f in subject.findings if not f.acknowledged]
            worst = next(f for level in ("error", "warning", "info") for f in live
                         if f.severity == level)  # fmt: skip
            assert owner(worst.rule, load_catalogue()) == title
    assert len(set(seen)) == len(seen)
    with_errors = [t for t, g in zip(seen, groups, strict=True) if g.select("article.card.error")]
    assert seen[: len(with_errors)] == with_errors  # groups with an error first
    assert with_errors == sorted(with_errors, key=order.index)  # then in the groups' order
    # "Fix these first" links to cards in those groups
    for link in page.select("#fix-first li a"):
        assert page.find(id=link["href"][1:]).find_parent("section", class_="owner-group")


def test_a_passing_subject_costs_a_few_bytes() -> None:
    small = len(render(big_result(1_000, failing=0)))
    large = len(render(big_result(3_000, failing=0)))
    assert (large - small) / 2_000 < 150  # bytes per passing product (about 50 today)
    assert len(render(big_result(PRODUCTS))) < PRODUCTS * 600


def test_site_text_in_the_data_stays_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name past the first page is only in the JSON block: it can close no <script>."""
    monkeypatch.setattr(html_report, "PAGE_ROWS", 1)
    result = big_result(3, failing=0)
    evil = "</script><script>alert(1)</script><!--"
    subject = Subject("product", id=evil)
    result.subjects.append(
        SubjectResult(
            subject, "javascript:alert(2)", None, checks=[verdict("page-unreachable", False)]
        )
    )
    text = render(result).decode()
    assert "<script>alert(1)" not in text and "javascript:" not in text
    parsed = BeautifulSoup(text, "html.parser")
    assert len(parsed.find_all("script")) == 2
    row = data_of(parsed)["rows"][-1]
    assert row[1] == evil and row[6] == 0  # the name as it was; no link to a script


# --- in a real browser --------------------------------------------------------------------------


@pytest.fixture
def big_file(tmp_path: Path, big_html: str) -> Path:
    path = tmp_path / "big-report.html"
    path.write_text(big_html, encoding="utf-8")
    return path


@pytest.fixture
def opened_big(browser: Any, big_file: Path) -> Iterator[Opened]:  # noqa: F811
    page = Opened(browser, big_file, 1280)
    page.page.wait_for_selector("html[data-ready]", state="attached")
    yield page
    page.close()


@pytest.mark.browser
def test_a_big_report_renders_and_a_deep_finding_can_be_reached(
    big: Any, opened_big: Opened
) -> None:
    page = opened_big.page
    assert opened_big.visible(".verdict") and opened_big.visible("#fix-first")
    total = len(big.subjects)
    assert page.inner_text("#shown") == f"Showing {total} of {total} subjects"
    # the last subject with findings, deep in the list: found by a search
    deep = [s for s in big.subjects if any(not f.acknowledged for f in s.findings)][-1]
    page.fill("#search", deep.subject.id.lower())
    assert opened_big.visible(f"#{subject_id(deep)}")
    assert page.inner_text("#shown") == f"Showing 1 of {total} subjects"
    page.fill("#search", "")
    # one rule's findings only: the glossary's button sets the rule filter
    page.click("#rule-product-unavailable button.show-rule")
    assert page.input_value("#rule") == "product-unavailable"
    rules = page.locator("section.finding:visible").evaluate_all(
        "fs => fs.map(f => f.dataset.rule)"
    )
    live = [f for f in big.findings if f.rule == "product-unavailable" and not f.acknowledged]
    assert rules == ["product-unavailable"] * len(live)
    assert not opened_big.visible("#passed")
    assert opened_big.console == [] and opened_big.requests == [opened_big.url]


@pytest.mark.browser
def test_a_passing_subject_past_the_first_page_is_reached(big: Any, opened_big: Opened) -> None:
    page = opened_big.page
    last = [s for s in big.subjects if not s.findings][-1]
    target = "#" + subject_id(last)
    assert page.locator(target).count() == 0  # not drawn yet
    page.evaluate(f"location.hash = '{target}'")
    page.wait_for_selector(target)
    assert page.locator("#passed").get_attribute("open") is not None
    assert opened_big.visible(target)
    top = page.locator(target).evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top < 900
    passing = len([s for s in big.subjects if not s.findings])
    first = (passing - 1) // PAGE_ROWS * PAGE_ROWS + 1
    assert page.inner_text("#page-at") == f"Rows {first}–{passing} of {passing}"
    # and by a search, from anywhere
    page.fill("#search", last.subject.id)
    assert page.locator("#passing-rows tr").count() == 1 and opened_big.visible(target)
    page.fill("#search", "")
    page.click("#page-next")
    assert page.inner_text("#page-at") == f"Rows {PAGE_ROWS + 1}–{2 * PAGE_ROWS} of {passing}"
    assert opened_big.console == []


@pytest.mark.browser
def test_the_script_draws_a_row_as_the_template_does(
    browser: Any,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The demo's passing rows, all in the HTML, then one a page: the script's rows are the
    template's, markup for markup."""
    demo = read(str(DATA / "report-demo.json"))
    outer = "e => e.outerHTML"
    whole, paged = tmp_path / "whole.html", tmp_path / "paged.html"
    whole.write_bytes(render(demo))
    monkeypatch.setattr(html_report, "PAGE_ROWS", 1)
    paged.write_bytes(render(demo))
    served = Opened(browser, whole, 1280)
    drawn = Opened(browser, paged, 1280)
    try:
        want = served.page.locator("#passing-rows tr").evaluate_all(
            "rs => rs.map(r => r.outerHTML)"
        )
        assert len(want) > 1
        got = [drawn.page.locator("#passing-rows tr").evaluate(outer)]
        drawn.page.click("#passed > summary")
        for _ in want[1:]:
            drawn.page.click("#page-next")
            got.append(drawn.page.locator("#passing-rows tr").evaluate(outer))
        assert got == want
        assert served.console == [] and drawn.console == []
    finally:
        served.close()
        drawn.close()

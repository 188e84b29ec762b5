""" "Fix these first" (issue 17, item 6): errors before warnings, grouped by who fixes them,
one line each, acknowledged findings and info left out, cut with a count of the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cxlint.catalogue import load_catalogue
from cxlint.model import Finding, RunResult, Subject, SubjectResult
from cxlint.report.html import render as render_html
from cxlint.report.json_report import read
from cxlint.report.priorities import fix_first, owner, owners
from cxlint.report.text import render

SITE = "https://shop.example"


def finding(rule: str, severity: str, subject: Subject, **kw: str) -> Finding:
    return Finding(rule, severity, subject, f"{rule} happened.", {}, "fix it", **kw)  # type: ignore[arg-type]


def run(*findings: Finding) -> RunResult:
    result = RunResult({"name": "cxlint", "version": "0"}, {"name": "Spring"}, "", "", SITE)
    by_subject: dict[Subject, SubjectResult] = {}
    for f in findings:
        by_subject.setdefault(f.subject, SubjectResult(f.subject, None, None)).findings.append(f)
    result.subjects = list(by_subject.values())
    return result


V710 = Subject("product", id="v710")
LINK = Subject("landing_page", url="/v710?utm_source=vanityfair&utm_medium=print&utm_campaign=x")


def test_errors_first_grouped_by_owner_without_acknowledged_or_info() -> None:
    result = run(
        finding("not-in-sitemap", "warning", V710),
        finding("search-misses-product", "error", V710),
        finding("model-not-on-product-page", "error", V710),
        finding("price-mismatch", "error", V710, acknowledged="the sale starts Monday"),
        finding("slow-page", "info", LINK),
        finding("redirect-to-generic", "error", LINK),
        finding("tracking-missing", "warning", LINK),
    )
    first = fix_first(result, load_catalogue())
    assert (first.errors, first.warnings, first.more) == (3, 2, 0)
    assert [(g.owner, [i.rule for i in g.items]) for g in first.groups] == [
        ("redirects and links", ["redirect-to-generic"]),
        ("site content", ["model-not-on-product-page"]),
        ("site search", ["search-misses-product"]),
        ("the campaign (its manifest, links and creatives)", ["tracking-missing"]),
        ("SEO and feeds", ["not-in-sitemap"]),
    ]


def test_the_list_is_short_and_says_how_many_more() -> None:
    result = run(
        *(
            finding("page-unreachable", "error", Subject("landing_page", url=f"/p{i}"))
            for i in range(20)
        )
    )
    first = fix_first(result, load_catalogue(), limit=5)
    assert sum(len(g.items) for g in first.groups) == 5
    assert first.more == 15


def test_the_text_report_opens_with_it() -> None:
    text = render(
        run(
            finding("model-not-on-product-page", "error", V710),
            finding("redirect-to-generic", "error", LINK),
        )
    ).decode()
    head = text.split("\n\n", 2)[1].splitlines()
    assert head == [
        "Fix these first (2 errors):",
        "  redirects and links",
        "    ✖ /v710?…: redirect-to-generic happened. (redirect-to-generic)",
        "  site content",
        "    ✖ product v710: model-not-on-product-page happened. (model-not-on-product-page)",
    ]
    assert "Fix these first" not in render(run()).decode()  # nothing to fix: no list


def test_every_catalogue_rule_has_an_owner() -> None:
    unowned = [name for name in load_catalogue() if owner(name, load_catalogue()) == "other"]
    assert unowned == []
    groups = owners(load_catalogue())
    assert len({rule for rules in groups.values() for rule in rules}) == sum(
        map(len, groups.values())
    )


# --- the HTML report ------------------------------------------------------------------------


def demo_html(tmp_path: Path) -> tuple[Path, BeautifulSoup]:
    from tests.test_report_html import DATA

    html = render_html(read(str(DATA / "report-demo.json")))
    path = tmp_path / "report.html"
    path.write_bytes(html)
    return path, BeautifulSoup(html, "html.parser")


def test_the_html_report_opens_with_it_and_links_to_the_cards(tmp_path: Path) -> None:
    _, page = demo_html(tmp_path)
    section = page.select_one("header section#fix-first")
    assert section is not None and section.h2.get_text() == "Fix these first"
    items = section.select("li")
    assert items and [li["class"] for li in items].index(["warning"]) > 0  # errors first
    for li in items:
        card = page.find(id=li.a["href"][1:])
        assert card is not None and card.name == "article", li
    assert "Product v710" in section.get_text(" ", strip=True)


@pytest.mark.browser
def test_in_a_browser_on_a_phone_it_is_on_the_first_screen(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.test_report_html import CHROMIUM, CHROMIUM_ARGS, Opened, _chromium_or_skip

    _chromium_or_skip()
    path, _ = demo_html(tmp_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            opened = Opened(browser, path, 390)
            box = opened.page.locator("#fix-first").bounding_box()
            assert box is not None and box["y"] < 900  # above the fold of a phone
            assert box["width"] <= 390
            first = opened.page.locator("#fix-first li a").first
            target = first.get_attribute("href")
            first.click()
            assert opened.page.evaluate("location.hash") == target
            assert opened.visible(target)
            assert opened.console == [] and opened.requests == [opened.url]
            opened.close()
        finally:
            browser.close()


def test_the_html_report_names_files_not_where_they_were_on_disk() -> None:
    from cxlint.model import Location

    result = run(finding("model-not-on-product-page", "error", V710))
    result.campaign["manifest"] = "/home/ann/campaigns/spring/campaign.yaml"
    result.subjects[0].location = Location("/home/ann/campaigns/spring/products.csv", 4, 1)
    html = render_html(result).decode()
    assert "/home/ann" not in html
    assert '<span class="mono">campaign.yaml</span>' in html
    assert "products.csv:4" in html

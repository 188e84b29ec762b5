"""The HTML report: self-contained, escaped, and working in a real headless Chromium
(Debian's chromium driven by Playwright): no console errors, no network, filters, search,
deep links, phone width and print. Screenshots go under the test's tmp_path, or to the folder
CXLINT_TEST_ARTIFACTS names (CI can keep them)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from cxlint.model import RunResult
from cxlint.report.html import render, subject_id
from cxlint.report.json_report import read
from cxlint.results.baseline import apply_baseline

DATA = Path(__file__).parent / "data"
CHROMIUM = os.environ.get("CXLINT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
EVIL = "<script>alert(1)</script>"


@pytest.fixture
def demo() -> RunResult:
    return read(str(DATA / "report-demo.json"))


@pytest.fixture
def compared(demo: RunResult) -> RunResult:
    return apply_baseline(demo, read(str(DATA / "report-old.json")), "report-old.json")


def soup(result: RunResult) -> BeautifulSoup:
    return BeautifulSoup(render(result), "html.parser")


# --- the file itself ----------------------------------------------------------------------------


def test_self_contained_no_resource_from_anywhere(demo: RunResult) -> None:
    page = soup(demo)
    for tag in ("link", "img", "iframe", "object", "embed", "audio", "video", "source", "base"):
        assert not page.find_all(tag), tag
    # the page's one script, and its data (type application/json: never run)
    scripts = [(s.get("src"), s.get("type")) for s in page.find_all("script")]
    assert scripts == [(None, "application/json"), (None, None)]
    style = " ".join(s.get_text() for s in page.find_all("style"))
    assert "@import" not in style and "url(" not in style and "@font-face" not in style
    csp = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert csp is not None and "default-src 'none'" in csp["content"]


def test_links_only_to_web_pages(demo: RunResult) -> None:
    hrefs = [a["href"] for a in soup(demo).find_all("a")]
    assert hrefs
    for href in hrefs:
        assert href.startswith(("#", "http://", "https://")), href
    assert "javascript:alert(3)" not in hrefs


def test_site_text_is_escaped(demo: RunResult) -> None:
    html = render(demo).decode()
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    page = soup(demo)
    assert len(page.find_all("script")) == 2
    assert len([s for s in page.find_all("script") if not s.get("type")]) == 1
    assert EVIL in page.get_text()  # shown, as text


def test_a_card_or_a_row_per_subject_with_a_stable_deep_link(demo: RunResult) -> None:
    """A subject with findings is a card; one that passed with nothing more to say, a row of
    the passing table (issue 18: no card per passing subject)."""
    page = soup(demo)
    cards = page.select("article.card")
    rows = page.select("table.passing tbody tr")
    assert len(cards) + len(rows) == len(demo.subjects)
    with_findings = [s for s in demo.subjects if s.findings]
    assert {c["id"] for c in cards} == {subject_id(s) for s in with_findings}
    ids = [element["id"] for element in cards + rows]
    assert len(set(ids)) == len(ids)
    assert "product-v710" in ids and "site" in ids
    assert {subject_id(s) for s in demo.subjects} == set(ids)
    for element in cards + rows:
        assert element.select_one(f'a.anchor[href="#{element["id"]}"]') is not None


def test_the_redirect_chain_is_drawn_with_the_dropped_parameters(demo: RunResult) -> None:
    page = soup(demo)
    spring = next(c for c in page.select("article.card") if "/go/spring" in c.get_text())
    hops = spring.select("ol.hops > li.hop")
    assert [h.select_one(".status").get_text() for h in hops] == ["301", "200"]
    lost = [p.get_text() for p in hops[0].select(".param.lost")]
    assert lost == ["utm_source=newsletter", "utm_medium=email", "utm_campaign=v710-launch"]
    assert not hops[1].select(".param")
    assert "dropped at hop 1" in spring.select_one(".lost-note").get_text()


def test_searches_show_counts_and_ranks(demo: RunResult) -> None:
    page = soup(demo)
    rows = page.select("#product-h500 table.queries tbody tr")
    cells = [[td.get_text(" ", strip=True) for td in row.find_all("td")] for row in rows]
    assert cells[0] == ["H500", "model", "2", "found, rank 1"]
    assert cells[2] == ["H500 headset", "alias", "0", "not found"]
    missing = page.select("#product-v710 .missing .text")
    assert [m.get_text() for m in missing] == ["V710"]


def test_fix_and_explanation_one_click_away(demo: RunResult) -> None:
    from cxlint.catalogue import load_catalogue

    page = soup(demo)
    finding = page.select_one("#product-v710 section.finding")
    assert finding.select_one(".fix").get_text().startswith("Fix: Add V710")
    # the rule's texts are in the glossary, once; the finding links to them
    explain = finding.select_one("a.explain")
    assert explain is not None and explain["href"] == "#rule-model-not-on-product-page"
    entry = page.select_one("#rules #rule-model-not-on-product-page")
    why = load_catalogue()["model-not-on-product-page"].why
    assert why in entry.get_text()
    assert page.get_text().count(why) == 1


def test_passes_are_listed_collapsed(demo: RunResult) -> None:
    page = soup(demo)
    group = page.select_one("details#passed")
    assert group is not None and not group.has_attr("open")
    assert "4 subjects passed every check" in group.summary.get_text()
    passes = page.select_one("#product-v710 details.passes")
    assert passes.summary.get_text().endswith("passed") and not passes.has_attr("open")


def test_baseline_marks_and_fixed(compared: RunResult) -> None:
    page = soup(compared)
    assert "Compared with report-old.json: 1 new, 6 still present, 1 fixed" in page.get_text()
    marks = [b.get_text() for b in page.select("section.finding .badge.new")]
    assert marks == ["new"]
    assert page.select_one("#only-new") is not None
    assert "page-unreachable" in page.select_one("section.fixed-list").get_text()


def test_the_verdict_and_the_counts(demo: RunResult) -> None:
    page = soup(demo)
    assert page.select_one(".verdict").get_text() == "Not ready: 6 errors on 4 of 9 subjects"
    bars = page.select(".chart")[0].select(".bar-count")
    assert [b.get_text() for b in bars] == ["6", "1", "0"]
    channels = page.select(".chart")[1].select(".bar-label")
    assert "print" in [c.get_text() for c in channels]


# --- in a real browser --------------------------------------------------------------------------


def _chromium_or_skip() -> None:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _chromium_or_skip()
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Opened:
    """A page with everything it said and asked for recorded."""

    def __init__(self, browser: Any, path: Path, width: int, fragment: str = "") -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url + fragment)
        self.page.wait_for_load_state("load")

    def visible(self, selector: str) -> bool:
        return self.page.locator(selector).is_visible()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def report_file(tmp_path: Path, compared: RunResult) -> Path:
    path = tmp_path / "cxlint-report.html"
    path.write_bytes(render(compared))
    return path


@pytest.fixture
def opened(browser: Any, report_file: Path) -> Iterator[Opened]:
    page = Opened(browser, report_file, 1280)
    yield page
    page.close()


@pytest.mark.browser
def test_no_console_errors_and_no_network(opened: Opened) -> None:
    opened.page.click("#passed > summary")
    opened.page.click("#product-v710 a.explain")
    opened.page.fill("#search", "v710")
    assert opened.console == []
    assert opened.requests == [opened.url]
    assert opened.dialogs == []


@pytest.mark.browser
def test_a_script_in_a_page_title_is_shown_as_text(opened: Opened) -> None:
    assert opened.page.get_by_text(EVIL, exact=False).first.is_visible()
    assert opened.page.locator("script").count() == 2
    assert opened.page.locator("script:not([type])").count() == 1
    assert opened.page.locator("img").count() == 0
    assert opened.dialogs == []


@pytest.mark.browser
def test_severity_filter(opened: Opened) -> None:
    spring, h500 = "#" + spring_id(opened), "#product-h500"
    assert opened.visible(spring) and opened.visible(h500)
    opened.page.uncheck('input[name="severity"][value="error"]')
    assert not opened.visible(spring)  # errors only
    assert opened.visible(h500)  # a warning
    assert "Showing 5 of 9 subjects" in opened.page.inner_text("#shown")  # 4 pass
    opened.page.uncheck('input[name="severity"][value="passed"]')
    assert "Showing 1 of 9 subjects" in opened.page.inner_text("#shown")
    opened.page.uncheck('input[name="severity"][value="warning"]')
    assert opened.visible("#empty")
    opened.page.check('input[name="severity"][value="error"]')
    v710 = opened.page.locator("#product-v710 section.finding")
    assert v710.count() == 2 and v710.nth(0).is_visible()
    assert not opened.visible(h500)


@pytest.mark.browser
def test_channel_filter_and_search(opened: Opened) -> None:
    spring = "#" + spring_id(opened)
    opened.page.uncheck('input[name="channel"][value="email"]')
    assert not opened.visible(spring)
    assert opened.visible("#product-v710")
    opened.page.check('input[name="channel"][value="email"]')
    opened.page.fill("#search", "H500 HEADSET")
    assert opened.visible("#product-h500")
    assert not opened.visible("#product-v710") and not opened.visible(spring)
    opened.page.fill("#search", "")
    assert opened.visible("#product-v710")


@pytest.mark.browser
def test_only_new(opened: Opened) -> None:
    opened.page.check("#only-new")
    assert "Showing 1 of 9 subjects" in opened.page.inner_text("#shown")
    card = opened.page.locator("article.card:visible")
    assert card.locator("section.finding:visible h3 code").all_inner_texts() == [
        "redirect-to-generic"
    ]


@pytest.mark.browser
def test_deep_link_opens_a_collapsed_subject(browser: Any, report_file: Path) -> None:
    page = Opened(browser, report_file, 1280, "#product-e815")
    try:
        assert page.page.locator("#passed").get_attribute("open") is not None
        assert page.visible("#product-e815")
        top = page.page.locator("#product-e815").evaluate("e => e.getBoundingClientRect().top")
        assert 0 <= top < 900, "scrolled to the linked subject"
        # a link to a subject the filters hide clears the filters
        page.page.uncheck('input[name="severity"][value="warning"]')
        page.page.evaluate("location.hash = '#product-h500'")
        page.page.wait_for_function("!document.getElementById('product-h500').hidden")
        assert page.console == []
    finally:
        page.close()


def artifacts(tmp_path: Path) -> Path:
    """Where screenshots go: tmp_path unless CXLINT_TEST_ARTIFACTS names a folder to keep."""
    folder = Path(os.environ.get("CXLINT_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.browser
def test_screenshots_at_desktop_and_phone_width(
    browser: Any, report_file: Path, tmp_path: Path
) -> None:
    folder = artifacts(tmp_path)
    for name, width in (("desktop", 1280), ("phone", 390)):
        page = Opened(browser, report_file, width)
        try:
            overflow = page.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"
            shot = folder / f"html-report-{name}.png"
            page.page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            assert page.console == []
        finally:
            page.close()


@pytest.mark.browser
def test_prints_without_the_controls_and_with_everything_open(
    opened: Opened, tmp_path: Path
) -> None:
    closed = opened.page.locator("details:not([open])").count()
    assert closed > 0
    opened.page.emulate_media(media="print")
    assert not opened.visible("nav.filters")
    opened.page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert opened.page.locator("details:not([open])").count() == 0
    opened.page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert opened.page.locator("details:not([open])").count() == closed
    pdf = opened.page.pdf(path=str(artifacts(tmp_path) / "html-report.pdf"))
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert opened.console == []


def spring_id(opened: Opened) -> str:
    return opened.page.locator("article.card", has_text="/go/spring").get_attribute("id")

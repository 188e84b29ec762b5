"""Benchmark: the HTML report of a big run, its size and how soon it is usable in Chromium.

    python -m tests.benchmarks.html_report_bench --products 50000 [--runs 3] [--keep FILE]

Builds a RunResult as a crawl of a shop with that many products would leave it (no crawl:
`big_result`, also used by the tests), renders it with the current code, and prints the
file's size in MB and the median, over --runs page loads, of the time until the page is
usable: from navigation start until the page has loaded, its script has run (the report sets
data-ready on <html>), and a frame has been painted after that. Chromium is Debian's
(/usr/bin/chromium, or CXLINT_CHROMIUM), driven by Playwright as in the browser tests.

To measure another version of the code (the one before a change, say), export a commit that
has this script and run it from there: `git archive REV | tar -x -C /tmp/old`, then
`cd /tmp/old && python -m tests.benchmarks.html_report_bench ...` (python -m puts the current
folder first on the path, so that folder's cxlint is the one measured; the first line printed
says which). PYTHONPATH alone, run from the checkout, would measure the checkout.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from cxlint.model import (
    Check,
    Finding,
    Location,
    RunResult,
    Subject,
    SubjectResult,
    verdict,
)

SITE = "https://shop.example"
MANIFEST = "spring-sale.yaml"
PRODUCTS_FILE = "products.csv"
# the rules run on every product, as a run with site search and prices configured runs them
PRODUCT_RULES = (
    "page-unreachable",
    "model-not-on-product-page",
    "price-mismatch",
    "product-unavailable",
    "product-page-noindex",
    "search-misses-product",
    "structured-data-missing",
    "canonical-mismatch",
)
LANDING_RULES = (
    "page-unreachable",
    "redirect-to-generic",
    "redirect-chain",
    "tracking-dropped",
    "tracking-missing",
    "product-not-on-page",
    "soft-404",
    "insecure-url",
    "social-preview-missing",
)
CHANNELS = ("email", "social", "search", "display", "print")
WORDS = ("Aero", "Nova", "Terra", "Pulse", "Vista", "Orbit", "Echo", "Zen", "Flux", "Atlas")
THINGS = ("Headset", "Speaker", "Phone", "Charger", "Watch", "Camera", "Router", "Earbuds")


def _product_name(i: int) -> tuple[str, str]:
    model = f"{WORDS[i % len(WORDS)][0]}{THINGS[i % len(THINGS)][0]}{100 + i % 9000}"
    name = f"{WORDS[i % len(WORDS)]} {THINGS[(i // 7) % len(THINGS)]} {model}"
    return name, model


def _finding(
    rule: str, severity: str, subject: Subject, line: int, message: str, evidence: dict[str, Any],
    fix: str, url: str, what: str | None = None, code: str | None = None,
) -> Finding:  # fmt: skip
    return Finding(
        rule, severity, subject, message, evidence, fix, url=url, file=PRODUCTS_FILE, line=line,
        column=1, code=code, what=what,
    )  # type: ignore[arg-type]  # fmt: skip


def _product_findings(i: int, rng: random.Random, subject: Subject, line: int) -> list[Finding]:
    """One to three findings, of the kinds a real product run reports, with their evidence."""
    name, model = _product_name(i)
    url = f"{SITE}/p/{subject.id.lower()}"  # type: ignore[union-attr]
    found: list[Finding] = []
    for rule in rng.sample(
        ["model", "price", "stock", "search", "unreachable", "schema", "canonical"],
        k=rng.choice((1, 1, 1, 2, 2, 3)),
    ):
        if rule == "model":
            found.append(_finding(
                "model-not-on-product-page", "error", subject, line,
                f"The product page of {name} never shows its model number {model}.",
                {"looked_for": [model, model.lower()], "page": url, "title": f"{name} | Shop",
                 "h1": [name.replace(model, "").strip()]},
                f"Add {model} to the product page of {name} (its title, heading or specs).",
                url, code="CX201",
            ))  # fmt: skip
        elif rule == "price":
            want = Decimal(rng.randrange(999, 99999)) / 100
            got = want + Decimal(rng.choice((500, 1000, 2000))) / 100
            found.append(_finding(
                "price-mismatch", "error", subject, line,
                f"The product page of {name} says {got} EUR; the campaign promises {want} EUR.",
                {"promised": f"{want} EUR", "found": f"{got} EUR", "where": "offers.price",
                 "page": url, "candidates": [f"{got} EUR", f"{got + 10} EUR"]},
                f"Set the price of {name} to {want} EUR before the campaign starts, or correct "
                "the manifest's price.",
                url, code="CX204",
            ))  # fmt: skip
        elif rule == "stock":
            found.append(_finding(
                "product-unavailable", "error", subject, line,
                f"The product page says {name} is sold out (its product data: OutOfStock), "
                "so customers the campaign sends cannot buy it.",
                {"availability": "https://schema.org/OutOfStock", "text": "Sold out",
                 "page": url},
                f"Restock {name} or take it out of the campaign.", url, code="CX205",
            ))  # fmt: skip
        elif rule == "search":
            queries = [
                {"query": model, "kind": "model", "results": 0, "rank": "absent",
                 "url": f"{SITE}/search?q={model}"},
                {"query": name, "kind": "name", "results": rng.randrange(3, 40),
                 "rank": "absent", "url": f"{SITE}/search?q={name.replace(' ', '+')}"},
            ]  # fmt: skip
            found.append(_finding(
                "search-misses-product", "error", subject, line,
                f'Customers who search the site for "{model}" find nothing; {name} is not '
                "among the results for its name either.",
                {"queries": queries, "top": [f"{SITE}/p/other-{n}" for n in range(3)]},
                f"Make the site search index {model} and the name {name}.", url,
                code="CX202",
            ))  # fmt: skip
        elif rule == "unreachable":
            moved = f"{SITE}/p/{subject.id}/old"  # type: ignore[union-attr]
            found.append(_finding(
                "page-unreachable", "error", subject, line,
                "The product page answers with HTTP 404 (not found).",
                {"status": 404, "chain": [{"url": url, "status": 301, "location": moved},
                                          {"url": moved, "status": 404}]},
                f"Make {url} answer with the product page (HTTP 200), or correct its URL in "
                f"{PRODUCTS_FILE}.",
                url, code="CX101",
            ))  # fmt: skip
        elif rule == "schema":
            found.append(_finding(
                "structured-data-missing", "warning", subject, line,
                f"The product page of {name} has no schema.org Product data.",
                {"page": url, "found_types": ["BreadcrumbList", "WebSite"]},
                "Add schema.org Product markup (JSON-LD) with name, sku, offers.", url,
                code="CX206",
            ))  # fmt: skip
        else:
            canonical = f"{SITE}/c/{THINGS[i % len(THINGS)].lower()}"
            found.append(_finding(
                "canonical-mismatch", "warning", subject, line,
                f"The product page of {name} names {canonical} as its canonical page.",
                {"page": url, "canonical": canonical},
                f"Make the canonical link of {url} point to itself.", url, code="CX109",
            ))  # fmt: skip
    return found


def big_result(products: int = 50_000, *, failing: float = 0.04, seed: int = 18) -> RunResult:
    """A run over `products` products and a few landing pages, without a crawl: about
    `failing` of the products with one to three findings, the rest passing eight checks each,
    some with a check skipped (no price in the manifest, a search that failed)."""
    rng = random.Random(seed)
    result = RunResult(
        tool={"name": "cxlint", "version": "0.1.0", "url": "https://github.com/cxlint/cxlint"},
        campaign={"name": "Spring sale", "id": "spring", "launch": "2027-03-01",
                  "manifest": f"/home/ann/campaigns/{MANIFEST}", "site": SITE},
        started="2027-02-20T09:30:00+00:00",
        finished="2027-02-20T10:41:12+00:00",
        origin=SITE,
        search={"method": "opensearch", "template": f"{SITE}/search?q={{query}}"},
        stats={"requests": products * 3, "pages": products + 40, "searches": products * 2,
               "seconds": 4272.0},
    )  # fmt: skip
    site = Subject("site")
    result.subjects.append(
        SubjectResult(site, SITE, None, checks=[verdict("search-not-found", False)])
    )
    for n in range(40):
        channel = CHANNELS[n % len(CHANNELS)]
        path = f"/lp/spring-{n}?utm_source={channel}&utm_medium=cpc&utm_campaign=spring"
        subject = Subject("landing_page", url=path)
        sr = SubjectResult(
            subject, SITE + path, Location(f"/home/ann/campaigns/{MANIFEST}", 20 + n * 6, 5),
            channel=channel,
        )  # fmt: skip
        sr.checks = [verdict(rule, False) for rule in LANDING_RULES]
        if n % 9 == 4:
            lost = [
                {"parameter": p, "hop": 1, "from": SITE + path, "to": f"{SITE}/sale",
                 "what": "dropped"}
                for p in ("utm_source", "utm_medium", "utm_campaign")
            ]  # fmt: skip
            sr.findings.append(Finding(
                "tracking-dropped", "error", subject,
                "A redirect loses the campaign's tracking parameters utm_source, utm_medium, "
                "utm_campaign, so its visits will be credited to someone else.",
                {"chain": [{"url": SITE + path, "status": 301, "location": f"{SITE}/sale"},
                           {"url": f"{SITE}/sale", "status": 200}], "lost": lost},
                f"Make the redirect at /lp/spring-{n} keep the query string.",
                url=SITE + path, file=MANIFEST, line=20 + n * 6, column=5, code="CX104",
            ))  # fmt: skip
            sr.checks[3] = verdict("tracking-dropped", True)
        result.subjects.append(sr)
    passed = [verdict(rule, False) for rule in PRODUCT_RULES]
    no_price = Check("price-mismatch", "skipped", "the manifest gives no price")
    for i in range(products):
        subject = Subject("product", id=f"SKU-{i:06d}")
        line = i + 2
        sr = SubjectResult(
            subject, f"{SITE}/p/sku-{i:06d}", Location(f"/home/ann/campaigns/{PRODUCTS_FILE}",
                                                       line, 1),
            channel="products", seconds=round(rng.uniform(0.2, 2.5), 2),
        )  # fmt: skip
        checks = list(passed)
        if i % 10 == 3:
            checks[2] = no_price
        if rng.random() < failing:
            sr.findings = _product_findings(i, rng, subject, line)
            failed = {f.rule for f in sr.findings}
            checks = [verdict(c.rule, True) if c.rule in failed else c for c in checks]
            if rng.random() < 0.1:  # the team knows, and said why
                sr.findings[0].acknowledged = "the supplier fixes it before launch"
        sr.checks = checks
        result.subjects.append(sr)
    return result


# --- in Chromium ----------------------------------------------------------------------------

# resolves with performance.now() (ms since navigation start) once the page is loaded, its
# script said it is ready (a report without that marker: at load) and a frame was painted
USABLE = """() => new Promise(resolve => {
  const painted = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now())));
  const marked = () => document.documentElement.hasAttribute("data-ready")
      || !document.getElementById("cxlint-data");
  const wait = () => marked() ? painted() : setTimeout(wait, 5);
  if (document.readyState === "complete") { wait(); } else { addEventListener("load", wait); }
})"""


def usable_ms(path: Path, runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    from tests.test_report_html import CHROMIUM, CHROMIUM_ARGS  # the browser tests' Chromium

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.goto(path.resolve().as_uri(), wait_until="commit", timeout=120_000)
                times.append(page.evaluate(USABLE))
                if errors:
                    raise SystemExit(f"the page failed: {errors}")
                context.close()
        finally:
            browser.close()
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.html_report_bench")
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--failing", type=float, default=0.04, help="share with findings")
    parser.add_argument("--runs", type=int, default=3, help="page loads; the median is shown")
    parser.add_argument("--keep", type=Path, help="also save the report here")
    parser.add_argument("--no-browser", action="store_true", help="size and render time only")
    args = parser.parse_args(argv)

    from cxlint.report import html

    start = time.perf_counter()
    result = big_result(args.products, failing=args.failing)
    built = time.perf_counter() - start
    start = time.perf_counter()
    data = html.render(result)
    rendered = time.perf_counter() - start
    findings = sum(len(s.findings) for s in result.subjects)
    print(f"cxlint from {Path(html.__file__).resolve().parents[2]}")
    print(
        f"{args.products} products, {len(result.subjects)} subjects, {findings} findings "
        f"(built in {built:.1f} s, rendered in {rendered:.1f} s)"
    )
    per = len(data) / len(result.subjects)
    print(f"size      {len(data) / 1e6:8.2f} MB  ({per:.0f} B/subject)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.html"
        path.write_bytes(data)
        if args.keep:
            args.keep.write_bytes(data)
        if args.no_browser:
            return
        times = usable_ms(path, args.runs)
    shown = ", ".join(f"{t / 1000:.2f}" for t in times)
    print(f"usable    {statistics.median(times) / 1000:8.2f} s   (median of {shown})")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

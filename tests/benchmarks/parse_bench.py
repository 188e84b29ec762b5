"""Micro-benchmark: CPU per product page for parsing (parse_page) and parse + all product rules.

    python -m tests.benchmarks.parse_bench [PAGES] [ROUNDS]

Pages come from the benchmark store's generator (30-60 KB: navigation, filler, Product JSON-LD,
a price, forms); every third page also carries a microdata Product. No network: each page is
a Response built in memory, and the product rules run with site search skipped (search is
measured by the full benchmark). Prints the median of ROUNDS rounds, in ms per page.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from cxlint.catalogue import load_catalogue
from cxlint.checks import registry
from cxlint.checks.context import ProductContext
from cxlint.engine import active_rules
from cxlint.manifest import load_manifest_text
from cxlint.model import Response
from cxlint.page import parse_page
from tests.benchmarks import store

BASE = "http://bench.test"
MICRODATA = (
    '<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">{name}</span>'
    '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
    '<span itemprop="price" content="{price}">${price}</span>'
    '<meta itemprop="priceCurrency" content="USD"></div></div>'
)


def pages(count: int) -> list[Response]:
    found = []
    for index in range(count):
        p = store.product(index)
        html = store.product_page(p)
        if index % 3 == 0:
            html = html.replace(
                "</article>", MICRODATA.format(name=p.name, price=p.price) + "</article>"
            )
        found.append(
            Response(
                url=BASE + p.url,
                final_url=BASE + p.url,
                status=200,
                headers={"content-type": "text/html; charset=utf-8"},
                body=html.encode(),
            )
        )
    return found


def _rounds(rounds: int, work: Callable[[], None], count: int) -> float:
    """Median CPU milliseconds per page of `work()` over `rounds` rounds."""
    times = []
    for _ in range(rounds):
        started = time.process_time()
        work()
        times.append((time.process_time() - started) * 1000 / count)
    return statistics.median(times)


def main(argv: list[str]) -> None:
    count = int(argv[0]) if argv else 200
    rounds = int(argv[1]) if len(argv) > 1 else 5
    responses = pages(count)
    campaign = load_manifest_text(store.manifest(count, BASE), "bench.yaml")
    rules = [
        (registry()[name], active.options)
        for name, active in active_rules(load_catalogue(), campaign).items()
        if "product" in active.rule.subjects and name in registry()
    ]

    def parse_only() -> None:
        for response in responses:
            parse_page(response)

    def parse_and_rules() -> None:
        for product, response in zip(campaign.products, responses, strict=True):
            page = parse_page(response)
            ctx = ProductContext(campaign, product, response, page, None, "benchmark")
            for spec, options in rules:
                try:
                    list(spec.fn(ctx, options))
                except Exception:  # noqa: BLE001, S112 - a Skip or a rule that needs search
                    continue

    # A parse that reads nothing is fast: check it reads what the rules need first.
    for index, response in enumerate(responses):
        page = parse_page(response)
        assert page.products and page.offers and page.prices and page.links and page.h1
        assert bool(page.microdata) == (index % 3 == 0), response.url

    size = sum(len(r.body) for r in responses) / count / 1000
    print(f"{count} product pages, {size:.0f} KB on average, {len(rules)} product rules")
    print(f"parse_page:          {_rounds(rounds, parse_only, count):.2f} ms per page (median)")
    print(
        f"parse + all rules:   {_rounds(rounds, parse_and_rules, count):.2f} ms per page (median)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])

"""The site's own search, used as a customer uses it: query → read results → rank.

Search is its own small subsystem. Queries go through the run's fetcher, so each distinct
query is sent once per run however many products share it. Rules read the outcomes
(`ProductSearch`); they never query themselves.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urljoin

from cxlint import urls
from cxlint.fetch import Fetcher
from cxlint.model import Product, SearchConfig
from cxlint.page import Page, parse_page
from cxlint.text import model_variants

# A query no catalogue matches: its results page is the site's own "nothing found" page,
# whose links (navigation, footer, suggestions) are therefore never results.
EMPTY_PROBE = "zqxj cxlint empty probe"
_NO_RESULTS = re.compile(
    r"\b(no|0|zero)\s+(results?|matches|products?|items?)\b|nothing\s+(was\s+)?found"
    r"|did\s+not\s+match\s+any|returned\s+no\s+results|keine\s+ergebnisse|aucun\s+r[ée]sultat",
    re.I,
)


@dataclass
class QueryResult:
    query: str
    url: str
    status: int | None
    results: list[str] = field(default_factory=list)  # result URLs, in order, normalised
    error: str | None = (
        None  # the search itself failed (HTTP error, unreachable, not a results page)
    )

    @property
    def count(self) -> int:
        return len(self.results)

    def rank(self, targets: set[str]) -> int | None:
        """1-based position of the first result that is one of `targets` (normalised URLs)."""
        for position, result in enumerate(self.results, start=1):
            if result in targets:
                return position
        return None


@dataclass
class QueryOutcome:
    query: str
    kind: str  # model | name | alias | variant
    result: QueryResult
    rank: int | None

    def as_evidence(self, top: int) -> dict[str, Any]:
        found = self.rank is not None and self.rank <= top
        return {
            "query": self.query,
            "kind": self.kind,
            "url": self.result.url,
            "results": self.result.count,
            "rank": self.rank if found else "absent",
            **({"error": self.result.error} if self.result.error else {}),
        }


@dataclass
class ProductSearch:
    """Every query sent for one product and where the product ranked."""

    primary: QueryOutcome  # the model number, or the name when there is none
    others: list[QueryOutcome]  # name and aliases
    variants: list[QueryOutcome]  # other spellings of the model number, sent only on a miss
    targets: list[str]  # the product's URLs that count as a hit

    def all(self) -> list[QueryOutcome]:
        return [self.primary, *self.others, *self.variants]


class SiteSearch:
    """Queries one site search and reads its results pages."""

    def __init__(self, config: SearchConfig, fetcher: Fetcher) -> None:
        self.config = config
        self.fetcher = fetcher
        self._chrome: set[str] | None = None  # links of the empty-results page
        self.sent: set[str] = set()  # distinct queries, for the run's summary

    def url_for(self, query: str) -> str:
        return self.config.template.replace("{query}", quote_plus(query))

    async def probe(self) -> QueryResult:
        """Search for nonsense once, before any real query: learns the empty page's links
        (so they are never counted as results), and whether the search works at all."""
        return await self._fetch(EMPTY_PROBE)

    async def query(self, query: str) -> QueryResult:
        self.sent.add(query)
        return await self._fetch(query)

    async def _fetch(self, query: str) -> QueryResult:
        url = self.url_for(query)
        response = await self.fetcher.get(url)
        result = QueryResult(query=query, url=url, status=response.status)
        if response.error:
            result.error = response.error
            return result
        if response.status is None or response.status >= 400:
            result.error = f"the search page answered HTTP {response.status}"
            return result
        if self.config.kind == "json":
            result.results = self._json_results(response.body, response.final_url, result)
            return result
        page = parse_page(response)
        links = _result_candidates(page)
        if query == EMPTY_PROBE:
            self._chrome = set(links)
            return result  # by construction, nothing it shows is a result
        if _NO_RESULTS.search(" ".join([page.title, *page.h1, page.text[:3000]])):
            return result
        chrome = self._chrome or set()
        result.results = [link for link in links if link not in chrome]
        return result

    def _json_results(self, body: bytes, base: str, result: QueryResult) -> list[str]:
        import jmespath  # only JSON search endpoints need it

        try:
            data = json.loads(body)
            items = jmespath.search(self.config.results or "@", data)
        except (ValueError, jmespath.exceptions.JMESPathError):
            result.error = "the search API did not answer with the JSON the manifest describes"
            return []
        if not isinstance(items, list):
            result.error = (
                f"'{self.config.results}' does not point to a list in the search API's answer"
            )
            return []
        found = []
        for item in items:
            value = item.get(self.config.url_field or "url") if isinstance(item, dict) else item
            if isinstance(value, str):
                found.append(urls.normalize_for_compare(urljoin(base, value)))
        return _dedupe(found)


def _result_candidates(page: Page) -> list[str]:
    """Same-site page links of a results page, normalised, in order, without duplicates."""
    site = urls.origin(page.final_url)
    search_path = urls.normalize_for_compare(page.final_url).split("?")[0]
    found = []
    for link in page.links:
        if not urls.is_http_url(link.url) or urls.origin(link.url) != site:
            continue
        normal = urls.normalize_for_compare(link.url)
        if normal.split("?")[0] == search_path:
            continue  # pagination, sorting and filter links of the results page itself
        found.append(normal)
    return _dedupe(found)


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def product_targets(product: Product, page: Page | None) -> set[str]:
    """The URLs a search result may link to and still be this product."""
    targets = set()
    if product.url:
        targets.add(urls.normalize_for_compare(product.url))
    if page is not None:
        targets.add(urls.normalize_for_compare(page.final_url))
        if page.canonical and urls.is_http_url(page.canonical):
            targets.add(urls.normalize_for_compare(page.canonical))
    return targets


async def search_product(
    search: SiteSearch, product: Product, page: Page | None, top: int
) -> ProductSearch:
    """Query by model number, name and aliases; on a miss, also the model's other spellings."""
    targets = product_targets(product, page)

    async def outcome(query: str, kind: str) -> QueryOutcome:
        result = await search.query(query)
        return QueryOutcome(query, kind, result, result.rank(targets))

    primary_query = product.model or product.name
    primary = await outcome(primary_query, "model" if product.model else "name")
    others = []
    for query, kind in [(product.name, "name")] + [(a, "alias") for a in product.aliases]:
        if query and query != primary_query and query not in [o.query for o in others]:
            others.append(await outcome(query, kind))
    variants = []
    missed = primary.rank is None or primary.rank > top
    if product.model and missed and primary.result.error is None:
        for variant in model_variants(product.model)[1:]:
            variants.append(await outcome(variant, "variant"))
    return ProductSearch(primary, others, variants, sorted(targets))

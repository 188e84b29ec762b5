"""The facts rules need beyond a subject's page, each gathered by its provider only when an
active rule declares it (cxlint.checks: `needs`): the site's search and each product's
searches, the soft-404 probe, the click-id probe, an origin's sitemaps and robots.txt, the
campaign's own pages. Facts about an origin are read once however many subjects need them.

Providers know facts, never rules: their parameters come from the plan (engine/plan.py),
joined across the rules that asked as JOIN says.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from cxlint import probes, urls
from cxlint.checks.context import NotFoundProbe
from cxlint.discover import discover_search
from cxlint.engine.pages import PageStore
from cxlint.fetch import Fetcher
from cxlint.model import Campaign, LandingPage, Product, Response
from cxlint.outage import Outage
from cxlint.page import Page
from cxlint.robots import Robots, robots_facts
from cxlint.search import ProductSearch, SiteSearch, planned_queries, search_product
from cxlint.sitemap import Sitemaps, read_sitemaps

# How each fact's parameters are joined when several rules ask: the deepest search and the
# loosest reading of results, the most sitemap files, click ids tested on a channel unless
# every rule that asks leaves it out.
JOIN: dict[str, dict[str, Callable[[list[Any]], Any]]] = {
    "product_search": {"depth": max, "by_text": any},
    "sitemaps": {"files": max},
    "click_ids_probe": {
        "quiet_channels": lambda lists: sorted(set.intersection(*(set(x) for x in lists)))
    },
}


class Facts:
    def __init__(
        self,
        campaign: Campaign,
        pages: PageStore,
        fetcher: Fetcher,
        params: dict[str, dict[str, Any]],
        probe_token: str,
    ) -> None:
        self.campaign = campaign
        self.pages = pages
        self.fetcher = fetcher  # searches, probes and a site's files: never a page source
        self.params = params  # fact → its joined parameters, for the facts needed only
        self.probe_token = probe_token  # the made-up path of the not-found probes
        self.search: SiteSearch | None = None
        self.search_info: dict[str, Any] = {}
        self.down: Outage | None = None  # the site cannot be reached: nothing is asked there
        self._sitemaps: dict[str, asyncio.Task[Sitemaps]] = {}
        self.given_sitemaps: dict[str, Sitemaps] = {}  # --jobs: read once for every process
        self._robots: dict[str, asyncio.Task[Robots]] = {}
        self._campaign_pages: asyncio.Task[tuple[dict[str, str], set[str]]] | None = None

    def wanted(self, fact: str) -> bool:
        return fact in self.params

    # --- the site's search, found once before the subjects --------------------------------

    async def find_search(self, home: Page | None) -> None:
        """The site's search, as `site.search` says or as a customer's browser finds it,
        tried once with a nonsense query; search_info says how it was found or why not."""
        if not (self.wanted("site_search") or self.wanted("product_search")):
            return
        config = self.campaign.site.search
        if config is None:
            config, self.search_info = await discover_search(
                self.fetcher,
                home,
                self.campaign.site.url,
                self.campaign.products,
                page_for=self.pages.page,
                cache=self.pages.cache,
            )
            if config is None:
                return
        search = SiteSearch(
            config,
            self.fetcher,
            self.campaign.site.url,
            release_bodies=True,
            cache=self.pages.cache,
        )
        probe = await search.probe()
        self.search_info = {
            **self.search_info,
            "method": config.method,
            "template": config.template,
        }
        if probe.error:
            self.search_info = {
                **{k: v for k, v in self.search_info.items() if k != "template"},
                "broken": config.template,
                "reason": f"the search does not work: {probe.error}",
            }
            return
        self.search = search

    def expect_searches(self, product: Product) -> None:
        """A product subject is planned: its searches' answers are let go after their use."""
        if self.search is not None:
            self.search.expect(planned_queries(product))

    async def product_search(
        self, product: Product, page: Page | None
    ) -> tuple[ProductSearch | None, str | None]:
        """The product's searches, or why none ran."""
        if not self.wanted("product_search"):
            return None, "search rules are not enabled"
        if self.search is None:
            return None, "no site search: " + self.search_info.get("reason", "none configured")
        params = self.params["product_search"]
        try:
            found = await search_product(
                self.search, product, page, params["depth"], params["by_text"]
            )
        finally:
            self.search.done_with(planned_queries(product))
        return found, None

    # --- probes beside a landing page -----------------------------------------------------

    async def not_found_probe(self, page: Page | None, response: Response) -> NotFoundProbe | None:
        """What the site answers for a made-up path beside the final page (its not-found
        fingerprint)."""
        if not self.wanted("not_found_probe") or page is None or not response.ok:
            return None
        url = probes.not_found_url(page.final_url, self.probe_token)
        if url is None:
            return None
        answer = await self.fetcher.get(url)
        return NotFoundProbe(
            url, answer, await self.pages.parse_apart(answer) if answer.ok else None
        )

    async def click_ids_probe(self, landing: LandingPage, response: Response) -> Response | None:
        """The campaign URL asked again with the click ids ad platforms append, when it
        redirects and its channel's clicks can carry them."""
        if not self.wanted("click_ids_probe") or not response.redirected:
            return None
        quiet = self.params["click_ids_probe"]["quiet_channels"]
        if not probes.gets_click_ids(landing.channel, quiet):
            return None
        return await self.fetcher.get(probes.with_sentinels(landing.url))

    # --- facts of an origin, read once ----------------------------------------------------

    async def sitemaps(self, response: Response | None) -> Sitemaps | None:
        if not self.wanted("sitemaps") or response is None or response.error:
            return None
        max_files = self.params["sitemaps"]["files"]
        origin = urls.origin(response.final_url)
        given = self.given_sitemaps.get(origin)
        if given is not None:
            return given

        async def read(origin: str) -> Sitemaps:
            return await read_sitemaps(self.fetcher, origin, max_files=max_files)

        found: Sitemaps = await _once(self._sitemaps, origin, read)
        return found

    def sitemaps_read(self) -> dict[str, Sitemaps]:
        """Each origin's sitemaps read so far."""
        return {
            origin: task.result()
            for origin, task in self._sitemaps.items()
            if task.done() and not task.cancelled() and task.exception() is None
        }

    async def robots(self, response: Response | None) -> Robots | None:
        if not self.wanted("robots") or response is None:
            return None

        async def read(origin: str) -> Robots:
            return robots_facts(await self.fetcher.robots_text(origin))

        found: Robots = await _once(self._robots, urls.origin(response.final_url), read)
        return found

    # --- the campaign's own pages, for creatives' links -----------------------------------

    async def campaign_pages(self) -> tuple[dict[str, str], set[str]]:
        """The campaign's pages (normalised URL → what it is) and its site's origins."""
        if not self.wanted("campaign_pages"):
            return {}, set()
        if self._campaign_pages is None:
            self._campaign_pages = asyncio.ensure_future(self._gather_campaign_pages())
        return await asyncio.shield(self._campaign_pages)

    async def _gather_campaign_pages(self) -> tuple[dict[str, str], set[str]]:
        """The declared landing and product URLs and where each ends after redirects. A
        redirect to the site root does not make the home page a campaign page."""
        campaign = self.campaign
        declared = [(lp.url, f"landing page {lp.url_as_written}") for lp in campaign.landing_pages]
        declared += [(p.url, f"product page of {p.name}") for p in campaign.products if p.url]
        down = self.down  # pages on a site that cannot be reached are not asked for
        asked = [url for url, _ in declared if down is None or not down.covers(url)]
        fetched = await asyncio.gather(*(self.fetcher.get(url) for url in asked))
        responses = dict(zip(asked, fetched, strict=True))
        pages: dict[str, str] = {}
        origins = {urls.origin(campaign.site.url)}
        for url, what in declared:
            pages.setdefault(urls.normalize_for_compare(url), what)
            origins.add(urls.origin(url))
            response = responses.get(url)
            if response is None:  # not asked for: on the site that cannot be reached
                continue
            if response.ok and urls.path_of(response.final_url) not in ("", "/"):
                pages.setdefault(urls.normalize_for_compare(response.final_url), what)
                origins.add(urls.origin(response.final_url))
        return pages, origins


async def _once(tasks: dict[str, Any], origin: str, read: Callable[[str], Awaitable[Any]]) -> Any:
    """`read(origin)` once; concurrent callers wait for the same task."""
    task = tasks.get(origin)
    if task is None:
        task = tasks[origin] = asyncio.ensure_future(read(origin))
    return await asyncio.shield(task)

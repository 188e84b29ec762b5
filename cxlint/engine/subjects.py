"""Checking one subject: the site, a landing page, a product, a creative's link. Each job
asks the page store for its page, the providers for the facts its rules need, builds the
rules' context and applies them; a subject that breaks cxlint is still reported.
"""

from __future__ import annotations

import functools
import os
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from cxlint import urls
from cxlint.checks import CheckSpec
from cxlint.checks.context import CreativeContext, LandingContext, ProductContext, SiteContext
from cxlint.creative import CreativeLink, extract_links
from cxlint.engine.apply import apply_rules, skipped_all
from cxlint.engine.facts import Facts
from cxlint.engine.pages import PageStore
from cxlint.engine.plan import ActiveRule, in_shard
from cxlint.model import (
    Campaign,
    Check,
    Creative,
    Ignore,
    LandingPage,
    Location,
    Product,
    Response,
    Subject,
    SubjectResult,
)
from cxlint.page import Page
from cxlint.search import planned_queries

Job = Callable[[], Awaitable[SubjectResult]]


_SEARCH = "search:"  # the key of a search query, beside pages' URLs
_SHARED_SEARCH_MAX = 32
# A subject planned: its job, the pages it reads (URL, whether their links are read), what
# else it may share with others (its searches, the campaign's pages), its product
_Entry = tuple[Job, list[tuple[str, bool]], list[str], Product | None]


@dataclass(slots=True)
class Group:
    """Subjects that share a page or a search, each job with its place in the plan."""

    jobs: list[tuple[int, Job]] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)


def _grouped(entries: list[_Entry]) -> list[Group]:
    """The planned subjects joined into groups by what they share (union-find), each group in
    the place of its first subject. A search many products share (an alias every product
    has) joins none of them: one group of the whole catalogue would leave the other
    processes idle, for a few searches saved."""
    shared = [[url for url, _ in pages] + keys for _, pages, keys, _ in entries]
    counts = Counter(key for keys in shared for key in keys)
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for index, keys in enumerate(shared):
        for key in keys:
            count = counts[key]
            if count == 1 or (count > _SHARED_SEARCH_MAX and key.startswith(_SEARCH)):
                continue  # its own (nearly every key), or a search too widely shared
            other = first.setdefault(key, index)
            if other != index:
                a, b = root(index), root(other)
                parent[max(a, b)] = min(a, b)
    groups: dict[int, Group] = {}
    for index, (job, wanted, _, product) in enumerate(entries):
        group = groups.get(top := root(index))
        if group is None:
            group = groups[top] = Group()
        group.jobs.append((index, job))
        group.pages += (url for url, _ in wanted)
        if product is not None:
            group.products.append(product)
    return list(groups.values())


def _never_lost(check: Callable[..., Awaitable[SubjectResult]]) -> Callable[..., Any]:
    """Keeps a subject in the report when checking it fails unexpectedly (a bug, a page no
    one foresaw): its rules are reported as skipped with the reason, never dropped."""

    @functools.wraps(check)
    async def guarded(self: Subjects, subject: Subject, *args: Any) -> SubjectResult:
        started = time.perf_counter()
        try:
            done = await check(self, subject, *args)
            # wall time, waits for the shared rate limits included: what JUnit shows per case
            done.seconds = round(time.perf_counter() - started, 3)
            return done
        except Exception as exc:  # noqa: BLE001 - one subject must not take the run down
            declared = args[0] if args else None
            result = SubjectResult(
                subject, getattr(declared, "url", None), getattr(declared, "location", None)
            )
            reason = f"cxlint failed while checking this subject ({type(exc).__name__})"
            result.checks = skipped_all(self.rules, subject.type, reason)
            return result

    return guarded


class Subjects:
    def __init__(
        self,
        campaign: Campaign,
        rules: dict[str, ActiveRule],
        specs: dict[str, CheckSpec],
        pages: PageStore,
        facts: Facts,
        home: Page | None,
    ) -> None:
        self.campaign = campaign
        self.rules = rules
        self.specs = specs
        self.pages = pages
        self.facts = facts
        self.home = home
        self._down_checks: dict[str, list[Check]] = {}

    # --- the plan: one job per subject, in groups that share pages ------------------------

    def plan(self, shard: tuple[int, int] | None) -> list[Group]:
        """The jobs of this shard's subjects (every subject's without one), in groups: the
        subjects that read a page, a search or the campaign's pages in common are one group,
        started together and checked by one process, so that each page and search is asked
        for once and let go when the last of its group is done with it. Groups keep the
        subjects' order: the site, landing pages, products, creatives' links."""
        campaign = self.campaign
        entries: list[_Entry] = []
        site = Subject("site")
        if in_shard(site, shard) and any("site" in r.rule.subjects for r in self.rules.values()):
            entries.append((functools.partial(self.site, site), [], [], None))
        for landing in campaign.landing_pages:
            subject = Subject("landing_page", url=landing.url_as_written)
            if in_shard(subject, shard):
                job = functools.partial(self.landing, subject, landing)
                entries.append((job, [(landing.url, True)], [], None))
        for product in campaign.products:
            subject = Subject("product", id=product.id)
            if in_shard(subject, shard):
                job = functools.partial(self.product, subject, product)
                searches = [_SEARCH + q for q in planned_queries(product)]
                wanted = [(product.url, False)] if product.url else []
                entries.append((job, wanted, searches, product))
        if any("creative_link" in r.rule.subjects for r in self.rules.values()):
            for creative in campaign.creatives:
                for link in extract_links(creative):
                    subject = Subject("creative_link", file=creative.file, url=link.written)
                    if in_shard(subject, shard):
                        job = functools.partial(self.creative_link, subject, creative, link)
                        page = self._moved(link.url) if link.url else None
                        wanted = [(page, True)] if page else []
                        entries.append((job, wanted, ["the campaign's pages"], None))
        read = [page for _, wanted, _, _ in entries for page in wanted]
        with_links = {url for url, links in read if links}
        # product pages no subject reads the links of are parsed without them
        self.pages.planned({url for url, links in read if not links} - with_links)
        return _grouped(entries)

    def start(self, group: Group) -> None:
        """A group is about to be checked: its pages and searches are wanted until its
        subjects are done with them."""
        for url in group.pages:
            self.pages.want(url)
        for product in group.products:
            self.facts.expect_searches(product)

    # --- each kind of subject ---------------------------------------------------------------

    @_never_lost
    async def site(self, subject: Subject) -> SubjectResult:
        result = SubjectResult(subject, self.campaign.site.url, self.campaign.location)
        ctx = SiteContext(self.campaign, self.facts.search_info, self.facts.down)
        self._apply(result, ctx, None, [])
        return result

    @_never_lost
    async def landing(self, subject: Subject, landing: LandingPage) -> SubjectResult:
        result = SubjectResult(subject, landing.url, landing.location, landing.channel)
        response = await self._get_unless_down(landing.url)
        if response is None:
            return self._skipped_as_down(result)
        page = await self.pages.parse(response)
        products = [p for pid in landing.products if (p := self.campaign.product(pid))]
        ctx = LandingContext(self.campaign, landing, response, page, products, self.home)
        ctx.not_found = await self.facts.not_found_probe(page, response)
        ctx.sentinel = await self.facts.click_ids_probe(landing, response)
        ctx.sitemap = await self.facts.sitemaps(response)
        self._apply(result, ctx, page, landing.ignore)
        self.pages.done_with(response)
        return result

    @_never_lost
    async def product(self, subject: Subject, product: Product) -> SubjectResult:
        result = SubjectResult(subject, product.url, product.location)
        response = await self._get_unless_down(product.url) if product.url else None
        if self.facts.down is not None and response is None:  # its page or search is there
            return self._skipped_as_down(result)
        page = await self.pages.parse(response) if response else None
        search, skipped = await self.facts.product_search(product, page)
        ctx = ProductContext(self.campaign, product, response, page, search, skipped)
        ctx.home = self.home  # what repeats on it is the site's chrome
        ctx.sitemap = await self.facts.sitemaps(response)
        ctx.robots = await self.facts.robots(response)
        self._apply(result, ctx, page, product.ignore)
        self.pages.done_with(response)
        return result

    @_never_lost
    async def creative_link(
        self, subject: Subject, creative: Creative, link: CreativeLink
    ) -> SubjectResult:
        target = self._moved(link.url) if link.url else None
        # Findings point at the link's line in the creative, a path beside the manifest's.
        shown = os.path.normpath(os.path.join(os.path.dirname(self.campaign.path), creative.file))
        where = Location(shown, link.line, link.column)
        result = SubjectResult(subject, target or link.written, where, creative.channel)
        response = await self._get_unless_down(target) if target else None
        if target and response is None:
            return self._skipped_as_down(result)
        page = await self.pages.parse(response) if response else None
        pages, origins = await self.facts.campaign_pages()
        ctx = CreativeContext(self.campaign, creative, link, response, page, pages, origins)
        self._apply(result, ctx, page, [])
        self.pages.done_with(response)
        return result

    # --- shared -----------------------------------------------------------------------------

    def _apply(self, result: SubjectResult, ctx: Any, page: Page | None, ign: list[Ignore]) -> None:
        apply_rules(self.rules, self.specs, result, ctx, page, ign, self.campaign.path)

    def _moved(self, url: str) -> str:
        """A creative's production link moved to the origin checked (--base-url), as the
        manifest's own URLs are."""
        declared, checked = self.campaign.site.declared_url, self.campaign.site.url
        if not declared or declared == checked:
            return url
        path = urls.path_of(declared).rstrip("/")
        base = checked.rstrip("/")
        base = base[: -len(path)] if path and base.endswith(path) else base
        return urls.rewrite_origin(url, declared, base)

    async def _get_unless_down(self, url: str) -> Response | None:
        """The subject's page, or None when the site cannot be reached and the page is on it
        (not asked for: the few pages tried already settled it) or its redirects end there."""
        down = self.facts.down
        if down is not None and down.covers(url):
            return None
        response = await self.pages.get(url)
        if down is not None and down.stopped(response):
            self.pages.done_with(response)
            return None
        return response

    def _skipped_as_down(self, result: SubjectResult) -> SubjectResult:
        """Every check of the subject skipped with the outage's cause: the site finding says
        it once, rather than one "publish the page" error per subject."""
        down = self.facts.down
        assert down is not None
        kind = result.subject.type
        if kind not in self._down_checks:
            self._down_checks[kind] = skipped_all(self.rules, kind, down.reason)
        result.checks = list(self._down_checks[kind])
        return result

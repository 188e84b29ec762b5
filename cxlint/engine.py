"""The run: campaign → requests → pages → rules → findings.

The engine is the only place that knows all the stages. It fetches what each subject needs
(the fetcher deduplicates), parses each page once, applies the enabled rules, stamps
severities from the catalogue and the manifest, and returns a RunResult for the reporters.
"""

from __future__ import annotations

import asyncio
import difflib
import functools
import hashlib
import os
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cxlint import PROJECT_URL, __version__, outage, probes, urls
from cxlint.bounds import bound_result
from cxlint.cache import PAGE, PageCache, page_facts
from cxlint.catalogue import Rule
from cxlint.checks import CheckSpec, Skip, registry
from cxlint.checks.context import (
    CreativeContext,
    LandingContext,
    NotFoundProbe,
    ProductContext,
    SiteContext,
)
from cxlint.creative import CreativeLink, extract_links
from cxlint.discover import discover_search
from cxlint.errors import UsageError
from cxlint.fetch import Fetcher, FetchOptions
from cxlint.memory import return_free_memory
from cxlint.model import (
    Campaign,
    Check,
    Finding,
    Ignore,
    Issue,
    Location,
    Response,
    RunResult,
    Subject,
    SubjectResult,
    verdict,
)
from cxlint.page import Page, parse_page
from cxlint.redact import scrub
from cxlint.robots import Robots, robots_facts
from cxlint.search import SiteSearch, planned_queries, search_product
from cxlint.sitemap import Sitemaps, read_sitemaps
from cxlint.staging import credentials_advice

SEARCH_RULES = ("search-misses-product", "search-partial-match")
TRIM_EVERY = 200  # pages: how often the heap's freed pages go back to the system
INLINE_PARSE_MAX = 256_000  # bytes: a bigger page is parsed in a worker thread
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ActiveRule:
    rule: Rule
    severity: str
    options: dict[str, Any]


@dataclass
class RunOptions:
    fetch: FetchOptions = field(default_factory=FetchOptions)
    shard: tuple[int, int] | None = None  # (k, n), 1-based k
    origin: str | None = None  # the origin checked, when --base-url moved it
    cache: str | None = None  # --cache DIR: validators and page facts kept between runs


def active_rules(
    catalogue: dict[str, Rule],
    campaign: Campaign,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> dict[str, ActiveRule]:
    """The rules this run applies, each with its severity and options, in catalogue order."""
    by_code = {r.code: name for name, r in catalogue.items() if r.code}

    def resolve(names: list[str] | None, flag: str) -> set[str] | None:
        if names is None:
            return None
        resolved = set()
        for name in names:
            name = by_code.get(name, name)
            if name not in catalogue:
                close = difflib.get_close_matches(name, catalogue, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise UsageError(f"unknown rule '{name}' in {flag}{hint}")
            resolved.add(name)
        return resolved

    selected, ignored = resolve(select, "--select"), resolve(ignore, "--ignore") or set()
    active: dict[str, ActiveRule] = {}
    for name, rule in sorted(catalogue.items(), key=lambda kv: (kv[1].code or "", kv[0])):
        setting = campaign.rules.get(name)
        severity = (setting.severity if setting and setting.severity else None) or rule.severity
        if severity == "off" or name in ignored or (selected is not None and name not in selected):
            continue
        options = rule.defaults()
        for key, value in (setting.options if setting else {}).items():
            problem = (
                rule.check_option(key, value)
                if key in rule.options
                else (f"rule {name} has no option '{key}'")
            )
            if problem:
                raise UsageError(problem, setting.location if setting else None)
            options[key] = value
        active[name] = ActiveRule(rule, severity, options)
    return active


def _milder(severity: str) -> str:
    """One level below `severity`, for an Issue marked minor (info stays info)."""
    return {"error": "warning", "warning": "info"}.get(severity, "info")


def in_shard(subject: Subject, shard: tuple[int, int] | None) -> bool:
    """Deterministic split by a hash of the subject's identity, stable across machines."""
    if shard is None:
        return True
    k, n = shard
    if subject.type == "site":
        return k == 1
    digest = hashlib.sha1(subject.key.encode()).digest()
    return int.from_bytes(digest[:4], "big") % n == k - 1


Job = Callable[..., Awaitable[SubjectResult]]


def _event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (Linux, macOS): sockets, timers and callbacks
    in C, 3 % off a 10,000-product run's wall time (42.6 s to 41.2 s, median of three
    alternating pairs); else asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop  # type: ignore[no-any-return]


def _never_lost(job: Job) -> Job:
    """Keeps a subject in the report when checking it fails unexpectedly (a bug, a page no
    one foresaw): its rules are reported as skipped with the reason, never dropped."""

    @functools.wraps(job)
    async def guarded(self: Engine, subject: Subject, *args: Any) -> SubjectResult:
        started = time.perf_counter()
        try:
            done = await job(self, subject, *args)
            # wall time, waits for the shared rate limits included: what JUnit shows per case
            done.seconds = round(time.perf_counter() - started, 3)
            return done
        except Exception as exc:  # noqa: BLE001 - one subject must not take the run down
            declared = args[0] if args else None
            result = SubjectResult(
                subject, getattr(declared, "url", None), getattr(declared, "location", None)
            )
            reason = f"cxlint failed while checking this subject ({type(exc).__name__})"
            result.checks = [
                Check(name, "skipped", reason)
                for name, active in self.rules.items()
                if subject.type in active.rule.subjects
            ]
            return result

    return guarded


class Engine:
    def __init__(
        self,
        campaign: Campaign,
        rules: dict[str, ActiveRule],
        options: RunOptions | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.campaign = campaign
        self.rules = rules
        self.options = options or RunOptions()
        self.progress = progress
        self.specs: dict[str, CheckSpec] = registry()
        self._parsed = 0  # pages parsed, for the summary
        self._parsing: dict[str, asyncio.Future[Page]] = {}
        # How many subjects still need each page. When the last one is done, its facts and
        # body are let go, so a 20,000-product run holds only the pages in flight.
        self._wanted: Counter[str] = Counter()
        self._released: set[str] = set()
        # Pages only product subjects read are parsed without their links, which no product
        # rule reads; landing pages' and creatives' targets' are read (their rules need them).
        self._link_readers: set[str] = set()
        self._without_links: set[str] = set()
        self._since_trim = 0  # pages let go since free memory was last returned
        self._parse_slot = asyncio.Semaphore(1)
        self._search: SiteSearch | None = None
        self._cache: PageCache | None = None
        self._search_info: dict[str, Any] = {}
        self._home: Page | None = None
        # Set when the site's origin cannot be reached at all (cxlint/outage.py): its subjects
        # are then skipped with the cause, one check each, shared (they never change).
        self._down: outage.Outage | None = None
        self._down_checks: dict[str, list[Check]] = {}
        # The made-up path name of the not-found probes: no site has it, and the same
        # campaign gets the same one, so reports (and shards) stay deterministic.
        site_key = f"{campaign.id}|{campaign.site.url}".encode()
        self._probe_token = hashlib.sha1(site_key).hexdigest()[:8]
        # per origin, read once however many subjects need them (tasks: concurrent callers wait)
        self._sitemaps: dict[str, asyncio.Task[Sitemaps]] = {}
        self._robots: dict[str, asyncio.Task[Robots]] = {}
        self._campaign_pages: asyncio.Task[tuple[dict[str, str], set[str]]] | None = None
        self.done = self.total = 0  # subjects checked so far, of how many (for interruptions)

    def run(self) -> RunResult:
        with asyncio.Runner(loop_factory=_event_loop_factory()) as runner:
            return runner.run(self.run_async())

    async def run_async(self) -> RunResult:
        started = datetime.now(UTC)
        clock = time.perf_counter()
        campaign = self.campaign
        cache = self.options.cache  # it is given the secrets: none may reach its file
        self._cache = PageCache(cache, campaign.secrets) if cache else None
        try:
            subjects, stats = await self._run_jobs()
        finally:
            if self._cache is not None:
                self._cache.close()
        stats.update(
            pages=self._parsed,
            searches=len(self._search.sent) if self._search else 0,
            seconds=round(time.perf_counter() - clock, 3),
        )
        if self._cache is not None:
            stats.update(
                not_modified=stats.get("not_modified", 0),
                cache_stored=self._cache.stats["stored"],
            )
        result = RunResult(
            tool={"name": "cxlint", "version": __version__, "url": PROJECT_URL},
            campaign={
                "name": campaign.name,
                "id": campaign.id,
                "launch": campaign.launch,
                "manifest": campaign.path,
                "site": campaign.site.url,
            },
            started=started.isoformat(timespec="seconds"),
            finished=datetime.now(UTC).isoformat(timespec="seconds"),
            origin=self.options.origin or urls.origin(campaign.site.url),
            subjects=list(subjects),
            search=self._search_info,
            stats=stats,
            unreachable=self._down.as_dict() if self._down else None,
        )
        if self.options.shard:
            result.stats["shard"] = "{}/{}".format(*self.options.shard)
        # Secrets masked first, then long text cut: a cut could leave half a secret unmasked.
        return bound_result(scrub(result, campaign.secrets))

    async def _run_jobs(self) -> tuple[list[SubjectResult], dict[str, Any]]:
        async with Fetcher(self.options.fetch) as fetcher:
            self.fetcher = fetcher
            await self._prepare()
            jobs = self._jobs()
            self.total, self.done = len(jobs), 0
            if self.progress:
                self.progress(0, self.total)
            results: list[Any] = [None] * len(jobs)
            pending = iter(enumerate(jobs))

            # A fixed set of workers takes the subjects in turn, each started only when a
            # worker is free: fetching outruns parsing, and without a bound the bodies waiting
            # for their parse piled up (300 MB at 5,000 products); a task per subject made up
            # front cost memory as well (about 2 KB each).
            async def worker() -> None:
                for index, job in pending:
                    results[index] = await job()
                    self.done += 1
                    if self.progress:
                        self.progress(self.done, self.total)

            workers = min(len(jobs), max(64, 4 * self.options.fetch.concurrency))
            await asyncio.gather(*(worker() for _ in range(workers)))
            return results, dict(fetcher.stats)

    # --- preparation: the site's home page and its search -----------------------------------

    async def _prepare(self) -> None:
        home_response = await self._get(self.campaign.site.url)
        self._home = await self._parse(home_response)
        if outage.no_answer(home_response) or outage.refused(home_response):
            self._down = await self._confirm_outage(home_response)
            if self._down is not None:  # no search to look for on a site that cannot be reached
                self._search_info = {"reason": self._down.reason}
                return
        if not any(name in self.rules for name in (*SEARCH_RULES, "search-not-found")):
            return
        config = self.campaign.site.search
        if config is None:
            # No site.search: find it as a customer's browser would (cxlint/discover.py).
            config, self._search_info = await discover_search(
                self.fetcher,
                self._home,
                self.campaign.site.url,
                self.campaign.products,
                page_for=self._fetch_page,
                cache=self._cache,
            )
            if config is None:
                return
        search = SiteSearch(
            config,
            self.fetcher,
            self.campaign.site.url,
            release_bodies=True,
            cache=self._cache,
        )
        probe = await search.probe()
        self._search_info = {
            **self._search_info,
            "method": config.method,
            "template": config.template,
        }
        if probe.error:
            self._search_info = {
                **{k: v for k, v in self._search_info.items() if k != "template"},
                "broken": config.template,
                "reason": f"the search does not work: {probe.error}",
            }
            return
        self._search = search

    async def _confirm_outage(self, home: Response) -> outage.Outage | None:
        """The home page got no answer (or was refused): the site is down (or shut) when the
        campaign's own pages on its origin get none either (fetched as their subjects would,
        who reuse an answer)."""
        asked = outage.confirmation_urls(self.campaign, home.url)
        responses = await asyncio.gather(*(self.fetcher.get(url) for url in asked))
        advice = credentials_advice(self.campaign.site, home.status) if home.status else ""
        return outage.outage(urls.origin(self.campaign.site.url), [home, *responses], advice)

    async def _get_unless_down(self, url: str) -> Response | None:
        """The subject's page, or None when the site cannot be reached and the page is on it
        (not asked for: the few pages tried already settled it) or its redirects end there."""
        down = self._down
        if down is not None and down.covers(url):
            return None
        response = await self._get(url)
        if down is not None and down.stopped(response):
            self._done_with(response)
            return None
        return response

    def _skipped_as_down(self, result: SubjectResult) -> SubjectResult:
        """Every check of the subject skipped with the outage's cause: the site finding says
        it once, rather than one "publish the page" error per subject."""
        assert self._down is not None
        kind = result.subject.type
        if kind not in self._down_checks:
            self._down_checks[kind] = [
                Check(name, "skipped", self._down.reason)
                for name, active in self.rules.items()
                if kind in active.rule.subjects
            ]
        result.checks = list(self._down_checks[kind])
        return result

    async def _fetch_page(self, url: str) -> Page | None:
        return await self._parse(await self._get(url))

    async def _get(self, url: str) -> Response:
        """A page the engine parses. With --cache it is asked for conditionally, and when the
        site says it has not changed (304) its facts come from the cache, not from a parse."""
        entry = self._cache.lookup(PAGE, url) if self._cache else None
        if entry is None:
            return await self.fetcher.get(url)
        response = await self.fetcher.get(url, entry.conditional)
        if response.status != 304 or response.error:
            return response
        try:
            response, page = entry.restore_page(response)
        except (KeyError, TypeError, ValueError):  # an entry damaged by hand: read the page
            return await self.fetcher.get(url)
        if url not in self._parsing and url not in self._released:
            self._parsing[url] = asyncio.get_running_loop().create_future()
            self._parsing[url].set_result(page)
        return response

    async def _parse(self, response: Response) -> Page | None:
        """The parsed page of a response that has one; each URL is parsed once."""
        if response.error or response.status is None or response.status >= 400:
            return None
        if response.url in self._released:  # a bug in the plan, never a silent empty page
            raise RuntimeError(f"page {response.url} was needed after it was let go")
        task = self._parsing.get(response.url)
        if task is None:
            task = asyncio.ensure_future(self._parse_and_keep(response))
            self._parsing[response.url] = task
            self._parsed += 1
        return await asyncio.shield(task)

    def _done_with(self, response: Response | None) -> None:
        """A subject no longer needs this page: the last one lets it go."""
        if response is None or response.url not in self._wanted:
            return
        self._wanted[response.url] -= 1
        if self._wanted[response.url] <= 0:
            del self._wanted[response.url]
            self._parsing.pop(response.url, None)
            self._released.add(response.url)
            response.body = b""
            self.fetcher.forget(response.url)
            self._since_trim += 1
            if self._since_trim >= TRIM_EVERY:
                self._since_trim = 0
                return_free_memory()

    async def _parse_page(self, response: Response) -> Page:
        links = self._cache is not None or response.url not in self._without_links
        # A page of usual size parses in about a millisecond, less than handing it to a thread
        # costs (inline: 10 % off a 5,000-product run). A big one goes to a worker thread so
        # that the downloads in flight are not stalled behind it; one at a time, as more
        # threads would only compete with the event loop for the GIL.
        if len(response.body) <= INLINE_PARSE_MAX:
            return parse_page(response, links=links)
        async with self._parse_slot:
            return await asyncio.to_thread(functools.partial(parse_page, links=links), response)

    async def _parse_and_keep(self, response: Response) -> Page:
        page = await self._parse_page(response)
        if self._cache is not None:
            self._cache.store(PAGE, response.url, response, page_facts(page))
        return page

    # --- one job per subject ----------------------------------------------------------------

    def _jobs(self) -> list[Any]:
        """One job per subject: a function that starts its check (started only when a worker
        takes it, so 20,000 subjects are not 20,000 waiting coroutines)."""
        campaign, shard = self.campaign, self.options.shard
        jobs: list[Any] = []
        product_pages: set[str] = set()
        site = Subject("site")
        if in_shard(site, shard) and any("site" in r.rule.subjects for r in self.rules.values()):
            jobs.append(functools.partial(self._site, site))
        for landing in campaign.landing_pages:
            subject = Subject("landing_page", url=landing.url_as_written)
            if in_shard(subject, shard):
                jobs.append(functools.partial(self._landing, subject, landing))
                self._wanted[landing.url] += 1
                self._link_readers.add(landing.url)
        for product in campaign.products:
            subject = Subject("product", id=product.id)
            if in_shard(subject, shard):
                jobs.append(functools.partial(self._product, subject, product))
                if product.url:
                    self._wanted[product.url] += 1
                    product_pages.add(product.url)
                if self._search is not None:  # its answers are let go after their last use
                    self._search.expect(planned_queries(product))
        jobs.extend(self._creative_jobs())
        self._without_links = product_pages - self._link_readers
        return jobs

    @_never_lost
    async def _site(self, subject: Subject) -> SubjectResult:
        result = SubjectResult(subject, self.campaign.site.url, self.campaign.location)
        ctx = SiteContext(self.campaign, self._search_info, self._down)
        self._apply(result, ctx, "site", None, [])
        return result

    @_never_lost
    async def _landing(self, subject: Subject, landing: Any) -> SubjectResult:
        response = await self._get_unless_down(landing.url)
        if response is None:
            result = SubjectResult(subject, landing.url, landing.location, landing.channel)
            return self._skipped_as_down(result)
        page = await self._parse(response)
        products = [p for pid in landing.products if (p := self.campaign.product(pid))]
        ctx = LandingContext(self.campaign, landing, response, page, products, self._home)
        await self._landing_probes(ctx)
        ctx.sitemap = await self._sitemaps_for(response)
        result = SubjectResult(subject, landing.url, landing.location, landing.channel)
        self._apply(result, ctx, "landing_page", page, landing.ignore)
        self._done_with(response)
        return result

    async def _landing_probes(self, ctx: LandingContext) -> None:
        """The extra requests of landing rules, made only when those rules are on: the
        not-found fingerprint beside the final page (soft-404) and the campaign URL with ad
        click ids (tracking-dropped). Same URLs across subjects are fetched once."""
        if "soft-404" in self.rules and ctx.page is not None and ctx.response.ok:
            url = probes.not_found_url(ctx.page.final_url, self._probe_token)
            if url is not None:
                response = await self.fetcher.get(url)
                # Parsed here, not through _page: a probe is not a page the campaign checks.
                page = await self._parse_page(response) if response.ok else None
                ctx.not_found = NotFoundProbe(url, response, page)
        dropped = self.rules.get("tracking-dropped")
        if (
            dropped is not None
            and ctx.response.redirected
            and probes.gets_click_ids(ctx.landing.channel, dropped.options["without_click_ids"])
        ):
            ctx.sentinel = await self.fetcher.get(probes.with_sentinels(ctx.landing.url))

    @_never_lost
    async def _product(self, subject: Subject, product: Any) -> SubjectResult:
        response = await self._get_unless_down(product.url) if product.url else None
        if self._down is not None and response is None:  # its page or its search is on the site
            return self._skipped_as_down(SubjectResult(subject, product.url, product.location))
        page = await self._parse(response) if response else None
        search, skipped = None, None
        wanted = [r for r in SEARCH_RULES if r in self.rules]
        if not wanted:
            skipped = "search rules are not enabled"
        elif self._search is None:
            skipped = "no site search: " + self._search_info.get("reason", "none configured")
        else:
            top = max(self.rules[r].options.get("top", 10) for r in wanted)
            by_text = any(self.rules[r].options.get("match_text") for r in wanted)
            try:
                search = await search_product(self._search, product, page, top, by_text)
            finally:
                self._search.done_with(planned_queries(product))
        ctx = ProductContext(self.campaign, product, response, page, search, skipped)
        ctx.home = self._home  # what repeats on it is chrome (product-unavailable's words)
        ctx.sitemap = await self._sitemaps_for(response)
        if response is not None and "product-page-noindex" in self.rules:
            origin = urls.origin(response.final_url)
            ctx.robots = await self._once(self._robots, origin, self._read_robots)
        result = SubjectResult(subject, product.url, product.location)
        self._apply(result, ctx, "product", page, product.ignore)
        self._done_with(response)
        return result

    # --- creatives: one job per distinct link ---------------------------------------------

    def _creative_jobs(self) -> list[Any]:
        if not any("creative_link" in r.rule.subjects for r in self.rules.values()):
            return []
        jobs = []
        for creative in self.campaign.creatives:
            for link in extract_links(creative):
                subject = Subject("creative_link", file=creative.file, url=link.written)
                if in_shard(subject, self.options.shard):
                    jobs.append(functools.partial(self._creative_link, subject, creative, link))
                    if link.url:
                        self._wanted[self._moved(link.url)] += 1
                        self._link_readers.add(self._moved(link.url))
        return jobs

    @_never_lost
    async def _creative_link(
        self, subject: Subject, creative: Any, link: CreativeLink
    ) -> SubjectResult:
        target = self._moved(link.url) if link.url else None
        # Findings point at the link's line in the creative, a path beside the manifest's.
        shown = os.path.normpath(os.path.join(os.path.dirname(self.campaign.path), creative.file))
        where = Location(shown, link.line, link.column)
        result = SubjectResult(subject, target or link.written, where, creative.channel)
        response = await self._get_unless_down(target) if target else None
        if target and response is None:
            return self._skipped_as_down(result)
        page = await self._parse(response) if response else None
        if self._campaign_pages is None:
            self._campaign_pages = asyncio.ensure_future(self._gather_campaign_pages())
        pages, origins = await asyncio.shield(self._campaign_pages)
        ctx = CreativeContext(self.campaign, creative, link, response, page, pages, origins)
        self._apply(result, ctx, "creative_link", page, [])
        self._done_with(response)
        return result

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

    async def _gather_campaign_pages(self) -> tuple[dict[str, str], set[str]]:
        """The campaign's pages (normalised URL → what it is) and its site's origins: the
        declared landing and product URLs and where each ends after redirects. A redirect
        to the site root does not make the home page a campaign page."""
        campaign = self.campaign
        declared = [(lp.url, f"landing page {lp.url_as_written}") for lp in campaign.landing_pages]
        declared += [(p.url, f"product page of {p.name}") for p in campaign.products if p.url]
        down = self._down  # pages on a site that cannot be reached are not asked for
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

    # --- facts read once per origin ---------------------------------------------------------

    async def _once(self, cache: dict[str, Any], origin: str, read: Callable[[str], Any]) -> Any:
        task = cache.get(origin)
        if task is None:
            task = cache[origin] = asyncio.ensure_future(read(origin))
        return await asyncio.shield(task)

    async def _sitemaps_for(self, response: Response | None) -> Sitemaps | None:
        active = self.rules.get("not-in-sitemap")
        if active is None or response is None or response.error:
            return None
        max_files = active.options["max_files"]

        async def read(origin: str) -> Sitemaps:
            return await read_sitemaps(self.fetcher, origin, max_files=max_files)

        return await self._once(self._sitemaps, urls.origin(response.final_url), read)

    async def _read_robots(self, origin: str) -> Robots:
        return robots_facts(await self.fetcher.robots_text(origin))

    def _apply(
        self, result: SubjectResult, ctx: Any, kind: str, page: Page | None, ignores: list[Ignore]
    ) -> None:
        """Run every enabled rule for this kind of subject and record how each went."""
        acknowledged = {i.rule: i.reason for i in ignores}
        for name, active in self.rules.items():
            if kind not in active.rule.subjects:
                continue
            spec = self.specs.get(name)
            if spec is None:
                result.checks.append(Check(name, "skipped", "not implemented in this version"))
                continue
            if spec.needs_page and page is None:
                result.checks.append(Check(name, "skipped", "the page could not be opened"))
                continue
            try:
                issues = list(spec.fn(ctx, active.options))
            except Skip as skip:
                result.checks.append(Check(name, "skipped", skip.reason))
                continue
            except Exception as exc:  # noqa: BLE001 - one broken rule must not stop the run
                result.checks.append(
                    Check(
                        name,
                        "skipped",
                        f"cxlint failed inside this rule ({exc.__class__.__name__})",
                    )
                )
                continue
            result.checks.append(verdict(name, bool(issues)))
            seen: set[str | None] = set()
            for number, issue in enumerate(issues, 1):
                if page is not None and page.partial:  # judged on part of the page: say so
                    issue.evidence.setdefault("partial_page", page.partial)
                if issue.what in seen:  # fingerprints stay unique within a run
                    issue.what = f"{issue.what or ''}#{number}"
                seen.add(issue.what)
                result.findings.append(self._finding(active, result, issue, acknowledged.get(name)))

    def _finding(
        self, active: ActiveRule, result: SubjectResult, issue: Issue, acknowledged: str | None
    ) -> Finding:
        location: Location | None = result.location
        return Finding(
            rule=active.rule.name,
            severity=_milder(active.severity) if issue.minor else active.severity,  # type: ignore[arg-type]
            subject=result.subject,
            message=issue.message,
            evidence=issue.evidence,
            fix=issue.fix or active.rule.fix,
            url=issue.url or result.url,
            file=location.file if location else self.campaign.path,
            line=location.line if location else None,
            column=location.column if location else None,
            acknowledged=acknowledged,
            code=active.rule.code,
            what=issue.what,
        )

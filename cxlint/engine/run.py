"""The run, end to end: plan → the site's home page (is it there at all?) and its search →
every subject checked by a bounded set of workers → the RunResult, secrets masked.

The parts: engine/plan.py (rules, needs, shards), engine/pages.py (fetch, parse once,
release), engine/facts.py (what rules need beyond a page), engine/subjects.py (one job per
subject), engine/apply.py (rules → findings).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import itertools
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from cxlint import PROJECT_URL, __version__, outage, urls
from cxlint.bounds import bound_result
from cxlint.cache import PageCache
from cxlint.checks import CheckSpec, registry
from cxlint.engine.facts import Facts
from cxlint.engine.pages import PageStore
from cxlint.engine.plan import ActiveRule, RunOptions, needs_of
from cxlint.engine.subjects import Group, Job, Subjects
from cxlint.fetch import Fetcher
from cxlint.fetch.fetcher import Answers
from cxlint.model import Campaign, Response, RunResult, RunStats, SubjectResult
from cxlint.page import Page
from cxlint.redact import scrub
from cxlint.sitemap import Sitemaps
from cxlint.staging import credentials_advice

T = TypeVar("T")
Progress = Callable[[int, int], None]
CLAIMED_AT_ONCE = 4  # groups of subjects a process takes at a time under --jobs


@dataclass
class SiteStart:
    """What every process of a --jobs run would ask the site for before its first subject:
    the home page, the search found from it and its probe (or the pages that say the site is
    down), robots.txt, and the sitemaps of the origin the campaign's pages are on. Read once,
    before the processes start (`Engine.read_start`); each is given these answers and asks the
    site only for the rest. The requests are counted once, in `stats`."""

    answers: Answers
    sitemaps: dict[str, Sitemaps]
    stats: dict[str, int]


def _event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (Linux, macOS): sockets, timers and
    callbacks in C (docs/performance.md); else asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def _in_event_loop(work: Callable[[], Awaitable[T]]) -> T:
    """`work()` run in an event loop of its own. The result is handed out through a list, not
    as the main task's result: on its way out, asyncio.Runner asks signal.getsignal for its
    Ctrl-C handler, Python 3.11's enum conversion of that handler builds an error message with
    its repr, and the repr of the task it holds includes repr(result) in full: 1.3 s of CPU
    for a run of 20,000 products."""
    result: list[T] = []

    async def main() -> None:
        result.append(await work())

    with asyncio.Runner(loop_factory=_event_loop_factory()) as runner:
        runner.run(main())
    return result[0]


class Engine:
    def __init__(
        self,
        campaign: Campaign,
        rules: dict[str, ActiveRule],
        options: RunOptions | None = None,
        progress: Progress | None = None,
        claims: Callable[[int], int] | None = None,
        start: SiteStart | None = None,
    ) -> None:
        self.campaign = campaign
        self.rules = rules
        self.options = options or RunOptions()
        self.progress = progress
        # --jobs: takes the next n groups of subjects for this process, returning the index
        # of the first (cxlint.jobs); None: this process checks every subject (of its shard)
        self.claims = claims
        self.start = start  # --jobs: the site's start, read once for every process
        self.specs: dict[str, CheckSpec] = registry()
        self.needs = needs_of(rules, self.specs)
        self.done = self.total = 0  # subjects checked so far, of how many (for interruptions)
        # The made-up path name of the not-found probes: no site has it, and the same
        # campaign gets the same one, so reports (and shards) stay deterministic.
        site_key = f"{campaign.id}|{campaign.site.url}".encode()
        self._probe_token = hashlib.sha1(site_key).hexdigest()[:8]

    def run(self) -> RunResult:
        with _fewer_collections():
            return _in_event_loop(self.run_async)

    def read_start(self) -> SiteStart:
        """The site's start (SiteStart), read by this process for the processes of a run."""
        return _in_event_loop(self._read_start)

    async def _read_start(self) -> SiteStart:
        # The cache is read, never written: each process stores what it reads itself, and
        # finds the cache as this run did, so it sends the validators recorded here (and is
        # given the answer).
        folder = self.options.cache
        cache = PageCache(folder, self.campaign.secrets, keep=False) if folder else None
        try:
            async with Fetcher(self.options.fetch) as fetcher:
                fetcher.record()
                pages = PageStore(fetcher, cache)
                facts = Facts(self.campaign, pages, fetcher, self.needs, self._probe_token)
                _, home = await self._prepare(pages, facts)
                answers = Answers(fetcher.recorded())  # the sitemaps are given read, below
                if facts.down is None and self._campaign_origin(home):
                    await facts.sitemaps(home)
                    await facts.robots(home)
                answers.robots = fetcher.robots_read()
                return SiteStart(answers, facts.sitemaps_read(), dict(fetcher.stats))
        finally:
            if cache is not None:
                cache.close()

    def _campaign_origin(self, home: Response) -> bool:
        """Whether the home page ends on the origin of the campaign's pages: whose sitemaps
        and robots.txt the subjects will ask for."""
        if not home.ok:
            return False
        origin = urls.origin(home.final_url)
        campaign = self.campaign
        declared = itertools.chain(
            (lp.url for lp in campaign.landing_pages), (p.url for p in campaign.products if p.url)
        )
        return any(urls.origin(url) == origin for url in declared)

    async def run_async(self) -> RunResult:
        started = datetime.now(UTC)
        clock = time.perf_counter()
        campaign = self.campaign
        cache_dir = self.options.cache  # it is given the secrets: none may reach its file
        cache = PageCache(cache_dir, campaign.secrets) if cache_dir else None
        try:
            subjects, stats, facts, pages = await self._check_all(cache)
        finally:
            if cache is not None:
                cache.close()
        stats["pages"] = pages.parsed
        stats["searches"] = len(facts.search.sent) if facts.search else 0
        stats["seconds"] = round(time.perf_counter() - clock, 3)
        if cache is not None:
            stats["not_modified"] = stats.get("not_modified", 0)
            stats["cache_stored"] = cache.stats["stored"]
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
            search=facts.search_info,
            stats=stats,
            unreachable=facts.down.as_dict() if facts.down else None,
        )
        if self.options.shard:
            result.stats["shard"] = "{}/{}".format(*self.options.shard)
        # Secrets masked first, then long text cut: a cut could leave half a secret unmasked.
        return bound_result(scrub(result, campaign.secrets))

    async def _check_all(
        self, cache: PageCache | None
    ) -> tuple[list[SubjectResult], RunStats, Facts, PageStore]:
        start = self.start
        async with Fetcher(self.options.fetch, start.answers if start else None) as fetcher:
            pages = PageStore(fetcher, cache)
            facts = Facts(self.campaign, pages, fetcher, self.needs, self._probe_token)
            if start is not None:
                facts.given_sitemaps = start.sitemaps
            home, _ = await self._prepare(pages, facts)
            checker = Subjects(self.campaign, self.rules, self.specs, pages, facts, home)
            groups = checker.plan(self.options.shard)
            self.total, self.done = sum(len(g.jobs) for g in groups), 0
            if self.progress:
                self.progress(0, self.total)
            results: list[Any] = [None] * self.total
            pending = self._taken(groups, checker)

            # A fixed set of workers takes the subjects in turn, each started only when a
            # worker is free: fetching outruns parsing, and without a bound the bodies waiting
            # for their parse piled up.
            async def worker() -> None:
                for index, job in pending:
                    results[index] = await job()
                    self.done += 1
                    if self.progress:
                        self.progress(self.done, self.total)

            workers = min(self.total, max(64, 4 * self.options.fetch.concurrency))
            await asyncio.gather(*(worker() for _ in range(workers)))
            if self.claims is not None:  # the other processes checked the rest
                results = [r for r in results if r is not None]
            counted = fetcher.stats
            stats = RunStats(
                requests=counted["requests"],
                retries=counted["retries"],
                robots_blocked=counted["robots_blocked"],
                errors=counted["errors"],
                cache_hits=counted["cache_hits"],
            )
            if "not_modified" in counted:
                stats["not_modified"] = counted["not_modified"]
            return results, stats, facts, pages

    def _taken(self, groups: list[Group], checker: Subjects) -> Iterator[tuple[int, Job]]:
        """The jobs this process checks, group by group, each group started as it is taken:
        all of them, or (--jobs) those it claims while the other processes claim theirs, a
        few groups at a time, so that a process that finds its work quicker takes more of it
        rather than waiting idle for the slowest at the end."""
        if self.claims is None:
            for group in groups:
                checker.start(group)
                yield from group.jobs
            return
        while (first := self.claims(CLAIMED_AT_ONCE)) < len(groups):
            for group in groups[first : first + CLAIMED_AT_ONCE]:
                checker.start(group)
                yield from group.jobs

    async def _prepare(self, pages: PageStore, facts: Facts) -> tuple[Page | None, Response]:
        """The site's home page (every run reads it: is the site there at all, and what does
        it repeat), then its search when a rule needs it; the page and its response."""
        home_response = await pages.get(self.campaign.site.url)
        home = await pages.parse(home_response)
        if outage.no_answer(home_response) or outage.refused(home_response):
            facts.down = await self._confirm_outage(pages, home_response)
            if facts.down is not None:  # no search to look for on a site that cannot be reached
                facts.search_info = {"reason": facts.down.reason}
                return home, home_response
        await facts.find_search(home)
        return home, home_response

    async def _confirm_outage(self, pages: PageStore, home: Response) -> outage.Outage | None:
        """The home page got no answer (or was refused): the site is down (or shut) when the
        campaign's own pages on its origin get none either (fetched as their subjects would,
        who reuse an answer)."""
        asked = outage.confirmation_urls(self.campaign, home.url)
        responses = await asyncio.gather(*(pages.source.get(url) for url in asked))
        advice = credentials_advice(self.campaign.site, home.status) if home.status else ""
        return outage.outage(urls.origin(self.campaign.site.url), [home, *responses], advice)


# A run allocates millions of short-lived objects (every page's tree, texts, facts) while the
# results it keeps grow: at Python's default thresholds the collector ran 3,500 times in a
# 10,000-product run and its 28 full collections walked an ever larger heap, 4.75 s of 55 s of
# CPU (gc.callbacks). Pages are freed by reference counting, not by the collector; it is kept
# for the reference cycles asyncio and aiohttp make, at thresholds that still collect the
# young ones every few pages: 0.3–0.6 s (docs/performance.md, "Round 2, third pass").
_RUN_THRESHOLDS = (20_000, 20, 50)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*_RUN_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)

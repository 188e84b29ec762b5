"""The run's pages: fetched (or revalidated against the cache), parsed once, and let go when
the last subject that needs them is done. All of the run's memory policy lives here.

A 20,000-product run holds only the pages in flight: each page is wanted by a count of
subjects, and the last one to finish with it drops its body and facts; every so often the
freed heap goes back to the system. Pages only product subjects read are parsed without
their links, which no product rule reads.
"""

from __future__ import annotations

import asyncio
import functools
from collections import Counter
from typing import Protocol

from cxlint.cache import PAGE, PageCache, page_facts
from cxlint.memory import return_free_memory
from cxlint.model import Conditional, Response
from cxlint.page import Page, parse_page

TRIM_EVERY = 200  # pages let go between two returns of free memory to the system
INLINE_PARSE_MAX = 256_000  # bytes: a bigger page is parsed in a worker thread


class PageSource(Protocol):
    """Where pages come from: the fetcher (cxlint.fetch.Fetcher), or a browser that renders
    them, beside it. The store asks for a URL (conditionally, with --cache) and lets a page
    go; the source follows redirects, keeps to its politeness and records the chain."""

    async def get(self, url: str, conditional: Conditional | None = None) -> Response: ...

    async def robots_text(self, origin: str) -> str | None: ...

    def forget(self, url: str) -> None: ...


class PageStore:
    def __init__(self, source: PageSource, cache: PageCache | None) -> None:
        self.source = source
        self.cache = cache
        self.parsed = 0  # pages parsed, for the summary
        self._parsing: dict[str, asyncio.Future[Page]] = {}
        self._wanted: Counter[str] = Counter()  # how many subjects still need each page
        self._released: set[str] = set()
        self._without_links: set[str] = set()
        self._since_trim = 0
        self._parse_slot = asyncio.Semaphore(1)

    # --- the plan: who needs which page ---------------------------------------------------

    def planned(self, without_links: set[str]) -> None:
        """The run's plan: the pages no subject reads the links of (product pages that are no
        landing page or creative's target), parsed without them."""
        self._without_links = without_links

    def want(self, url: str) -> None:
        """One more subject will read this page."""
        self._wanted[url] += 1

    # --- fetching and parsing -------------------------------------------------------------

    async def get(self, url: str) -> Response:
        """A page the run parses. With --cache it is asked for conditionally, and when the
        site says it has not changed (304) its facts come from the cache, not from a parse."""
        entry = self.cache.lookup(PAGE, url) if self.cache else None
        if entry is None or not (entry.has_links or url in self._without_links):
            # (an entry of a page parsed without its links: this run reads them, so it reads
            # the page, and keeps it with its links)
            return await self.source.get(url)
        response = await self.source.get(url, entry.conditional)
        if response.status != 304 or response.error:
            return response
        try:
            response, page = entry.restore_page(response)
        except (KeyError, TypeError, ValueError):  # an entry damaged by hand: read the page
            return await self.source.get(url)
        if url not in self._parsing and url not in self._released:
            self._parsing[url] = asyncio.get_running_loop().create_future()
            self._parsing[url].set_result(page)
        return response

    async def parse(self, response: Response) -> Page | None:
        """The parsed page of a response that has one; each URL is parsed once."""
        if response.error or response.status is None or response.status >= 400:
            return None
        if response.url in self._released:  # a bug in the plan, never a silent empty page
            raise RuntimeError(f"page {response.url} was needed after it was let go")
        task = self._parsing.get(response.url)
        if task is None:
            task = asyncio.ensure_future(self._parse_and_keep(response))
            self._parsing[response.url] = task
            self.parsed += 1
        return await asyncio.shield(task)

    async def page(self, url: str) -> Page | None:
        """Fetch and parse, for pages no subject waits on (search discovery's)."""
        return await self.parse(await self.get(url))

    async def parse_apart(self, response: Response) -> Page:
        """Parse a response that is no page of the campaign (a probe's): not kept, not
        counted."""
        return await self._parse_page(response)

    def done_with(self, response: Response | None) -> None:
        """A subject no longer needs this page: the last one lets it go."""
        if response is None or response.url not in self._wanted:
            return
        self._wanted[response.url] -= 1
        if self._wanted[response.url] <= 0:
            del self._wanted[response.url]
            self._parsing.pop(response.url, None)
            self._released.add(response.url)
            response.body = b""
            self.source.forget(response.url)
            self._since_trim += 1
            if self._since_trim >= TRIM_EVERY:
                self._since_trim = 0
                return_free_memory()

    def _links(self, response: Response) -> bool:
        """Whether a page is parsed with its links (and kept so in the cache: a page parsed
        with them for a later run that might read them cost a first --cache run a fifth more
        per product page)."""
        return response.url not in self._without_links

    async def _parse_page(self, response: Response) -> Page:
        links = self._links(response)
        # A page of usual size parses faster than handing it to a thread costs; a big one
        # goes to a worker thread so that the downloads in flight are not stalled behind it,
        # one at a time, as more threads would only compete with the event loop for the GIL.
        if len(response.body) <= INLINE_PARSE_MAX:
            return parse_page(response, links=links)
        async with self._parse_slot:
            return await asyncio.to_thread(functools.partial(parse_page, links=links), response)

    async def _parse_and_keep(self, response: Response) -> Page:
        page = await self._parse_page(response)
        if self.cache is not None:
            facts = page_facts(page, links=self._links(response))
            self.cache.store(PAGE, response.url, response, facts)
        return page

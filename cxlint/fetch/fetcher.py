"""The `Fetcher` facade: URLs in, `Response`s out, each distinct URL fetched once.

It exists to give the rest of cxlint one small, stable API (`async with Fetcher(options)`,
`get`, `forget`, `robots`, `robots_text`, `stats`) over the parts that do the work: the
redirect walker (redirects.py), retries (retries.py), politeness and robots.txt (polite.py)
and the HTTP stack (wire.py). What it owns itself is sharing: concurrent callers of one URL
share one fetch, the counts in `stats`, and `Answers`: what one Fetcher was answered, given
again by another (a forked process's) without asking the site.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable
from dataclasses import dataclass, field
from functools import partial
from types import TracebackType

import aiohttp
from protego import Protego

from cxlint.fetch.body import read_body
from cxlint.fetch.errors import FetchFailure, classify
from cxlint.fetch.options import FetchOptions
from cxlint.fetch.polite import ROBOTS_AGENT, Robots, RobotsFile, Scheduler
from cxlint.fetch.redirects import walk
from cxlint.fetch.retries import send_with_retries
from cxlint.fetch.wire import Reply, Wire
from cxlint.model import Conditional, Response


@dataclass
class Answers:
    """What a Fetcher was answered while it recorded: each response by its URL and the
    validators sent (none: ()), each origin's robots.txt. Another Fetcher given them answers
    the same requests with them instead of asking the site again."""

    responses: dict[tuple[str, tuple[str, ...]], Response] = field(default_factory=dict)
    robots: dict[str, RobotsFile] = field(default_factory=dict)


class Fetcher:
    """Fetches URLs politely; each distinct URL at most once per Fetcher.

    Use as `async with Fetcher(options) as fetcher: response = await fetcher.get(url)`.

    `stats` counts: requests (HTTP requests actually sent, including retries, redirect hops
    and robots.txt), retries, robots_blocked, errors (URLs that ended with an error other
    than robots), cache_hits (calls of `get` answered by an earlier or in-flight fetch) and,
    once a conditional request came back 304, not_modified.
    """

    def __init__(self, options: FetchOptions | None = None, given: Answers | None = None) -> None:
        self.options = options or FetchOptions()
        self._given = given.responses if given else {}
        self._recorded: dict[tuple[str, tuple[str, ...]], Response] | None = None
        self.stats: dict[str, int] = dict.fromkeys(
            ("requests", "retries", "robots_blocked", "errors", "cache_hits"), 0
        )
        self._wire: Wire | None = None
        # Per URL, per set of validators sent (none: ()), the one fetch callers share.
        self._tasks: dict[str, dict[tuple[str, ...], asyncio.Future[Response]]] = {}
        self._scheduler = Scheduler(self.options)
        self._send_hop = partial(
            send_with_retries, self._attempt, options=self.options, stats=self.stats
        )
        # robots.txt is not checked against robots and not cached with get()'s URLs.
        self._robots = Robots(lambda url: self._walk(url, check_robots=False))
        if given:
            self._robots.given.update(given.robots)

    # --- lifecycle ------------------------------------------------------------------------

    async def __aenter__(self) -> Fetcher:
        self._ensure_wire()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Cancel fetches still running and close the connections."""
        fetches = [t for by_validators in self._tasks.values() for t in by_validators.values()]
        pending = [t for t in (*fetches, *self._robots.tasks.values()) if not t.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._wire is not None:
            await self._wire.aclose()
            self._wire = None

    def _ensure_wire(self) -> Wire:
        if self._wire is None:
            self._wire = Wire(self.options, self._read_body)
        return self._wire

    # --- public API -----------------------------------------------------------------------

    async def get(self, url: str, conditional: Conditional | None = None) -> Response:
        """The URL's outcome after following redirects. Never raises for network trouble.

        With `conditional`, the request for its hop carries its validators, and a page that
        has not changed answers 304 with no body (the caller holds what it learnt of it)."""
        key = () if conditional is None else conditional.key
        by_validators = self._tasks.setdefault(url, {})
        task = by_validators.get(key)
        if task is None:
            loop = asyncio.get_running_loop()
            given = self._given.get((url, key))
            if given is not None:  # asked and counted by the Fetcher that recorded it
                task = by_validators[key] = loop.create_future()
                task.set_result(copy.copy(given))  # a copy: a reader may let its body go
                return task.result()
            task = by_validators[key] = loop.create_task(self._fetch_counted(url, conditional))
        else:
            self.stats["cache_hits"] += 1
            if task.done():  # nothing left to share or to shield
                return task.result()
        # shield: one caller being cancelled must not cancel the fetch the others share.
        return await asyncio.shield(task)

    def forget(self, url: str) -> None:
        """Let go of the URL's outcome once no caller will ask for it again (a later `get`
        fetches it anew): a 20,000-product run would otherwise keep 60,000 responses."""
        tasks = self._tasks.get(url, {})
        if all(task.done() for task in tasks.values()):  # one still running is still shared
            self._tasks.pop(url, None)

    def record(self) -> None:
        """Keep every response from now on, for `recorded`."""
        self._recorded = {}

    def recorded(self) -> dict[tuple[str, tuple[str, ...]], Response]:
        """The responses since `record`, as they came (whatever their readers let go of
        since), by URL and validators sent; the recording stops."""
        recorded, self._recorded = self._recorded or {}, None
        return recorded

    def robots_read(self) -> dict[str, RobotsFile]:
        """Each origin's robots.txt read so far."""
        return self._robots.read()

    async def robots(self, origin: str) -> Protego | None:
        """The origin's parsed robots.txt, or None when it has none (or could not be had)."""
        return (await self._robots.entry(origin)).parsed

    async def robots_text(self, origin: str) -> str | None:
        """The origin's robots.txt as text, or None when it has none."""
        return (await self._robots.entry(origin)).text

    def _classify(self, exc: BaseException) -> FetchFailure:
        """`errors.classify` with this Fetcher's options (kept for callers of the old name)."""
        return classify(exc, self.options)

    def _read_body(self, response: aiohttp.ClientResponse) -> Awaitable[tuple[bytes, bool]]:
        """The wire's body reader: decompressed, cut at max_body (see body.py)."""
        return read_body(response, self.options.max_body)

    # --- the parts, wired together --------------------------------------------------------

    async def _fetch_counted(self, url: str, conditional: Conditional | None) -> Response:
        response = await self._walk(
            url, check_robots=self.options.respect_robots, conditional=conditional
        )
        if response.error is not None and response.error_kind != "robots":
            self.stats["errors"] += 1
        elif response.status == 304 and conditional is not None:
            self.stats["not_modified"] = self.stats.get("not_modified", 0) + 1
        if self._recorded is not None:
            key = () if conditional is None else conditional.key
            self._recorded[url, key] = copy.copy(response)
        return response

    async def _walk(
        self, url: str, *, check_robots: bool, conditional: Conditional | None = None
    ) -> Response:
        return await walk(
            url,
            self._send_hop,
            self.options,
            check=self._check_robots if check_robots else None,
            conditional=conditional,
        )

    async def _check_robots(self, url: str) -> None:
        if not await self._robots.allowed(url):
            self.stats["robots_blocked"] += 1
            raise FetchFailure(
                "robots", f"blocked by robots.txt for user agent {ROBOTS_AGENT}", url=url
            )

    async def _attempt(self, url: str, validators: dict[str, str] | None) -> Reply:
        wire = self._ensure_wire()
        async with self._scheduler.slot(url):
            self.stats["requests"] += 1
            return await wire.send(url, validators)

"""Politeness: how many requests a host gets at once, how often, and what robots.txt allows.

It exists so that a run of 20,000 product pages cannot hammer a site: requests hold a per-host
slot and a global one (the host's first, so requests queued for a busy host hold no global slot
another host could use), starts to one host are spaced evenly under `rate`, and robots.txt is
fetched once per origin and obeyed for the user agent token "cxlint".
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urlsplit

from protego import Protego

from cxlint.fetch.options import FetchOptions
from cxlint.model import Response

ROBOTS_AGENT = "cxlint"  # the token robots.txt rules are matched against
_PACE_MARGIN = 1.05  # starts are spaced this much wider than 1/rate


class Scheduler:
    """Per-host and global concurrency, and per-host pacing under a rate limit."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self._global = asyncio.Semaphore(max(1, options.concurrency))
        self._slots: dict[str, _Slot] = {}
        self._pace_locks: dict[str, asyncio.Lock] = {}
        self._next_start: dict[str, float] = {}

    def slot(self, url: str) -> _Slot:
        """`async with scheduler.slot(url)`: hold the URL's host slot and a global slot; when
        rate-limited, wait for its turn first."""
        host = urlsplit(url).netloc.lower()
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = _Slot(self, host)
        return slot

    async def _pace(self, host: str) -> None:
        """Wait for the host's next allowed start time (rate limit), then claim it."""
        rate = self.options.rate
        if not rate or rate <= 0:
            return
        lock = self._pace_locks.setdefault(host, asyncio.Lock())
        async with lock:  # one waiter at a time, so starts are spaced, not bunched
            wait = self._next_start.get(host, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            # Paced 5 % under the rate: connection set-up and scheduling jitter move the
            # moment a request reaches the server, and a server counts arrivals, not starts.
            self._next_start[host] = time.monotonic() + _PACE_MARGIN / rate


class _Slot:
    """One host's slot, shared by all its requests: the host's semaphore first, then the
    global one. A class rather than an asynccontextmanager: entered once per request, its
    generator machinery was a measurable share of the fetcher's own CPU."""

    def __init__(self, scheduler: Scheduler, host: str) -> None:
        self._scheduler = scheduler
        self._host = host
        self._paced = bool(scheduler.options.rate and scheduler.options.rate > 0)
        self._own = asyncio.Semaphore(max(1, scheduler.options.per_host))
        self._global = scheduler._global

    async def __aenter__(self) -> None:
        await self._own.acquire()
        try:
            if self._paced:
                await self._scheduler._pace(self._host)
            await self._global.acquire()
        except BaseException:  # cancelled while queueing: give the host's slot back
            self._own.release()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._global.release()
        self._own.release()


@dataclass
class RobotsFile:
    text: str | None
    parsed: Protego | None


class Robots:
    """Each origin's robots.txt, fetched once (by `fetch`, which never raises) and shared."""

    def __init__(self, fetch: Callable[[str], Awaitable[Response]]) -> None:
        self._fetch = fetch
        self.tasks: dict[str, asyncio.Task[RobotsFile]] = {}
        self.given: dict[str, RobotsFile] = {}  # read by another Fetcher (fetcher.Answers)

    async def allowed(self, url: str) -> bool:
        if urlsplit(url).path == "/robots.txt":
            return True  # robots.txt itself is always fetchable
        parsed = (await self.entry(url)).parsed
        return parsed is None or parsed.can_fetch(url, ROBOTS_AGENT)

    async def entry(self, origin: str) -> RobotsFile:
        parts = urlsplit(origin)
        key = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        given = self.given.get(key)
        if given is not None:
            return given
        task = self.tasks.get(key)
        if task is None:
            task = self.tasks[key] = asyncio.ensure_future(self._load(key))
        return await asyncio.shield(task)

    def read(self) -> dict[str, RobotsFile]:
        """Each origin's file read so far (those still being read left out)."""
        return {
            key: task.result()
            for key, task in self.tasks.items()
            if task.done() and not task.cancelled() and task.exception() is None
        }

    async def _load(self, origin: str) -> RobotsFile:
        response = await self._fetch(f"{origin}/robots.txt")
        if response.error is not None or response.status != 200:
            return RobotsFile(None, None)  # no usable robots.txt: everything is allowed
        text = response.body.decode("utf-8", errors="replace")
        try:
            parsed = Protego.parse(text)
        except Exception:  # a robots.txt Protego cannot read restricts nothing
            parsed = None
        return RobotsFile(text, parsed)

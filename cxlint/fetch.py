"""The polite async fetcher: URLs in, `Response`s (with their redirect chains) out.

It knows URLs, not campaigns. Like Scrapy's downloader it owns everything about *how* a URL
is fetched — concurrency, per-host politeness, retries, robots.txt, redirects one hop at a
time, caching — and only ever returns responses: `Fetcher.get` never raises for network or
HTTP trouble, it describes the trouble in `Response.error` / `Response.error_kind`.

Error kinds: timeout, connect, dns, tls, too-many-redirects, redirect-loop, bad-redirect,
robots, retry-after-too-long, bad-url (not an http(s) address), protocol (anything else).

A hostile server cannot make it hang or exhaust memory: every attempt has a deadline for the
whole exchange (a body dripped byte by byte ends there), and bodies are decompressed here, not
by httpx, with the output bounded by max_body at every step (a gzip or brotli bomb inflates
no further than the cap).

The wire is aiohttp under httpx's API (the httpx-aiohttp transport): on 40 KB pages from nginx
it fetches several times more pages per second than httpx's own transport (measured by
`python -m tests.benchmarks.fetch_bench`). It is told never to decompress or follow redirects.
Requests go straight to that transport, not through httpx's AsyncClient (see `_Wire`).
"""

from __future__ import annotations

import asyncio
import random
import socket
import ssl
import time
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit
from urllib.request import getproxies

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport
from protego import Protego

from cxlint import PROJECT_URL, __version__, urls
from cxlint.model import Conditional, Hop, Response

try:  # optional: brotli ("br") is only asked for when it can be decoded within bounds
    import brotli as _brotli

    _brotli.Decompressor().process(b"", output_buffer_limit=1)  # brotli >= 1.2 bounds output
except (ImportError, TypeError, AttributeError):  # pragma: no cover - depends on the install
    _brotli = None

ROBOTS_AGENT = "cxlint"  # the token robots.txt rules are matched against
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
WEB_SCHEMES = ("http", "https")
_MAX_HEADER = 128 * 1024  # bytes in one response header line


_PACE_MARGIN = 1.05  # starts are spaced this much wider than 1/rate


@dataclass
class FetchOptions:
    concurrency: int = 16  # global in-flight requests
    per_host: int = 4  # in-flight requests per host
    rate: float | None = None  # max requests/second per host (None: unlimited); spaced evenly
    timeout: float = 15.0  # read/write/pool timeout, seconds
    connect_timeout: float = 10.0
    retries: int = 2  # retries after the first attempt (connect errors, timeouts, 429/502/503/504)
    backoff: float = 0.5  # base of exponential backoff: 0.5, 1, 2 ... plus a little jitter
    max_retry_after: float = 60.0  # a longer Retry-After is not waited for: error instead
    max_redirects: int = 10
    max_body: int = 5_000_000  # bytes, decoded; beyond, reading stops and truncated=True
    # Whole-attempt deadline (connect, headers, body), seconds; None: 4 x timeout. Ends a
    # server that keeps a read alive by dripping a byte now and then.
    max_time: float | None = None
    respect_robots: bool = True
    user_agent: str = f"cxlint/{__version__} (+{PROJECT_URL})"
    headers: dict[str, str] = field(default_factory=dict)  # sent to every origin: no secrets
    # Headers sent only to requests whose URL is on that origin (keys as urls.origin writes
    # them): credentials and cookies a user gave for their site. A redirect to another origin,
    # its robots.txt and anything else there get none of them, as browsers, curl
    # (CVE-2018-1000007) and requests (CVE-2018-18074) do.
    origin_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    verify_tls: bool = True


class _Failure(Exception):
    """Why a URL has no final response; turned into `Response.error` by `Fetcher._fetch`."""

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        retryable: bool = False,
        hop: Hop | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retryable = retryable
        self.hop = hop  # the request that failed, when one was sent
        self.url = url  # where the chain stopped, when no request was sent there
        self.attempts = 1


@dataclass
class _Wire:
    """httpx requests sent straight to the transport (aiohttp under httpx's API).

    httpx's AsyncClient adds nothing the Fetcher needs per request (redirects, retries and
    timeouts are the Fetcher's own), yet its URL merging, header copies and cookie extraction
    cost 0.11 ms of CPU per request (0.40 -> 0.29 ms on 5,000 product pages from nginx). What
    it did that matters is done here: default headers, the timeouts, and a cookie jar (a site
    that sets a cookie and redirects would otherwise loop)."""

    transport: AiohttpTransport
    headers: httpx.Headers
    cookies: httpx.Cookies
    extensions: dict[str, object]
    # The default headers with an origin's own (its credentials) merged in, per origin.
    by_origin: dict[str, httpx.Headers] = field(default_factory=dict)

    async def send(self, url: str, headers: dict[str, str] | None) -> httpx.Response:
        base = (
            self.by_origin.get(urls.origin(url), self.headers) if self.by_origin else self.headers
        )
        if headers:
            merged = httpx.Headers(base)
            merged.update(headers)
        else:
            merged = base
        request = httpx.Request("GET", url, headers=merged, extensions=self.extensions)
        if len(self.cookies.jar):
            self.cookies.set_cookie_header(request)
        return await self.transport.handle_async_request(request)

    def keep_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            self.cookies.extract_cookies(response)


@dataclass
class _Reply:
    """One HTTP response, fully read (up to max_body)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    truncated: bool
    elapsed: float


@dataclass
class _Robots:
    text: str | None
    parsed: Protego | None


class Fetcher:
    """Fetches URLs politely; each distinct URL at most once per Fetcher.

    Use as `async with Fetcher(options) as fetcher: response = await fetcher.get(url)`.

    `stats` counts: requests (HTTP requests actually sent, including retries, redirect hops
    and robots.txt), retries, robots_blocked, errors (URLs that ended with an error other
    than robots) and cache_hits (calls of `get` answered by an earlier or in-flight fetch).
    """

    def __init__(self, options: FetchOptions | None = None) -> None:
        self.options = options or FetchOptions()
        self.stats: dict[str, int] = dict.fromkeys(
            ("requests", "retries", "robots_blocked", "errors", "cache_hits"), 0
        )
        self._wire: _Wire | None = None
        # Per URL, per set of validators sent (none: ()), the one fetch callers share.
        self._tasks: dict[str, dict[tuple[str, ...], asyncio.Task[Response]]] = {}
        self._robots_tasks: dict[str, asyncio.Task[_Robots]] = {}
        self._global = asyncio.Semaphore(max(1, self.options.concurrency))
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._pace_locks: dict[str, asyncio.Lock] = {}
        self._next_start: dict[str, float] = {}

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
        pending = [t for t in (*fetches, *self._robots_tasks.values()) if not t.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._wire is not None:
            await self._wire.transport.aclose()
            self._wire = None

    def _ensure_wire(self) -> _Wire:
        if self._wire is None:
            opts = self.options
            # Headers.update replaces case-insensitively, so a User-Agent in `headers` wins.
            headers = httpx.Headers(
                {
                    "Accept": "*/*",
                    "User-Agent": opts.user_agent,
                    "Accept-Encoding": accept_encoding(),
                }
            )
            headers.update(opts.headers)
            by_origin = {}
            for origin, extra in opts.origin_headers.items():
                by_origin[urls.origin(origin)] = own = httpx.Headers(headers)
                own.update(extra)
            self._wire = _Wire(
                AiohttpTransport(client=self._session),
                headers,
                httpx.Cookies(),
                {"timeout": httpx.Timeout(opts.timeout, connect=opts.connect_timeout).as_dict()},
                by_origin,
            )
        return self._wire

    def _session(self) -> aiohttp.ClientSession:
        """The aiohttp session under the httpx transport; made once, inside the running loop."""
        opts = self.options
        connector = aiohttp.TCPConnector(
            # The semaphores bound what is in flight; the pool only needs room for all of it.
            limit=max(1, opts.concurrency),
            ssl=httpx.create_ssl_context(verify=opts.verify_tls),
            keepalive_timeout=5.0,  # httpx's default keep-alive expiry
        )
        # aiohttp refuses a header line over 8 KB; httpx's transport took up to 100 KB.
        return aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),  # _Wire keeps the cookies: one jar, not two
            # HTTP(S)_PROXY and NO_PROXY, as httpx's client honoured them; asked only when set,
            # since aiohttp reads the environment again for every request (half its CPU).
            trust_env=bool(getproxies()),
            max_line_size=_MAX_HEADER,
            max_field_size=_MAX_HEADER,
        )

    # --- public API -----------------------------------------------------------------------

    async def get(self, url: str, conditional: Conditional | None = None) -> Response:
        """The URL's outcome after following redirects. Never raises for network trouble.

        With `conditional`, the request for its hop carries its validators, and a page that
        has not changed answers 304 with no body (the caller holds what it learnt of it)."""
        key = () if conditional is None else conditional.key
        by_validators = self._tasks.setdefault(url, {})
        task = by_validators.get(key)
        if task is None:
            task = by_validators[key] = asyncio.ensure_future(self._fetch_counted(url, conditional))
        else:
            self.stats["cache_hits"] += 1
        # shield: one caller being cancelled must not cancel the fetch the others share.
        return await asyncio.shield(task)

    def forget(self, url: str) -> None:
        """Let go of the URL's outcome once no caller will ask for it again (a later `get`
        fetches it anew): a 20,000-product run would otherwise keep 60,000 responses."""
        tasks = self._tasks.get(url, {})
        if all(task.done() for task in tasks.values()):  # one still running is still shared
            self._tasks.pop(url, None)

    async def robots(self, origin: str) -> Protego | None:
        """The origin's parsed robots.txt, or None when it has none (or could not be had)."""
        return (await self._robots_entry(origin)).parsed

    async def robots_text(self, origin: str) -> str | None:
        """The origin's robots.txt as text, or None when it has none."""
        return (await self._robots_entry(origin)).text

    # --- one URL: the redirect chain ------------------------------------------------------

    async def _fetch_counted(self, url: str, conditional: Conditional | None = None) -> Response:
        response = await self._fetch(
            url, check_robots=self.options.respect_robots, conditional=conditional
        )
        if response.error is not None and response.error_kind != "robots":
            self.stats["errors"] += 1
        elif response.status == 304 and conditional is not None:
            self.stats["not_modified"] = self.stats.get("not_modified", 0) + 1
        return response

    async def _fetch(
        self, url: str, *, check_robots: bool, conditional: Conditional | None = None
    ) -> Response:
        chain: list[Hop] = []
        current = url
        try:
            _check_web_url(url)
            while True:
                if check_robots and not await self._allowed(current):
                    self.stats["robots_blocked"] += 1
                    raise _Failure(
                        "robots",
                        f"blocked by robots.txt for user agent {ROBOTS_AGENT}",
                        url=current,
                    )
                validators = (
                    conditional.headers if conditional and conditional.url == current else None
                )
                reply, attempts = await self._send_with_retries(current, validators)
                location = reply.headers.get("location")
                chain.append(Hop(current, reply.status, location, reply.elapsed))
                if reply.status not in REDIRECT_STATUSES:
                    return _response(url, chain, reply, attempts)
                current = self._next_hop(current, location, chain)
        except _Failure as failure:
            return _failed(url, chain, failure)
        except Exception as exc:  # a bug or a surprise must not take the run down
            # (CancelledError is a BaseException, so cancellation still propagates.)
            failure = _Failure("protocol", f"unexpected error ({type(exc).__name__}: {exc})")
            return _failed(url, chain, failure)

    def _next_hop(self, current: str, location: str | None, chain: list[Hop]) -> str:
        """The redirect's target, or a _Failure when it must not (or cannot) be followed."""
        if location is None or not location.strip():
            raise _Failure("bad-redirect", "redirect without a Location header")
        try:
            target = urljoin(current, location.strip())
            scheme = urlsplit(target).scheme.lower()
        except ValueError as exc:
            raise _Failure("bad-redirect", f"redirect to a malformed address ({location})") from exc
        if scheme not in WEB_SCHEMES:
            raise _Failure("bad-redirect", f"redirect to a non-web address ({scheme}:...)")
        try:
            _check_web_url(target)
        except _Failure as failure:
            raise _Failure(
                "bad-redirect", f"redirect to a malformed address ({location})"
            ) from failure
        if any(hop.url == target for hop in chain):
            raise _Failure("redirect-loop", f"redirect loop (back to {target})")
        if len(chain) > self.options.max_redirects:
            raise _Failure(
                "too-many-redirects", f"more than {self.options.max_redirects} redirects"
            )
        return target

    # --- one hop: retries -----------------------------------------------------------------

    async def _send_with_retries(
        self, url: str, headers: dict[str, str] | None = None
    ) -> tuple[_Reply, int]:
        """One hop's final reply and how many attempts it took."""
        attempt = 0
        while True:
            attempt += 1
            last = attempt > self.options.retries
            try:
                reply = await self._send_once(url, headers)
            except _Failure as failure:
                if not failure.retryable or last:
                    failure.attempts = attempt
                    if attempt > 1:
                        failure.message = f"gave up after {attempt} attempts: {failure.message}"
                    raise
                delay = self._backoff(attempt)
            else:
                if reply.status not in RETRY_STATUSES or last:
                    # A status that never recovered is still a response: its status says it.
                    return reply, attempt
                delay = self._retry_delay(reply, attempt)
            self.stats["retries"] += 1
            await asyncio.sleep(delay)

    def _backoff(self, attempt: int) -> float:
        # Jitter keeps many workers retrying the same host from hitting it in lockstep.
        return self.options.backoff * 2 ** (attempt - 1) * random.uniform(1.0, 1.2)

    def _retry_delay(self, reply: _Reply, attempt: int) -> float:
        """How long to wait before retrying a 429/5xx, honouring Retry-After."""
        wait = None
        if reply.status in RETRY_AFTER_STATUSES:
            wait = _parse_retry_after(reply.headers.get("retry-after"))
        if wait is None:
            return self._backoff(attempt)
        if wait > self.options.max_retry_after:
            failure = _Failure(
                "retry-after-too-long",
                f"HTTP {reply.status}: the server asked to retry after {wait:.0f} s, "
                f"longer than the {self.options.max_retry_after:g} s cxlint waits",
                hop=Hop(reply.url, reply.status, None, reply.elapsed),
            )
            failure.attempts = attempt
            raise failure
        return wait

    # --- one attempt: politeness and the wire ---------------------------------------------

    async def _send_once(self, url: str, headers: dict[str, str] | None = None) -> _Reply:
        wire = self._ensure_wire()
        opts = self.options
        deadline = opts.max_time if opts.max_time is not None else 4 * opts.timeout
        async with self._slot(_host(url)):
            self.stats["requests"] += 1
            started = time.monotonic()
            status: int | None = None
            try:
                async with asyncio.timeout(deadline):
                    response = await wire.send(url, headers)
                    try:
                        status = response.status_code
                        body, truncated = await self._read_body(response)
                    finally:
                        await response.aclose()
                wire.keep_cookies(response)
            except (
                httpx.HTTPError,
                httpx.InvalidURL,
                aiohttp.ClientError,  # the few the transport does not map to httpx's
                TimeoutError,
                _Failure,
            ) as exc:
                if isinstance(exc, _Failure):
                    failure = exc
                elif isinstance(exc, TimeoutError):
                    # Not retried: the server is answering, only too slowly to wait for again.
                    what = "answer" if status is None else "finish sending the page"
                    failure = _Failure(
                        "timeout", f"the server did not {what} within {deadline:g} s"
                    )
                else:
                    failure = self._classify(exc)
                failure.hop = Hop(url, status, None, time.monotonic() - started)
                raise failure from exc
            return _Reply(
                url=url,
                status=response.status_code,
                headers=_plain_headers(response.headers),
                body=body,
                truncated=truncated,
                elapsed=time.monotonic() - started,
            )

    async def _read_body(self, response: httpx.Response) -> tuple[bytes, bool]:
        """The decompressed body up to max_body bytes, and whether it was cut short.

        Raw bytes are decoded here with every decoder's output bounded, so neither a bomb
        (tiny on the wire, huge inflated) nor an endless stream gets past the cap.
        """
        limit = self.options.max_body
        decoders = _decoders(response.headers.get("content-encoding", ""))
        chunks: list[bytes] = []
        size = raw_size = 0
        async for raw in response.aiter_raw():
            raw_size += len(raw)
            chunk = raw
            for decoder in decoders:
                chunk = decoder.feed(chunk, limit - size + 1)
                if len(chunk) > limit - size:  # this step alone passes the cap
                    break
            if size + len(chunk) > limit or raw_size > limit:
                chunks.append(chunk[: limit - size])
                return b"".join(chunks), True
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks), False

    @asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        """Hold a per-host and a global slot; space request starts per host when rate-limited.

        The host slot is taken first so that requests queued for a busy host do not hold
        global slots other hosts could use.
        """
        host_slot = self._host_slots.get(host)
        if host_slot is None:
            host_slot = self._host_slots[host] = asyncio.Semaphore(max(1, self.options.per_host))
        async with host_slot:
            await self._pace(host)
            async with self._global:
                yield

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

    def _classify(self, exc: Exception) -> _Failure:
        """An httpx exception as a plain-words _Failure, retryable when it may be transient."""
        causes = list(_causes(exc))
        # The transport maps aiohttp's errors to httpx's coarsely (a dropped connection becomes
        # a ConnectTimeout), so the aiohttp error it was raised from decides first.
        wire = next((c for c in causes if isinstance(c, aiohttp.ClientError)), None)
        if wire is not None:
            failure = self._classify_aiohttp(wire, causes)
            if failure is not None:
                return failure
        elif isinstance(exc, httpx.ConnectTimeout):
            return self._timeout("connect")
        elif isinstance(exc, httpx.ReadTimeout):
            return self._timeout("read")
        elif isinstance(exc, httpx.TimeoutException):  # write or pool timeout
            return self._timeout("other")
        if any(isinstance(c, socket.gaierror) for c in causes):
            return _Failure("dns", "host name could not be resolved")
        cert_error = next((c for c in causes if isinstance(c, ssl.SSLCertVerificationError)), None)
        if cert_error is not None:
            # getattr: aiohttp's wrapper subclasses the ssl error without its attributes.
            reason = (
                getattr(cert_error, "verify_message", None)
                or getattr(cert_error, "reason", None)
                or "unknown reason"
            )
            return _Failure("tls", f"the site's TLS certificate is not valid ({reason})")
        tls_error = next((c for c in causes if isinstance(c, ssl.SSLError)), None)
        if tls_error is not None:
            reason = getattr(tls_error, "reason", None) or str(tls_error)
            return _Failure("tls", f"the TLS handshake failed ({reason})")
        if any(isinstance(c, ConnectionRefusedError) for c in causes):
            return _Failure("connect", "connection refused", retryable=True)
        if isinstance(exc, httpx.ConnectError) or isinstance(wire, aiohttp.ClientConnectorError):
            return _Failure("connect", f"could not connect ({exc})", retryable=True)
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return _Failure("bad-url", f"not a web address ({exc})")
        if any(isinstance(c, ConnectionResetError) for c in causes):
            return _Failure("protocol", "the server reset the connection", retryable=True)
        if isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError):
            # Typically a connection dropped mid-way (a keep-alive race, a restarting server).
            return _Failure(
                "protocol",
                f"the connection broke off ({str(exc) or 'no reason given'})",
                retryable=True,
            )
        if isinstance(exc, httpx.DecodingError):
            return _Failure("protocol", f"the response could not be decoded ({exc})")
        return _Failure("protocol", f"HTTP error ({type(exc).__name__}: {exc})")

    def _timeout(self, phase: str) -> _Failure:
        """The same words for a timeout, whichever client layer reported it."""
        opts = self.options
        message = {
            "connect": f"could not connect within {opts.connect_timeout:g} s",
            "read": f"the server did not answer within {opts.timeout:g} s",
        }.get(phase, f"the request could not be completed within {opts.timeout:g} s")
        return _Failure("timeout", message, retryable=True)

    def _classify_aiohttp(
        self, wire: aiohttp.ClientError, causes: list[BaseException]
    ) -> _Failure | None:
        """The aiohttp errors whose httpx mapping would mislead; None: classify as usual."""
        if isinstance(wire, aiohttp.ConnectionTimeoutError):
            return self._timeout("connect")
        if isinstance(wire, aiohttp.SocketTimeoutError):
            return self._timeout("read")
        if isinstance(wire, aiohttp.ServerTimeoutError):
            return self._timeout("other")
        if isinstance(wire, aiohttp.ClientConnectorError):
            return None  # DNS, TLS, refused: found among the causes as with httpx's transport
        # A reset mid-body reaches us only named in the payload error's text.
        reset = isinstance(wire, aiohttp.ClientPayloadError) and "ConnectionResetError" in str(wire)
        if reset or any(isinstance(c, ConnectionResetError) for c in causes):
            return _Failure("protocol", "the server reset the connection", retryable=True)
        if isinstance(wire, aiohttp.ClientResponseError):
            # aiohttp's parser refused the answer (not HTTP); retried, as with httpx's transport.
            reason = (wire.message or "not valid HTTP").splitlines()[0]
            return _Failure(
                "protocol",
                f"the connection broke off (not a valid HTTP answer: {reason})",
                retryable=True,
            )
        if isinstance(wire, aiohttp.ClientConnectionError | aiohttp.ClientPayloadError):
            # Typically a connection dropped mid-way (a keep-alive race, a restarting server).
            return _Failure(
                "protocol",
                f"the connection broke off ({str(wire) or 'no reason given'})",
                retryable=True,
            )
        return None

    # --- robots.txt -----------------------------------------------------------------------

    async def _allowed(self, url: str) -> bool:
        if urlsplit(url).path == "/robots.txt":
            return True  # robots.txt itself is always fetchable
        parsed = await self.robots(url)
        return parsed is None or parsed.can_fetch(url, ROBOTS_AGENT)

    async def _robots_entry(self, origin: str) -> _Robots:
        key = _origin(origin)
        task = self._robots_tasks.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fetch_robots(key))
            self._robots_tasks[key] = task
        return await asyncio.shield(task)

    async def _fetch_robots(self, origin: str) -> _Robots:
        # Not checked against robots (it is the robots file) and not cached with get()'s URLs.
        response = await self._fetch(f"{origin}/robots.txt", check_robots=False)
        if response.error is not None or response.status != 200:
            return _Robots(None, None)  # no usable robots.txt: everything is allowed
        text = response.body.decode("utf-8", errors="replace")
        try:
            parsed = Protego.parse(text)
        except Exception:  # a robots.txt Protego cannot read restricts nothing
            parsed = None
        return _Robots(text, parsed)


# --- content decoding, bounded -----------------------------------------------------------


def accept_encoding() -> str:
    """The Accept-Encoding cxlint sends: only what it can decode within its size cap."""
    return "gzip, deflate, br" if _brotli is not None else "gzip, deflate"


class _Zlib:
    """gzip or deflate; `feed` returns at most `limit` bytes (the rest stays unread)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._wbits = zlib.MAX_WBITS | 16 if name in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._inflate = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        data = self._inflate.unconsumed_tail + data
        try:
            out = self._inflate.decompress(data, limit)
        except zlib.error as exc:
            if self.name == "deflate" and not self._started:
                # Some servers send raw deflate without the zlib header (httpx allows it too).
                self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                return self.feed(data, limit)
            raise _Failure("protocol", f"the {self.name}-compressed page is corrupt") from exc
        self._started = True
        return out


class _Brotli:
    name = "br"

    def __init__(self) -> None:
        assert _brotli is not None
        self._inflate = _brotli.Decompressor()

    def feed(self, data: bytes, limit: int) -> bytes:
        try:
            return bytes(self._inflate.process(data, output_buffer_limit=limit))
        except _brotli.error as exc:  # type: ignore[union-attr]
            raise _Failure("protocol", "the br-compressed page is corrupt") from exc


def _decoders(content_encoding: str) -> list[_Zlib | _Brotli]:
    """Decoders for a Content-Encoding, in the order to apply them (last applied first)."""
    decoders: list[_Zlib | _Brotli] = []
    for name in reversed([n.strip().lower() for n in content_encoding.split(",")]):
        if name in ("", "identity"):
            continue
        if name in ("gzip", "x-gzip", "deflate"):
            decoders.append(_Zlib(name))
        elif name == "br" and _brotli is not None:
            decoders.append(_Brotli())
        else:
            raise _Failure(
                "protocol",
                f"the server sent the page compressed as '{name[:40]}', which cxlint did not "
                f"ask for ({accept_encoding()}) and cannot read",
            )
    return decoders


# --- small pure helpers ------------------------------------------------------------------


def _response(url: str, chain: list[Hop], reply: _Reply, attempts: int) -> Response:
    return Response(
        url=url,
        final_url=reply.url,
        status=reply.status,
        headers=reply.headers,
        body=reply.body,
        chain=chain,
        elapsed=_network_time(chain),
        truncated=reply.truncated,
        attempts=attempts,
    )


def _failed(url: str, chain: list[Hop], failure: _Failure) -> Response:
    if failure.hop is not None:
        chain.append(failure.hop)
    final_url = failure.url or (chain[-1].url if chain else url)
    status = next((hop.status for hop in reversed(chain) if hop.status is not None), None)
    return Response(
        url=url,
        final_url=final_url,
        status=status,
        chain=chain,
        elapsed=_network_time(chain),
        error=failure.message,
        error_kind=failure.kind,
        attempts=failure.attempts,
    )


def _network_time(chain: list[Hop]) -> float:
    # The sum of the hops, not wall time: time spent queueing for a slot or backing off
    # says nothing about how fast the site is.
    return sum(hop.elapsed for hop in chain)


def _check_web_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        ok = parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        ok = False
    if not ok:
        raise _Failure("bad-url", f"not a web address ({url})")


def _plain_headers(headers: httpx.Headers) -> dict[str, str]:
    plain: dict[str, str] = {}
    for name, value in headers.multi_items():
        name = name.lower()
        plain[name] = f"{plain[name]}, {value}" if name in plain else value
    return plain


def _parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds to wait: delta-seconds or an HTTP date; None when unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN is unreadable
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from (httpx wraps httpcore wraps OSError)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"

"""The one HTTP stack: each GET sent with aiohttp's ClientSession, its reply read here.

It exists so that exactly one place knows how a request goes out and its reply comes back.
aiohttp is used directly, with no httpx request, response or transport on the way: measured
with `python -m tests.benchmarks.fetch_bench`, building an `httpx.Request` (URL parsing, header
copies) and reading the body through httpx's stream over the httpx-aiohttp transport cost more
CPU per page than aiohttp's own work, for nothing the Fetcher needs. The session is told never
to follow redirects (the walker takes them one hop at a time, and never sees aiohttp parse a
Location such as `javascript:...`) and never to decompress (bodies are decoded within bounds,
body.py).

What a client would otherwise do, done here: default headers and each origin's own
(options.py; the session merges them case-insensitively, the origin's winning), the timeouts,
and a cookie jar (a site that sets a cookie and redirects would otherwise loop). The jar is
aiohttp's, kept beside the session rather than in it, so that a Cookie header the user gave
for their origin is sent as given instead of being re-parsed and merged with the jar's.

One attempt has a deadline for the whole exchange (connect, headers, body): a server dripping
a byte now and then cannot keep it alive. Whatever goes wrong is classified once (errors.py)
and raised as a FetchFailure naming the request that failed.
"""

from __future__ import annotations

import asyncio
import functools
import os
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.request import getproxies

import aiohttp
import certifi
from yarl import URL

from cxlint.fetch.body import accept_encoding
from cxlint.fetch.errors import NETWORK_ERRORS, FetchFailure, classify
from cxlint.fetch.options import FetchOptions, OriginHeaders, default_headers
from cxlint.model import Hop

if TYPE_CHECKING:
    from multidict import CIMultiDictProxy

_MAX_HEADER = 128 * 1024  # bytes in one response header line

BodyReader = Callable[[aiohttp.ClientResponse], Awaitable[tuple[bytes, bool]]]


@dataclass
class Reply:
    """One HTTP response, fully read (up to max_body)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    truncated: bool
    elapsed: float


class Wire:
    """Sends one GET and reads its reply; made inside the running loop, closed with aclose.

    The session (and its TLS context: reading the CA bundle takes tens of milliseconds) is
    made here, before any request is paced, so the first request starts when its turn says.
    """

    def __init__(self, options: FetchOptions, read_body: BodyReader) -> None:
        self.options = options
        self._read_body = read_body
        self._headers = default_headers(options, accept_encoding())
        self._sends_cookie = any(name.lower() == "cookie" for name in self._headers)
        self._origin_headers = OriginHeaders(options)
        self._cookies: aiohttp.CookieJar | None = None  # made on the first Set-Cookie
        self._session = self._open()

    async def aclose(self) -> None:
        await self._session.close()

    async def send(self, url: str, validators: dict[str, str] | None = None) -> Reply:
        """GET `url` with its origin's headers and `validators`; the reply, its body read."""
        options = self.options
        session = self._session
        started = time.monotonic()
        status: int | None = None
        try:
            async with asyncio.timeout(options.deadline):
                async with session.get(
                    _sendable(url),
                    headers=self._extra_headers(url, validators),
                    allow_redirects=False,
                ) as response:
                    status = response.status
                    body, truncated = await self._read_body(response)
            headers = response.headers
            if "Set-Cookie" in headers:
                self._keep_cookies(response)
        except (*NETWORK_ERRORS, FetchFailure) as exc:
            failure = classify(exc, options, answered=status is not None)
            failure.hop = Hop(url, status, None, time.monotonic() - started)
            raise failure from exc
        return Reply(
            url=url,
            status=response.status,
            headers=_plain_headers(headers),
            body=body,
            truncated=truncated,
            elapsed=time.monotonic() - started,
        )

    def _extra_headers(self, url: str, validators: dict[str, str] | None) -> dict[str, str] | None:
        """What the request adds to the session's defaults: its origin's own, its validators,
        and the jar's cookies unless a Cookie header is already given."""
        extra = self._origin_headers.for_url(url, validators)
        if self._cookies is None or self._sends_cookie:
            return extra
        if extra is not None and any(name.lower() == "cookie" for name in extra):
            return extra
        try:
            cookies = self._cookies.filter_cookies(URL(url))
        except ValueError:  # not a URL yarl can read: aiohttp says so, as InvalidURL
            return extra
        if not cookies:
            return extra
        cookie = "; ".join(f"{name}={morsel.coded_value}" for name, morsel in cookies.items())
        return {**(extra or {}), "Cookie": cookie}

    def _keep_cookies(self, response: aiohttp.ClientResponse) -> None:
        if self._cookies is None:
            # unsafe: cookies from IP-address hosts too (staging on 10.0.0.5, tests on 127.0.0.1)
            self._cookies = aiohttp.CookieJar(unsafe=True)
        self._cookies.update_cookies_from_headers(
            response.headers.getall("Set-Cookie"), response.url
        )

    def _open(self) -> aiohttp.ClientSession:
        """The aiohttp session; made once, inside the running loop."""
        options = self.options
        connector = aiohttp.TCPConnector(
            # The Fetcher's semaphores bound what is in flight; the pool needs room for it all.
            limit=max(1, options.concurrency),
            ssl=_ssl_context(options.verify_tls),
            keepalive_timeout=5.0,
        )
        return aiohttp.ClientSession(
            connector=connector,
            headers=self._headers,
            cookie_jar=aiohttp.DummyCookieJar(),  # the Wire keeps them (see the module's doc)
            timeout=aiohttp.ClientTimeout(
                total=None,  # the attempt's deadline bounds the whole exchange instead
                connect=options.timeout,  # waiting for a connection from the pool
                sock_connect=options.connect_timeout,
                sock_read=options.timeout,
            ),
            auto_decompress=False,
            # HTTP(S)_PROXY and NO_PROXY, when set; asked only then, since aiohttp reads the
            # environment (and ~/.netrc) again for every request.
            trust_env=bool(getproxies()),
            # aiohttp refuses a header line over 8 KB; sites with big cookies send more.
            max_line_size=_MAX_HEADER,
            max_field_size=_MAX_HEADER,
        )


def _sendable(url: str) -> str:
    """The URL as it goes out, as httpx sent it before: a control character refused (yarl
    would drop it silently and fetch another address), a space in the query sent as %20
    (yarl writes it as "+")."""
    if not (url.isascii() and url.isprintable()):
        for position, char in enumerate(url):
            if char < " " or char == "\x7f":
                raise FetchFailure(
                    "bad-url",
                    "not a web address (Invalid non-printable ASCII character in URL, "
                    f"{char!r} at position {position}.)",
                )
    return url.replace(" ", "%20") if " " in url else url


def _ssl_context(verify: bool) -> ssl.SSLContext:
    """Certificates checked against SSL_CERT_FILE / SSL_CERT_DIR when set, else certifi's
    bundle (as httpx did); or not checked at all. Built once for the same certificates, and
    so inherited by the processes of --jobs: loading a bundle takes 40 ms of CPU."""
    if not verify:
        return _context(None, None, None)
    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = None if cafile else os.environ.get("SSL_CERT_DIR") or None
    where = cafile or capath
    try:  # a file replaced under the same name is other certificates
        stamp = os.stat(where).st_mtime_ns if where else None
    except OSError:
        stamp = None  # the context's own error names the path
    return _context(cafile or (None if capath else certifi.where()), capath, stamp)


@functools.lru_cache(maxsize=8)
def _context(cafile: str | None, capath: str | None, _stamp: int | None) -> ssl.SSLContext:
    if cafile is None and capath is None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    return ssl.create_default_context(cafile=cafile, capath=capath)


def _plain_headers(headers: CIMultiDictProxy[str]) -> dict[str, str]:
    """Lower-cased names; a repeated header's values joined with ", "."""
    plain: dict[str, str] = {}
    for name, value in headers.items():
        name = name.lower()
        if not value.isascii():
            value = _text(value)
        plain[name] = f"{plain[name]}, {value}" if name in plain else value
    return plain


def _text(value: str) -> str:
    """A header value as text: aiohttp keeps bytes that are not UTF-8 as surrogates, which
    no report could write; they are read as Latin-1 instead, as httpx did."""
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")

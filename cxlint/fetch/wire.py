"""The one HTTP stack: httpx's requests and responses over aiohttp (the httpx-aiohttp transport).

It exists so that exactly one place knows how a request goes out and its reply comes back.
Requests are `httpx.Request`s given to the transport's public interface
(`AsyncBaseTransport.handle_async_request`); under it, aiohttp does the HTTP/1.1 work, several
times faster on a fast server than httpx's own transport. The transport is told never to
follow redirects or decompress: the walker takes redirects one hop at a time, and bodies are
decoded within bounds (body.py).

Not through `httpx.AsyncClient`, measured with `python -m tests.benchmarks.fetch_bench`: its
per-request pipeline (URL merging, header and cookie copies, cookie extraction through
urllib's wrappers for every response, auth and hook generators) does nothing the Fetcher needs
(redirects, retries and deadlines are its own) and costs a measurable share of the fetcher's
CPU per page; and even when not following redirects it builds the next request from every
redirect's Location, raising for one it cannot parse (`javascript:...`) before the walker
could report it as a bad redirect with its chain. What the client did that matters is done
here: default headers and each origin's own (options.py), the timeouts (the request's
"timeout" extension) and a cookie jar (httpx.Cookies: a site that sets a cookie and redirects
would otherwise loop).

One attempt has a deadline for the whole exchange (connect, headers, body): a server dripping
a byte now and then cannot keep it alive. Whatever goes wrong is classified once (errors.py)
and raised as a FetchFailure naming the request that failed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.request import getproxies

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from cxlint.fetch.body import accept_encoding
from cxlint.fetch.errors import NETWORK_ERRORS, FetchFailure, classify
from cxlint.fetch.options import FetchOptions, OriginHeaders, default_headers
from cxlint.model import Hop

_MAX_HEADER = 128 * 1024  # bytes in one response header line

BodyReader = Callable[[httpx.Response], Awaitable[tuple[bytes, bool]]]


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
    """Sends one GET and reads its reply; made inside the running loop, closed with aclose."""

    def __init__(self, options: FetchOptions, read_body: BodyReader) -> None:
        self.options = options
        self._read_body = read_body
        self._transport = AiohttpTransport(client=self._session)
        self._headers = default_headers(options, accept_encoding())
        self._origin_headers = OriginHeaders(options)
        self._cookies = httpx.Cookies()
        timeout = httpx.Timeout(options.timeout, connect=options.connect_timeout)
        self._extensions = {"timeout": timeout.as_dict()}

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def send(self, url: str, validators: dict[str, str] | None = None) -> Reply:
        """GET `url` with its origin's headers and `validators`; the reply, its body read."""
        options = self.options
        started = time.monotonic()
        status: int | None = None
        try:
            async with asyncio.timeout(options.deadline):
                response = await self._transport.handle_async_request(
                    self._request(url, validators)
                )
                try:
                    status = response.status_code
                    body, truncated = await self._read_body(response)
                finally:
                    await response.aclose()
            if "set-cookie" in response.headers:
                self._cookies.extract_cookies(response)
        except (*NETWORK_ERRORS, FetchFailure) as exc:
            failure = classify(exc, options, answered=status is not None)
            failure.hop = Hop(url, status, None, time.monotonic() - started)
            raise failure from exc
        return Reply(
            url=url,
            status=response.status_code,
            headers=_plain_headers(response.headers),
            body=body,
            truncated=truncated,
            elapsed=time.monotonic() - started,
        )

    def _request(self, url: str, validators: dict[str, str] | None) -> httpx.Request:
        extra = self._origin_headers.for_url(url, validators)
        if extra is None:
            headers = self._headers
        else:  # Headers.update replaces case-insensitively: the origin's own win
            headers = httpx.Headers(self._headers)
            headers.update(extra)
        request = httpx.Request("GET", url, headers=headers, extensions=self._extensions)
        if len(self._cookies.jar):
            self._cookies.set_cookie_header(request)
        return request

    def _session(self) -> aiohttp.ClientSession:
        """The aiohttp session under the transport; made once, inside the running loop."""
        options = self.options
        connector = aiohttp.TCPConnector(
            # The Fetcher's semaphores bound what is in flight; the pool needs room for it all.
            limit=max(1, options.concurrency),
            ssl=httpx.create_ssl_context(verify=options.verify_tls),
            keepalive_timeout=5.0,  # httpx's default keep-alive expiry
        )
        # aiohttp refuses a header line over 8 KB; httpx's own transport took up to 100 KB.
        return aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),  # httpx.Cookies keeps them: one jar, not two
            # HTTP(S)_PROXY and NO_PROXY, as httpx's client honoured them; asked only when set,
            # since aiohttp reads the environment again for every request (half its CPU).
            trust_env=bool(getproxies()),
            max_line_size=_MAX_HEADER,
            max_field_size=_MAX_HEADER,
        )


def _plain_headers(headers: httpx.Headers) -> dict[str, str]:
    """Lower-cased names; a repeated header's values joined with ", "."""
    plain: dict[str, str] = {}
    for name, value in headers.multi_items():
        name = name.lower()
        plain[name] = f"{plain[name]}, {value}" if name in plain else value
    return plain

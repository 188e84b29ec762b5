"""The polite async fetcher: URLs in, `Response`s (with their redirect chains) out.

It knows URLs, not campaigns. Like Scrapy's downloader it owns everything about *how* a URL
is fetched — concurrency, per-host politeness, retries, robots.txt, redirects one hop at a
time, caching — and only ever returns responses: `Fetcher.get` never raises for network or
HTTP trouble, it describes the trouble in `Response.error` / `Response.error_kind`.

A hostile server cannot make it hang or exhaust memory: every attempt has a deadline for the
whole exchange (a body dripped byte by byte ends there), and bodies are decompressed by cxlint,
not by aiohttp, with the output bounded by max_body at every step.

Its parts, each with one job:

    options.py    FetchOptions; which headers go to which origin (credentials stay home)
    fetcher.py    Fetcher, the facade: one shared fetch per URL, the stats
    redirects.py  the redirect walker: one hop at a time, the chain recorded and bounded
    retries.py    retries, backoff, Retry-After
    polite.py     per-host and global concurrency, rate limits, robots.txt
    wire.py       the one HTTP stack: each GET sent with aiohttp's ClientSession
    body.py       the body, decompressed within bounds (gzip, deflate, br)
    errors.py     every exception classified once into an error kind

Error kinds: timeout, connect, dns, tls, too-many-redirects, redirect-loop, bad-redirect,
robots, retry-after-too-long, bad-url (not an http(s) address), protocol (anything else).
"""

from cxlint.fetch.body import accept_encoding
from cxlint.fetch.errors import FetchFailure, classify
from cxlint.fetch.fetcher import Fetcher
from cxlint.fetch.options import FetchOptions
from cxlint.fetch.polite import ROBOTS_AGENT
from cxlint.fetch.redirects import REDIRECT_STATUSES, WEB_SCHEMES
from cxlint.fetch.retries import RETRY_AFTER_STATUSES, RETRY_STATUSES
from cxlint.fetch.retries import parse_retry_after as _parse_retry_after  # noqa: F401 - as before

__all__ = [
    "REDIRECT_STATUSES",
    "RETRY_AFTER_STATUSES",
    "RETRY_STATUSES",
    "ROBOTS_AGENT",
    "WEB_SCHEMES",
    "FetchFailure",
    "FetchOptions",
    "Fetcher",
    "accept_encoding",
    "classify",
]

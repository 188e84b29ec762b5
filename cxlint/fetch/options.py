"""What the fetcher may do, and which headers go to which origin.

It exists so that the one security-critical decision of the fetcher, which headers a request
carries, is made in one small place: headers every origin gets (`FetchOptions.headers`, no
secrets) are the client's defaults; headers a user gave for their own site
(`FetchOptions.origin_headers`: credentials, cookies) are added per request, and only to
requests whose URL is on that origin. A redirect to another origin, its robots.txt and anything
else there get none of them, as browsers, curl (CVE-2018-1000007) and requests
(CVE-2018-18074) do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cxlint import PROJECT_URL, __version__, urls


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

    @property
    def deadline(self) -> float:
        """Seconds one attempt (connect, headers, whole body) may take."""
        return self.max_time if self.max_time is not None else 4 * self.timeout


def default_headers(options: FetchOptions, accept_encoding: str) -> dict[str, str]:
    """The headers every request carries, whatever its origin: no secrets.

    A header in `options.headers` replaces the default of the same name in any case."""
    defaults = {
        "Accept": "*/*",
        "User-Agent": options.user_agent,
        "Accept-Encoding": accept_encoding,
    }
    return merge_headers(defaults, options.headers)


def merge_headers(base: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    """`base` with `extra` on top: a name in `extra` replaces it in `base` in any case."""
    replaced = {name.lower() for name in extra}
    merged = {name: value for name, value in base.items() if name.lower() not in replaced}
    merged.update(extra)
    return merged


class OriginHeaders:
    """The headers a request carries on top of the defaults: its origin's own, if any, and
    the validators of a conditional request."""

    def __init__(self, options: FetchOptions) -> None:
        # Keyed as urls.origin writes an origin, so "HTTPS://Shop.example:443/" and
        # "https://shop.example" are one; the last spelling given wins, as before.
        self._by_origin = {
            urls.origin(origin): dict(extra) for origin, extra in options.origin_headers.items()
        }

    def for_url(self, url: str, validators: dict[str, str] | None = None) -> dict[str, str] | None:
        """What to add to the defaults for a request to `url` (a new dict); None: nothing."""
        own = self._by_origin.get(urls.origin(url)) if self._by_origin else None
        if not own and not validators:
            return None
        return merge_headers(own or {}, validators or {})

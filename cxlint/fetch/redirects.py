"""The redirect walker: one URL's chain, one hop at a time, into a `Response`.

It exists because the chain is a finding in itself (cxlint reports redirect counts, loops and
where a campaign link really lands), so redirects are never followed by the HTTP client: each
hop is a request of its own, checked against robots.txt, recorded with its status, Location and
time, and bounded (max_redirects, no loops, only http(s) targets). The walk ends in a
`Response` whatever happens; trouble is described in `Response.error` / `error_kind`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urljoin, urlsplit

from cxlint.fetch.errors import FetchFailure, classify
from cxlint.fetch.options import FetchOptions
from cxlint.fetch.wire import Reply
from cxlint.model import Conditional, Hop, Response

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
WEB_SCHEMES = ("http", "https")

SendHop = Callable[[str, dict[str, str] | None], Awaitable[tuple[Reply, int]]]
CheckHop = Callable[[str], Awaitable[None]]  # raises a FetchFailure when the hop must not go


async def walk(
    url: str,
    send: SendHop,
    options: FetchOptions,
    *,
    check: CheckHop | None = None,
    conditional: Conditional | None = None,
) -> Response:
    """The URL's outcome after following its redirects. Never raises for network trouble."""
    chain: list[Hop] = []
    current = url
    try:
        check_web_url(url)
        while True:
            if check is not None:
                await check(current)
            validators = conditional.headers if conditional and conditional.url == current else None
            reply, attempts = await send(current, validators)
            location = reply.headers.get("location")
            chain.append(Hop(current, reply.status, location, reply.elapsed))
            if reply.status not in REDIRECT_STATUSES:
                return _response(url, chain, reply, attempts)
            current = next_hop(current, location, chain, options.max_redirects)
    except Exception as exc:  # a bug or a surprise must not take the run down either
        # (CancelledError is a BaseException, so cancellation still propagates.)
        return _failed(url, chain, classify(exc, options))


def next_hop(current: str, location: str | None, chain: list[Hop], max_redirects: int) -> str:
    """The redirect's target, or a FetchFailure when it must not (or cannot) be followed."""
    if location is None or not location.strip():
        raise FetchFailure("bad-redirect", "redirect without a Location header")
    try:
        target = urljoin(current, location.strip())
        scheme = urlsplit(target).scheme.lower()
    except ValueError as exc:
        raise FetchFailure("bad-redirect", f"redirect to a malformed address ({location})") from exc
    if scheme not in WEB_SCHEMES:
        raise FetchFailure("bad-redirect", f"redirect to a non-web address ({scheme}:...)")
    try:
        check_web_url(target)
    except FetchFailure as failure:
        raise FetchFailure(
            "bad-redirect", f"redirect to a malformed address ({location})"
        ) from failure
    if any(hop.url == target for hop in chain):
        raise FetchFailure("redirect-loop", f"redirect loop (back to {target})")
    if len(chain) > max_redirects:
        raise FetchFailure("too-many-redirects", f"more than {max_redirects} redirects")
    return target


def check_web_url(url: str) -> None:
    """A FetchFailure("bad-url") unless `url` is an http(s) address with a host."""
    try:
        parts = urlsplit(url)
        ok = parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        ok = False
    if not ok:
        raise FetchFailure("bad-url", f"not a web address ({url})")


def _response(url: str, chain: list[Hop], reply: Reply, attempts: int) -> Response:
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


def _failed(url: str, chain: list[Hop], failure: FetchFailure) -> Response:
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

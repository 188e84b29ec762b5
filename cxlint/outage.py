"""Is the whole site down? Pure helpers (no network): the engine fetches, these decide.

When every request to the site's origin ends with no HTTP answer at all — its host name does
not resolve, nothing listens on its port, its TLS certificate is refused, every connection
times out or breaks off — nothing of the campaign can be checked there. Likewise when it
answers every request with 401 or 403: a staging site behind credentials cxlint was not given
(or given wrong), or a shield that turns cxlint away. The run then reports one site-level
finding with the cause and the fix (rule site-unreachable), skips every subject on the site
with that reason instead of one "publish the page" error each, and exits 3. Any other HTTP
status (a 503, a 404) is the site answering, so each page keeps its own finding, as in a
partial outage.

Established cheaply, and only when there is reason to: the engine fetches the home page
anyway; only when it gets no answer are up to CONFIRM of the campaign's own pages on the
origin asked for (what their subjects would fetch first anyway), and only when none of them
answers either is the site down. A home page that fails alone (a broken front page, a
path-specific timeout) is thus not an outage. The pages asked for are chosen from the whole
campaign, not a shard, so every process of --jobs and every shard decides alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cxlint import urls
from cxlint.model import Campaign, Response

CONFIRM = 2  # the campaign's own pages asked for, beside the home page
# Error kinds of a request that got no HTTP answer: the connection could not be made
# (dns, connect, tls, a connect timeout) or gave nothing back (a read timeout, a reset).
NO_ANSWER_KINDS = frozenset({"dns", "connect", "tls", "timeout", "protocol"})
_ATTEMPTS = re.compile(r"^gave up after \d+ attempts: ")
# Statuses that turn every visitor without credentials away: the site answers, to no avail.
REFUSED = {401: "401 Unauthorized", 403: "403 Forbidden", 407: "407 Proxy Authentication Required"}


def no_answer(response: Response) -> bool:
    """Whether the request ended without any HTTP status from the server."""
    return (
        response.error is not None
        and response.status is None
        and response.error_kind in NO_ANSWER_KINDS
    )


def refused(response: Response) -> bool:
    """Whether the server answered with a status that lets no one in without credentials."""
    return response.status in REFUSED


@dataclass(frozen=True)
class Outage:
    """The site's origin could not be reached: what was asked for and how it failed."""

    origin: str
    kind: str  # the fetcher's error kind for the home page: dns, connect, tls, timeout...
    cause: str  # in plain words, e.g. "connection refused"
    tried: tuple[str, ...]  # "GET URL → error" for each address asked for
    advice: str = ""  # what to do, when the run knows better than the kind: which variable

    @property
    def reason(self) -> str:
        """Why a subject's checks were skipped."""
        if self.kind == "refused":
            return f"the site {self.origin} refuses cxlint ({self.cause})"
        return f"the site {self.origin} cannot be reached ({self.cause})"

    def covers(self, url: str) -> bool:
        """Whether `url` is on the origin that cannot be reached."""
        return urls.origin(url) == self.origin

    def stopped(self, response: Response) -> bool:
        """Whether a response got no answer where it reached the dead origin (a link on
        another origin that redirects to the site). Its status is the redirect's then, so
        the last hop, not the response, says whether the server answered."""
        last = response.chain[-1] if response.chain else None
        return (
            response.error is not None
            and response.error_kind in NO_ANSWER_KINDS
            and (last is None or last.status is None)
            and self.covers(response.final_url)
        ) or (self.kind == "refused" and refused(response) and self.covers(response.final_url))

    def as_dict(self) -> dict[str, Any]:
        return {"origin": self.origin, "kind": self.kind, "cause": self.cause}


def confirmation_urls(campaign: Campaign, home: str) -> list[str]:
    """Up to CONFIRM of the campaign's pages on the site's origin, other than the home page:
    a landing page and a product page first (often served apart), in manifest order."""
    site = urls.origin(campaign.site.url)
    landing = [lp.url for lp in campaign.landing_pages if urls.origin(lp.url) == site]
    products = [p.url for p in campaign.products if p.url and urls.origin(p.url) == site]
    ordered = [*landing[:1], *products[:1], *landing[1:], *products[1:]]
    picked = [url for url in dict.fromkeys(ordered) if url != home]
    return picked[:CONFIRM]


def outage(origin: str, responses: list[Response], advice: str = "") -> Outage | None:
    """The outage when every response (the home page's first) got no answer, or every one
    was refused; else None."""
    if not responses:
        return None
    home = responses[0]
    if all(refused(r) for r in responses):
        return Outage(
            origin=origin,
            kind="refused",
            cause=f"it answers {REFUSED[home.status or 0]} to every page asked for",
            tried=tuple(f"GET {r.url} → {REFUSED[r.status or 0]}" for r in responses),
            advice=advice,
        )
    if not all(no_answer(r) for r in responses):
        return None
    return Outage(
        origin=origin,
        kind=home.error_kind or "connect",
        cause=_ATTEMPTS.sub("", home.error or "no answer"),
        tried=tuple(f"GET {r.url} → {r.error}" for r in responses),
    )

"""Rules about the site as a whole."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NotRequired, cast
from urllib.parse import urlsplit

from cxlint.checks import Found, NoOptions, Skip, rule
from cxlint.checks.context import SiteContext
from cxlint.checks.evidence import Evidence

# What to check first, by how the connection failed (the fetcher's error kinds).
_UNREACHABLE_FIXES = {
    "dns": "Check the host name in --base-url (or site.url) for a typo, and that this machine "
    "can look it up: a staging host often needs your VPN or the office network. Then run "
    "cxlint again.",
    "tls": "Check that --base-url (or site.url) names the right https host. A staging server "
    "with a certificate of its own needs --insecure, or its certificate authority trusted on "
    "this machine. Then run cxlint again.",
}
_UNREACHABLE_FIX = (
    "Check --base-url (or site.url): the right host, port and http or https; that the site is "
    "running; and that this machine may reach it (your VPN, a firewall, the staging "
    "credentials or allow-list). Then run cxlint again."
)


class SiteUnreachableEvidence(Evidence):
    tried: list[str]  # the addresses tried, and how each failed


@rule("site-unreachable", needs=(), evidence=SiteUnreachableEvidence)
def site_unreachable(
    ctx: SiteContext, options: NoOptions
) -> Iterator[Found[SiteUnreachableEvidence]]:
    outage = ctx.unreachable
    if outage is None:
        return  # the site answered at least once: any trouble is each page's own finding
    what = "refuses cxlint" if outage.kind == "refused" else "cannot be reached"
    yield Found(
        f"The site {outage.origin} {what}: {outage.cause}, so nothing of the campaign on it "
        "could be checked.",
        {"tried": list(outage.tried)},
        fix=outage.advice or _UNREACHABLE_FIXES.get(outage.kind, _UNREACHABLE_FIX),
        url=outage.origin,
    )


class SearchNotFoundEvidence(Evidence):
    # what the discovery of the site's search found, as it says it (cxlint.discover)
    method: NotRequired[str]  # how a search was found that does not work
    source: NotRequired[str]
    broken: NotRequired[str]  # the search address that does not work
    tried: list[str]  # each discovery step, in words


# its keys taken from the discovery's account, in the order it gives them
_DISCOVERY_KEYS = frozenset(SearchNotFoundEvidence.__annotations__) - {"tried", "partial_page"}


@rule("search-not-found", needs=("site_search",), evidence=SearchNotFoundEvidence)
def search_not_found(
    ctx: SiteContext, options: NoOptions
) -> Iterator[Found[SearchNotFoundEvidence]]:
    if ctx.unreachable is not None:  # no search could be looked for: site-unreachable says why
        raise Skip(ctx.unreachable.reason)
    if ctx.search.get("template"):
        return
    reason = ctx.search.get("reason", "the manifest has no site.search")
    given = {k: v for k, v in ctx.search.items() if k in _DISCOVERY_KEYS}
    evidence = cast(SearchNotFoundEvidence, given)  # the keys are its own, checked above
    evidence["tried"] = _tried(ctx.search.get("tried", []))
    yield Found(
        f"No working site search was found ({reason}), so no product's search could be checked.",
        evidence,
    )


def _tried(steps: list[dict[str, Any]]) -> list[str]:
    """Each discovery step as a line a person can read; the common paths probed in one."""
    lines = [f"{s['method']}: {s['outcome']}" for s in steps if s["method"] != "probe"]
    probed = [s for s in steps if s["method"] == "probe"]
    if probed and all("template" in s for s in probed):
        paths = ", ".join(_path(s["template"]) for s in probed)
        lines.append(f"common search paths ({paths}): none is a search that finds a product")
    elif probed:
        lines.append(f"common search paths: {probed[0]['outcome']}")
    return lines


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")

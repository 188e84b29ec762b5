"""Rules about how a page is delivered: its redirect chain, encryption and speed."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterator
from typing import Any, NotRequired, TypedDict
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from cxlint import urls
from cxlint.checks import Found, rule
from cxlint.checks.context import LandingContext
from cxlint.checks.evidence import Evidence, HopEvidence, chain
from cxlint.model import Response

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


@functools.cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the bundled Public Suffix List; no network


def registrable_domain(url: str) -> str:
    """The domain a site owner registers: shop.example.co.uk → example.co.uk (IPs as is)."""
    host = _host(url)
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        return _suffixes().privatesuffix(host) or host


def _is_local(url: str) -> bool:
    host = _host(url)
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _redirects(response: Response) -> int:
    return sum(1 for hop in response.chain if hop.status in REDIRECT_STATUSES)


# --- redirect-chain ------------------------------------------------------------------------


class RedirectChainOptions(TypedDict):
    max_hops: int
    crawler_limit: int
    vanity_channels: list[str]


# the hop that leaves https, between which addresses ("from" is a keyword: written as a dict)
_Downgrade = TypedDict("_Downgrade", {"hop": int, "from": str, "to": str}, total=False)


class RedirectChainEvidence(Evidence, _Downgrade):
    chain: list[HopEvidence]
    redirect_count: int
    error: NotRequired[str | None]  # the loop, as the fetcher words it
    display_domain: NotRequired[str]  # the domain the link shows
    other_domains: NotRequired[list[str]]  # the domains it passes through, with their hops


@rule("redirect-chain", needs=(), evidence=RedirectChainEvidence, options=RedirectChainOptions)
def redirect_chain(
    ctx: LandingContext, options: RedirectChainOptions
) -> Iterator[Found[RedirectChainEvidence]]:
    response = ctx.response
    hops = response.chain
    count = _redirects(response)
    evidence: RedirectChainEvidence = {"chain": chain(response), "redirect_count": count}
    limit = options["crawler_limit"]
    if response.error_kind == "redirect-loop":
        yield Found(
            "The campaign link redirects in a loop and never reaches a page.",
            evidence | {"error": response.error},
            fix="Fix the redirect rules so that the campaign URL ends on one page with HTTP 200.",
        )
    elif response.error_kind == "too-many-redirects" or count > limit:
        yield Found(
            f"The campaign link goes through more than {limit} redirects; browsers and search "
            "and ad crawlers give up before they reach the page.",
            evidence,
            fix="Redirect the campaign URL straight to its final page, in one step.",
        )
    elif count > options["max_hops"]:
        yield Found(
            f"The campaign link goes through {count} redirects before its page (more than "
            f"{options['max_hops']}); each one costs visitors time and can lose tracking.",
            evidence,
            fix="Redirect the campaign URL straight to its final page, in one step.",
            minor=True,
        )

    for index in range(1, len(hops)):
        before, after = hops[index - 1].url, hops[index].url
        if _scheme(before) == "https" and _scheme(after) == "http":
            yield Found(
                f"A redirect moves visitors from a secure https address to plain http "
                f"({urls.origin(after)}), where browsers warn and networks can read the page.",
                evidence | {"hop": index, "from": before, "to": after},
                fix="Make every redirect of the campaign URL point to an https address.",
            )
            break

    vanity = {c.casefold() for c in options["vanity_channels"]}
    if (ctx.landing.channel or "").strip().casefold() in vanity:
        return  # a printed or spoken vanity domain that leads to the shop's is the point
    display = registrable_domain(hops[0].url) if hops else ""
    away = {
        i: registrable_domain(hop.url)
        for i, hop in enumerate(hops)
        if i and registrable_domain(hop.url) != display
    }
    if display and away:
        final = registrable_domain(hops[-1].url)
        ends_away = final != display
        domains = ", ".join(dict.fromkeys(away.values()))
        yield Found(
            (
                f"The campaign link shows {display} but ends on {final}: ad platforms reject "
                "ads whose final page is on another domain than the one displayed."
            )
            if ends_away
            else f"The campaign link on {display} passes through {domains} on its way.",
            evidence
            | {
                "display_domain": display,
                "other_domains": [f"{d} (hop {i}: {hops[i].url})" for i, d in away.items()],
            },
            fix=f"Use a campaign URL on {final}, or make the page live on {display}."
            if ends_away
            else f"Redirect within {display}; if {domains} is a click tracker, set it up as "
            "the ad platform's tracking template instead.",
            minor=not ends_away,
        )


# --- insecure-url --------------------------------------------------------------------------


class InsecureUrlOptions(TypedDict):
    allow_local: bool


class InsecureUrlEvidence(Evidence, total=False):
    final_url: str  # the page served over http
    url: str  # the campaign link written with http://
    chain: list[HopEvidence]
    page: str  # the page whose forms send over http
    forms: list[str]  # their actions


@rule("insecure-url", needs=(), evidence=InsecureUrlEvidence, options=InsecureUrlOptions)
def insecure_url(
    ctx: LandingContext, options: InsecureUrlOptions
) -> Iterator[Found[InsecureUrlEvidence]]:
    response = ctx.response

    def plain(url: str) -> bool:
        return _scheme(url) == "http" and not (options["allow_local"] and _is_local(url))

    reached = response.error is None and response.status is not None and response.status < 400
    page_plain = reached and plain(response.final_url)
    if page_plain:
        yield Found(
            "The landing page is served over plain http: browsers mark it “Not secure” and "
            "anyone on the network can read or change it.",
            {"final_url": response.final_url, "chain": chain(response)},
            fix="Serve the page over https and make the campaign URL start with https://.",
        )
    elif plain(ctx.landing.url):
        moved = reached and _scheme(response.final_url) == "https"
        yield Found(
            "The campaign link starts with http://"
            + (
                "; the site moves it to https, but the first request and its tracking "
                "parameters travel unencrypted."
                if moved
                else "."
            ),
            {"url": ctx.landing.url, "chain": chain(response)},
            fix="Print and link the https:// address of the page.",
            minor=moved,
        )
    page = ctx.page
    if page is None:
        return
    # A form posting back to a plain http page's own site is that page's problem, said above.
    home = urls.origin(page.final_url) if page_plain else None
    forms = [f for f in page.forms if plain(f.action) and urls.origin(f.action) != home]
    if forms:
        yield Found(
            f"A form on the landing page sends what visitors type to {forms[0].action} over "
            "plain http, where anyone on the network can read it.",
            {"page": page.final_url, "forms": [f.action for f in forms]},
            fix="Make the form's action an https:// address.",
        )


# --- slow-page -----------------------------------------------------------------------------


class SlowPageOptions(TypedDict):
    max_seconds: float
    max_kb: float


class SlowPageEvidence(Evidence, total=False):
    seconds: float
    budget_seconds: float
    hops: list[str]  # each request of the chain and its time
    html_kb: float
    budget_kb: float
    truncated: bool  # the HTML was cut at the size limit: it weighs more


@rule("slow-page", evidence=SlowPageEvidence, options=SlowPageOptions)
def slow_page(ctx: Any, options: SlowPageOptions) -> Iterator[Found[SlowPageEvidence]]:
    response: Response = ctx.response
    seconds, budget = response.elapsed, options["max_seconds"]
    if seconds > budget:
        redirects = _redirects(response)
        in_redirects = sum(h.elapsed for h in response.chain[:-1]) if redirects else 0.0
        detail = f", {in_redirects:.1f} s of it in {redirects} redirects" if redirects else ""
        yield Found(
            f"The page took {seconds:.1f} s to arrive (budget {budget:g} s){detail}; visitors "
            "on phones leave pages that are slow to appear.",
            {
                "seconds": round(seconds, 3),
                "budget_seconds": budget,
                "hops": [f"{h.url} → {h.status} in {h.elapsed:.2f} s" for h in response.chain],
            },
            fix="Make the server answer faster (caching, a CDN) and cut the redirects before "
            "the page.",
        )
    size_kb = response.size / 1000
    if size_kb > options["max_kb"] or response.truncated:
        more = "more than " if response.truncated else ""
        shown = f"{size_kb:,.0f}" if size_kb >= 10 else f"{size_kb:.1f}"
        weight: SlowPageEvidence = {"html_kb": round(size_kb, 1), "budget_kb": options["max_kb"]}
        if response.truncated:
            weight["truncated"] = True
        yield Found(
            f"The page's HTML alone weighs {more}{shown} KB (budget {options['max_kb']:,g} KB), "
            "before any image or script; it is slow to load on a phone connection.",
            weight,
            fix="Move inlined images, fonts and data out of the HTML and load them as files.",
        )

"""Rules about the links in a campaign's creatives (e-mails, print and QR URLs): each must
open, carry the campaign's tracking, and lead to a page the campaign declares."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NotRequired, TypedDict

from cxlint import urls
from cxlint.checks import Found, NoOptions, Skip, rule
from cxlint.checks.context import CreativeContext
from cxlint.checks.evidence import Evidence, HopEvidence, chain, status_words
from cxlint.text import fold


class ServiceLinks(TypedDict):
    service_links: list[str]  # words that mark a service link (unsubscribe, privacy...)


class CreativeLinkUntrackedOptions(ServiceLinks):
    parameters: list[str]


class CreativeLinkOffCampaignOptions(ServiceLinks):
    pass


def _link_words(ctx: CreativeContext) -> str:
    """'The link "Shop the V710" (line 14) in email/launch.html', for messages."""
    link = ctx.link
    words = f' "{link.text}"' if link.text else f" {link.written}"
    return f"The link{words} (line {link.line}) in {ctx.creative.file}"


def _service_word(ctx: CreativeContext, options: ServiceLinks) -> str | None:
    """The word marking a service link (unsubscribe, privacy...), which no campaign needs."""
    haystack = fold(f"{ctx.link.text} {ctx.link.written}")
    return next((w for w in options["service_links"] if fold(w) in haystack), None)


def _on_site(ctx: CreativeContext) -> bool:
    """Whether the link, or where it ends, is on the campaign's own site."""
    places = [ctx.link.url or ""]
    if ctx.response is not None:
        places.append(ctx.response.url)  # the link as opened (moved with --base-url)
        if not ctx.response.error:
            places.append(ctx.response.final_url)
    return any(urls.origin(p) in ctx.site_origins for p in places if p)


class CreativeLinkBrokenEvidence(Evidence):
    link: str  # as written in the creative
    lines: list[int]  # where in the creative
    status: NotRequired[int | None]
    chain: NotRequired[list[HopEvidence]]
    error: NotRequired[str]


@rule("creative-link-broken", needs=(), evidence=CreativeLinkBrokenEvidence)
def creative_link_broken(
    ctx: CreativeContext, options: NoOptions
) -> Iterator[Found[CreativeLinkBrokenEvidence]]:
    link, response = ctx.link, ctx.response
    evidence: CreativeLinkBrokenEvidence = {"link": link.written, "lines": link.lines}
    if response is None:
        yield Found(
            f"{_link_words(ctx)} cannot be opened: {link.problem}.",
            evidence,
            fix="Write the link as a full address starting with https://.",
        )
        return
    if response.error_kind == "robots":
        raise Skip("robots.txt does not allow cxlint to open it")
    evidence["status"] = response.status
    evidence["chain"] = chain(response)
    if response.error:
        evidence["error"] = response.error
        yield Found(f"{_link_words(ctx)} does not open: {response.error}.", evidence)
    elif response.status is None or response.status >= 400:
        yield Found(
            f"{_link_words(ctx)} leads to a page that answers {status_words(response.status)}.",
            evidence,
        )


class CreativeLinkUntrackedEvidence(Evidence):
    link: str
    missing: list[str]
    parameters: NotRequired[list[str]]  # those it carries
    misspelt: NotRequired[list[str]]


@rule(
    "creative-link-untracked",
    needs=("campaign_pages",),
    evidence=CreativeLinkUntrackedEvidence,
    options=CreativeLinkUntrackedOptions,
)
def creative_link_untracked(
    ctx: CreativeContext, options: CreativeLinkUntrackedOptions
) -> Iterator[Found[CreativeLinkUntrackedEvidence]]:
    link = ctx.link
    if link.url is None:
        raise Skip("the link cannot be opened (creative-link-broken)")
    word = _service_word(ctx, options)
    if word:
        raise Skip(f"a service link ({word}), not a campaign link")
    if not _on_site(ctx):
        raise Skip("the link leads off the campaign's site")
    written = {k: v for k, v in urls.query_params(link.url) if v.strip()}
    landed: dict[str, str] = {}
    if ctx.response is not None and not ctx.response.error:
        landed = {k: v for k, v in urls.query_params(ctx.response.final_url) if v.strip()}
    missing = [p for p in options["parameters"] if p not in written and p not in landed]
    if not missing:
        return
    near = [k for k in written if k.lower() in {m.lower() for m in missing}]
    channel = ctx.creative.channel or "this creative"
    evidence: CreativeLinkUntrackedEvidence = {"link": link.written, "missing": missing}
    if written:
        evidence["parameters"] = sorted(written)
    if near:
        evidence["misspelt"] = [f"{k} (analytics reads only {k.lower()})" for k in near]
    known = {
        "utm_medium": ctx.creative.channel,
        "utm_campaign": ctx.campaign.id,
    }
    example = "&".join(f"{p}={known.get(p) or p.removeprefix('utm_').upper()}" for p in missing)
    yield Found(
        f"{_link_words(ctx)} carries no {', '.join(missing)}, so visits from {channel} "
        "will be credited to someone else (often to 'direct').",
        evidence,
        fix=f"Add {example} to the link.",
    )


class CreativeLinkOffCampaignEvidence(Evidence):
    link: str
    chain: list[HopEvidence]
    lands_on: str
    title: NotRequired[str]  # of the page it lands on
    campaign_pages: list[str]  # the campaign's pages, the first five


@rule(
    "creative-link-off-campaign",
    needs=("campaign_pages",),
    evidence=CreativeLinkOffCampaignEvidence,
    options=CreativeLinkOffCampaignOptions,
)
def creative_link_off_campaign(
    ctx: CreativeContext, options: CreativeLinkOffCampaignOptions
) -> Iterator[Found[CreativeLinkOffCampaignEvidence]]:
    link, response = ctx.link, ctx.response
    if link.url is None or response is None:
        raise Skip("the link cannot be opened (creative-link-broken)")
    if response.error or response.status is None or response.status >= 400:
        raise Skip("the link does not open (creative-link-broken)")
    word = _service_word(ctx, options)
    if word:
        raise Skip(f"a service link ({word}), not a campaign link")
    if not _on_site(ctx):
        raise Skip(f"the link leads off the campaign's site (to {urls.origin(response.final_url)})")
    for url in (response.url, response.final_url):  # as opened (after --base-url), and landed
        if urls.normalize_for_compare(url) in ctx.campaign_pages:
            return
    final = response.final_url
    declared = sorted(set(ctx.campaign_pages.values()))
    pages = declared[:5] + ([f"… {len(declared)} in all"] if len(declared) > 5 else [])
    evidence: CreativeLinkOffCampaignEvidence
    if ctx.page is not None and ctx.page.title:
        evidence = {
            "link": link.written,
            "chain": chain(response),
            "lands_on": final,
            "title": ctx.page.title,
            "campaign_pages": pages,
        }
    else:
        evidence = {
            "link": link.written,
            "chain": chain(response),
            "lands_on": final,
            "campaign_pages": pages,
        }
    shown = f'"{ctx.page.title}" ({final})' if ctx.page and ctx.page.title else final
    yield Found(
        f"{_link_words(ctx)} leads to {shown}, which is neither a landing page nor a product "
        "page of the campaign.",
        evidence,
        url=final,
    )

"""Rules about campaign tracking: the utm_* parameters and click ids that credit a visit to
the campaign that paid for it."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import NotRequired, TypedDict

from cxlint import urls
from cxlint.checks import Found, Need, Skip, rule
from cxlint.checks.context import LandingContext
from cxlint.checks.evidence import Evidence, HopEvidence, LostParameter, chain
from cxlint.model import Hop
from cxlint.probes import SENTINELS, gets_click_ids
from cxlint.text import fold

# --- tracking-dropped ----------------------------------------------------------------------


class TrackingDroppedOptions(TypedDict):
    parameters: list[str]
    without_click_ids: list[str]


class TrackingDroppedEvidence(Evidence):
    chain: list[HopEvidence]
    lost: list[LostParameter]  # the campaign's parameters, then the click ids
    click_ids_tested_with: NotRequired[str]  # the link asked again with gclid/fbclid


def _losses(hops: list[Hop], params: list[tuple[str, str]]) -> dict[str, LostParameter]:
    """Each parameter the chain loses or changes, with the exact hop that did it."""
    lost: dict[str, LostParameter] = {}
    for index in range(1, len(hops)):
        here = dict(urls.query_params(hops[index].url))
        for key, value in params:
            if key in lost:
                continue
            what = None
            if key not in here:
                in_fragment = key in dict(urls.fragment_params(hops[index].url))
                what = (
                    "moved after '#', where analytics cannot read it" if in_fragment else "dropped"
                )
            elif here[key] != value:
                what = f"changed from {value!r} to {here[key]!r}"
            if what:
                lost[key] = {
                    "parameter": key,
                    "hop": index,
                    "from": hops[index - 1].url,
                    "to": hops[index].url,
                    "what": what,
                }
    return lost


@rule(
    "tracking-dropped",
    needs=(Need("click_ids_probe", quiet_channels="without_click_ids"),),
    evidence=TrackingDroppedEvidence,
    options=TrackingDroppedOptions,
)
def tracking_dropped(
    ctx: LandingContext, options: TrackingDroppedOptions
) -> Iterator[Found[TrackingDroppedEvidence]]:
    watched = set(options["parameters"])
    original = [
        (k, v)
        for k, v in urls.query_params(ctx.landing.url)
        if k in watched or k.startswith("utm_")
    ]
    clicked = gets_click_ids(ctx.landing.channel, options["without_click_ids"])
    sentinel = ctx.sentinel if clicked else None
    if not original and sentinel is None:
        reason = "the campaign URL carries no tracking parameters"
        if ctx.response.redirected:
            reason += f" and its channel ({ctx.landing.channel}) adds no click ids"
        raise Skip(reason)
    lost = _losses(ctx.response.chain, original) if ctx.response.redirected else {}
    ids = _losses(sentinel.chain, list(SENTINELS)) if sentinel and sentinel.redirected else {}
    if not lost and not ids:
        return
    evidence: TrackingDroppedEvidence = {
        "chain": chain(ctx.response),
        "lost": [*lost.values(), *ids.values()],
    }
    if ids:
        assert sentinel is not None
        evidence["click_ids_tested_with"] = sentinel.url
    parts = []
    if lost:
        parts.append(
            f"the campaign's tracking parameter{'s' if len(lost) > 1 else ''} {', '.join(lost)}"
        )
    if ids:
        parts.append(
            f"the click id{'s' if len(ids) > 1 else ''} {' and '.join(ids)} "
            "that Google and Meta add to ad clicks"
        )
    first = min([*lost.values(), *ids.values()], key=lambda item: item["hop"])
    yield Found(
        f"A redirect loses {' and '.join(parts)}, so the campaign's visits will be credited "
        "to someone else.",
        evidence,
        fix=f"Make the redirect at {urls.path_of(first['from'])} keep the whole query string "
        "(not only the utm_* parameters), or add the parameters to its target.",
    )


# --- tracking-missing ----------------------------------------------------------------------


class TrackingMissingOptions(TypedDict):
    required: list[str]  # a parameter, or "a|b" for either


class TrackingMissingEvidence(Evidence, total=False):
    url: str  # the link as written (a space, a second '?')
    swallowed: list[str]  # names read as part of the value before a second '?'
    misspelt: list[str]
    missing: list[str]
    parameters: list[str]  # the link's parameters, name=value
    empty: list[str]  # missing ones written without a value
    parameter: str  # a utm_* name spelt two ways across the campaign
    spellings: list[str]  # each spelling and the links using it
    utm_campaign: str
    campaign_id: str


_SEPARATORS = re.compile(r"[\s\-.]+")


def _canonical_key(key: str) -> str:
    """'utm-Source', 'UTM source' → 'utm_source': what the writer meant."""
    return _SEPARATORS.sub("_", key.strip()).lower()


def _query_as_written(url: str) -> str:
    before = url.partition("#")[0]
    return before.partition("?")[2]


Spellings = dict[tuple[str, str], dict[str, list[str]]]


@functools.lru_cache(maxsize=4)
def _campaign_spellings(links: tuple[tuple[str, str], ...]) -> Spellings:
    """(utm key, value as compared) → each spelling used → the links using it, in the order
    written. Computed once per campaign, not once per landing page."""
    found: Spellings = {}
    for url, written in links:
        for key, value in urls.query_params(url):
            if key.startswith("utm_"):
                found.setdefault((key, fold(value)), {}).setdefault(value, []).append(written)
    return found


def _spelling_splits(ctx: LandingContext) -> Iterator[Found[TrackingMissingEvidence]]:
    """Values of one utm_* key that differ only in case or spaces across the campaign's links:
    analytics counts "Email" and "email" as two mediums. Reported on the links whose spelling
    is not the campaign's usual one (the most used; the first written on a tie)."""
    links = tuple((lp.url, lp.url_as_written) for lp in ctx.campaign.landing_pages)
    mine = [(k, v) for k, v in urls.query_params(ctx.landing.url) if k.startswith("utm_")]
    for key, value in dict(mine).items():
        spellings = _campaign_spellings(links).get((key, fold(value)), {})
        if len(spellings) < 2:
            continue
        # the most used spelling; on a tie the first written (max keeps the first, dicts the order)
        usual = max(spellings, key=lambda v: len(spellings[v]))
        if value == usual:
            continue
        yield Found(
            f"{key} is '{value}' here but '{usual}' on other links of the campaign, so "
            "analytics splits the campaign's visits into two rows.",
            {
                "parameter": key,
                "spellings": [f"'{v}' on {', '.join(where)}" for v, where in spellings.items()],
            },
            fix=f"Write {key}={usual} on every link of the campaign.",
            what=f"spelling:{key}",
        )


@rule(
    "tracking-missing", needs=(), evidence=TrackingMissingEvidence, options=TrackingMissingOptions
)
def tracking_missing(
    ctx: LandingContext, options: TrackingMissingOptions
) -> Iterator[Found[TrackingMissingEvidence]]:
    written = ctx.landing.url_as_written.strip()
    query = _query_as_written(written)
    if re.search(r"\s", written):
        yield Found(
            "The campaign link contains a space, which e-mail programs, QR readers and "
            "analytics each cut or encode differently.",
            {"url": written},
            fix="Remove the spaces, or write them as %20 (or use - or _ in values).",
            what="space",
        )
    # Names written right after an extra '?' are read as part of the value before them.
    swallowed = re.findall(r"\?([^=&?#]+)=", query)
    if "?" in query:
        lost = f"{', '.join(swallowed)} is" if swallowed else "what follows it is"
        yield Found(
            f"The campaign link has a second '?', so {lost} read as part of the value before "
            "it, and analytics never sees it.",
            {"url": written, "swallowed": swallowed},
            fix="Join the parameters with '&': only the first '?' starts the query.",
            what="second-question-mark",
        )

    params = urls.query_params(ctx.landing.url)
    present = {k for k, v in params if v.strip()}
    if not ctx.response.error:  # a redirect that adds the tracking is as good
        present |= {k for k, v in urls.query_params(ctx.response.final_url) if v.strip()}
    misspelt = {
        k: _canonical_key(k)
        for k, _ in params
        if _canonical_key(k).startswith("utm_") and _canonical_key(k) != k
    }
    if misspelt:
        yield Found(
            "The campaign link writes "
            + ", ".join(f"'{k}' for '{meant}'" for k, meant in misspelt.items())
            + ": analytics only reads the exact lower-case names.",
            {"misspelt": [f"{k} (meant {m})" for k, m in misspelt.items()]},
            fix="Rename " + ", ".join(f"{k} to {m}" for k, m in misspelt.items()) + ".",
            what="misspelt",
        )

    # Each mistake is reported once: a misspelt or swallowed name is not also "missing".
    accounted = present | set(misspelt.values()) | set(swallowed)
    missing, empty = [], []
    blank = {k for k, v in params if not v.strip()}
    for requirement in options["required"]:
        choices = [c.strip() for c in str(requirement).split("|") if c.strip()]
        if choices and not accounted.intersection(choices):
            missing.append(" or ".join(choices))
            empty += [c for c in choices if c in blank]
    if missing:
        yield Found(
            f"The campaign link has no {', '.join(missing)}, so analytics cannot tell which "
            "campaign and channel its visits came from.",
            {"missing": missing, "parameters": [f"{k}={v}" for k, v in params], "empty": empty},
            fix="Add "
            + " and ".join(f"{m.split(' or ')[0]}=…" for m in missing)
            + " to the link (for example utm_source=newsletter&utm_medium=email"
            + (f"&utm_campaign={ctx.campaign.id}" if ctx.campaign.id else "")
            + ").",
        )

    yield from _spelling_splits(ctx)

    campaign_values = [v for k, v in params if k == "utm_campaign"]
    if ctx.campaign.id and campaign_values and campaign_values[0] != ctx.campaign.id:
        yield Found(
            f"utm_campaign is '{campaign_values[0]}', not the campaign's id '{ctx.campaign.id}', "
            "so its visits are counted under another campaign name.",
            {"utm_campaign": campaign_values[0], "campaign_id": ctx.campaign.id},
            fix=f"Write utm_campaign={ctx.campaign.id} on this link (or change campaign.id).",
            minor=True,
        )

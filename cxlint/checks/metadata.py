"""Rules about what a page tells search engines and social networks about itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypedDict

from cxlint import urls
from cxlint.checks import Found, NoOptions, Skip, rule
from cxlint.checks.context import LandingContext
from cxlint.checks.evidence import Evidence

# --- canonical-mismatch --------------------------------------------------------------------


def _without_query(url: str) -> str:
    return url.partition("#")[0].partition("?")[0]


def _same(a: str, b: str) -> bool:
    return urls.normalize_for_compare(a) == urls.normalize_for_compare(b)


class CanonicalMismatchEvidence(Evidence):
    page: str
    canonical: str  # as the page writes it


@rule("canonical-mismatch", evidence=CanonicalMismatchEvidence)
def canonical_mismatch(ctx: Any, options: NoOptions) -> Iterator[Found[CanonicalMismatchEvidence]]:
    page = ctx.page
    assert page is not None
    canonical = page.canonical
    if not canonical:
        return  # no canonical: search engines take the page's own address
    final = page.final_url
    written = canonical
    declared, checked = ctx.campaign.site.declared_url, ctx.campaign.site.url
    if declared and urls.origin(canonical) == urls.origin(declared) != urls.origin(checked):
        # Checking staging (--base-url): a canonical naming production is read as this copy's.
        canonical = urls.rewrite_origin(canonical, declared, checked)
    if _same(canonical, final) or _same(canonical, _without_query(final)):
        return  # itself, or itself without its query parameters (the usual practice)
    if isinstance(ctx, LandingContext) and any(
        p.url and _same(canonical, p.url) for p in ctx.products
    ):
        return  # a campaign variant naming the promised product's page: deliberate
    evidence: CanonicalMismatchEvidence = {"page": final, "canonical": written}
    if urls.path_of(canonical) == urls.path_of(final) and urls.origin(canonical) != urls.origin(
        final
    ):
        # Another host for the same path: often a staging copy set up apart from the manifest.
        yield Found(
            f"The page names the same page on {urls.origin(canonical)} as its canonical "
            "address, so search engines credit that address instead.",
            evidence,
            fix="Expected on a staging copy; in production, make the canonical link use the "
            "page's own host.",
            minor=True,
        )
        return
    root = urls.path_of(canonical).strip("/") == "" and not urls.query_params(canonical)
    home = root or _same(canonical, checked)  # the site's home may live under a path
    what = "the home page" if home else written
    yield Found(
        f"The page names {what} as its canonical address, so search engines index that "
        "page instead of this one.",
        evidence,
        fix=f"Make the page's canonical link point to the page itself ({_without_query(final)}).",
    )


# --- social-preview-missing ----------------------------------------------------------------

_PREVIEW_TAGS = ("og:title", "og:image", "twitter:card")


class SocialPreviewMissingOptions(TypedDict):
    channels: list[str]


class SocialPreviewMissingEvidence(Evidence):
    page: str
    missing: list[str]  # the preview tags it lacks
    found: list[str]  # those it has, tag=value


@rule(
    "social-preview-missing",
    evidence=SocialPreviewMissingEvidence,
    options=SocialPreviewMissingOptions,
)
def social_preview_missing(
    ctx: LandingContext, options: SocialPreviewMissingOptions
) -> Iterator[Found[SocialPreviewMissingEvidence]]:
    channel = (ctx.landing.channel or "").strip()
    if channel.casefold() not in {c.casefold() for c in options["channels"]}:
        raise Skip(f"the landing page's channel ({channel or 'none'}) is not a social one")
    page = ctx.page
    assert page is not None
    missing = [tag for tag in _PREVIEW_TAGS if not page.meta.get(tag, "").strip()]
    image = page.meta.get("og:image", "").strip()
    relative = bool(image) and not urls.is_http_url(image)
    if not missing and not relative:
        return
    problems = []
    if missing:
        problems.append(f"has no {', '.join(missing)}")
    if relative:
        problems.append(f"gives og:image as '{image}', not a full https:// address")
    yield Found(
        f"The landing page of this {channel} post {' and '.join(problems)}, so the post shows "
        "without a proper title and picture.",
        {
            "page": page.final_url,
            "missing": missing,
            "found": [f"{t}={page.meta[t]}" for t in _PREVIEW_TAGS if page.meta.get(t)],
        },
        fix="Add "
        + ", ".join(
            f'<meta property="{t}" …>' if t.startswith("og:") else f'<meta name="{t}" …>'
            for t in (missing or ["og:image"])
        )
        + " to the page's head, with a full image address.",
    )

"""Rules about what a product page tells customers and crawlers: its product data, and whether
search engines may index and find it (its price: checks/price.py; its stock: checks/stock.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, TypedDict

from cxlint import urls
from cxlint.checks import PAGE, Found, Need, NoOptions, Skip, rule
from cxlint.checks.context import LandingContext, ProductContext
from cxlint.checks.evidence import Evidence
from cxlint.page import Page
from cxlint.text import contains_any_spelling

# --- structured-data-missing ------------------------------------------------------------------

_GTIN_KEYS = ("gtin", "gtin8", "gtin12", "gtin13", "gtin14")
_MODEL_KEYS = ("sku", "mpn", *_GTIN_KEYS, "productID", "model", "name")


def gtin_problem(value: str) -> str | None:
    """Why `value` is not a valid GTIN (EAN/UPC), or None when it is one."""
    digits = re.sub(r"[\s-]", "", value)
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        return "it is not 8, 12, 13 or 14 digits"
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    expected = (10 - total % 10) % 10
    return None if check == expected else f"its check digit should be {expected}, not {check}"


def _texts(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for key in keys:  # each value read once (a loop, not a comprehension reading it twice)
        value = data.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            found[key] = str(value).strip()
    return found


class StructuredDataMissingEvidence(Evidence, total=False):
    page: str
    structured_data_found: list[str] | str  # the schema.org types it has, or "none"
    product_data: list[str]  # its products' identifiers
    looked_for: str  # the model number
    invalid: list[str]  # each invalid GTIN and why


@rule("structured-data-missing", evidence=StructuredDataMissingEvidence)
def structured_data_missing(
    ctx: ProductContext, options: NoOptions
) -> Iterator[Found[StructuredDataMissingEvidence]]:
    product, page = ctx.product, ctx.page
    assert page is not None
    products = page.products
    if not products:
        types = sorted({str(o.get("@type")) for o in [*page.jsonld, *page.microdata]})
        yield Found(
            f"The product page of {product.name} has no schema.org Product data in its HTML, "
            "so shopping ads, feeds and search results cannot read its name, price or "
            "availability.",
            {"page": page.final_url, "structured_data_found": types or "none"},
            fix="Add a schema.org Product with its name, mpn or gtin, and an Offer (price, "
            "currency, availability) as JSON-LD in the page's HTML, not added later by script.",
        )
        return
    identities = [_texts(d, _MODEL_KEYS) for d in products]
    if product.model and not any(
        contains_any_spelling(" ".join(ids.values()), product.model) for ids in identities
    ):
        yield Found(
            f"The product data of {product.name} does not carry its model number "
            f"{product.model} in sku, mpn, gtin or name, so shopping ads cannot match it.",
            {
                "page": page.final_url,
                "product_data": [
                    " · ".join(f"{k} {v}" for k, v in i.items()) for i in identities[:5]
                ],
                "looked_for": product.model,
            },
            fix=f'Add "mpn": "{product.model}" (or put {product.model} in the name) '
            "to the page's schema.org Product.",
        )
    bad: dict[str, str] = {}
    for data in products:
        holders = [data, *(o for o in _listed(data.get("offers")) if isinstance(o, dict))]
        for holder in holders:
            for key, value in _texts(holder, _GTIN_KEYS).items():
                problem = gtin_problem(value)
                if problem and value not in bad:
                    bad[value] = f"{key} {value}: {problem}"
    if bad:
        yield Found(
            f"The product data of {product.name} gives an invalid GTIN "
            f"({'; '.join(bad.values())}), which shopping feeds reject.",
            {"page": page.final_url, "invalid": list(bad.values())},
            fix="Copy the GTIN (EAN/UPC) exactly from the product's barcode or the "
            "manufacturer's data.",
        )


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


# --- product-page-noindex ---------------------------------------------------------------------

# Google's ad crawlers check landing pages for ads, they index nothing, and they ignore
# `User-agent: *`: only a robots.txt group naming them applies.
_AD_CRAWLERS = {"adsbot-google", "adsbot-google-mobile"}
_INDEXERS = ("Googlebot", "Storebot-Google")  # they put pages in Search and Shopping
_NOT_AGENTS = {"unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"}


def _header_directives(header: str) -> dict[str, set[str]]:
    """X-Robots-Tag as {crawler (or '*'): directives}: 'googlebot: noindex, nofollow'."""
    found: dict[str, set[str]] = {}
    agent = "*"
    for part in header.lower().split(","):
        name, sep, rest = part.partition(":")
        if sep and name.strip() and name.strip() not in _NOT_AGENTS and " " not in name.strip():
            agent, part = name.strip(), rest
        found.setdefault(agent, set()).add(part.strip())
    return found


def _noindex(page: Page, crawler: str) -> list[str]:
    """Where the page tells `crawler` not to index it."""
    reasons = []
    token = crawler.lower()
    indexes = token not in _AD_CRAWLERS
    metas = [("robots", page.meta.get("robots", ""))] if indexes else []
    metas.append((token, page.meta.get(token, "")))
    for name, content in metas:
        if not content:  # no such tag (most pages): nothing to split
            continue
        directives = {d.strip() for d in content.lower().split(",")}
        if directives & {"noindex", "none"}:
            reasons.append(f'<meta name="{name}" content="{content}">')
    header = page.headers.get("x-robots-tag", "")
    if not header:  # no header (most pages) says nothing: no directive to read
        return reasons
    for agent, directives in _header_directives(header).items():
        applies = agent == token or (agent == "*" and indexes)
        if applies and directives & {"noindex", "none"}:
            reasons.append(f"X-Robots-Tag: {header}")
    return reasons


class ProductPageNoindexOptions(TypedDict):
    crawlers: list[str]  # robots.txt user-agent names


class ProductPageNoindexEvidence(Evidence):
    page: str
    crawlers: list[str]  # each crawler's verdict: allowed, or hidden and by what


@rule(
    "product-page-noindex",
    needs=("robots",),
    evidence=ProductPageNoindexEvidence,
    options=ProductPageNoindexOptions,
)
def product_page_noindex(
    ctx: ProductContext, options: ProductPageNoindexOptions
) -> Iterator[Found[ProductPageNoindexEvidence]]:
    response, page, robots = ctx.response, ctx.page, ctx.robots
    if response is None:
        raise Skip("the manifest gives no product page URL")
    if page is None and response.error_kind != "robots":
        raise Skip("the product page could not be opened")
    url = page.final_url if page else response.final_url
    hidden: dict[str, list[str]] = {}
    verdicts = []
    for crawler in options["crawlers"]:
        reasons = _noindex(page, crawler) if page else []
        obeys = robots is not None and (
            crawler.lower() not in _AD_CRAWLERS or robots.names(crawler)
        )
        if obeys and robots is not None and not robots.allows(url, crawler):
            group = crawler if robots.names(crawler) else "*"
            reasons.append(f"robots.txt disallows it (User-agent: {group})")
        if reasons:
            hidden[crawler] = reasons
            verdicts.append(f"{crawler}: hidden — {'; '.join(reasons)}")
        else:
            verdicts.append(f"{crawler}: allowed")
    if not hidden:
        return
    by_robots = any("robots.txt" in r for rs in hidden.values() for r in rs)
    by_page = any("robots.txt" not in r for rs in hidden.values() for r in rs)
    how = " and ".join(
        w for w, on in (("robots.txt", by_robots), ("the page's noindex", by_page)) if on
    )
    fixes = []
    if by_page:
        fixes.append('remove "noindex" from the page\'s robots meta tag and X-Robots-Tag header')
    if by_robots:
        fixes.append(f"allow {urls.path_of(url) or '/'} in robots.txt for these crawlers")
    yield Found(
        f"The product page of {ctx.product.name} is hidden from {', '.join(hidden)} by {how}, "
        "so customers searching Google (or its Shopping tab) will not find it.",
        {"page": url, "crawlers": verdicts},
        fix=fixes[0][0].upper() + "; ".join(fixes)[1:] + ".",
    )


# --- not-in-sitemap ---------------------------------------------------------------------------


class NotInSitemapOptions(TypedDict):
    max_files: int


class NotInSitemapEvidence(Evidence):
    page: str
    sitemaps_read: list[str]  # the first ten
    found_via: str  # robots.txt or /sitemap.xml
    urls_listed: int


@rule(
    "not-in-sitemap",
    needs=(PAGE, Need("sitemaps", files="max_files")),
    evidence=NotInSitemapEvidence,
    options=NotInSitemapOptions,
)
def not_in_sitemap(
    ctx: ProductContext | LandingContext, options: NotInSitemapOptions
) -> Iterator[Found[NotInSitemapEvidence]]:
    sitemaps, page = ctx.sitemap, ctx.page
    assert page is not None
    if sitemaps is None:
        raise Skip("the site's sitemaps were not read")
    if any(_noindex(page, crawler) for crawler in _INDEXERS):
        raise Skip("the page asks search engines not to index it, so no sitemap needs it")
    if not sitemaps.exists:
        tried = "; ".join(sitemaps.failed[:3]) or "robots.txt names none"
        raise Skip(f"the site has no sitemap that could be read ({tried})")
    declared = ctx.product.url if isinstance(ctx, ProductContext) else ctx.landing.url
    if any(sitemaps.lists(u) for u in (declared, page.final_url, page.canonical) if u):
        return
    if sitemaps.incomplete:
        raise Skip(f"not found in the part of the sitemaps read ({sitemaps.incomplete})")
    if isinstance(ctx, ProductContext):
        what = f"The product page of {ctx.product.name}"
    else:
        what = f"The campaign's landing page {urls.path_of(page.final_url) or '/'}"
    yield Found(
        f"{what} is not in the site's sitemap, so search engines and shopping crawlers may "
        "find it late or not at all.",
        {
            "page": page.final_url,
            "sitemaps_read": sitemaps.read[:10],
            "found_via": sitemaps.found_via,
            "urls_listed": len(sitemaps.urls),
        },
        fix=f"Add {page.canonical or page.final_url} to the site's sitemap.",
        url=page.final_url,
    )

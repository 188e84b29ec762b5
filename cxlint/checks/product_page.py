"""Rules about what a product page tells customers and crawlers: its price, whether it can be
bought, its product data, and whether search engines may index and find it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from cxlint import regions, urls
from cxlint.checks import Skip, rule
from cxlint.checks.context import LandingContext, ProductContext
from cxlint.model import Issue, Product
from cxlint.page import Page
from cxlint.prices import Offer, VisiblePrice, compatible
from cxlint.text import contains, contains_any_spelling, visible
from cxlint.textscan import near_marks

# --- which offers are this product's ----------------------------------------------------------


def _is_product(ids: dict[str, str], product: Product) -> bool:
    """Whether identifiers (sku, mpn, gtin, name...) name the campaign's product."""
    if product.model and contains_any_spelling(" ".join(ids.values()), product.model):
        return True
    name = ids.get("name", "")
    return any(contains(name, term) for term in (product.name, *product.aliases))


def _offers_for(page: Page, product: Product) -> list[Offer]:
    """The product's offers: those keyed (by sku, gtin, mpn, name) to it, else the offers of
    the page's first product, for a page that names its product differently."""
    offers = page.offers
    mine = [o for o in offers if _is_product(o.ids, product)]
    if mine or not offers:
        return mine
    first = offers[0].product
    return [o for o in offers if o.product == first]


# --- price-mismatch ---------------------------------------------------------------------------


def _money(amount: Decimal, currency: str | None) -> str:
    if amount.as_tuple().exponent == -1:  # YAML's 69.0 or 499.9 is written 69.00, 499.90
        amount = amount.quantize(Decimal("0.01"))
    return f"{amount} {currency}" if currency else f"{amount}"


def _near(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    return abs(a - b) <= tolerance


def _offer_has(offer: Offer, price: Decimal, currency: str | None, tolerance: Decimal) -> bool:
    if offer.price is None or not compatible(offer.currency, currency):
        return False
    if offer.high is not None:  # an AggregateOffer: a range of prices
        return offer.price - tolerance <= price <= offer.high + tolerance
    return _near(offer.price, price, tolerance)


def _page_has(
    shown: list[VisiblePrice], price: Decimal, currency: str | None, tol: Decimal
) -> bool:
    return any(_near(v.amount, price, tol) and compatible(v.currency, currency) for v in shown)


def _page_price(shown: list[VisiblePrice]) -> VisiblePrice:
    """The price a visitor reads first: an element the page marks as the price, else the first."""
    return next((v for v in shown if v.marked), shown[0])


@rule("price-mismatch")
def price_mismatch(ctx: ProductContext, options: dict[str, Any]) -> Iterator[Issue]:
    product, page = ctx.product, ctx.page
    assert page is not None
    tolerance = Decimal(str(options["tolerance"]))
    offers = [o for o in _offers_for(page, product) if o.price is not None]
    shown = [v for v in page.prices if not v.old]  # a struck-through price is not the price
    struck = [v for v in page.prices if v.old]
    if product.price is None and not (offers and shown):
        raise Skip("the manifest gives no price, and the page has no price to compare with")
    if not offers and not shown:
        raise Skip("the page shows no price and has no product data with one")
    promised, currency = product.price, product.currency
    vs_data = bool(promised is not None and offers) and not any(
        _offer_has(o, promised, currency, tolerance) for o in offers
    )
    vs_page = bool(promised is not None and shown) and not _page_has(
        shown, promised, currency, tolerance
    )
    if vs_page and promised is not None:
        # "From $449" for a range of variants that holds the campaign's price is no contradiction
        ranges = [
            o for o in offers if o.high is not None and _offer_has(o, promised, currency, tolerance)
        ]
        vs_page = not any(
            _offer_has(o, v.amount, v.currency, tolerance) for o in ranges for v in shown
        )
    data_vs_page = bool(offers and shown) and not any(
        o.price is not None and _page_has(shown, o.price, o.currency, tolerance)
        for o in offers
        if o.high is None
    )
    if offers and all(o.high is not None for o in offers):
        data_vs_page = False  # a range of prices says nothing against one shown price
    if not (vs_data or vs_page or data_vs_page):
        return
    name = product.name
    campaign = _money(promised, currency) if promised is not None else None
    data = offers[0].shown() if offers else None
    # what the page shows: the visible price its product data agrees with, else the first
    agreeing = [
        v
        for o in offers
        for v in shown
        if o.price is not None
        and o.high is None
        and _near(v.amount, o.price, tolerance)
        and compatible(v.currency, o.currency)
    ]
    seen = (agreeing[0] if agreeing else _page_price(shown)).text if shown else None
    evidence: dict[str, Any] = {}
    if campaign:
        evidence["campaign"] = f"{campaign} (the manifest)"
    if offers:
        evidence["product_data"] = [f"{o.shown()} in {o.where()}" for o in offers[:5]]
    if shown or struck:
        evidence["page_shows"] = [
            f"{v.text}" + (" (marked as the price)" if v.marked else "") for v in shown[:5]
        ] + [f"{v.text} (struck through: the old price)" for v in struck[:2]]
        if page.product_region:
            evidence["read_from"] = f"the product's own block: {page.product_region}"
    evidence["tolerance"] = str(tolerance)
    # The campaign advertises the price the page shows struck through: the sale ended, or
    # the campaign was written before it.
    was = None
    if vs_page and promised is not None:
        was = next((v for v in struck if _page_has([v], promised, currency, tolerance)), None)
    if vs_data and vs_page and data_vs_page:
        message = (
            f"Three prices for {name} disagree: the campaign says {campaign}, "
            f"the page shows {seen}, and its product data says {data}."
        )
        fix = "Settle the price: make the campaign, the page and its product data say the same."
    elif vs_page and not data_vs_page and was is not None:
        message = (
            f"The site sells {name} at {seen}, not at the {campaign} the campaign advertises: "
            f"the page shows {was.text} struck through, as the old price."
        )
        fix = f"Advertise {seen}, the price the page asks, or put the site's back to {campaign}."
    elif vs_page and not data_vs_page:
        message = f"The site sells {name} at {seen}, not at the {campaign} the campaign advertises."
        fix = f"Change the price on the site to {campaign}, or correct the campaign before it runs."
    elif vs_data and not vs_page:
        said = "the page and the campaign say" if shown else "the campaign advertises"
        message = f"The product data of {name} says {data}, while {said} {campaign}."
        fix = (
            f"Update the price in the page's product data (schema.org Offer) to {campaign}: "
            "shopping ads and feeds read it, and reject or mislead when it disagrees."
        )
    elif vs_page:
        message = (
            f"The page shows {seen} for {name}, while the campaign and the page's own "
            f"product data say {campaign}."
        )
        fix = f"Make the page show {campaign}, the price its product data and the campaign give."
    else:
        message = f"The page shows {seen} for {name}, but its product data says {data}."
        fix = "Make the page's product data (schema.org Offer) and its visible price agree."
    yield Issue(message, evidence, fix=fix)


# --- product-unavailable ----------------------------------------------------------------------

_GONE = {"OutOfStock": "out of stock", "SoldOut": "sold out", "Discontinued": "discontinued"}
_LATER = {
    "PreOrder": "only available for pre-order",
    "PreSale": "only available for pre-sale",
    "BackOrder": "on back order",
}
# Each pattern opens with a look-ahead on the first letters its phrases can start with: the
# engine then skips most positions of a long page at once (about 1.5x faster on 40 KB).
_GONE_WORDS = re.compile(
    r"\b(?=[oOsSdDnNcCtT])(?:out[\s-]of[\s-]stock|sold[\s-]out|discontinued"
    r"|no longer (?:available|in stock|sold|stocked|carried|offered|for sale|made|produced)"
    r"|(?:currently|temporarily) (?:unavailable|not available|out of stock)"
    r"|not (?:currently )?available (?:for (?:purchase|order|sale)|to (?:buy|order)|online"
    r"|any ?more)"
    r"|(?:this|the) (?:item|product) is (?:currently )?unavailable)\b",
    re.I,
)
_LATER_WORDS = re.compile(
    r"\b(?=[aApPoObB])(?:available (?:for|on|to) pre-?order|pre-?order (?:now|today)"
    r"|on back-?order"
    r"|back-?ordered)\b",
    re.I,
)
# Every phrase above holds one of these words (lower case): the patterns run only near them.
_GONE_MARKS = ("stock", "sold", "discontinued", "no longer", "available")
_LATER_MARKS = ("order",)
_PHRASE_REACH = 60  # longer than any phrase above
# "never out of stock", "we don't sell out": the words, but not the news; nor a shop's policy
# ("if we're out of stock of an item, we...", "when an item is sold out")
_NEGATED = re.compile(
    r"\b(?:never|not|no|n't|rarely|before)\s+(?:\S+\s+){0,2}$"
    r"|\b(?:if|when|whenever|once|should)\s+(?:\S+\s+){0,4}$",
    re.I,
)


def _wording(
    text: str, pattern: re.Pattern[str], marks: tuple[str, ...], home: Page | None = None
) -> str | None:
    """The first unnegated match of `pattern`, with a little of its context. Format characters
    (a soft hyphen in "sold\u00adout", a zero-width space) do not hide the words: they are
    left out of the text read, and of the excerpt quoted. A sentence the site's home page
    shows too is the site's notice, not this page's news."""
    text = visible(text)
    for match in near_marks(pattern, text, marks, _PHRASE_REACH, ignore_case=True):
        if _NEGATED.search(text[max(0, match.start() - 30) : match.start()]):
            continue
        if (
            home is not None
            and home.final_url != ""
            and regions.repeated_on(
                regions.sentence_at(text, match.start(), match.end()), visible(home.main_text)
            )
        ):
            continue
        start, end = max(0, match.start() - 40), min(len(text), match.end() + 40)
        return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
    return None


@rule("product-unavailable")
def product_unavailable(ctx: ProductContext, options: dict[str, Any]) -> Iterator[Issue]:
    product, page = ctx.product, ctx.page
    assert page is not None
    offers = [o for o in _offers_for(page, product) if o.availability]
    stated = [f"{o.availability} in {o.where()}" for o in offers]
    gone = [o.availability for o in offers if o.availability in _GONE]
    later = [o.availability for o in offers if o.availability in _LATER]
    in_stock = any(o.availability in ("InStock", "LimitedAvailability") for o in offers)
    home = ctx.home if ctx.home is not None and ctx.home.final_url != page.final_url else None
    says_gone = _wording(page.main_text, _GONE_WORDS, _GONE_MARKS, home)
    says_later = _wording(page.main_text, _LATER_WORDS, _LATER_MARKS, home)
    label, markup = _stock_markup(page)
    evidence: dict[str, Any] = {"page": page.final_url}
    if stated:
        evidence["product_data"] = stated[:5]
    name = product.name
    if label:
        says_gone = label  # the stock label itself ("Unavailable"), quoted whole
    elif markup and not says_gone and not in_stock and not gone:
        # No words, but the page's markup: the platform's out-of-stock class, a back-in-stock
        # form, and no buy button (or a disabled one). Product data saying InStock wins.
        evidence["page_shows"] = markup
        if page.product_region:
            evidence["read_from"] = f"the product's own block: {page.product_region}"
        yield Issue(
            f"The product page of {name} cannot be bought from: {_markup_sentence(page)}.",
            evidence,
        )
        return
    if gone and (not in_stock or len(gone) == len(offers)):
        what = _GONE[gone[0]]
        if says_gone:
            evidence["page_says"] = says_gone
        yield Issue(
            f"The product page says {name} is {what} (its product data: {gone[0]}), "
            "so customers the campaign sends cannot buy it.",
            evidence,
        )
    elif says_gone:
        evidence["page_says"] = says_gone
        if markup:
            evidence["page_shows"] = markup
        if label and page.product_region:
            evidence["read_from"] = f"the stock label in the product's block: {page.product_region}"
        contradiction = " although its product data says it is in stock" if in_stock else ""
        yield Issue(
            f"The product page of {name} tells customers it cannot be bought{contradiction}.",
            evidence,
        )
    elif later:
        if says_later:
            evidence["page_says"] = says_later
        yield Issue(
            f"{name} is {_LATER[later[0]]} (its product data: {later[0]}): customers can order "
            "it but will not get it right away.",
            evidence,
            fix="Make sure the campaign says it is a pre-order or a back order, or wait for "
            "stock before the campaign runs.",
            minor=True,
        )
    elif says_later:
        evidence["page_says"] = says_later
        yield Issue(
            f"The product page of {name} offers it only as a pre-order or back order.",
            evidence,
            fix="Make sure the campaign says so, or wait for stock before the campaign runs.",
            minor=True,
        )


def _stock_markup(page: Page) -> tuple[str | None, list[str]]:
    """What the product's block shows of its stock besides words and product data: its stock
    label ("Unavailable"), and the markup that says it cannot be bought (evidence lines), when
    it does: an out-of-stock class or a back-in-stock form, with no usable buy button."""
    signals: dict[str, list[str]] = {}
    for kind, value in page.stock:
        signals.setdefault(kind, []).append(value)
    label = signals.get("label", [None])[0]
    no_buy = "no-buy" in signals or "buy-disabled" in signals
    # A buy button disabled by the page says it alone; a missing one only beside an
    # out-of-stock class or a back-in-stock form (many pages have no button cxlint knows).
    strong = "class" in signals or "notify" in signals or "buy-disabled" in signals
    if not (no_buy and strong) and not label:
        return label, []
    shown = [f"stock label {v!r}" for v in signals.get("label", [])[:1]]
    shown += [f"out-of-stock class: {v}" for v in signals.get("class", [])[:2]]
    shown += [f"back-in-stock form: {v}" for v in signals.get("notify", [])[:1]]
    if "buy-disabled" in signals:
        shown.append(f"buy button disabled: {signals['buy-disabled'][0]!r}")
    elif "no-buy" in signals:
        shown.append("no buy button")
    return label, shown if no_buy and strong else shown if label else []


def _markup_sentence(page: Page) -> str:
    kinds = {kind for kind, _ in page.stock}
    parts = []
    if "class" in kinds:
        parts.append("it is marked out of stock")
    if "notify" in kinds:
        parts.append("it offers a back-in-stock alert")
    disabled = "buy-disabled" in kinds
    parts.append("its buy button is disabled" if disabled else "it has no buy button")
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


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
    return {
        k: str(data[k]).strip()
        for k in keys
        if isinstance(data.get(k), str | int) and not isinstance(data.get(k), bool)
    }


@rule("structured-data-missing")
def structured_data_missing(ctx: ProductContext, options: dict[str, Any]) -> Iterator[Issue]:
    product, page = ctx.product, ctx.page
    assert page is not None
    products = page.products
    if not products:
        types = sorted({str(o.get("@type")) for o in [*page.jsonld, *page.microdata]})
        yield Issue(
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
        yield Issue(
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
        yield Issue(
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
        directives = {d.strip() for d in content.lower().split(",")}
        if directives & {"noindex", "none"}:
            reasons.append(f'<meta name="{name}" content="{content}">')
    header = page.headers.get("x-robots-tag", "")
    for agent, directives in _header_directives(header).items():
        applies = agent == token or (agent == "*" and indexes)
        if applies and directives & {"noindex", "none"}:
            reasons.append(f"X-Robots-Tag: {header}")
    return reasons


@rule("product-page-noindex", needs_page=False)
def product_page_noindex(ctx: ProductContext, options: dict[str, Any]) -> Iterator[Issue]:
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
    yield Issue(
        f"The product page of {ctx.product.name} is hidden from {', '.join(hidden)} by {how}, "
        "so customers searching Google (or its Shopping tab) will not find it.",
        {"page": url, "crawlers": verdicts},
        fix=fixes[0][0].upper() + "; ".join(fixes)[1:] + ".",
    )


# --- not-in-sitemap ---------------------------------------------------------------------------


@rule("not-in-sitemap")
def not_in_sitemap(
    ctx: ProductContext | LandingContext, options: dict[str, Any]
) -> Iterator[Issue]:
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
    yield Issue(
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

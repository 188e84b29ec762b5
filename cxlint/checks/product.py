"""Rules about products: their pages and whether customers can find them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NotRequired, TypedDict, cast

from cxlint.checks import Found, Need, NoOptions, Skip, rule
from cxlint.checks.context import ProductContext
from cxlint.checks.evidence import Evidence, SearchQuery
from cxlint.search import ProductSearch, QueryOutcome
from cxlint.spelling import NearSpelling, near_spelling


def _near(ctx: ProductContext) -> NearSpelling | None:
    """A near spelling of the campaign's model number on the product's own page, when the
    model number itself is nowhere on it: a typo in the manifest, or another variant?"""
    page, model = ctx.page, ctx.product.model
    if page is None or not model or ctx.model_shown:
        return None
    others = {p.id: p.model for p in ctx.campaign.products if p.model and p.id != ctx.product.id}
    return near_spelling(model, page, others)


class NearSpellingEvidence(TypedDict, total=False):
    """A near spelling of the model number on the product's page (a typo, or a variant?)."""

    page_spelling: str
    page_spelling_in: str  # where on the page
    spelling_difference: str  # how the two differ, in words


def _add_near(evidence: NearSpellingEvidence, near: NearSpelling) -> None:
    evidence["page_spelling"] = near.spelling
    evidence["page_spelling_in"] = near.where
    evidence["spelling_difference"] = near.described()


def _in_manifest(ctx: ProductContext) -> str:
    where = ctx.product.location
    return f" (line {where.line})" if where else ""


def _near_question(near: NearSpelling) -> str:
    """The question a near spelling raises: asked, never asserted (V720 beside V710 is
    another model, not a typo)."""
    model, spelling = near.model, near.spelling
    if near.edit == "another product":
        return f"does the manifest link the page of {near.other_product} ({spelling}) instead?"
    if near.typo:
        return f"is the campaign's {model} a typo?"
    return f"is {spelling} the variant the campaign means, or is this the wrong page for {model}?"


def _near_fix(ctx: ProductContext, near: NearSpelling, otherwise: str) -> str:
    """A fix that asks about the manifest first: the campaign's spelling may be the error."""
    model, spelling, line = near.model, near.spelling, _in_manifest(ctx)
    if near.edit == "another product":
        return (
            f"Check the product's url in the manifest{line}: it may point at the page of "
            f"{near.other_product} ({spelling}). If the page is right, {otherwise}"
        )
    if near.typo:
        return (
            f"If {spelling} is right, correct the model in the manifest{line}; "
            f"if {model} is right, {otherwise}"
        )
    return (
        f"If the campaign means {spelling}, correct the model in the manifest{line}; if it "
        f"means {model}, check that the manifest's url is that variant's page, and {otherwise}"
    )


class ModelNotOnProductPageEvidence(Evidence, NearSpellingEvidence):
    page: str
    title: str
    h1: list[str]
    product_data: list[dict[str, Any]]  # name, sku and mpn of each product it describes
    looked_for: str  # the model number


@rule("model-not-on-product-page", evidence=ModelNotOnProductPageEvidence)
def model_not_on_product_page(
    ctx: ProductContext, options: NoOptions
) -> Iterator[Found[ModelNotOnProductPageEvidence]]:
    product, page = ctx.product, ctx.page
    if not product.model:
        raise Skip("the manifest gives no model number")
    assert page is not None
    if ctx.model_shown:
        return
    evidence: ModelNotOnProductPageEvidence = {
        "page": page.final_url,
        "title": page.title,
        "h1": page.h1,
        "product_data": [
            {k: d.get(k) for k in ("name", "sku", "mpn") if k in d} for d in page.products
        ],
        "looked_for": product.model,
    }
    message = f"The product page of {product.name} never shows its model number {product.model}"
    add = f"add {product.model} to the product's title or heading and to its structured data (mpn)."
    near = _near(ctx)
    if near is None:
        yield Found(message + ".", evidence, fix=add[0].upper() + add[1:])
        return
    _add_near(evidence, near)
    yield Found(
        f"{message}, but its {near.where} says {near.spelling}: {_near_question(near)}",
        evidence,
        fix=_near_fix(ctx, near, "ask the site team to " + add),
    )


def _found(outcome: QueryOutcome, top: int) -> bool:
    return outcome.found(top)


class ProductSearchEvidence(Evidence, NearSpellingEvidence):
    """The evidence of both search rules (a near spelling only search-misses-product's)."""

    search_result: str  # which signal decided the first query's verdict
    queries: list[SearchQuery]
    variants_that_find: list[str]
    page_shows_model: bool | None  # None when the product has no model number
    product_urls: list[str]  # the product's addresses that count as a hit
    top: int
    site_suggests: NotRequired[str]  # the site's "did you mean ...?"


class SearchOptions(TypedDict):
    top: int
    match_text: bool


def _search_evidence(ctx: ProductContext, search: ProductSearch, top: int) -> ProductSearchEvidence:
    shows = ctx.model_shown
    evidence: ProductSearchEvidence = {
        # which signal decided the first query's verdict: "listed at rank 2", "0 results: the
        # results area says 'No products found'"...
        "search_result": f'"{search.primary.query}": {search.primary.signal(top)}',
        "queries": [cast(SearchQuery, o.as_evidence(top)) for o in search.all()],
        "variants_that_find": [
            o.query for o in search.variants if o.kind == "variant" and o.found(top)
        ],
        "page_shows_model": shows is not None if ctx.product.model else None,
        "product_urls": search.targets,
        "top": top,
    }
    suggested = [o.result.suggestion for o in search.all() if o.result.suggestion]
    if suggested:
        evidence["site_suggests"] = suggested[0]  # "did you mean V710i?"
    return evidence


def _require_search(ctx: ProductContext) -> ProductSearch:
    if ctx.search is None:
        raise Skip(ctx.search_skipped or "no site search")
    return ctx.search


def _what_customers_see(outcome: QueryOutcome, top: int) -> str:
    """How a query that misses the product looks to the customer who typed it."""
    result = outcome.result
    if result.error:
        return "the search fails"
    if result.count == 0:
        return "find nothing"
    if outcome.rank is None:
        n = result.count
        return f"find {n} other result{'s' if n != 1 else ''}, not this product"
    return f"find it only at position {outcome.rank}, below the first {top}"


def _finder(outcome: QueryOutcome) -> str:
    """A query as the message names it: its name 'X', typing 'v710', ..."""
    if outcome.kind == "variant":
        return f"typing '{outcome.query}'"
    if outcome.kind == "site name":
        return f"the name the site gives it, '{outcome.query}'"
    if outcome.kind == "page spelling":
        return f"typing '{outcome.query}', the spelling on its page"
    return f"its {outcome.kind} '{outcome.query}'"


def _quoted(items: list[str]) -> str:
    quoted = [f'"{item}"' for item in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


# Both search rules read the product's searches, as deep and as loose as either asks.
_SEARCHES = Need("product_search", depth="top", by_text="match_text")


@rule(
    "search-misses-product",
    needs=(_SEARCHES,),
    evidence=ProductSearchEvidence,
    options=SearchOptions,
)
def search_misses_product(
    ctx: ProductContext, options: SearchOptions
) -> Iterator[Found[ProductSearchEvidence]]:
    search = _require_search(ctx)
    top = options["top"]
    primary = search.primary
    if primary.found(top):
        return
    evidence = _search_evidence(ctx, search, top)
    if primary.result.error:
        # A broken results page says nothing about the product: it is no miss.
        yield Found(
            f'The site\'s search is broken: searching for "{primary.query}" gives no results '
            f"page ({primary.result.error}).",
            evidence,
            fix="Repair the site search (it fails for this query), then run cxlint again.",
            url=primary.result.url,
        )
        return
    message = f'Customers who search the site for "{primary.query}" '
    message += _what_customers_see(primary, top)
    finders = [o for o in search.others + search.variants if o.found(top)]
    printed_misses = [o for o in search.others if not o.found(top)]
    if finders:
        message += "; the product is found only by " + " and ".join(map(_finder, finders))
        if printed_misses:
            message += ", not by " + " or ".join(map(_finder, printed_misses))
    elif search.others:
        message += "; nothing else the campaign prints finds it either ("
        message += ", ".join(map(_finder, search.others)) + ")"
    what = primary.query
    near = _near(ctx) if primary.kind == "model" else None
    if near is not None:
        # MT8 on the page and found by it, MTB8 in the campaign: the manifest may be wrong
        _add_near(evidence, near)
        message += f"; its product page says {near.spelling}: {_near_question(near)}"
        fix = _near_fix(
            ctx, near, f"add {what} to the product title, or to the site search as a synonym."
        )
    elif primary.kind == "model" and evidence["page_shows_model"] is False:
        message += "."
        fix = (
            f"The product page never shows {what}: add {what} to the product title, "
            "or add it to the site search as a synonym of the product."
        )
    else:
        message += "."
        fix = f"Add {what} to the product title, or add it to the site search as a synonym."
    yield Found(message, evidence, fix=fix, url=primary.result.url)


@rule(
    "search-partial-match",
    needs=(_SEARCHES,),
    evidence=ProductSearchEvidence,
    options=SearchOptions,
)
def search_partial_match(
    ctx: ProductContext, options: SearchOptions
) -> Iterator[Found[ProductSearchEvidence]]:
    search = _require_search(ctx)
    top = options["top"]
    if not search.primary.found(top):
        raise Skip(f'search for "{search.primary.query}" already misses (search-misses-product)')
    missing = [o for o in search.others if not o.found(top)]
    if not missing:
        return
    misses = "; ".join(
        f'those who type its {o.kind} "{o.query}" {_what_customers_see(o, top)}' for o in missing
    )
    yield Found(
        f'Customers who search the site for "{search.primary.query}" find the product, '
        f"but {misses}.",
        _search_evidence(ctx, search, top),
        fix=f"Add {_quoted([o.query for o in missing])} to the site search as "
        + ("a synonym" if len(missing) == 1 else "synonyms")
        + " of the product (or to its title or keywords).",
        url=missing[0].result.url,
    )

"""Rules about products: their pages and whether customers can find them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cxlint.checks import Skip, rule
from cxlint.checks.context import ProductContext
from cxlint.model import Issue
from cxlint.search import ProductSearch, QueryOutcome
from cxlint.text import contains_any_spelling


def _page_shows_model(ctx: ProductContext) -> str | None:
    """The spelling of the model number the product page uses, if any."""
    page, model = ctx.page, ctx.product.model
    if page is None or not model:
        return None
    data = " ".join(
        str(item.get(key, "")) for item in page.products for key in ("name", "sku", "mpn", "model")
    )
    return contains_any_spelling(page.all_text() + " " + data, model)


@rule("model-not-on-product-page")
def model_not_on_product_page(ctx: ProductContext, options: dict[str, Any]) -> Iterator[Issue]:
    product, page = ctx.product, ctx.page
    if not product.model:
        raise Skip("the manifest gives no model number")
    assert page is not None
    if _page_shows_model(ctx):
        return
    yield Issue(
        f"The product page of {product.name} never shows its model number {product.model}.",
        {
            "page": page.final_url,
            "title": page.title,
            "h1": page.h1,
            "product_data": [
                {k: d.get(k) for k in ("name", "sku", "mpn") if k in d} for d in page.products
            ],
            "looked_for": product.model,
        },
        fix=f"Add {product.model} to the product's title or heading "
        "and to its structured data (mpn).",
    )


def _found(outcome: QueryOutcome, top: int) -> bool:
    return outcome.rank is not None and outcome.rank <= top


def _search_evidence(ctx: ProductContext, search: ProductSearch, top: int) -> dict[str, Any]:
    shows = _page_shows_model(ctx)
    return {
        "queries": [o.as_evidence(top) for o in search.all()],
        "product_urls": search.targets,
        "top": top,
        "page_shows_model": shows is not None if ctx.product.model else None,
    }


def _require_search(ctx: ProductContext) -> ProductSearch:
    if ctx.search is None:
        raise Skip(ctx.search_skipped or "no site search")
    return ctx.search


@rule("search-misses-product", needs_page=False)
def search_misses_product(ctx: ProductContext, options: dict[str, Any]) -> Iterator[Issue]:
    search = _require_search(ctx)
    top = options["top"]
    primary = search.primary
    if _found(primary, top):
        return
    evidence = _search_evidence(ctx, search, top)
    if primary.result.error:
        yield Issue(
            f'The site\'s search fails when customers search for "{primary.query}": '
            f"{primary.result.error}.",
            evidence,
            fix="Repair the site search (it fails for this query), then run cxlint again.",
            url=primary.result.url,
        )
        return
    if primary.rank is None:
        seen = "find nothing" if primary.result.count == 0 else "do not find it among the results"
    else:
        seen = f"find it only at position {primary.rank}, below the first {top}"
    finders = [o for o in search.others if _found(o, top)]
    variants = [o.query for o in search.variants if _found(o, top)]
    message = f'Customers who search the site for "{primary.query}" {seen}'
    if finders:
        message += "; the product is found only by " + ", ".join(
            f"its {o.kind} '{o.query}'" for o in finders
        )
    elif variants:
        message += "; it is found only when typed as " + ", ".join(f"'{v}'" for v in variants)
    message += "."
    fix = f"Add {primary.query} to the product's title, or add it to the site search as a synonym."
    if primary.kind == "model" and evidence["page_shows_model"] is False:
        fix = (
            f"The product page never shows {primary.query}: add it to the product title, "
            "or add it to the site search as a synonym."
        )
    evidence["variants_that_find"] = variants
    yield Issue(message, evidence, fix=fix, url=primary.result.url)


@rule("search-partial-match", needs_page=False)
def search_partial_match(ctx: ProductContext, options: dict[str, Any]) -> Iterator[Issue]:
    search = _require_search(ctx)
    top = options["top"]
    if not _found(search.primary, top):
        raise Skip(f'search for "{search.primary.query}" already misses (search-misses-product)')
    missing = [o for o in search.others if not _found(o, top)]
    if not missing:
        return
    names = ", ".join(f'its {o.kind} "{o.query}"' for o in missing)
    yield Issue(
        f'Searching the site for "{search.primary.query}" finds the product, '
        f"but searching for {names} does not.",
        _search_evidence(ctx, search, top),
        fix="Add "
        + ", ".join(f'"{o.query}"' for o in missing)
        + " to the site search as synonyms of the product (or to its title or keywords).",
    )

"""Rules about landing pages: the URLs a campaign prints, mails and buys ads for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cxlint import urls
from cxlint.checks import Skip, rule
from cxlint.checks.context import LandingContext
from cxlint.checks.evidence import chain, status_words
from cxlint.model import Issue, Product, Response
from cxlint.page import Page
from cxlint.text import contains, contains_any_spelling


def unreachable(response: Response, what: str) -> Issue | None:
    """The shared verdict of page-unreachable, for landing and product pages alike."""
    evidence: dict[str, Any] = {"status": response.status, "chain": chain(response)}
    if response.error:
        evidence["error"] = response.error
        return Issue(f"{what} could not be opened: {response.error}.", evidence)
    if response.status is None or response.status >= 400:
        return Issue(f"{what} answers with {status_words(response.status)}.", evidence)
    return None


@rule("page-unreachable", needs_page=False)
def page_unreachable(ctx: Any, options: dict[str, Any]) -> Iterator[Issue]:
    if ctx.response is None:
        raise Skip("the manifest gives no page URL")
    what = "The campaign link" if isinstance(ctx, LandingContext) else "The product page"
    issue = unreachable(ctx.response, what)
    if issue:
        yield issue


def _shows_product(page: Page, product: Product) -> bool:
    text = page.all_text()
    if any(contains(text, term) for term in (product.name, *product.aliases)):
        return True
    if product.model and contains_any_spelling(text, product.model):
        return True
    for data in page.products:
        fields = " ".join(str(data.get(k, "")) for k in ("name", "sku", "mpn", "model"))
        if contains(fields, product.name) or (product.model and contains(fields, product.model)):
            return True
    return False


def _generic_kind(page: Page, home: Page | None, listing_links: int) -> str | None:
    """'the home page', 'a listing page' or None, for a page a redirect ended on."""
    final = urls.normalize_for_compare(page.final_url)
    if home is not None and final == urls.normalize_for_compare(home.final_url):
        return "the home page"
    if urls.path_of(page.final_url) in ("", "/"):
        return "the home page"
    if home is not None and home.text and _similar(page.text, home.text) >= 0.9:
        return "a page that is a copy of the home page"
    if not page.products:
        site = urls.origin(page.final_url)
        deep = {
            urls.normalize_for_compare(link.url)
            for link in page.links
            if urls.origin(link.url) == site and urls.path_of(link.url).strip("/").count("/") >= 1
        }
        if len(deep) >= listing_links:
            return "a listing page"
    return None


def _similar(a: str, b: str) -> float:
    """Jaccard similarity of word sets: cheap and enough to tell 'the same page'."""
    sa, sb = set(a.casefold().split()), set(b.casefold().split())
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


@rule("redirect-to-generic")
def redirect_to_generic(ctx: LandingContext, options: dict[str, Any]) -> Iterator[Issue]:
    if not ctx.products:
        raise Skip("the landing page promises no product")
    if not ctx.response.redirected:
        return
    page = ctx.page
    assert page is not None
    if any(_shows_product_as_main(page, p) for p in ctx.products):
        return
    kind = _generic_kind(page, ctx.home, options["listing_links"])
    if kind is None:
        return
    names = ", ".join(p.name for p in ctx.products)
    yield Issue(
        f"The campaign link for {names} is redirected to {kind} instead of a page about it.",
        {
            "chain": chain(ctx.response),
            "final_url": page.final_url,
            "final_title": page.title,
            "promised": [p.name for p in ctx.products],
        },
        fix=f"Redirect {urls.path_of(ctx.landing.url) or '/'} to the page of {names}"
        + (f" ({ctx.products[0].url})" if ctx.products[0].url else "")
        + f", not to {kind}.",
    )


def _shows_product_as_main(page: Page, product: Product) -> bool:
    """The page is about the product: its heading or product data names it."""
    heading = " ".join([*page.h1, page.title])
    if contains(heading, product.name) or (product.model and contains(heading, product.model)):
        return True
    return any(contains(str(d.get("name", "")), product.name) for d in page.products)


@rule("tracking-dropped", needs_page=False)
def tracking_dropped(ctx: LandingContext, options: dict[str, Any]) -> Iterator[Issue]:
    watched = set(options["parameters"])
    original = [
        (k, v)
        for k, v in urls.query_params(ctx.landing.url)
        if k in watched or k.startswith("utm_")
    ]
    if not original:
        raise Skip("the campaign URL carries no tracking parameters")
    if not ctx.response.redirected:
        return
    hops = ctx.response.chain
    lost: dict[str, dict[str, Any]] = {}
    for index in range(1, len(hops)):
        here = dict(urls.query_params(hops[index].url))
        for key, value in original:
            if key in lost:
                continue
            if key not in here:
                in_fragment = key in dict(urls.fragment_params(hops[index].url))
                lost[key] = {
                    "parameter": key,
                    "hop": index,
                    "from": hops[index - 1].url,
                    "to": hops[index].url,
                    "what": "moved after '#', where analytics cannot read it"
                    if in_fragment
                    else "dropped",
                }
            elif here[key] != value:
                lost[key] = {
                    "parameter": key,
                    "hop": index,
                    "from": hops[index - 1].url,
                    "to": hops[index].url,
                    "what": f"changed from {value!r} to {here[key]!r}",
                }
    if not lost:
        return
    names = ", ".join(lost)
    first = min(lost.values(), key=lambda item: item["hop"])
    yield Issue(
        f"A redirect loses the campaign's tracking parameter{'s' if len(lost) > 1 else ''} "
        f"{names}, so its visits will be credited to someone else.",
        {"chain": chain(ctx.response), "lost": list(lost.values())},
        fix=f"Make the redirect at {urls.path_of(first['from'])} keep the query string "
        "(or add the parameters to its target).",
    )


@rule("product-not-on-page")
def product_not_on_page(ctx: LandingContext, options: dict[str, Any]) -> Iterator[Issue]:
    if not ctx.products:
        raise Skip("the landing page promises no product")
    page = ctx.page
    assert page is not None
    for product in ctx.products:
        if _shows_product(page, product):
            continue
        terms = [t for t in (product.name, product.model, *product.aliases) if t]
        model = f" (model {product.model})" if product.model else ""
        yield Issue(
            f"The landing page does not show {product.name}{model}, which the campaign promises.",
            {"looked_for": terms, "page": page.final_url, "title": page.title, "h1": page.h1},
            fix=f"Show {product.name} on this page by the name and model number the campaign uses, "
            "or point the link at a page that does.",
        )

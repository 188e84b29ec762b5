"""Rules about landing pages: the URLs a campaign prints, mails and buys ads for."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any, NotRequired, TypedDict
from urllib.parse import unquote

import phonenumbers

from cxlint import urls
from cxlint.checks import PAGE, Found, NoOptions, Skip, rule
from cxlint.checks.context import LandingContext, NotFoundProbe
from cxlint.checks.evidence import Evidence, HopEvidence, chain, status_words
from cxlint.model import Product, Response
from cxlint.page import Page, jsonld_of_type
from cxlint.text import contains, contains_any_spelling, fold


class PageUnreachableEvidence(Evidence):
    status: int | None
    chain: list[HopEvidence]
    error: NotRequired[str]  # why it could not be opened, as the fetcher words it


def unreachable(response: Response, what: str) -> Found[PageUnreachableEvidence] | None:
    """The shared verdict of page-unreachable, for landing and product pages alike."""
    evidence: PageUnreachableEvidence = {"status": response.status, "chain": chain(response)}
    if response.error:
        evidence["error"] = response.error
        return Found(f"{what} could not be opened: {response.error}.", evidence)
    if response.status is None or response.status >= 400:
        return Found(f"{what} answers with {status_words(response.status)}.", evidence)
    return None


@rule("page-unreachable", needs=(), evidence=PageUnreachableEvidence)
def page_unreachable(ctx: Any, options: NoOptions) -> Iterator[Found[PageUnreachableEvidence]]:
    if ctx.response is None:
        raise Skip("the manifest gives no page URL")
    what = "The campaign link" if isinstance(ctx, LandingContext) else "The product page"
    issue = unreachable(ctx.response, what)
    if issue:
        yield issue


def _shows_product(page: Page, product: Product) -> bool:
    # The page's own content (cxlint.regions): a footer's "Recent posts" or a sidebar's
    # product list that names it on every page of the site is not this page showing it.
    text = " ".join([page.title, *page.h1, page.main_text]) if page.main_text else page.all_text()
    if any(contains(text, term) for term in (product.name, *product.aliases)):
        return True
    if product.model and contains_any_spelling(text, product.model):
        return True
    for data in page.products:
        fields = " ".join(str(data.get(k, "")) for k in ("name", "sku", "mpn", "model"))
        if contains(fields, product.name) or (product.model and contains(fields, product.model)):
            return True
    return False


# schema.org types a category, collection or results page declares about itself.
_LISTING_TYPES = ("CollectionPage", "ItemList", "SearchResultsPage", "OfferCatalog")


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
        if any(jsonld_of_type(page, kind) for kind in _LISTING_TYPES):
            return "a listing page"
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


class RedirectToGenericOptions(TypedDict):
    listing_links: int


class RedirectToGenericEvidence(Evidence):
    chain: list[HopEvidence]
    final_url: str
    final_title: str
    promised: list[str]  # the products the landing page promises


@rule("redirect-to-generic", evidence=RedirectToGenericEvidence, options=RedirectToGenericOptions)
def redirect_to_generic(
    ctx: LandingContext, options: RedirectToGenericOptions
) -> Iterator[Found[RedirectToGenericEvidence]]:
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
    yield Found(
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


class ProductNotOnPageEvidence(Evidence):
    looked_for: list[str]  # the product's name, model number and aliases
    page: str
    title: str
    h1: list[str]


@rule("product-not-on-page", evidence=ProductNotOnPageEvidence)
def product_not_on_page(
    ctx: LandingContext, options: NoOptions
) -> Iterator[Found[ProductNotOnPageEvidence]]:
    if not ctx.products:
        raise Skip("the landing page promises no product")
    page = ctx.page
    assert page is not None
    for product in ctx.products:
        if _shows_product(page, product):
            continue
        terms = [t for t in (product.name, product.model, *product.aliases) if t]
        model = f" (model {product.model})" if product.model else ""
        yield Found(
            f"The landing page does not show {product.name}{model}, which the campaign promises.",
            {"looked_for": terms, "page": page.final_url, "title": page.title, "h1": page.h1},
            fix=f"Show {product.name} on this page by the name and model number the campaign uses, "
            "or point the link at a page that does.",
        )


# --- wrong-product-on-page ---------------------------------------------------------------


def _names(text: str, product: Product) -> bool:
    """Whether `text` names the product: its name, an alias, or its model number."""
    if any(contains(text, term) for term in (product.name, *product.aliases)):
        return True
    return bool(product.model and contains_any_spelling(text, product.model))


def _data_text(data: dict[str, Any]) -> str:
    keys = ("name", "sku", "mpn", "model", "gtin", "gtin8", "gtin12", "gtin13", "gtin14")
    return " ".join(str(data[k]) for k in keys if isinstance(data.get(k), str | int))


class WrongProductOnPageEvidence(Evidence):
    page: str
    shows: str  # what the page says it is about
    read_from: str  # product data, heading or title
    promised: list[str]
    title: str
    h1: list[str]


@rule("wrong-product-on-page", evidence=WrongProductOnPageEvidence)
def wrong_product_on_page(
    ctx: LandingContext, options: NoOptions
) -> Iterator[Found[WrongProductOnPageEvidence]]:
    if not ctx.products:
        raise Skip("the landing page promises no product")
    page = ctx.page
    assert page is not None
    # What the page says it is about, strongest first: product data, then headings, title.
    signals = [("its product data", _data_text(d), str(d.get("name") or "")) for d in page.products]
    signals += [("its heading", h, h) for h in page.h1]
    signals += [("its title", page.title, page.title)] if page.title else []
    if any(_names(text, p) for _, text, _ in signals for p in ctx.products):
        return  # the page is (also) about what the campaign promises
    others = [p for p in ctx.campaign.products if p not in ctx.products]
    for where, text, shown in signals:
        other = next((p for p in others if _names(text, p)), None)
        is_data = where == "its product data"
        if other is None and not (is_data and shown):
            continue  # a heading that names no product is no verdict; product data is
        what = other.name if other else f'"{shown}"'
        promised = " and ".join(p.name for p in ctx.products)
        target = next((p.url for p in ctx.products if p.url), None)
        yield Found(
            f"The landing page is about {what}"
            + ("" if other else ", another product entirely")
            + f", not {promised} which the campaign promises.",
            {
                "page": page.final_url,
                "shows": shown,
                "read_from": where.removeprefix("its "),
                "promised": [p.name for p in ctx.products],
                "title": page.title,
                "h1": page.h1,
            },
            fix=f"Point the link at the page of {promised}"
            + (f" ({target})" if target else "")
            + ", or change this page to show it.",
        )
        return


# --- soft-404 ------------------------------------------------------------------------------

# "Not found" and "under construction" wording, read in a page's title and headings only:
# a review saying the button was "not found" in the body must not make a product page an error.
_NOT_FOUND_WORDING = re.compile(
    r"\bnot\s+found\b|\b(?:error|http)\s*404\b|^\s*404\b"
    r"|\b(?:page|product|item|article)\s+(?:does\s*n[o']t|doesn’t|did\s+not)\s+exist"
    r"|\bno\s+longer\s+exists?\b"
    r"|\b(?:can\s?not|can[’']t|could\s+not|couldn[’']t)\s+(?:be\s+found|find)\b"
    r"|\bunder\s+construction\b"
    r"|\bnicht\s+gefunden\b|\bintrouvable\b|\bno\s+encontrad[ao]\b|\bnon\s+trovat[ao]\b"
    r"|\bniet\s+gevonden\b",
    re.IGNORECASE,
)


def _words(text: str, drop: str) -> list[str]:
    return fold(text.replace(drop, " ")).split()[:3000]  # bounds the comparison's cost


def _fingerprint_match(page: Page, probe: NotFoundProbe, threshold: float) -> str | None:
    """How the page matches the site's answer to a made-up address, or None."""
    fp = probe.page
    if fp is None or not probe.response.ok:
        return None  # an honest 404 (or no answer): nothing to compare with
    if urls.path_of(fp.final_url).strip("/") == "":
        return None  # unknown addresses go to the home page: redirect-to-generic's business
    final = urls.normalize_for_compare(page.final_url)
    if final == urls.normalize_for_compare(fp.final_url):
        return "it is the very page the site shows for any address that does not exist"
    token = urls.path_of(probe.url).rsplit("/", 1)[-1]
    same_title = bool(page.title) and fold(page.title) == fold(fp.title.replace(token, " "))
    same_h1 = bool(page.h1) and [fold(h) for h in page.h1] == [
        fold(h.replace(token, " ")) for h in fp.h1
    ]
    if not (same_title or same_h1):
        return None  # a template-heavy site makes texts look alike; the headings tell
    ratio = difflib.SequenceMatcher(
        None, _words(page.text, token), _words(fp.text, token), autojunk=False
    ).ratio()
    if ratio >= threshold:
        return f"it is {ratio:.0%} the same as the site's page for an address that does not exist"
    return None


class Soft404Options(TypedDict):
    similarity: float


class Soft404Evidence(Evidence):
    status: int | None
    page: str
    title: str
    h1: list[str]
    made_up_address: NotRequired[str]  # what the site answers for an address that cannot exist
    chain: NotRequired[list[HopEvidence]]


@rule(
    "soft-404",
    needs=(PAGE, "not_found_probe"),
    evidence=Soft404Evidence,
    options=Soft404Options,
)
def soft_404(ctx: LandingContext, options: Soft404Options) -> Iterator[Found[Soft404Evidence]]:
    page = ctx.page
    assert page is not None
    if not ctx.response.ok:
        return  # a 3xx or other non-2xx final answer is not a page pretending to be one
    if urls.path_of(page.final_url).strip("/") == "":
        return  # a site root is never a not-found page (redirect-to-generic judges it)
    evidence: Soft404Evidence = {
        "status": ctx.response.status,
        "page": page.final_url,
        "title": page.title,
        "h1": page.h1,
    }
    reason = None
    for text in (page.title, *page.h1):
        if _NOT_FOUND_WORDING.search(text):
            reason = f'its {"title" if text == page.title else "heading"} says "{text[:120]}"'
            break
    if reason is None and ctx.not_found is not None:
        reason = _fingerprint_match(page, ctx.not_found, options["similarity"])
    if reason is None:
        return
    if ctx.not_found is not None:
        probe = ctx.not_found
        answer = probe.response.error or status_words(probe.response.status)
        title = f', titled "{probe.page.title}"' if probe.page and probe.page.title else ""
        evidence["made_up_address"] = f"{probe.url} → {answer}{title}"
    if ctx.response.redirected:
        evidence["chain"] = chain(ctx.response)
    yield Found(
        f"The campaign link answers {status_words(ctx.response.status)} but shows a "
        f"“page not found” or unfinished page: {reason}.",
        evidence,
    )


# --- phone-missing -------------------------------------------------------------------------

_GOOD_MATCH = (phonenumbers.MatchType.EXACT_MATCH, phonenumbers.MatchType.NSN_MATCH)


def _parse_phone(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def _shown(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneMissingOptions(TypedDict):
    region: str  # ISO 3166 country code


class PhoneMissingEvidence(Evidence):
    looked_for: str  # the campaign's number, international form
    national_form: str
    numbers_on_page: list[str]
    page: str


@rule("phone-missing", evidence=PhoneMissingEvidence, options=PhoneMissingOptions)
def phone_missing(
    ctx: LandingContext, options: PhoneMissingOptions
) -> Iterator[Found[PhoneMissingEvidence]]:
    written = ctx.campaign.site.phone
    if not written:
        raise Skip("the manifest gives no phone number (site.phone)")
    wanted = _parse_phone(written, "") or _parse_phone(written, options["region"])
    if wanted is None:
        raise Skip(f"the manifest's phone number '{written}' cannot be read as a phone number")
    page = ctx.page
    assert page is not None
    # National forms on the page ("(800) 555-0100") are read in the number's own country.
    region = phonenumbers.region_code_for_number(wanted)
    if not region or region == "001":
        region = options["region"]
    seen: list[str] = []
    tel_links = [
        unquote(link.url[4:]).split(";")[0] for link in page.links if link.url.startswith("tel:")
    ]
    for raw in tel_links:
        number = _parse_phone(raw, region)
        if number is not None:
            if phonenumbers.is_number_match(number, wanted) in _GOOD_MATCH:
                return
            seen.append(_shown(number))
    matcher = phonenumbers.PhoneNumberMatcher(
        page.all_text(), region, leniency=phonenumbers.Leniency.POSSIBLE
    )
    for match in matcher:
        if phonenumbers.is_number_match(match.number, wanted) in _GOOD_MATCH:
            return
        if phonenumbers.is_valid_number(match.number):
            seen.append(_shown(match.number))
    others = list(dict.fromkeys(seen))
    message = f"The landing page does not show the campaign's phone number {written}"
    message += f"; it shows {', '.join(others)} instead." if others else "."
    yield Found(
        message,
        {
            "looked_for": _shown(wanted),
            "national_form": phonenumbers.format_number(
                wanted, phonenumbers.PhoneNumberFormat.NATIONAL
            ),
            "numbers_on_page": others,
            "page": page.final_url,
        },
        fix=f"Show {written} on the landing page, as text and as a tel: link "
        "so that phone visitors can tap it.",
    )

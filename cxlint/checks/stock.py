"""product-unavailable: whether the customers a campaign sends can buy its product, read from
the page's product data, its stock label and buy button, and its words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NotRequired

from cxlint import regions, stock_words
from cxlint.checks import Found, NoOptions, rule
from cxlint.checks.context import ProductContext
from cxlint.checks.evidence import Evidence
from cxlint.page import Page
from cxlint.text import visible

# --- product-unavailable ----------------------------------------------------------------------

_GONE = {"OutOfStock": "out of stock", "SoldOut": "sold out", "Discontinued": "discontinued"}
_LATER = {
    "PreOrder": "only available for pre-order",
    "PreSale": "only available for pre-sale",
    "BackOrder": "on back order",
}
# The words are those of cxlint/stock_words (one file a language), read in the product's own
# block only. When no block was found (the page's main content stands for it), only near the
# product's title and buy button: far from them, a page's content is its other products',
# its delivery and returns sections, its reviews.
_MAIN_CONTENT = "the page's main content"
_NEAR_BEFORE, _NEAR_AFTER = 300, 800  # characters around the title or the buy button's words
# A product's block longer than this (its whole description, its reviews) is read near its
# title and buy button too: stock words stand there, and a long text costs time.
_WHOLE_BLOCK = 4000


def _said(page: Page, home: Page | None) -> tuple[str | None, str | None]:
    """What the product's block says in words: that it cannot be bought, that it comes only
    later (each the first such phrase, with a little of its context), else None. Format
    characters (a soft hyphen in "sold\u00adout", a zero-width space) do not hide the words:
    they are left out of the text read, and of the excerpt quoted. A sentence the site's
    home page shows too is the site's notice, not this page's news."""
    text = visible(page.product_text)
    spans = None
    if page.product_region == _MAIN_CONTENT or len(text) > _WHOLE_BLOCK:
        spans = _near_anchors(page, text) or [(0, min(len(text), _WHOLE_BLOCK))]
    said: dict[str, str] = {}
    for found in stock_words.find(text, spans=spans):
        if found.kind in said:
            continue
        if (
            home is not None
            and home.final_url != ""
            and regions.repeated_on(
                regions.sentence_at(text, found.start, found.end), visible(home.main_text)
            )
        ):
            continue
        start, end = max(0, found.start - 40), min(len(text), found.end + 40)
        said[found.kind] = (
            ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
        )
        if len(said) == 2:
            break
    return said.get("gone"), said.get("later")


def _near_anchors(page: Page, text: str) -> list[tuple[int, int]]:
    """The parts of the text near the product's title and its buy button's words, in order
    and merged (none when neither can be found in it)."""
    anchors = [w for w in page.h1[:1] if w]
    anchors += [v for k, v in page.stock if k in ("buy", "buy-disabled") and v]
    spans: list[tuple[int, int]] = []
    for words in anchors:
        at = text.find(words)
        if at >= 0:
            spans.append((max(0, at - _NEAR_BEFORE), min(len(text), at + len(words) + _NEAR_AFTER)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class ProductUnavailableEvidence(Evidence):
    page: str
    product_data: NotRequired[list[str]]  # each availability its product data states, and where
    page_shows: NotRequired[list[str]]  # the markup that says it cannot be bought
    read_from: NotRequired[str]  # the product's block it was read in
    page_says: NotRequired[str]  # the words that say it, with a little of their context


@rule("product-unavailable", evidence=ProductUnavailableEvidence)
def product_unavailable(
    ctx: ProductContext, options: NoOptions
) -> Iterator[Found[ProductUnavailableEvidence]]:
    product, page = ctx.product, ctx.page
    assert page is not None
    offers = [o for o in ctx.offers if o.availability]
    stated = [f"{o.availability} in {o.where()}" for o in offers]
    gone = [o.availability for o in offers if o.availability in _GONE]
    later = [o.availability for o in offers if o.availability in _LATER]
    in_stock = any(o.availability in ("InStock", "LimitedAvailability") for o in offers)
    home = ctx.home if ctx.home is not None and ctx.home.final_url != page.final_url else None
    says_gone, says_later = _said(page, home)
    label, markup = _stock_markup(page)
    evidence: ProductUnavailableEvidence = {"page": page.final_url}
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
        yield Found(
            f"The product page of {name} cannot be bought from: {_markup_sentence(page)}.",
            evidence,
        )
        return
    if gone and (not in_stock or len(gone) == len(offers)):
        what = _GONE[gone[0]]
        if says_gone:
            evidence["page_says"] = says_gone
        yield Found(
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
        yield Found(
            f"The product page of {name} tells customers it cannot be bought{contradiction}.",
            evidence,
        )
    elif later:
        if says_later:
            evidence["page_says"] = says_later
        yield Found(
            f"{name} is {_LATER[later[0]]} (its product data: {later[0]}): customers can order "
            "it but will not get it right away.",
            evidence,
            fix="Make sure the campaign says it is a pre-order or a back order, or wait for "
            "stock before the campaign runs.",
            minor=True,
        )
    elif says_later:
        evidence["page_says"] = says_later
        yield Found(
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

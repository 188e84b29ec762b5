"""Which of a page's schema.org Offers are the campaign's product's: shared by the rules that
read a product's price and its stock."""

from __future__ import annotations

import weakref

from cxlint.model import Product
from cxlint.page import Page
from cxlint.prices import Offer
from cxlint.text import contains, contains_any_spelling


def is_product(ids: dict[str, str], product: Product) -> bool:
    """Whether identifiers (sku, mpn, gtin, name...) name the campaign's product."""
    if product.model and contains_any_spelling(" ".join(ids.values()), product.model):
        return True
    name = ids.get("name", "")
    return any(contains(name, term) for term in (product.name, *product.aliases))


def offers_for(page: Page, product: Product) -> list[Offer]:
    """The product's offers: those keyed (by sku, gtin, mpn, name) to it, else the offers of
    the page's first product, for a page that names its product differently."""
    global _last
    last = _last
    if last is not None and last[0]() is page and last[1] is product:
        return list(last[2])  # a list of its own: a caller's changes stay its own
    offers = page.offers
    mine = [o for o in offers if is_product(o.ids, product)]
    if not mine and offers:
        first = offers[0].product
        mine = [o for o in offers if o.product == first]
    _last = (weakref.ref(page), product, mine)
    return list(mine)


# price-mismatch and product-unavailable ask in turn for the same product's offers on the
# same page: the last answer is kept, its page by a weak reference (no page is kept alive,
# and a page at a freed page's address is not taken for it). A page's facts do not change
# once parsed, nor does a manifest's product.
_last: tuple[weakref.ref[Page], Product, list[Offer]] | None = None


# --- price-mismatch ---------------------------------------------------------------------------

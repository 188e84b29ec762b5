"""Which of a page's schema.org Offers are the campaign's product's: shared by the rules that
read a product's price and its stock."""

from __future__ import annotations

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
    offers = page.offers
    mine = [o for o in offers if is_product(o.ids, product)]
    if mine or not offers:
        return mine
    first = offers[0].product
    return [o for o in offers if o.product == first]


# --- price-mismatch ---------------------------------------------------------------------------

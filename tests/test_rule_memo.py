"""What the product rules keep per page, per product or per model (issue 19) answers as
computing anew would, and stays out of what is stored and scrubbed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cxlint import redact
from cxlint.cache import page_facts
from cxlint.checks.offers import offers_for
from cxlint.currency import market_of
from cxlint.model import Product
from cxlint.page import Page
from cxlint.text import _found, _haystack, contains_any_spelling, fold, model_variants


def _page(url: str, *products: dict[str, Any]) -> Page:
    return Page(url=url, final_url=url, status=200, chain=[], headers={}, jsonld=list(products))


def _product(sku: str, name: str, price: str) -> dict[str, Any]:
    offer = {"@type": "Offer", "price": price, "priceCurrency": "USD", "sku": sku}
    return {"@type": "Product", "name": name, "sku": sku, "offers": offer}


def test_a_pages_products_and_offers_are_lists_of_the_callers_own() -> None:
    page = _page("https://shop.example/p", _product("V710", "Phone V710", "99"))
    offers = page.offers
    offers.append(offers[0])
    page.products.clear()
    assert len(page.offers) == 1 and len(page.products) == 1
    assert page.offers[0].price == Decimal("99")


def test_what_a_page_keeps_is_not_stored_and_a_scrubbed_page_reads_its_own() -> None:
    secret = "s3cr3t-token-value"
    page = _page("https://shop.example/p", _product(f"V710-{secret}", "Phone V710", "99"))
    assert secret in page.offers[0].ids["sku"]
    assert not any(name.startswith("_") for name in page_facts(page))
    clean = redact.scrub(page, [secret])
    assert clean is not page
    assert secret not in clean.offers[0].ids["sku"] and secret not in str(clean.products)


def test_a_products_offers_are_its_own_on_each_page() -> None:
    phone, radio = Product("p1", "Phone", model="V710"), Product("p2", "Radio", model="R200")
    first = _page("https://shop.example/1", _product("V710", "Phone V710", "99"))
    both = _page(
        "https://shop.example/2",
        _product("R200", "Radio R200", "20"),
        _product("V710", "Phone V710", "98"),
    )
    for _ in range(2):  # asked again, in another order: the same answers
        assert [o.price for o in offers_for(first, phone)] == [Decimal("99")]
        assert [o.price for o in offers_for(both, phone)] == [Decimal("98")]
        assert [o.price for o in offers_for(both, radio)] == [Decimal("20")]
        assert [o.price for o in offers_for(first, radio)] == [Decimal("99")]  # the first's
    mine = offers_for(both, phone)
    mine.clear()
    assert len(offers_for(both, phone)) == 1


def _spelling_anew(haystack: str, model: str) -> str | None:
    """contains_any_spelling as it was before its spellings were kept per model."""
    text = _haystack(haystack)
    tried = set()
    for variant in model_variants(model):
        term = fold(variant)
        if term not in tried:
            tried.add(term)
            if _found(text, term):
                return variant
    return None


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("Motorola V710 camera phone", "V710"),
        ("Motorola v-710 camera phone", "V710"),
        ("Motorola V 710", "v710"),
        ("ＶＸ７１０ in full width", "VX710"),
        ("nothing here", "V710"),
        ("sku SM-S921B", "SMS921B"),
        ("V7100 is another", "V710"),
    ],
)
def test_a_models_kept_spellings_find_what_they_found_before(text: str, model: str) -> None:
    for _ in range(2):
        assert contains_any_spelling(text, model) == _spelling_anew(text, model)


def test_the_market_of_repeated_and_empty_addresses() -> None:
    chile = market_of("", [], ["https://www.tienda.cl/p", "", "https://www.tienda.cl/p"], set())
    assert (chile.territory, chile.source) == ("CL", "its domain .cl")
    staging = market_of("es", [], ["https://staging.example/p", "", "https://tienda.cl/p"], set())
    assert (staging.territory, staging.language, staging.source) == ("CL", "es", "its domain .cl")
    assert market_of("", [], ["", "https://shop.example/p"], {"usd"}).territory is None
    assert market_of("", [], ["", ""], {"usd"}).data_currencies == frozenset({"USD"})
    assert market_of("de-AT", ["en-gb"], "https://shop.de/", set()).source == (
        "its language tag 'de-AT'"
    )

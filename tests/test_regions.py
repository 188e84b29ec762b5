"""Page regions (cxlint.regions): the page's own content, the product's block and the chrome,
read from pages as platforms write them. The rules' side is in the rule cases
(price-mismatch.regions.yaml, product-unavailable.regions.yaml); these pin the facts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cxlint import regions
from cxlint.model import Response
from cxlint.page import Page, parse_page


def _page(html: str) -> Page:
    return parse_page(
        Response("http://x/p", "http://x/p", 200, {"content-type": "text/html"}, html.encode())
    )


def _flags(value: str) -> set[str]:
    found = regions.names(value)
    return {
        n
        for n in ("CHROME", "CART", "BUY", "NOTIFY", "OUT", "HIDDEN")
        if found & getattr(regions, n)
    }


@pytest.mark.parametrize(
    ("value", "flags"),
    [
        ("woocommerce-mini-cart", {"CART"}),
        ("miniCart", {"CART"}),
        ("cartier-collection", set()),  # a word, not a substring
        ("related products", {"CHROME"}),
        ("recently-viewed", {"CHROME"}),
        ("showSidebar hasSidebar", set()),  # a layout's modifier, not the sidebar
        ("sidebar-right", {"CHROME"}),
        ("single_add_to_cart_button button alt", {"BUY"}),  # not chrome for its "cart"
        ("back-in-stock", {"NOTIFY"}),
        ("stock out-of-stock", {"OUT"}),
        ("stock unavailable", {"OUT"}),
        ("hidden", {"HIDDEN"}),
        ("hidden-xs", set()),  # Bootstrap 3: hidden on phones only
        ("hidden md:block", set()),  # Tailwind: shown from medium screens
    ],
)
def test_class_names_are_read_as_words(value: str, flags: set[str]) -> None:
    assert _flags(value) == flags


def test_the_main_content_leaves_named_chrome_out_but_keeps_the_layout_around_it() -> None:
    page = _page(
        """<html><body><div class="site showSidebar hasSidebar">
        <div class="widget widget_shopping_cart"><p>0 items in cart: $0.00</p></div>
        <div id="cookie-banner">We use cookies</div>
        <div class="content"><h1>Phone X</h1><p class="price">$99.00</p>
        <button name="add-to-cart">Add to cart</button></div>
        <div class="newsletter">Subscribe for 10% off</div></div></body></html>"""
    )
    assert page.main_text == "Phone X $99.00 Add to cart"
    assert page.product_region == "the block holding its title and buy button"
    assert [(p.amount, p.old) for p in page.prices] == [(Decimal("99.00"), False)]


def test_an_articles_own_header_is_content_the_sites_is_chrome() -> None:
    page = _page(
        """<html><body><header><a href="/">Shop</a> Sold out everywhere</header>
        <main><article><header><h1>Phone A</h1></header><p>In stock</p></article></main>
        <footer>Out of stock items ship later</footer></body></html>"""
    )
    assert page.main_text == "Phone A In stock"


def test_the_product_item_is_the_products_block() -> None:
    page = _page(
        """<html><body><h1>Shop</h1><div itemscope itemtype="https://schema.org/Product">
        <h2 itemprop="name">Phone P</h2><span itemprop="price" content="49.00">$49.00</span>
        <button>Add to basket</button></div>
        <div><p>Phone Q</p><span class="price">$19.00</span></div></body></html>"""
    )
    assert page.product_region == "its schema.org Product item"
    assert [p.text for p in page.prices] == ["$49.00"]


def test_blocks_keep_a_model_number_and_the_next_paragraphs_price_apart() -> None:
    page = _page("<html><body><h1>TE-310</h1><p>Model: TE-310</p><p>$129.00</p></body></html>")
    assert [p.text for p in page.prices] == ["$129.00"]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<p class="price"><del>$79.00</del> <ins>$59.00</ins></p>',
            [("59.00", False), ("79.00", True)],
        ),
        ("<p>Was $99.00, now $69.00</p>", [("99.00", True), ("69.00", False)]),
        ("<p>$129.00</p><p>or 4 payments of $32.25</p><p>from $11/mo</p>", [("129.00", False)]),
        ("<p>$65.00</p><p>Free delivery on orders over $50.</p>", [("65.00", False)]),
        ("<p>€40.00</p><p>excl. VAT: €33.06</p>", [("40.00", False)]),
        ("<p>$24.00</p><p>Size L (+$3.00)</p>", [("24.00", False)]),
        ('<p><span class="price price--compare">$89.00</span></p>', [("89.00", False)]),
    ],
)
def test_what_is_not_the_price(html: str, expected: list[tuple[str, bool]]) -> None:
    page = _page(f"<html><body><h1>Phone</h1>{html}</body></html>")
    assert sorted((str(p.amount), p.old) for p in page.prices) == sorted(expected)


def test_stock_signals_of_a_page_with_only_a_label_and_an_alert_form() -> None:
    page = _page(
        """<html><body><h1>Lumio LX-90</h1><p>$189.00</p>
        <p class="stock out-of-stock">Unavailable</p>
        <form class="back-in-stock"><button type="submit">Notify me</button></form>
        </body></html>"""
    )
    kinds = dict(page.stock)
    assert kinds["label"] == "Unavailable" and kinds["class"] == "p.stock.out-of-stock"
    assert "notify" in kinds and "no-buy" in kinds


def test_a_pickup_status_is_no_stock_label() -> None:
    page = _page(
        """<html><body><h1>Phone</h1><p>$10.00</p><button>Add to cart</button>
        <div><p>Retiro en tienda</p><strong><span class="unavailable">No Disponible</span>
        </strong></div></body></html>"""
    )
    assert not [v for k, v in page.stock if k == "label"]


@pytest.mark.parametrize(
    ("words", "label"),
    [
        ("Unavailable", "unavailable"),
        ("Availability: Sold out.", "sold out"),
        ("ausver\u00adkauft", "ausverkauft"),  # a soft hyphen is no defence
        ("SOLD-OUT", "sold-out"),
        ("In stock", None),
        ("Unavailable in your region, try our other site", None),
    ],
)
def test_stock_labels(words: str, label: str | None) -> None:
    assert regions.out_label(words) == label


def test_text_after_the_end_of_the_body_is_read() -> None:
    page = _page(
        '<html><body><h1>Phone</h1></body></html><p class="stock out-of-stock">Sold out</p>'
    )
    assert "Sold out" in page.text and ("label", "Sold out") in page.stock


def test_a_sentence_the_home_page_repeats() -> None:
    text = "Phone N Due to high demand, some items are temporarily out of stock. $99.00"
    start = text.index("temporarily")
    end = text.index("stock") + len("stock")
    sentence = regions.sentence_at(text, start, end)
    assert sentence == "some items are temporarily out of stock."
    assert regions.repeated_on(
        sentence, "Welcome. Due to high demand, some items are TEMPORARILY out of stock."
    )
    assert not regions.repeated_on("Sold out.", "Phone Q Sold out.")  # too short to be a notice

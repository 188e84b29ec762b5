"""price-mismatch: whether the product's price is the one the campaign advertises.

The product's own price is what its page says of it: the price marked as such in its own
block (else the first amount there), and its product data (schema.org Offers, Open Graph price
tags). A campaign price matches only those, never any number on the page: an estimate, a
threshold or a related product's price does not confirm it. What customers see decides: a
campaign that agrees with the visible price is right even when the product data lags behind,
which is then reported as the site's own defect, one level milder. Currencies are read in
the page's market (cxlint.currency): "$" on a Chilean shop is a peso.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypedDict

from cxlint import currency
from cxlint.checks import Found, Skip, rule
from cxlint.checks.context import ProductContext
from cxlint.checks.evidence import Evidence
from cxlint.page import Page
from cxlint.prices import Offer, VisiblePrice, open_graph_offer


@dataclass(frozen=True)
class _Reading:
    """What one page says of one product's price, currencies read in its market."""

    offers: list[Offer]  # the product's schema.org Offers, then its Open Graph price
    shown: list[VisiblePrice]  # the product's own visible prices (not struck through)
    struck: list[VisiblePrice]  # struck-through, "was" prices
    market: currency.Market
    tolerance: Decimal

    def same(self, a: str | None, b: str | None) -> bool:
        return currency.compatible(a, b, self.market)

    def offer_has(self, offer: Offer, price: Decimal, code: str | None) -> bool:
        if offer.price is None or not self.same(offer.currency, code):
            return False
        if offer.high is not None:  # an AggregateOffer: a range of prices
            return offer.price - self.tolerance <= price <= offer.high + self.tolerance
        return abs(offer.price - price) <= self.tolerance

    def data_has(self, price: Decimal, code: str | None) -> bool:
        return any(self.offer_has(o, price, code) for o in self.offers)

    def page_has(self, price: Decimal, code: str | None, among: list[VisiblePrice]) -> bool:
        return any(
            abs(v.amount - price) <= self.tolerance and self.same(v.currency, code) for v in among
        )


def _reading(page: Page, offers: list[Offer], tolerance: Decimal) -> _Reading:
    urls = [page.final_url, page.canonical or "", page.meta.get("og:url", "")]
    market = currency.market_of(
        page.lang, page.hreflangs, urls, {o.currency for o in offers if o.currency}
    )
    shown = [_in_market(v, market) for v in page.prices if not v.old]
    struck = [_in_market(v, market) for v in page.prices if v.old]
    read = _Reading(offers, shown, struck, market, tolerance)
    return _Reading(offers, _own(shown, offers, read), struck, market, tolerance)


_THREE_DECIMALS = re.compile(r"(?<![\d.,])\d{1,3}[.,]\d{3}(?![\d.,])")


def _in_market(price: VisiblePrice, market: currency.Market) -> VisiblePrice:
    """A visible price read in its market. An amount shown without a currency ("259,00")
    is in the page's own currency: its product data's, else its country's, when there is
    one. In a currency of three decimals (the Kuwaiti dinar's "1.250 KD") one separator
    before three digits is the decimal one, where elsewhere it groups thousands ("$1.250"
    is 1,250 pesos)."""
    codes = (
        currency.meanings(price.currency, market)
        or market.data_currencies
        or currency.currencies_of(market.territory)
    )
    if price.currency is None and len(codes) == 1:
        price = replace(price, currency=next(iter(codes)))
    if len(codes) == 1 and currency.minor_digits(next(iter(codes))) == 3:
        number = _THREE_DECIMALS.search(price.text)
        if number and price.amount == int(re.sub(r"\D", "", number.group(0))):
            return replace(price, amount=price.amount / 1000)
    return price


def _own(shown: list[VisiblePrice], offers: list[Offer], read: _Reading) -> list[VisiblePrice]:
    """The product's own visible prices: those its page marks as a price (class, id or
    itemprop), the first other amount in its block (in page order: nearest its title), and
    any its product data states; not every amount near it ("Estimate $300 - $500",
    "Starting price $150" further on)."""
    first = next((v for v in shown if not v.marked), None)
    return [
        v
        for v in shown
        if v.marked
        or v is first
        or any(o.price is not None and read.page_has(o.price, o.currency, [v]) for o in offers)
    ]


def _money(amount: Decimal, code: str | None) -> str:
    if amount.as_tuple().exponent == -1:  # YAML's 69.0 or 499.9 is written 69.00, 499.90
        amount = amount.quantize(Decimal("0.01"))
    return f"{amount} {code}" if code else f"{amount}"


class PriceMismatchOptions(TypedDict):
    tolerance: float


class PriceMismatchEvidence(Evidence, total=False):
    campaign: str  # the manifest's price
    product_data: list[str]  # each price its product data states, and where
    page_shows: list[str]  # the prices it shows (the first five), then struck-through ones
    read_from: str  # the product's block they were read in
    market: str  # the country its currencies were read in, and how it was told
    tolerance: str


@rule("price-mismatch", evidence=PriceMismatchEvidence, options=PriceMismatchOptions)
def price_mismatch(
    ctx: ProductContext, options: PriceMismatchOptions
) -> Iterator[Found[PriceMismatchEvidence]]:
    product, page = ctx.product, ctx.page
    assert page is not None
    offers = [o for o in ctx.offers if o.price is not None]
    graph = open_graph_offer(page.meta)
    if graph is not None and not any(
        o.price == graph.price and o.currency == graph.currency for o in offers
    ):
        offers.append(graph)
    read = _reading(page, offers, Decimal(str(options["tolerance"])))
    shown, struck = read.shown, read.struck
    if product.price is None and not (offers and shown):
        raise Skip("the manifest gives no price, and the page has no price to compare with")
    if not offers and not shown:
        raise Skip("the page shows no price and has no product data with one")
    promised, code = product.price, product.currency
    singles = [o for o in offers if o.high is None]
    # the page against itself: its product data and the price it shows
    data_vs_page = bool(singles and shown) and not any(
        read.page_has(o.price, o.currency, shown) for o in singles if o.price is not None
    )
    evidence = _evidence(read, promised, code, page)
    name = product.name
    data = offers[0].shown() if offers else None
    agreeing = [
        v
        for o in singles
        for v in shown
        if o.price is not None and read.page_has(o.price, o.currency, [v])
    ]
    first = (agreeing[0] if agreeing else shown[0]) if shown else None
    seen = first.text if first else None
    if promised is None:
        if data_vs_page:
            yield Found(
                f"The page shows {seen} for {name}, but its product data says {data}.",
                evidence,
                fix="Make the page's product data (schema.org Offer) and its visible price agree.",
            )
        return
    campaign = _money(promised, code)
    on_page = read.page_has(promised, code, shown)
    if shown and not on_page:
        # "From $449" for a range of variants that holds the campaign's price is no contradiction
        ranges = [o for o in offers if o.high is not None and read.offer_has(o, promised, code)]
        on_page = any(read.offer_has(o, v.amount, v.currency) for o in ranges for v in shown)
    in_data = read.data_has(promised, code)
    if shown and on_page:
        if data_vs_page:  # customers see the campaign's price; the product data lags behind
            wrong = next(
                o
                for o in singles
                if o.price is not None and not read.page_has(o.price, o.currency, shown)
            )
            yield Found(
                f"The page and the campaign agree on {campaign} for {name}, but the page's "
                f"product data says {wrong.shown()}.",
                evidence,
                fix=f"Update the price in the page's product data to {campaign}: shopping ads "
                "and feeds read it, and reject or mislead when it disagrees with the page.",
                minor=True,
            )
        return
    if not shown:  # no visible price (a script writes it): the product data is all there is
        if in_data:
            others = [o for o in singles if not read.offer_has(o, promised, code)]
            if others:
                yield Found(
                    f"The page's product data disagrees with itself on the price of {name}: "
                    f"{others[0].shown()} in {others[0].where()}, while "
                    f"{_agreeing_source(read, promised, code)} says {campaign}, as the "
                    "campaign does.",
                    evidence,
                    fix="Give every statement of the price in the page (schema.org Offer, Open "
                    f"Graph price tags) the same price, {campaign}.",
                    minor=True,
                )
            return
        yield Found(
            f"The product data of {name} says {data}, while the campaign advertises {campaign}.",
            evidence,
            fix=f"Change the price on the site to {campaign}, or correct the campaign before "
            "it runs.",
        )
        return
    # customers see another price than the campaign's
    was = next((v for v in struck if read.page_has(promised, code, [v])), None)
    in_other_currency = (
        first is not None
        and abs(first.amount - promised) <= read.tolerance
        and not read.same(first.currency, code)
    )
    if in_other_currency and first is not None:
        priced_in = _currency_name(first.currency, read.market)
        message = (
            f"The site prices {name} in {priced_in}, not in {code}: it shows {seen}, "
            f"and the campaign advertises {campaign}."
        )
        fix = (
            f"Give the campaign the currency the site sells in ({priced_in}), or point it at "
            f"the site's {code} store."
        )
    elif offers and not in_data and data_vs_page:
        message = (
            f"Three prices for {name} disagree: the campaign says {campaign}, "
            f"the page shows {seen}, and its product data says {data}."
        )
        fix = "Settle the price: make the campaign, the page and its product data say the same."
    elif was is not None and not data_vs_page:
        message = (
            f"The site sells {name} at {seen}, not at the {campaign} the campaign advertises: "
            f"the page shows {was.text} struck through, as the old price."
        )
        fix = f"Advertise {seen}, the price the page asks, or put the site's back to {campaign}."
    elif in_data:
        message = (
            f"The page shows {seen} for {name}, while the campaign and the page's own "
            f"product data say {campaign}."
        )
        fix = f"Make the page show {campaign}, the price its product data and the campaign give."
    else:
        message = f"The site sells {name} at {seen}, not at the {campaign} the campaign advertises."
        fix = f"Change the price on the site to {campaign}, or correct the campaign before it runs."
    yield Found(message, evidence, fix=fix)


def _currency_name(shown: str | None, market: currency.Market) -> str:
    """The currency a visible price is in, as a code when its market settles it."""
    codes = currency.meanings(shown, market)
    if codes and len(codes) == 1:
        return next(iter(codes))
    return shown or "another currency"


def _agreeing_source(read: _Reading, price: Decimal, code: str | None) -> str:
    offer = next(o for o in read.offers if read.offer_has(o, price, code))
    return offer.where()


def _evidence(
    read: _Reading, promised: Decimal | None, code: str | None, page: Page
) -> PriceMismatchEvidence:
    evidence: PriceMismatchEvidence = {}
    if promised is not None:
        evidence["campaign"] = f"{_money(promised, code)} (the manifest)"
    if read.offers:
        evidence["product_data"] = [f"{o.shown()} in {o.where()}" for o in read.offers[:5]]
    if read.shown or read.struck:
        evidence["page_shows"] = [
            f"{v.text}" + (" (marked as the price)" if v.marked else "") for v in read.shown[:5]
        ] + [f"{v.text} (struck through: the old price)" for v in read.struck[:2]]
        if page.product_region:
            evidence["read_from"] = f"the product's own block: {page.product_region}"
    if read.market.territory and read.market.source:
        evidence["market"] = f"{read.market.territory}, from {read.market.source}"
    evidence["tolerance"] = str(read.tolerance)
    return evidence

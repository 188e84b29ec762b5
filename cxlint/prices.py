"""Prices as a page states them: schema.org Offers in its product data, and the prices a
visitor reads. Both are page facts, gathered once when the page is parsed.

Amounts are read with price-parser (Zyte's library for scraped prices), which knows
`1.299,00 €`, `USD 1,299.00` and `£ 49` — thousands and decimal separators a regex gets
wrong. Currency symbols are kept as shown; `compatible()` says whether one can be a code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree
from price_parser import Price

from cxlint.textscan import near_marks
from cxlint.tree import Element, as_element
from cxlint.tree import text as text_of

MAX_PRICES = 50
MAX_MARKED = 200  # elements marked "price" looked at; bounds hostile pages
IDENTITY_KEYS = (
    "sku",
    "mpn",
    "gtin",
    "gtin8",
    "gtin12",
    "gtin13",
    "gtin14",
    "productID",
    "model",
    "name",
)


@dataclass(frozen=True)
class Offer:
    """One schema.org Offer (or AggregateOffer) of a Product on the page."""

    price: Decimal | None  # the price, or the low end of an AggregateOffer
    high: Decimal | None  # the high end of an AggregateOffer; None for one price
    currency: str | None  # ISO 4217 code, upper-cased
    availability: str | None  # schema.org name: InStock, OutOfStock, PreOrder, ...
    ids: dict[str, str] = field(
        default_factory=dict
    )  # sku, gtin, mpn, name: offer's, then product's
    source: str = "JSON-LD"  # or "microdata"
    product: int = 0  # which Product object of the page it belongs to

    def where(self) -> str:
        """Where it was read, for evidence: 'JSON-LD Offer (sku MOTO-V710)'."""
        key = next((k for k in ("sku", "gtin13", "gtin", "mpn", "name") if k in self.ids), None)
        return f"{self.source} Offer" + (f" ({key} {self.ids[key]})" if key else "")

    def shown(self) -> str:
        amount = f"{self.price}" + (f"–{self.high}" if self.high is not None else "")
        return amount + (f" {self.currency}" if self.currency else "")


@dataclass(frozen=True)
class VisiblePrice:
    """A price a visitor reads on the page."""

    amount: Decimal
    currency: str | None  # a symbol or code as shown: "$", "€", "EUR"
    text: str  # the words it was read from
    marked: bool  # inside an element the page marks as a price (class, id or itemprop)


# --- reading amounts --------------------------------------------------------------------------


def amount(value: Any) -> Decimal | None:
    """A price value from structured data ("499.99", 499.99, "$1,299.00") as a Decimal."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return None
    text = str(value).strip()
    if not text:
        return None
    try:  # schema.org asks for "499.99"; read it exactly when it is written so
        return (
            Decimal(text) if re.fullmatch(r"\d+(\.\d+)?", text) else Price.fromstring(text).amount
        )
    except InvalidOperation:
        return None


# --- offers in product data -------------------------------------------------------------------


def offers(products: Iterable[dict[str, Any]]) -> list[Offer]:
    """Every Offer of the given schema.org Product objects, in page order."""
    found: list[Offer] = []
    for index, product in enumerate(products):
        source = "microdata" if product.get("@source") == "microdata" else "JSON-LD"
        product_ids = _ids(product)
        for offer in _as_list(product.get("offers")):
            if not isinstance(offer, dict):
                continue
            found.extend(_offer(offer, product_ids, source, index))
    return found


def _offer(
    offer: dict[str, Any], product_ids: dict[str, str], source: str, index: int
) -> list[Offer]:
    ids = {**product_ids, **_ids(offer)}
    availability = _schema_name(offer.get("availability"))
    currency = _currency(offer.get("priceCurrency"))
    if offer.get("lowPrice") is not None or offer.get("highPrice") is not None:  # AggregateOffer
        low, high = amount(offer.get("lowPrice")), amount(offer.get("highPrice"))
        nested = [o for o in _as_list(offer.get("offers")) if isinstance(o, dict)]
        if nested:  # an AggregateOffer that lists its offers: read those instead
            return [x for o in nested for x in _offer(o, ids, source, index)]
        return [
            Offer(
                low if low is not None else high,
                high if low is not None else None,
                currency,
                availability,
                ids,
                source,
                index,
            )
        ]
    price = amount(offer.get("price"))
    if price is None:  # the price may sit in a (Unit)PriceSpecification
        for spec in _as_list(offer.get("priceSpecification")):
            if isinstance(spec, dict) and amount(spec.get("price")) is not None:
                price = amount(spec.get("price"))
                currency = currency or _currency(spec.get("priceCurrency"))
                break
    return [Offer(price, None, currency, availability, ids, source, index)]


def _ids(obj: dict[str, Any]) -> dict[str, str]:
    ids = {}
    for key in IDENTITY_KEYS:
        value = obj.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            ids[key] = str(value).strip()
    return ids


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _schema_name(value: Any) -> str | None:
    """The schema.org name of a value: 'https://schema.org/OutOfStock' → 'OutOfStock'."""
    if isinstance(value, dict):
        value = value.get("@id") or value.get("name")
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def _currency(value: Any) -> str | None:
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


# --- prices a visitor reads -------------------------------------------------------------------

_CODES = "USD|EUR|GBP|CAD|AUD|NZD|CHF|JPY|CNY|INR|SEK|NOK|DKK|PLN|MXN|BRL|SGD|HKD"
_SYMBOL = (
    r"(?:US\$|C\$|CA\$|A\$|AU\$|NZ\$|HK\$|R\$|\$|€|£|¥|₹|zł"
    rf"|(?<![A-Za-z])(?:{_CODES}|kr)(?![A-Za-z]))"
)
_NUMBER = r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
# An amount is not part of a word or a longer number: V710 $ is not "710 $". The lookahead
# lets only the positions that can start a match (a digit, a symbol's or code's first
# character) try the alternatives: four times faster on a page's text, the same matches.
_MONEY = re.compile(
    r"(?=[\d$€£¥₹zkUCANHREGJISDPMB])"
    rf"(?:{_SYMBOL}\s?(?:{_NUMBER})|(?<![\w.,])(?:{_NUMBER})\s?{_SYMBOL})"
)


def _marked(root: Element) -> list[Element]:
    """The elements below `root` the page marks as prices ("price" in their class, id or
    itemprop, in any case), in document order, at most MAX_MARKED. A Python walk: an XPath
    with translate() on every element took half as long again."""
    found = []
    for element in root.iterdescendants(etree.Element):
        get = element.get
        css, id_, prop = get("class"), get("id"), get("itemprop")
        if (
            (css and "price" in css.lower())
            or (id_ and "price" in id_.lower())
            or (prop and "price" in prop.lower())
        ):
            found.append(element)
            if len(found) >= MAX_MARKED:
                break
    return found


def visible_prices(root: Element, text: str | None = None) -> list[VisiblePrice]:
    """Prices in the visible text of `root`, an lxml element (scripts and styles already
    removed from it; see cxlint.tree). `text` is root's text with its whitespace collapsed,
    when already read.

    Elements the page marks as prices (`class="price"`, `itemprop="price"`) come first; then
    any amount written with a currency in the rest of the text.
    """
    root = as_element(root)
    found: list[VisiblePrice] = []
    seen: set[tuple[Decimal, str | None]] = set()

    def keep(snippet: str, marked: bool) -> None:
        price = Price.fromstring(snippet)
        if price.amount is None or len(found) >= MAX_PRICES:
            return
        if (price.amount, price.currency) not in seen:
            seen.add((price.amount, price.currency))
            found.append(VisiblePrice(price.amount, price.currency, snippet, marked))

    for element in _marked(root):
        if _marked(element):
            continue  # the innermost marked element holds the price itself
        words = " ".join(text_of(element).split())
        if words and len(words) <= 80:
            keep(words, marked=True)
    text = " ".join(text_of(root).split()) if text is None else text
    for match in _amounts(text):
        if len(found) >= MAX_PRICES:
            break
        keep(match.group(0), marked=False)
    return found


# Every amount stands beside one of these; the amount pattern runs only around them.
_MARKS = re.compile(
    "|".join(re.escape(mark) for mark in ("$", "€", "£", "¥", "₹", "zł", "kr", *_CODES.split("|")))
)
_REACH = 40  # characters an amount may take on either side of its mark ("1,234,567.89 €")


def _amounts(text: str) -> Iterator[re.Match[str]]:
    """_MONEY's matches in `text`, in order: those of `_MONEY.finditer(text)` for every
    amount shorter than _REACH characters."""
    return near_marks(_MONEY, text, _MARKS, _REACH)


# --- currencies -------------------------------------------------------------------------------

_DOLLARS = {"USD", "CAD", "AUD", "NZD", "MXN", "SGD", "HKD"}
_SYMBOLS: dict[str, set[str]] = {
    "$": _DOLLARS,
    "US$": {"USD"},
    "C$": {"CAD"},
    "CA$": {"CAD"},
    "A$": {"AUD"},
    "AU$": {"AUD"},
    "NZ$": {"NZD"},
    "HK$": {"HKD"},
    "R$": {"BRL"},
    "€": {"EUR"},
    "£": {"GBP"},
    "¥": {"JPY", "CNY"},
    "₹": {"INR"},
    "zł": {"PLN"},
    "KR": {"SEK", "NOK", "DKK", "ISK"},
}


def compatible(a: str | None, b: str | None) -> bool:
    """Whether two currencies as shown or coded ('$', '€', 'EUR', 'USD') can be the same.

    Unknown or missing currencies are compatible: only a clear contradiction counts.
    """
    if not a or not b:
        return True
    could_a, could_b = _could_be(a), _could_be(b)
    return could_a is None or could_b is None or bool(could_a & could_b)


def _could_be(currency: str) -> set[str] | None:
    """The ISO codes a currency as shown may stand for; None when it is not known."""
    currency = currency.strip().upper()
    if re.fullmatch(r"[A-Z]{3}", currency):
        return {currency}
    return _SYMBOLS.get(currency)

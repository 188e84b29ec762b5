"""Prices as a page states them: schema.org Offers in its product data, and the prices a
visitor reads. Both are page facts, gathered once when the page is parsed.

Amounts are read with price-parser (Zyte's library for scraped prices), which knows
`1.299,00 €`, `USD 1,299.00` and `£ 49` — thousands and decimal separators a regex gets
wrong. Currency symbols are kept as shown; cxlint.currency reads which currency one is.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from itertools import accumulate, compress, count, repeat
from operator import add, not_
from typing import Any

from lxml import etree
from price_parser import Price

from cxlint import regions
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
        if self.source == "Open Graph":
            return "its Open Graph price tags"
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
    old: bool = False  # struck through (<del>, <s>) or a "was"/compare-at price: not the price


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


def open_graph_offer(meta: dict[str, str]) -> Offer | None:
    """The price its Open Graph product tags give (`product:price:amount` and
    `og:price:amount`, a sale price first): what social networks and link previews show,
    and often the only price in a page whose visible price a script writes."""
    for key in ("product:sale_price", "og:sale_price", "product:price", "og:price"):
        price = amount(meta.get(f"{key}:amount"))
        if price is not None:
            currency = _currency(meta.get(f"{key}:currency"))
            return Offer(price, None, currency, None, {}, "Open Graph", -1)
    return None


# --- prices a visitor reads -------------------------------------------------------------------

_CODES = "USD|EUR|GBP|CAD|AUD|NZD|CHF|JPY|CNY|INR|SEK|NOK|DKK|PLN|MXN|BRL|SGD|HKD"
_SYMBOL = (
    r"(?:US\$|C\$|CA\$|A\$|AU\$|NZ\$|HK\$|NT\$|R\$|\$|€|£|¥|₹|₽|₺|₩|₪|₱|₫|zł"
    rf"|(?<![A-Za-z])(?:{_CODES}|kr|Rs|Kč)(?![A-Za-z])|(?<!\w)руб(?!\w))"
)
# a group of thousands is three digits, no more ("Rs 600,000 2010 - 95,000 km" is 600,000)
# (cents set apart, as split prices are once read: "$19 .99", "$ 19 . 99")
_NUMBER = (
    r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3}(?!\d))+(?: ?[.,]\d{1,2}(?!\d)| \. \d{2}(?!\d))?"
    r"|\d+(?: ?[.,]\d{1,2}(?!\d)| \. \d{2}(?!\d))?"
)
# An amount is not part of a word or a longer number: V710 $ is not "710 $". The lookahead
# lets only the positions that can start a match (a digit, a symbol's or code's first
# character) try the alternatives: four times faster on a page's text, the same matches.
_MONEY = re.compile(
    r"(?=[\d$€£¥₹₽₺₩₪₱₫zkUCANHREGJISDPMBRKр])"
    rf"(?:{_SYMBOL}\s?(?:{_NUMBER})|(?<![\w.,])(?:{_NUMBER})\s?{_SYMBOL})"
)


def visible_prices(root: Element, text: str | None = None) -> list[VisiblePrice]:
    """The prices a visitor reads as the product's in `root` (an lxml element, or anything
    whose str() is HTML), read as a page's are: its regions found, its chrome cut out (a
    destructive read: the tree is changed). `text` is accepted for older callers, not read."""
    root = as_element(root)
    body = root.find(".//body")
    return region_prices(regions.read(root if body is None else body))


def region_prices(found: regions.Regions) -> list[VisiblePrice]:
    """The product's prices in its own block (else in the page's main content), the chrome
    already cut out: elements the page marks as prices first (class, id or itemprop "price"),
    then amounts written with a currency, each read inside one block of text.

    Never the product's price: cart totals ("0 items in cart: $0.00"), shipping thresholds and
    costs ("free delivery on orders over $50"), instalments ("4 payments of $12.50", "$9/mo"),
    unit prices ("$1.20/kg"), savings ("save $20"). Kept, marked `old`: a struck-through or
    "was" price (`<del>`, `<s>`, class old/was/compare), which is not the price either."""
    _mark_cents(found)
    prices = _prices_in(found.product, found)
    if not prices and found.product is not found.main:
        prices = _prices_in(found.main, found)
    if prices and all(p.old for p in prices):  # struck through beside nothing: a theme's name
        prices = [replace(p, old=False) for p in prices]
    return prices


# An element that holds one part of a price a page splits up: its cents, its whole units, its
# decimal point or its currency sign ("a-price-whole", "price__cents", "currency-symbol").
_PART = re.compile(
    r"(?:^|[-_\s])(?:cents?|fraction|fractional|decimals?|whole|integer|int|symbol|currency"
    r"|minor|major)(?:$|[-_\s])",
    re.I,
)
_CENTS_CLASS = re.compile(r"cents?|fraction|decimals|minor", re.I)


def _silence(element: Element) -> None:
    """Empty an element's own text (not what follows it): the amount it holds was judged not
    the product's price where it stands, and the same amount elsewhere may well be."""
    for node in element.iter():
        if isinstance(node.tag, str):
            node.text = None
        if node is not element:
            node.tail = None


def _mark_cents(found: regions.Regions) -> None:
    """Give superscript cents their decimal point: "$19<sup>99</sup>" reads "$19 .99", not
    1,999 (and a cents element of a price the page marks likewise, unless it writes the
    point). Superscripts are found in C; cents elements only inside marked prices."""
    cents = [e for e in _inside_marked(found.marked) if _CENTS_CLASS.search(e.get("class") or "")]
    for element in [*found.main.iterdescendants("sup"), *cents]:
        digits = (element.text or "").strip()
        footnote = element.tag == "sup" and re.fullmatch(r"[\d*†‡]", digits) is not None
        if len(element) or not (footnote or re.fullmatch(r"\d{2}", digits)):
            continue
        previous, parent = element.getprevious(), element.getparent()
        if previous is not None:
            before = previous.tail if (previous.tail or "").strip() else text_of(previous)
        else:
            before = parent.text if parent is not None else ""
        before = (before or "").rstrip()
        if before[-1:].isdigit():  # a footnote's mark after a price ("$199¹") is no digit of it
            element.text = "" if footnote else "." + digits


def _inside_marked(marked: list[Element]) -> list[Element]:
    """The elements inside marked prices, in order, each once: a marked price inside another
    (a "price" span in a "price" box) is not walked again."""
    seen: set[Element] = set()
    found = []
    for element in marked:
        if element in seen:
            continue
        inner = list(element.iterdescendants())
        seen.update(inner)
        found += inner
    return found


def _prices_in(root: Element, found: regions.Regions) -> list[VisiblePrice]:
    kept: list[VisiblePrice] = []
    seen: set[tuple[Decimal, str | None, bool]] = set()

    def keep(amount: Decimal, currency: str | None, snippet: str, marked: bool, old: bool) -> None:
        if len(kept) < MAX_PRICES and (amount, currency, old) not in seen:
            seen.add((amount, currency, old))
            kept.append(VisiblePrice(amount, currency, snippet, marked, old))

    inside = set(root.iter(etree.Element)) if found.marked else set()
    mine = [m for m in found.marked if m in inside][:MAX_MARKED]
    covered: set[Element] = set()
    read: list[tuple[Decimal, str | None, str, bool]] = []
    for element in reversed(mine):  # an element's marked descendants come first
        if element in covered or _PART.search(element.get("class") or ""):
            continue  # a part of a split price ("a-price-whole"): its marked ancestor reads it
        raw = text_of(element)
        struck = []
        if regions.OLD in raw:  # <p class=price><del>$79.00</del> <ins>$59.00</ins></p>
            struck = [" ".join(s.translate(_UNMARK).split()) for s in _STRUCK.findall(raw)]
            raw = _STRUCK.sub(" ", raw)
        words = " ".join(raw.translate(_UNMARK).split())
        if len(words) > 80:
            continue
        price = Price.fromstring(words) if words else None
        olds = [(Price.fromstring(s), s) for s in struck if len(s) <= 80]
        olds = [(p, s) for p, s in olds if p.amount is not None]
        if (price is None or price.amount is None) and not olds:
            continue  # a marked "$" or "Price:" alone: its marked ancestor holds the amount
        covered.update(element.iterancestors())
        for old_price, old_words in olds:
            read.append((old_price.amount, old_price.currency, old_words, True))
        if price is None or price.amount is None:
            continue
        kind = _kind(element, words, found, root)
        if kind != "other":
            read.append((price.amount, price.currency, words, kind == "old"))
        else:  # a fee, an instalment: its words are not read again as text below
            _silence(element)
    for amount_, currency, words, old in reversed(read):
        keep(amount_, currency, words, True, old)
    marked_amounts = {(p.amount, p.currency) for p in kept}
    for block in _blocks_to_read(text_of(root)):
        if len(kept) >= MAX_PRICES:
            break
        for match in _amounts(block):
            words = match.group(0)
            price = Price.fromstring(words.translate(_UNMARK))
            if price.amount is None or not price.amount:  # "$0.00": an empty cart's total
                continue
            before = _squeeze(block[max(0, match.start() - 60) : match.start()])
            after = _squeeze(block[match.end() : match.end() + 40], head=True)
            if _OTHER_BEFORE.search(before) or _OTHER_AFTER.match(after):
                continue
            old = _struck(block, match.start()) or bool(_OLD_BEFORE.search(before))
            if (price.amount, price.currency) in marked_amounts:
                continue
            keep(price.amount, price.currency, words.translate(_UNMARK).strip(), False, old)
    return kept


_UNMARK = str.maketrans(
    {
        regions.OLD: None,
        regions.END_OLD: None,
        regions.SEP: " ",
        regions.PRODUCT: None,
        regions.END_PRODUCT: None,
    }
)

# Words just before an amount that make it something else than the product's price: an
# instalment, a shipping cost or threshold, a saving, a cart's total.
_OTHER_BEFORE = re.compile(
    r"(?:\b(?:payments?|instal?lments?|raten|cuotas|mensualit[ée]s|rates)\s+(?:of|à|de|von|zu|da)"
    r"|\bpay\s+in\s+\d+|\b\d+\s*[x×]|\bsave|\bsaving|\byou\s+save|\bover|\babove"
    # a discount, named in a few words before it ("Скидка на комплект 95 ₽")
    r"|(?:\bdiscount(?!\s*price)|\brabatt?|\bremise|\bdescuento|\bsconto|\bkorting|\bersparnis|скидка"
    r"|экономия|\bsie\s+sparen|économisez|\bahorra|\brisparmi)(?:\s+\w+){0,2}"
    # free above a threshold, in the languages shops write it ("Bezmaksas no EUR100.00",
    # "Versandkostenfrei ab 50 €", "Livraison gratuite dès 49 €", "Darmowa dostawa od 99 zł")
    r"|(?:\bfree|\bgratis|kostenlos|\w*frei|gratuit[eo]?|gratuita|darmow\w*|zdarma|bezmaksas"
    r"|tasuta|nemokam\w*|ilmai\w*|ingyenes)(?:\s+\w+){0,2}\s+(?:from|ab|dès|des|desde|da|vanaf"
    r"|od|från|fra|no|alates|nuo|alkaen|a\s+partir\s+de|à\s+partir\s+de)"
    # an auction's estimate, not its price
    r"|\bestimated?(?:\s+(?:value|price))?|\bschätzpreis|\bestimation"
    r"|\bexceeding|\borders?(?:\s+(?:of|from|over))?|\bspend(?:ing)?|\bminimum(?:\s+order)?(?:\s+of)?"
    r"|\bshipping(?:\s+(?:costs?|fee))?|\bdelivery(?:\s+(?:costs?|fee|charge))?|\bpostage"
    r"|\bversand(?:kosten)?|\blivraison|\bcart|\bbasket|\bsubtotal|\btotal|\bitems?"
    # a price without its tax ("excl. VAT", "Brez DDV", "HT", "netto")
    r"|\b(?:excl(?:\.|uding)?|ex\.?|without|ohne|brez|bez|sin|senza|hors|zzgl\.?)\s*"
    r"(?:vat|tax|taxes|mwst\.?|ddv|dph|pvn|iva|btw|moms|taxe)|\bnetto|\bnet\s+price)"
    r"\W{0,3}$"
    # an option's surcharge or reduction: "(+$10.00)", "(-40.00€)", "+ $5" (a bare " - "
    # is how many titles end before their price)
    r"|\(\s*[+\-−]?\s*$|(?:^|\s)\+\s*$",
    re.I,
)
# ... and just after: "/mo", "per month", "a month", "x 12", "/kg", "off" (a price "/ pcs" is
# the price of one)
_OTHER_AFTER = re.compile(
    r"\W{0,2}(?:/\s*(?:mo|month|mth|monat|mois|mes|wk|week|yr|year|kg|g|l|ml|m|m2|m²|lb|oz"
    r"|100\s*(?:g|ml))\b|per\s+(?:mo|month|week|year|kg|lb|litre|liter|100)"
    r"|a\s+month|monthly|mtl|im\s+monat|par\s+mois|al\s+mes|x\s*\d+\b|off\b|discount|rabatt)",
    re.I,
)
# ... and the words of a struck price: "Was $79", "RRP £99", "statt 129 €", "List Price: $99"
_OLD_BEFORE = re.compile(
    r"(?:\bwas|\bwar|\bstatt|\binstead\s+of|\bbefore|\brrp|\buvp|\bmsrp|\blist\s+price"
    r"|\bregular\s+price|\boriginal(?:ly)?(?:\s+price)?(?:\s+was)?|\bprevious(?:\s+price)?"
    r"|\bcompare\s+at|\breg\.?)\W{0,3}$",
    re.I,
)


_STRUCK = re.compile(f"{regions.OLD}[^{regions.END_OLD}]*{regions.END_OLD}")


def _squeeze(words: str, head: bool = False) -> str:
    """Context around an amount, whitespace collapsed (the cues allow a few characters)."""
    squeezed = " ".join(words.translate(_UNMARK).split())
    return " " + squeezed if head and words[:1].isspace() else squeezed


def _struck(block: str, at: int) -> bool:
    """Whether position `at` of a block lies inside a struck or "was" price's element."""
    return block.rfind(regions.OLD, 0, at) > block.rfind(regions.END_OLD, 0, at)


def _kind(element: Element, words: str, found: regions.Regions, root: Element) -> str:
    """Whether an element the page marks as a price holds an "old" price, an "other" amount
    or the "price": by the element and its near ancestors (a <del>, a class old-price or
    installment), and by the words in it and right around it ("4 payments of <span
    class=price>$12.50</span>", "<b>$9</b>/mo")."""
    node, depth = element, 0
    while node is not None and depth < 6:
        if node in found.other and depth < 4:
            return "other"
        if node in found.old or node.tag in _STRUCK_TAGS:
            return "old"
        if node is root:
            break
        node, depth = node.getparent(), depth + 1
    previous, parent = element.getprevious(), element.getparent()
    if previous is not None:  # "<small>Total:</small> <span class=price>"
        before = text_of(previous)[-40:] + " " + (previous.tail or "")
    else:
        before = (parent.text if parent is not None else "") or ""
    before = _squeeze(before[-60:])
    after = _squeeze((element.tail or "")[:40], head=True)
    first = _MONEY.search(words)  # the words in the element before its amount: "Was $79"
    head = words[: first.start()] if first else ""
    if _OTHER_BEFORE.search(before) or _OTHER_AFTER.match(after):
        return "other"
    if head and _OTHER_BEFORE.search(head):
        return "other"
    if _OLD_BEFORE.search(before) or (head and _OLD_BEFORE.search(head)):
        return "old"
    return "price"


_STRUCK_TAGS = {"del", "s", "strike"}


# Every amount stands beside one of these; the amount pattern runs only around them.
_MARKS = re.compile(
    "|".join(
        re.escape(mark)
        for mark in (
            "$",
            "€",
            "£",
            "¥",
            "₹",
            "₽",
            "₺",
            "₩",
            "₪",
            "₱",
            "₫",
            "zł",
            "kr",
            "Rs",
            "Kč",
            "руб",
            *_CODES.split("|"),
        )
    )
)
_REACH = 40  # characters an amount may take on either side of its mark ("1,234,567.89 €")


# Characters of a text its scan for marks costs as much as a call of str.find does (60 µs on
# 30 KB against 0.3): a text is scanned for marks past as many finds of digits
_FIND_COST = 64


def _blocks_to_read(text: str) -> list[str]:
    """The blocks of a text (split at SEP) an amount may stand in, in order, found without a
    call for each block (a page's hundreds of blocks each cost one in _amounts). Every amount
    holds a digit and a mark: a product's text has few digits, found fast by str.find in C
    (skipping to the next block at each); a text with many is scanned once for marks, which
    reads each character (150 µs on 30 KB) but costs no call a block."""
    blocks = text.split(regions.SEP)
    # where each block starts, and which hold other scripts than ASCII (whose digits are
    # digits to _MONEY's \d: such blocks are read whatever they hold), computed in C: a
    # Python loop over a real page's hundreds of blocks cost as much as reading them
    starts = list(accumulate(map(add, map(len, blocks), repeat(1)), initial=0))
    others = list(compress(count(), map(not_, map(str.isascii, blocks))))
    finds = len(text) // _FIND_COST
    holding = _digit_blocks(text, starts, finds) if len(others) <= finds // 4 else None
    if holding is None:
        holding = {bisect_right(starts, mark.start()) - 1 for mark in _MARKS.finditer(text)}
    else:
        holding.update(others)
    return [blocks[index] for index in sorted(holding)]


def _digit_blocks(text: str, starts: list[int], finds: int) -> set[int] | None:
    """The indexes of the blocks (starting at `starts`) that hold an ASCII digit; None when
    that takes more than `finds` calls of str.find."""
    holding: set[int] = set()
    for digit in "0123456789":
        at = text.find(digit)
        while at != -1:
            finds -= 1
            if finds < 0:
                return None
            index = bisect_right(starts, at) - 1
            holding.add(index)
            at = text.find(digit, starts[index + 1])
    return holding


def _amounts(text: str) -> Iterator[re.Match[str]]:
    """_MONEY's matches in `text`, in order: those of `_MONEY.finditer(text)` for every
    amount shorter than _REACH characters."""
    return near_marks(_MONEY, text, _MARKS, _REACH)

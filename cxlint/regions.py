"""Page regions: what is the page's own content, what is the product's own block, and what is
the site's chrome (header, menus, mini-cart, account menu, sidebars, related products, cookie
and newsletter boxes, footer).

Read from the page's parsed tree once, in three steps, cheapest first:
1. HTML semantics: `main`/`[role=main]` is the content; `nav`, `aside`, `dialog`, the site's
   `header` and `footer` (not an article's own) and the landmark roles navigation, banner,
   contentinfo, complementary, search and dialog are chrome; a schema.org Product item
   (itemscope) is the product's block.
2. The names platforms give their blocks in class and id, split into words (`mini-cart`,
   `woocommerce-mini-cart`, `miniCart` hold the word cart; `cartier` does not): cart, basket,
   related, upsell, cross-sell, recently viewed, breadcrumb, newsletter, cookie, sidebar, a
   WordPress widget... And what a page hides (`hidden`, `display:none`, a `hidden` class).
   A block that holds the product's title, its buy button or the page's <main> is never chrome,
   whatever its name (WooCommerce's buy form is `<form class="cart">`).
3. What repeats across a site's pages: a sentence of a page's content that the site's home
   page shows too is the site's notice, not this page's news (`repeated_on`; the rules hold
   both pages, a page never reads another).
4. Headings that introduce other products ("Related products", "Customers also bought",
   "You may also like"): what follows them, up to the next heading of their level.

The product's own block is its Product item when that holds its title, buy button or price;
else the smallest block holding its title (the first <h1> outside chrome) and its buy button
(or, without one, its first price); else the main content. Prices and stock are read there.

Cost: one walk over the page's elements reading two attributes (the price reader did the
same walk before), class names understood once per distinct value and remembered; the chrome
is then cut out of the tree (it is the page's own, thrown away after).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from lxml import etree

from cxlint import stock_words
from cxlint.text import collapse, fold
from cxlint.tree import Element, text

# Private-use characters put into the tree's text while regions are read (never in a page's
# facts): SEP ends a block (paragraph, list item, cell, heading...), OLD and END_OLD wrap a
# struck-through or "was" price.
SEP = "\ue000"
OLD = "\ue001"
END_OLD = "\ue002"
PRODUCT, END_PRODUCT = "\ue003", "\ue004"  # around the product's block, inside the main one
_UNMARK = str.maketrans({OLD: None, END_OLD: None, PRODUCT: None, END_PRODUCT: None})
_MARKS = (SEP, OLD, END_OLD, PRODUCT, END_PRODUCT)


def words_of(element: Element, limit: int = 200) -> str:
    """An element's text as a visitor reads it, whitespace collapsed, at most `limit` characters."""
    words = text(element)
    for mark in _MARKS:  # str.replace in C, where translate() looks up every character
        if mark in words:
            words = words.replace(mark, " " if mark == SEP else "")
    return collapse(words)[:limit]


# Elements whose text is a block of its own: text on either side of one is never one phrase
# ("Model: TE-310" then "$129.00" in the next paragraph is not the price "310 $").
BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "body", "br", "button", "caption", "dd",
    "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "label", "legend", "li",
    "main", "nav", "ol", "option", "p", "pre", "section", "select", "summary", "table",
    "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "ul",
)  # fmt: skip
# A choice of variant in the product's block (a buy button waits for it)
_CHOOSE = etree.XPath("boolean(descendant::select | descendant::input[@type='radio'])")
_CHOOSE_WORDS = re.compile(
    r"\b(?:choose|select|pick)\s+(?:an?\s+|your\s+)?(?:option|size|colou?r|variant|model)"
    r"|selecione|selecciona|wählen\s+sie|bitte\s+wählen|choisissez|scegli|kies\s+een",
    re.I,
)
_RARE = {"style", "role", "hidden"}  # attributes read after the walk, on the few that have them
_SECTION_TAGS = {"header", "footer"}  # the site's own, unless inside an article or main
_CHROME_ROLES = {
    "navigation", "banner", "contentinfo", "complementary", "search", "dialog",
    "alertdialog", "menu", "menubar",
}  # fmt: skip
_OLD_TAGS = {"del", "s", "strike"}

# --- names in class and id ----------------------------------------------------------------

CHROME = 1  # a block of the site's chrome by its name
WIDGET = 2  # "widget" as the first word of a class (WordPress's sidebar and footer widgets)
HIDDEN = 4  # hidden by a class (Bootstrap's d-none, a plain "hidden")
PRICE = 8  # "price" in the name (as the price reader always read it)
OLD_PRICE = 16  # a was-price, compare-at price, RRP...
OTHER_PRICE = 32  # an amount that is not the product's price: instalment, unit price, saving
BUY = 64  # an add-to-cart or buy-now control
NOTIFY = 128  # a back-in-stock / notify-me form or button
OUT = 256  # the platform's class for out of stock (WooCommerce outofstock, Magento unavailable)
CART = 512  # a cart's name: chrome, except on a form (WooCommerce's buy form is class="cart")
BUTTON = 1024  # styled as a button (a link that may be the buy button)

_CHROME_WORDS = {
    # navigation, the site's header and footer
    "nav", "navbar", "navigation", "menu", "megamenu", "submenu", "topbar", "topnav",
    "breadcrumb", "breadcrumbs", "crumbs", "masthead", "siteheader", "sitefooter", "footer",
    "pagefooter", "headertop", "skiplink", "sidebar", "widgetarea", "offcanvas", "drawer",
    "modal", "popup", "overlay",
    # related, recently viewed, customers also bought
    "related", "upsell", "upsells", "crosssell", "crosssells", "recentlyviewed",
    "recommendations", "recommended", "recommendation", "alsobought", "alsoviewed",
    "alsolike", "alsobuy", "youmayalsolike", "bestsellers", "topsellers", "similarproducts",
    # account, newsletter, cookies, social, promotions bars
    "account", "myaccount", "login", "signin", "newsletter", "cookie", "cookies",
    "cookiebanner", "consent", "gdpr", "social", "share", "sharing", "socialshare", "usp",
    "usps", "announcement", "announcementbar", "promobar", "reviews",
}  # fmt: skip
_CART_WORDS = {
    "cart", "minicart", "basket", "minibasket", "shoppingcart", "shoppingbag", "minibag",
    "headercart", "cartwidget", "cartdrawer",
}  # fmt: skip
_BUY_WORDS = {
    "addtocart", "addtobasket", "addtobag", "addtotrolley", "buynow", "buybutton",
    "addtocartbutton", "productaddtocart", "btncart", "cartbutton",
}  # fmt: skip
_NOTIFY_WORDS = {
    "backinstock", "stockalert", "stocknotification", "restock", "waitlist", "stocknotify",
    "outofstocknotification", "instocknotification", "stocksubscription", "availabilityalert",
}  # fmt: skip
_OUT_WORDS = {
    "outofstock", "soldout", "outstock", "nostock", "stockout", "unavailable", "notorderable",
    "unorderable",
}  # fmt: skip
_HIDDEN_WORDS = {"hidden", "hide", "dnone", "ishidden", "invisible"}
# Tailwind's "hidden md:block", Bootstrap 3's "hidden-xs": hidden on some screens only
_SHOWN_WORDS = {
    "block", "flex", "grid", "inline", "table", "xs", "sm", "md", "lg", "xl", "mobile",
    "tablet", "desktop", "print",
}  # fmt: skip
_OLD_WORDS = {
    "old", "was", "oldprice", "wasprice", "compare", "compareat", "strike", "strikethrough",
    "crossed", "before", "original", "originalprice", "rrp", "uvp", "msrp", "listprice",
    "previous", "previousprice",
}  # fmt: skip
_OTHER_WORDS = {
    "installment", "installments", "instalment", "instalments", "monthly", "financing",
    "finance", "klarna", "afterpay", "affirm", "unitprice", "perunit", "priceperunit",
    "save", "saving", "savings", "yousave", "shipping", "permonth",
    # delivery options and their fees, often marked up like prices
    "delivery", "deliveries", "deliveryoptions", "shippingcost", "shippingcosts", "postage",
    "livraison", "versand", "versandkosten", "envio", "spedizione", "verzending", "dostawa",
    "excludingtax", "excltax", "exvat", "exclvat", "pricetax", "taxexcluded",
}  # fmt: skip

# Flags of the words only (never an element's): a word shown-on-some-screens, stock, none.
SHOWN, STOCK, NONE = 1 << 20, 1 << 21, 1 << 22
_WORDS: dict[str, int] = {}
for _flag, _words in (
    (CHROME, _CHROME_WORDS),
    (CART, _CART_WORDS),
    (BUY, _BUY_WORDS),
    (NOTIFY, _NOTIFY_WORDS),
    (OUT, _OUT_WORDS),
    (HIDDEN, _HIDDEN_WORDS),
    (SHOWN, _SHOWN_WORDS),
    (OLD_PRICE, _OLD_WORDS),
    (OTHER_PRICE, _OTHER_WORDS),
    (BUTTON, {"button", "btn"}),
    (STOCK, {"stock", "availability"}),
    (NONE, {"out", "empty", "none"}),
):
    for _word in _words:
        _WORDS[_word] = _WORDS.get(_word, 0) | _flag
_MODIFIERS = {"has", "with", "show", "no", "without", "hide", "is", "enable", "enabled", "tpl"}
_LAYOUT = {"layout", "template", "page", "enabled", "active", "open", "visible", "collapsed"}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD = re.compile(r"[a-z0-9]+")
_NAMES: dict[str, int] = {}  # attribute value → flags: a site's pages repeat their names


def names(value: str) -> int:
    """What a class or id attribute says of its element, as flags (CHROME, PRICE...).

    Split into words (camelCase too), each word and every two or three words run together
    are looked up: `woocommerce-mini-cart` holds cart and minicart, `single_add_to_cart_button`
    addtocart, `cartier` nothing."""
    flags = _NAMES.get(value)
    if flags is not None:
        return flags
    lower = value.lower()
    words = _WORD.findall(lower if lower == value else _CAMEL.sub(" ", value).lower())
    # "has-sidebar", "showSidebar", "no-cart", "sidebar-layout": a layout's modifier, named
    # after the chrome beside the content it wraps. Such a word is left out.
    words = [
        w
        for i, w in enumerate(words)
        if not (i and words[i - 1] in _MODIFIERS)
        and not (i + 1 < len(words) and words[i + 1] in _LAYOUT)
    ]
    flags = PRICE if "price" in lower else 0
    grams = [*words, *map(str.__add__, words, words[1:])]
    grams += map("".join, zip(words, words[1:], words[2:], strict=False))
    get = _WORDS.get
    for gram in grams:
        flags |= get(gram, 0)
    if flags & (BUY | NOTIFY):
        flags &= ~(CHROME | CART)
    if flags & BUY:
        flags &= ~NOTIFY
    if flags & SHOWN:  # Tailwind's "hidden md:block", Bootstrap 3's "hidden-xs"
        flags &= ~(HIDDEN | SHOWN)
    if flags & STOCK and flags & NONE:  # "stock empty", "availability out"
        flags |= OUT
    flags &= ~(STOCK | NONE)
    if words and words[0] == "widget":
        flags |= WIDGET
    if len(_NAMES) >= 100_000:  # bounded: hostile pages invent names
        _NAMES.clear()
    _NAMES[value] = flags
    return flags


# --- controls by their words --------------------------------------------------------------

_BUY_TEXT = re.compile(
    r"^\W*(?:add(?:\s+to\s+(?:cart|basket|bag|trolley))?|buy(?:\s+it)?(?:\s+now)?|order\s+now"
    r"|pre-?order(?:\s+now)?|in\s+den\s+(?:warenkorb|einkaufswagen)|(?:jetzt\s+)?kaufen"
    r"|ajouter\s+au\s+panier|acheter|añadir\s+al\s+carrito|comprar|aggiungi\s+al\s+carrello"
    r"|acquista|in\s+(?:de\s+)?winkelwagen|bestellen|lägg\s+i\s+varukorg|køb|kjøp"
    r"|do\s+koszyka|kup(?:\s+teraz)?)\b",
    re.I,
)
# A notify-me button or form is a sign of stock only when it says so: many shops offer to
# tell of a price drop too.
_NOTIFY_TEXT = re.compile(
    r"back\s+in\s+stock|\bwhen\s+(?:it\s+is\s+|it's\s+|this\s+item\s+is\s+)?(?:back|available"
    r"|in\s+stock|restocked)|e-?mail\s+me\s+when|notify\s+me\s*$|restock|wait\s*list"
    r"|wieder\s+(?:verfügbar|da|lieferbar|auf\s+lager)|de\s+nouveau\s+disponible"
    r"|disponible\s+de\s+nuevo|vuelva\s+a\s+estar|torna\s+disponibile",
    re.I,
)

# --- stock labels -----------------------------------------------------------------------------
#
# What a stock label says, and which words around it make it about a way to get the product
# (store pickup, delivery) or another seller: the language files of cxlint/stock_words.


def out_label(words: str) -> str | None:
    """The stock label `words` are, when they say the product cannot be bought: "Unavailable",
    "Availability: Sold out", "ausver\\u00adkauft" (a soft hyphen is no defence)."""
    return stock_words.label(words)


# --- what the walk finds ----------------------------------------------------------------------


@dataclass
class Regions:
    """The regions of one page's tree, after `read()` cut its chrome out."""

    main: Element  # the page's content: <main>, [role=main], else the body
    product: Element  # the product's own block (the main content when none was found)
    how: str  # how the product's block was found, for evidence
    chrome: list[tuple[Element, str]] = field(default_factory=list)  # cut out, and why
    marked: list[Element] = field(default_factory=list)  # elements named "price", in order
    old: set[Element] = field(default_factory=set)  # struck-through, "was" prices
    other: set[Element] = field(default_factory=set)  # instalments, unit prices, savings
    buy: Element | None = None  # the product's buy control
    buy_disabled: bool = False
    notify: Element | None = None  # a back-in-stock / notify-me form or button
    out: list[Element] = field(default_factory=list)  # out-of-stock classes in the product

    def blocks(self, *, ascii_spaces: bool = False) -> tuple[list[str], list[str]]:
        """The text of the main content and of the product's block, each in blocks (whitespace
        collapsed, the empty ones left out). Read once when the product's block is inside the
        main content (its ends marked in the tree): a page's text is long. `ascii_spaces`: the
        main content's text has no whitespace but ASCII's (see `collapse`)."""
        words = text(self.main)
        if OLD in words:  # str.replace runs in C; translate with a table would not
            words = words.replace(OLD, "").replace(END_OLD, "")
        # one split of the whole text, not one a block: SEP is no whitespace, it stays
        words = collapse(words, ascii_spaces=ascii_spaces)
        start, end = words.find(PRODUCT), words.find(END_PRODUCT)
        if start >= 0 and end > start:
            if words.find(PRODUCT, start + 1) < 0 and words.find(END_PRODUCT, end + 1) < 0:
                return _blocks_around(words, start, end)
            product = _blocks(words[start + 1 : end])
            return _blocks(words.replace(PRODUCT, "").replace(END_PRODUCT, "")), product
        main = _blocks(words)
        if self.product is self.main:
            return main, main
        return main, _blocks(words_of(self.product, 10**9))


def _blocks(words: str) -> list[str]:
    # map and filter in C: a real page's text has a thousand blocks, most of them empty
    return list(filter(None, map(str.strip, words.split(SEP))))


def _blocks_around(words: str, start: int, end: int) -> tuple[list[str], list[str]]:
    """The blocks of `words` without its one PRODUCT (at `start`) and END_PRODUCT (at `end`)
    mark, and those between them: each split once, the product's stripped once. The same as
    `_blocks` of the text with the marks replaced away and of the slice between them, without
    copying the whole text twice more (two `replace` calls) or splitting the product's twice."""
    head = words[:start].split(SEP)
    inner = words[start + 1 : end].split(SEP)
    tail = words[end + 1 :].split(SEP)
    product = list(map(str.strip, inner))
    if len(inner) == 1:  # a mark's removal joins the blocks on its two sides
        middle = [(head[-1] + inner[0] + tail[0]).strip()]
    else:
        middle = [(head[-1] + inner[0]).strip(), *product[1:-1], (inner[-1] + tail[0]).strip()]
    main = [*map(str.strip, head[:-1]), *middle, *map(str.strip, tail[1:])]
    return list(filter(None, main)), list(filter(None, product))


def read(body: Element, *, product: bool = True) -> Regions:
    """Find the regions of a page's body (invisible elements already dropped, page.text
    already read) and cut the chrome out of the tree. With product=False (a search results
    page), only the main content and the chrome."""
    flagged: list[tuple[Element, int]] = []
    semantic: list[tuple[Element, str]] = []
    h1s: list[Element] = []
    mains: list[Element] = []
    controls: list[Element] = []
    old_tags: list[Element] = []
    rare: list[Element] = []  # with a role, style or hidden attribute
    scopes: list[Element] = []  # with itemscope
    # The one walk: class, id and itemprop names, the hottest loop of a page's facts, kept
    # as lean as the price reader's walk it replaces (names looked up in the memo here; no
    # element's tag read: elements are found by tag in C below, in document order).
    memo = _NAMES
    for element in body.iterdescendants(etree.Element):
        pairs = element.items()  # one call: cheaper than a get() for each name
        if not pairs:
            continue
        flags = 0
        for key, value in pairs:
            if key == "class" or key == "id":
                found = memo.get(value)
                if found is None:
                    found = names(value)
                flags |= found if key == "class" else found & ~(WIDGET | HIDDEN)
            elif key == "itemprop":
                if "price" in value.lower():
                    flags |= PRICE
            elif key == "itemscope":
                scopes.append(element)
            elif key in _RARE and (not rare or rare[-1] is not element):
                rare.append(element)
        if flags:
            flagged.append((element, flags))
    for element in body.iterdescendants(*_TAGS):
        tag = element.tag
        kind = _TAGS[tag]
        if kind == "chrome":
            semantic.append((element, tag))
        elif kind == "h1":
            h1s.append(element)
        elif kind == "main":
            mains.append(element)
        elif kind == "control":
            controls.append(element)
        else:
            old_tags.append(element)
    for element in rare:
        role = (element.get("role") or "").lower()
        if role in _CHROME_ROLES:
            semantic.append((element, f"role={role}"))
        elif role == "main":
            mains.append(element)
        if element.get("hidden") is not None or _STYLE_HIDDEN.search(element.get("style") or ""):
            flagged.append((element, HIDDEN))
    scopes = [
        e
        for e in scopes
        if e.get("itemprop") is None and _PRODUCT_TYPE.search(e.get("itemtype") or "")
    ]
    return _resolve(body, flagged, semantic, h1s, mains, controls, old_tags, scopes, product)


_TAGS = {
    "nav": "chrome",
    "aside": "chrome",
    "dialog": "chrome",
    "header": "chrome",
    "footer": "chrome",
    "h1": "h1",
    "main": "main",
    "button": "control",
    "input": "control",
    "del": "old",
    "s": "old",
    "strike": "old",
}
_PRODUCT_TYPE = re.compile(r"schema\.org/(?:Product|IndividualProduct|ProductModel)\b", re.I)
_STYLE_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _in_article(element: Element, body: Element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is body:
            return False
        if ancestor.tag in ("article", "main") or ancestor.get("role") == "main":
            return True
    return False


def _control_flags(element: Element) -> int:
    """BUY or NOTIFY for a button or input by its words, its name or its value."""
    if element.tag == "input":
        if (element.get("type") or "").lower() not in ("submit", "button", "image"):
            return 0
        words = element.get("value") or element.get("alt") or ""
    else:
        words = " ".join(text(element).split())[:80]
    name = (element.get("name") or "").lower()
    if _NOTIFY_TEXT.search(words):
        return NOTIFY
    if _BUY_TEXT.search(words) or name in ("add", "add-to-cart", "addtocart", "buy"):
        return BUY
    return 0


def _cart_links(root: Element) -> Iterator[Element]:
    """The links that may be the buy button, to be read: going to a cart, or styled as a
    button. A Python loop over the links: an XPath testing their attributes took longer."""
    for link in root.iter("a"):
        href = link.get("href")
        if (href and _to_cart(href)) or names(link.get("class") or "") & BUTTON:
            yield link


_CART_HREF = re.compile(r"cart|basket", re.I)


def _to_cart(href: str) -> bool:
    """Whether `href` holds "cart" or "basket" in any case, as _CART_HREF finds it. An ASCII
    one is lowered and searched by str.find (a real page has a thousand links), any other by
    the pattern: its case-insensitive match knows letters that lower() does not make ASCII."""
    if href.isascii():
        lower = href.lower()
        return "cart" in lower or "basket" in lower
    return _CART_HREF.search(href) is not None


def _disabled(element: Element) -> bool:
    """Disabled by its attribute: a class "disabled" alone is also how WooCommerce greys out
    the button of a product whose variant is still to be chosen, which is no sign of stock."""
    return element.get("disabled") is not None or element.get("aria-disabled") == "true"


def _ancestors(element: Element) -> set[Element]:
    found = {element}
    found.update(element.iterancestors())
    return found


def _resolve(
    body: Element,
    flagged: list[tuple[Element, int]],
    semantic: list[tuple[Element, str]],
    h1s: list[Element],
    mains: list[Element],
    controls: list[Element],
    old_tags: list[Element],
    scopes: list[Element],
    product: bool,
) -> Regions:
    # chrome candidates: named, semantic, hidden
    candidates: dict[Element, str] = {}
    marked: list[Element] = []
    old: set[Element] = set(old_tags)
    other: set[Element] = set()
    buys: list[Element] = []
    notifies: list[Element] = []
    outs: list[Element] = []
    for element, flags in flagged:
        if flags & HIDDEN:
            candidates.setdefault(element, "hidden")
        elif flags & (CHROME | WIDGET) or (flags & CART and element.tag != "form"):
            candidates.setdefault(element, "name")
        if flags & PRICE:
            marked.append(element)
        if flags & OLD_PRICE:
            old.add(element)
        if flags & OTHER_PRICE:
            other.add(element)
        if flags & BUY:
            buys.append(element)
        if flags & NOTIFY:
            notifies.append(element)
        if flags & OUT:
            outs.append(element)
    for element, tag in semantic:
        if tag in _SECTION_TAGS and _in_article(element, body):
            continue  # an article's own header or footer
        candidates.setdefault(element, tag if tag.startswith("role=") else f"<{tag}>")
    if product:
        for control in controls:
            kind = _control_flags(control)
            if kind == BUY:
                buys.append(control)
            elif kind == NOTIFY:
                notifies.append(control)

    # The anchors of the page's content, each chosen outside the chrome found so far and then
    # protecting its ancestors: a block holding <main>, the title or the buy button is a
    # layout wrapper, whatever its name says. The title is looked for outside the semantic
    # chrome only (a site's logo is often the <h1> of its <header>).
    semantic_chrome = {e for e, _ in semantic if e in candidates}
    protected: set[Element] = set()

    def outside(element: Element, chrome: Collection[Element]) -> bool:
        return element not in chrome and not any(
            a in chrome and a not in protected for a in element.iterancestors()
        )

    main = next((m for m in mains if outside(m, semantic_chrome)), None)
    if main is not None:
        protected |= _ancestors(main)
    h1 = next((h for h in h1s if outside(h, semantic_chrome)), None)
    if h1 is not None:
        protected |= _ancestors(h1)
    scope = next((s for s in scopes if outside(s, candidates)), None)
    if scope is not None:
        protected |= _ancestors(scope)
    buy = None
    if product:
        # the first after the title, else the first: a control (a button, an input, a link)
        # before a block named after one
        def rank(b: Element) -> tuple[bool, bool]:
            return (b.tag not in ("button", "input", "a"), h1 is not None and _before(b, h1))

        buy = next((b for b in sorted(buys, key=rank) if outside(b, candidates)), None)
        if buy is None:  # a link as the buy button (DokuWiki's, a WordPress button block's)
            links = (
                a for a in _cart_links(body if main is None else main) if outside(a, candidates)
            )
            buy = next((a for a in links if _control_flags(a) == BUY), None)
        if buy is not None:
            protected |= _ancestors(buy)
    chrome = [(e, why) for e, why in candidates.items() if e not in protected]
    main_root = main if main is not None else body
    chrome += [(e, "related") for e in _related_sections(main_root, protected)]
    # the text after each is the page's again. Last listed first, inner blocks mostly before
    # the outer ones holding them: an outer block cleared first moves each inner one (which the
    # lists here hold) out of the tree with all it holds, walked again to clear it.
    for element, _ in reversed(chrome):
        element.clear(keep_tail=True)

    regions = Regions(main_root, main_root, "the page's main content", chrome=chrome)
    if not product:
        _mark_blocks(main_root)
        return regions
    regions.buy = buy
    regions.buy_disabled = buy is not None and _disabled(buy)
    asked = [*marked, *old, *other, *notifies, *outs, *(e for e in (scope, h1) if e is not None)]
    alive = _alive(body, asked, {e for e, _ in chrome})
    regions.marked = [m for m in marked if m in alive]
    regions.old = {e for e in old if e in alive}
    regions.other = {e for e in other if e in alive}
    regions.notify = next((n for n in notifies if n in alive), None)
    root, how = _product_root(body, main_root, h1, scope, buy, regions.marked, alive)
    regions.product, regions.how = root, how
    inside = _ancestors_of(root)
    regions.out = [e for e in outs if e in alive and (e in inside or _within(e, root))]
    if regions.buy_disabled and (
        _CHOOSE(main_root) or _CHOOSE_WORDS.search(words_of(main_root, 50_000))
    ):
        regions.buy_disabled = False  # greyed out until a size or colour is chosen
    for element in regions.old:
        element.text = OLD + (element.text or "")
        element.tail = END_OLD + (element.tail or "")
    if root is not main_root and _within(root, main_root):
        root.text = PRODUCT + (root.text or "")
        root.tail = END_PRODUCT + (root.tail or "")
    _mark_blocks(body if not _within(root, main_root) else main_root)
    return regions


_SECTION_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
# The heading of other products' block ("Related products", "Customers also bought"): its
# class names may say nothing, its words say it all. In the languages the stock labels know.
_RELATED_HEADING = re.compile(
    r"(?:related|similar|recommended|more)\s+(?:products|items|ads|listings|from)"
    r"|related\s*$|recently\s+viewed|you\s+(?:may|might)\s+also\s+(?:like|love)"
    r"|(?:customers|people|others|shoppers)\s+(?:also|who)|frequently\s+bought"
    r"|bought\s+together|complete\s+the\s+look|ähnliche\s+(?:produkte|artikel)"
    r"|das\s+könnte|kunden\s+(?:kauften|haben)|produits\s+similaires|vous\s+aimerez"
    r"|productos\s+(?:relacionados|similares)|prodotti\s+(?:correlati|simili)"
    r"|gerelateerde|vergelijkbare|podobni\s+izdelki|похожие\s+товары",
    re.I,
)


def _related_sections(main: Element, protected: set[Element]) -> list[Element]:
    """What a heading such as "Related products" introduces, up to the next heading of its
    level (or, for a heading alone in its box, its box's next siblings): other products."""
    found: list[Element] = []
    for heading in main.iter(*_SECTION_HEADINGS):
        words = " ".join(text(heading).split())
        if not words or len(words) > 60 or not _RELATED_HEADING.search(words):
            continue
        level, node = int(heading.tag[1]), heading
        for _ in range(3):  # the heading, else its box, else the box's box
            section = []
            for sibling in node.itersiblings():
                if not isinstance(sibling.tag, str):
                    continue
                if sibling.tag in _SECTION_HEADINGS and int(sibling.tag[1]) <= level:
                    break
                section.append(sibling)
            if section:
                found += [heading, *(e for e in section if e not in protected)]
                break
            node = node.getparent()
            if node is None or node is main or node in protected:
                break
    return found


def _alive(body: Element, asked: list[Element], cut: set[Element]) -> set[Element]:
    """Those of the `asked` elements still in the tree after the chrome (`cut`) was cut out: a
    cut element stays, emptied, and what it held is no longer under the body. Each of a few
    asks its ancestors: a set of a real page's thousands of elements costs more."""
    if len(asked) > 64:
        return set(body.iter(etree.Element)) - cut
    return {e for e in asked if e not in cut and _within(e, body)}


def _ancestors_of(root: Element) -> set[Element]:
    return set(root.iterancestors())


def _within(element: Element, root: Element) -> bool:
    return element is root or any(a is root for a in element.iterancestors())


def _product_root(
    body: Element,
    main: Element,
    h1: Element | None,
    scope: Element | None,
    buy: Element | None,
    marked: list[Element],
    alive: set[Element],
) -> tuple[Element, str]:
    if scope is not None and scope in alive:
        holds = [a for a in (h1, buy) if a is not None and _within(a, scope)]
        if holds or any(_within(m, scope) for m in marked[:20]):
            return scope, "its schema.org Product item"
    if h1 is not None and h1 in alive:
        other = buy
        how = "the block holding its title and buy button"
        if other is None:
            other = next((m for m in marked[:50] if not _before(m, h1)), None)
            how = "the block holding its title and price"
        if other is not None:
            common = _common(h1, other)
            if common is not None and common is not body and common.tag != "html":
                return common, how
    return main, "the page's main content"


def _before(a: Element, b: Element) -> bool:
    """Whether element `a` comes before `b` in the document (neither holding the other)."""
    if a is b:
        return False
    mine = [a, *a.iterancestors()]
    theirs = {b, *b.iterancestors()}
    for depth, node in enumerate(mine):
        if node in theirs:  # their lowest common ancestor: which child leads to each?
            if depth == 0 or node is b:
                return False
            child_a = mine[depth - 1]
            child_b = next(x for x in [b, *b.iterancestors()] if x.getparent() is node)
            return node.index(child_a) < node.index(child_b)
    return False


def _common(a: Element, b: Element) -> Element | None:
    mine = _ancestors(a)
    if b in mine:
        return b
    return next((x for x in b.iterancestors() if x in mine), None)


def _mark_blocks(root: Element) -> None:
    """Put SEP where each block element opens and closes, so that its text splits in blocks."""
    for element in root.iter(*BLOCK_TAGS):
        element.text = SEP + (element.text or "")
        element.tail = SEP + (element.tail or "")


def _describe(element: Element) -> str:
    """`div.widget.widget_shopping_cart` or `div#related`: how evidence names an element."""
    cls = ".".join((element.get("class") or "").split())[:80]
    ident = element.get("id")
    return element.tag + (f"#{ident}" if ident else "") + (f".{cls}" if cls else "")


# --- the site's chrome across pages -----------------------------------------------------------
#
# What repeats on a site's pages is its chrome, whatever its markup: a notice every page shows
# in its content ("Due to high demand some items are out of stock") is not news about this
# product. The run fetches the site's home page anyway; rules that read words from a page's
# content ask whether the sentence they matched stands on the home page's content too.
# Sentences, not blocks or amounts: a product's price or "Sold out" badge also stands in its
# teaser on the home page, and is this page's all the same.

_SENTENCE_END = re.compile(r"[.!?…]\s|[.!?…]$")


def sentence_at(text: str, start: int, end: int) -> str:
    """The words around text[start:end]: three words before it (not past a sentence's end)
    and the rest of its sentence. Not the whole sentence: a page's text joins its blocks, and
    a notice's sentence would run on into the heading before it."""
    head = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    words = text[head:start].split()[-3:]
    after = _SENTENCE_END.search(text, end)
    tail = text[end : after.start() + 1 if after else min(len(text), end + 40)]
    return " ".join([*words, text[start:end] + tail.rstrip()])


def repeated_on(sentence: str, *others: str) -> bool:
    """Whether a sentence (of four words at least: "Sold out." may well be this page's and a
    teaser's) also stands in one of the other pages' content, compared as folded text."""
    if len(sentence.split()) < 4:
        return False
    folded = fold(sentence)
    return any(folded in fold(other) for other in others if other)


# --- stock, as the product's block shows it ---------------------------------------------------


def stock_signals(found: Regions, blocks: list[str]) -> list[tuple[str, str]]:
    """What the product's block says of its stock, besides its product data, as (signal,
    evidence) pairs: ("label", "Unavailable") a block or stock element that is only a stock
    label; ("class", "p.stock.out-of-stock") the platform's out-of-stock class; ("notify",
    "form.back-in-stock") a back-in-stock form; and the buy button: ("buy", its words),
    ("buy-disabled", its words) or ("no-buy", "")."""
    signals: list[tuple[str, str]] = []
    labels: list[str] = []
    for index, words in enumerate(blocks):
        # "Store pickup: Not available" speaks of one way to get it, not of the product; a
        # detail table's field answered no ("Discontinued" then "No") is no label either
        if (
            out_label(words) is not None
            and not stock_words.about_fulfilment(" ".join(blocks[max(0, index - 1) : index]))
            and not stock_words.answers_no(" ".join(blocks[index + 1 : index + 2]))
        ):
            labels.append(words)
    for element in found.out[:10]:
        words = words_of(element)
        # the words around it, two levels up: "<p>Store pickup</p><b><span>Not available"
        around = next(element.iterancestors(), None)
        around = next(around.iterancestors(), around) if around is not None else None
        context = words_of(around, 200) if around is not None else ""
        if out_label(words) and words not in labels and not stock_words.about_fulfilment(context):
            labels.append(words)
    signals += [("label", words) for words in labels[:3]]
    signals += [("class", _describe(e)) for e in found.out[:3]]
    if found.notify is not None:
        words = words_of(found.notify, 60) or found.notify.get("value") or ""
        signals.append(("notify", f"{_describe(found.notify)} {words!r}".strip()))
    if found.buy is None:
        signals.append(("no-buy", ""))
    else:
        words = words_of(found.buy, 60) or found.buy.get("value") or ""
        signals.append(("buy-disabled" if found.buy_disabled else "buy", words))
    return signals

"""Page facts: everything rules read from a fetched page, parsed exactly once.

Rules never parse HTML themselves; they read these facts. The parse is tolerant of any
bytes a hostile or broken site can send: a page that cannot be understood yields empty facts,
never an exception. Work is bounded too: past MAX_PIECES tags the rest of a page is not read,
and nesting is flattened past a depth (5 MB of nested <div>s or NUL bytes would otherwise cost
minutes and gigabytes).

Pages are parsed by lxml's HTML parser straight into its own tree, in C: a 50 KB page takes
well under a millisecond, where Beautiful Soup's tree took several. libxml2 gives up on a
page past its own limits, and drops the rest. A page nested deeper than 256 (= MAX_DEPTH) is
read again rewritten as browsers build it, its elements past FLAT_DEPTH attached at that
level (cxlint.nesting): the text after 100,000 nested <div>s is read. A page it still cannot
read (a text node over 10 MB, say) is parsed again through a bounded event handler that
flattens deep nesting and stops after MAX_PIECES tags and pieces of text (lxml reports each
NUL byte or entity as a piece), keeping what a visitor would read. Bytes are decoded as
Beautiful Soup decided before (its EncodingDetector): the HTTP charset, a byte-order mark, a
<meta> charset, detection, UTF-8.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from cxlint import microdata, regions, urls
from cxlint.model import Hop, Response
from cxlint.nesting import flatten
from cxlint.prices import Offer, VisiblePrice, offers, region_prices
from cxlint.results_region import results_region
from cxlint.text import collapse
from cxlint.tree import INVISIBLE, Element, drop, drop_non_text, text

MAX_PIECES = 100_000  # tags and text pieces read per page; real pages have a few thousand
MAX_DEPTH = 256  # element nesting kept; deeper content is kept, its tags are not
# Levels kept when a page deeper than libxml2's limit (MAX_DEPTH) is read again flattened:
# some below that limit, which counts elements the scan of the tags does not see (the <html>,
# <body> or <p> libxml2 adds) or closes sooner than libxml2 does.
FLAT_DEPTH = 200

# characters an lxml tree cannot hold (the event parser passes them on as read)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(slots=True)
class Link:
    url: str  # absolute
    text: str
    rel: str = ""
    item: str = ""  # text of the list item, article or row holding the link (a result's text)


@dataclass
class Form:
    action: str  # absolute
    method: str
    inputs: list[tuple[str, str]]  # (name, type) of text-like inputs
    role: str = ""  # "search" when the form or its container says so
    hidden: list[tuple[str, str]] = field(default_factory=list)  # (name, value) sent along


@dataclass
class Page:
    url: str
    final_url: str
    status: int | None
    chain: list[Hop]
    headers: dict[str, str]
    is_html: bool = False
    title: str = ""
    h1: list[str] = field(default_factory=list)
    text: str = ""  # visible text, whitespace collapsed
    links: list[Link] = field(default_factory=list)  # none read with parse_page(links=False)
    forms: list[Form] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # name/property → content, lower-cased keys
    meta_robots: str = ""
    x_robots_tag: str = ""
    canonical: str | None = None
    opensearch: list[str] = field(default_factory=list)  # OpenSearch description URLs
    # schema.org SearchAction in microdata: (target URL template, its query-input name)
    search_actions: list[tuple[str, str]] = field(default_factory=list)
    jsonld: list[dict[str, Any]] = field(default_factory=list)  # every typed JSON-LD object
    microdata: list[dict[str, Any]] = field(default_factory=list)  # top-level microdata items
    # The product's prices as a visitor reads them in its own block (cxlint.prices): never a
    # cart's total, a shipping threshold, an instalment or a related product's price; a
    # struck-through "was" price is kept with old=True.
    prices: list[VisiblePrice] = field(default_factory=list)
    # The visible text of the page's own content without the site's chrome (header, menus,
    # mini-cart, account menu, sidebars, related products, cookie and newsletter boxes,
    # footer): cxlint.regions on a page, cxlint.results_region on a search results page.
    main_text: str = ""
    # How the product's own block was found ("its schema.org Product item", "the block holding
    # its title and buy button", "the page's main content"): evidence for price and stock.
    product_region: str = ""
    # The visible text of that block alone (the main content's when no block was found):
    # where a product's own stock words and price are read.
    product_text: str = ""
    # The page's language and region as it declares them: <html lang>, else og:locale
    # ("de-DE", "en_GB", "es"); hreflang alternates' tags ("en-gb", "x-default"): where
    # cxlint.currency reads a market from.
    lang: str = ""
    hreflangs: list[str] = field(default_factory=list)
    # What the product's block shows of its stock besides product data (regions.stock_signals):
    # ("label", "Sold out"), ("class", "p.stock.out-of-stock"), ("notify", …), and its buy
    # button: ("buy", words), ("buy-disabled", words) or ("no-buy", "").
    stock: list[tuple[str, str]] = field(default_factory=list)
    elapsed: float = 0.0
    size: int = 0
    partial: str = ""  # why only part of the page was read, when it was

    @property
    def products(self) -> list[dict[str, Any]]:
        """schema.org Product objects from JSON-LD, then from microdata (`"@source"` says)."""
        return list(self._products)  # a list of its own: a caller's changes stay its own

    @property
    def offers(self) -> list[Offer]:
        """The schema.org Offers of the page's products, with prices read as Decimals."""
        return list(self._offers)

    # Several rules read a product page's products and offers: found once per page, as its
    # facts do not change once parsed. Kept in the instance's __dict__, not in fields: the
    # cache (page_facts) and redact.scrub read fields only, and dataclasses.replace (a
    # scrubbed page) makes a page that finds them anew.
    @cached_property
    def _products(self) -> list[dict[str, Any]]:
        found = [o for o in self.jsonld if _has_type(o, "Product")]
        return found + [o for o in _typed(self.microdata) if _has_type(o, "Product")]

    @cached_property
    def _offers(self) -> list[Offer]:
        return offers(self._products)

    @property
    def text_lower(self) -> str:
        return self.text.lower()

    def all_text(self) -> str:
        """Title, headings and body text: what a visitor can read on the page."""
        return " ".join([self.title, *self.h1, self.text])


def parse_page(response: Response, *, links: bool = True) -> Page:
    """Build the page facts of a response (HTML or not). Links carry no item text.

    With links=False the page's links are not read and `Page.links` stays empty: a product
    page's hundreds of links were a fifth of its parse, and only landing pages' rules, the
    site search and creatives' targets read links (the engine decides: Engine._parse_page)."""
    return _page_of(response, False, None, links)


def parse_results_page(
    response: Response, wanted: Callable[[str], bool] | None = None, *, whole_text: bool = True
) -> Page:
    """A search results page, read lightly: title, headings, text and links, and no
    structured data, meta, forms or prices. With whole_text=False the page's text outside its
    results region is not read (`Page.text` stays empty): a search that stays on its results
    page reads that region only (60 µs a page).

    With `wanted`, only the links whose URL it accepts are read, each with the text of the
    result around it (`Link.item`): a results page repeats the site's menus, whose hundreds of
    links are never results (reading them all was half of all parsing). Without, every link,
    without item text: the empty-results page, whose links are the ones to refuse."""
    return _page_of(response, True, wanted, whole_text=whole_text)


def _page_of(
    response: Response,
    results: bool,
    wanted: Callable[[str], bool] | None,
    links: bool = True,
    whole_text: bool = True,
) -> Page:
    page = Page(
        url=response.url,
        final_url=response.final_url,
        status=response.status,
        chain=response.chain,
        headers=response.headers,
        x_robots_tag=response.headers.get("x-robots-tag", "").lower(),
        canonical=_canonical_header(response),  # else the HTML's <link rel="canonical">
        elapsed=response.elapsed,
        size=len(response.body),
    )
    content_type = response.headers.get("content-type", "").lower()
    page.is_html = "html" in content_type or (
        not content_type and b"<html" in response.body[:2048].lower()
    )
    if response.truncated:
        page.partial = f"only the first {len(response.body):,} bytes of the page were read"
    if not page.is_html or not response.body:
        return page
    try:
        charset = _charset(content_type)
        _fill_from_html(page, response.body, charset, results, wanted, links, whole_text)
    except Exception:  # noqa: BLE001 - a page we cannot parse has no facts, it does not stop the run
        page.is_html = False
    return page


def _first_tags(body: bytes) -> bytes:
    """`body` cut before its (MAX_PIECES + 1)th '<': a page of a million tags is cut before
    lxml gets there (and the bounded parse's callbacks cannot stop lxml reading on)."""
    # A page shorter than MAX_PIECES bytes cannot hold more '<': no count (20 µs on 45 KB)
    if len(body) <= MAX_PIECES or body.count(b"<") <= MAX_PIECES:
        return body
    at = -1
    for _ in range(MAX_PIECES + 1):
        at = body.find(b"<", at + 1)
    return body[:at]


class _Enough(Exception):
    """Raised inside the parser's callbacks to stop reading a page past MAX_PIECES."""


_END_TAGS = re.compile(rb"</(?:body|html)\s*>", re.I)


def _past_the_end(body: bytes) -> bytes:
    """`body` without its </body> and </html> when a page goes on after them: browsers show
    what follows in the body, libxml2 put it beside the body (unread) or, after </html>,
    dropped it (a stock label, a JSON-LD block). Only the page's tail is searched, in C."""
    ends = [at for at in (body.rfind(b"</body"), body.rfind(b"</BODY")) if at >= 0]
    ends = ends or [at for at in (body.rfind(b"</html"), body.rfind(b"</HTML")) if at >= 0]
    if not ends:
        return body
    tail = _END_TAGS.sub(b"", body[min(ends) :])
    return body if not tail.strip() else body[: min(ends)] + tail


def _parse(body: bytes, charset: str | None) -> tuple[Element | None, bool]:
    """The root element of an HTML page (None when it has none), and whether only part of it
    was read (past MAX_PIECES). Raises LookupError when no encoding fits."""
    body = _past_the_end(body)
    read = _first_tags(body)
    unmarked, encodings = _encodings(read, charset)
    mark = len(read) - len(unmarked)  # a byte-order mark, not given to the parser
    for encoding in encodings:
        try:
            parser = etree.HTMLParser(encoding=encoding, recover=True, no_network=True)
        except LookupError:  # a name lxml does not know: try the next candidate
            continue
        markup, partial = unmarked, len(read) < len(body)
        for flattened in (None, "closely", "strictly"):
            if flattened:
                # libxml2 stopped at its nesting limit and dropped the rest of the page: read
                # it again with its deep part flattened, as a browser would show it.
                flat = flatten(body, FLAT_DEPTH, strict=flattened == "strictly")
                read = _first_tags(flat)
                markup, partial = read[mark:], len(read) < len(flat)
            try:
                root = etree.fromstring(markup, parser)
            except etree.LxmlError:  # nothing to parse ("Document is empty")
                root = None
            if root is not None and not isinstance(root.tag, str):  # only a comment, say
                return None, False
            fatal = [e.message for e in parser.error_log if e.level == etree.ErrorLevels.FATAL]
            if root is not None and not fatal:
                return root, partial
            if not any("Excessive depth" in message for message in fatal):
                break
        root, stopped = _parse_bounded(markup, encoding)
        return root, stopped or partial
    raise LookupError("no usable character encoding")


_BYTE_ORDER_MARKS = (b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe", b"\x00\x00\xfe\xff")


def _encodings(read: bytes, charset: str | None) -> tuple[bytes, Iterator[str]]:
    """The page's bytes without a byte-order mark, and the encodings to try in turn, as
    Beautiful Soup's EncodingDetector orders them: the HTTP charset, the mark's, the <meta>
    charset, detection, UTF-8. With a charset and no mark (nearly every page) the detector, and
    Beautiful Soup with it (0.1 s to import), is asked only if lxml does not know that name."""
    if charset and not read.startswith(_BYTE_ORDER_MARKS):
        return read, _detected_after(read, charset)
    detector = _detector(read, charset)
    return detector.markup, detector.encodings


def _detected_after(read: bytes, charset: str) -> Iterator[str]:
    yield charset
    rest = _detector(read, charset).encodings
    yield from (e for e in rest if e.lower() != charset.lower())


def _detector(read: bytes, charset: str | None) -> Any:
    from bs4.dammit import EncodingDetector

    return EncodingDetector(read, known_definite_encodings=[charset], is_html=True)


def _parse_bounded(body: bytes, encoding: str) -> tuple[Element | None, bool]:
    target = _BoundedTarget()
    parser = etree.HTMLParser(encoding=encoding, recover=True, no_network=True, target=target)
    try:
        parser.feed(body)
        parser.close()
    except _Enough:
        target.stopped = True
    except etree.LxmlError:
        pass  # keep the tree read so far
    return target.finish(), target.stopped


class _BoundedTarget:
    """Builds an lxml tree from the parser's events with bounded work. Tags nested deeper than
    MAX_DEPTH are dropped (their text goes to the deepest kept element), and after MAX_PIECES
    tags and text pieces the parse stops, keeping the tree read so far. Cost grows with these
    pieces, not with bytes: lxml reports each NUL byte, entity or stray '<' as a piece.
    Whatever no tree can hold (text outside the root, a tag name like "a<b") is dropped."""

    def __init__(self) -> None:
        self.root: Element | None = None
        self.open: list[Element | None] = []  # per open tag: its element, None when dropped
        self.kept: list[Element] = []  # the open elements of the tree
        self.last: Element | None = None  # the last child closed in kept[-1]: text is its tail
        self.text: list[str] = []  # text read since the last tag
        self.pieces = 0
        self.stopped = False

    def _count(self) -> None:
        self.pieces += 1
        if self.pieces > MAX_PIECES:
            raise _Enough

    def _flush(self) -> None:
        if not self.text:
            return
        text = _NOT_XML.sub("\ufffd", "".join(self.text))
        self.text = []
        if self.last is not None:
            self.last.tail = (self.last.tail or "") + text
        elif self.kept:
            self.kept[-1].text = (self.kept[-1].text or "") + text

    def _add(self, element: Element) -> None:
        self._flush()
        self.kept[-1].append(element)
        self.last = element

    def start(self, tag: str, attrib: dict[str, str], nsmap: Any = None) -> None:
        self._count()
        element = None
        if len(self.open) < MAX_DEPTH and (self.kept or self.root is None):
            try:
                element = etree.Element(
                    tag, {k: _NOT_XML.sub("\ufffd", v) for k, v in attrib.items()}
                )
            except ValueError:  # a name no tree can hold: drop the tag, keep its text
                element = None
        if element is not None:
            if self.kept:
                self._add(element)
            else:
                self.root = element
            self.kept.append(element)
            self.last = None
        self.open.append(element)

    def end(self, tag: str) -> None:
        if self.open and (element := self.open.pop()) is not None:
            self._flush()
            self.kept.pop()
            self.last = element

    def data(self, data: str) -> None:
        self._count()
        if self.kept:
            self.text.append(data)

    def comment(self, text: str) -> None:
        if self.kept:  # kept: it separates the strings around it, as in the fast parse
            self._add(etree.Comment(_NOT_XML.sub("\ufffd", text).replace("-", "\u2010")))

    def close(self) -> None:
        return None

    def finish(self) -> Element | None:
        """The root of the tree built so far."""
        self._flush()
        return self.root


def _canonical_header(response: Response) -> str | None:
    """The canonical URL of an HTTP `Link: <url>; rel="canonical"` header (PDFs, some CDNs)."""
    for match in re.finditer(r"<([^>]*)>\s*;([^,]*)", response.headers.get("link", "")):
        rel = re.search(r"rel\s*=\s*\"?([^\";]*)", match.group(2), re.I)
        if rel and "canonical" in rel.group(1).lower().split():
            return urljoin(response.final_url, match.group(1).strip())
    return None


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type)
    return match.group(1) if match else None


_clean = collapse  # the same whitespace as \s+, faster than a regex


def _fill_from_html(
    page: Page,
    body: bytes,
    charset: str | None,
    results: bool,
    wanted: Callable[[str], bool] | None,
    links: bool = True,
    whole_text: bool = True,
) -> None:
    """Fill the facts of an HTML page; a results page's as parse_results_page says."""
    root, partial = _parse(body, charset)
    if partial:
        cut = f"only the first {MAX_PIECES:,} tags and pieces of text were read"
        page.partial = f"{page.partial}; {cut}" if page.partial else cut
    if root is None:
        return
    base = page.final_url
    base_tag = root.find(".//base[@href]")
    if base_tag is not None:
        base = urljoin(base, base_tag.get("href"))

    if not results:
        for script in root.iterfind(".//script[@type]"):  # read before their strings go
            if re.search(r"ld\+json", script.get("type"), re.I):
                page.jsonld.extend(_jsonld_objects(script.text or ""))
    drop_non_text(root)

    title = root.find(".//title")
    if title is not None:
        page.title = _clean(text(title))
    page.h1 = [t for t in (_clean(text(h)) for h in root.iterfind(".//h1")) if t]
    # A results page's links and words are read in its results region only (no chrome, no
    # suggestions): cxlint.results_region, for the site search.
    region = results_region(root) if results else root
    if links:
        page.links = _links(region, base, wanted)
    if not results:
        _fill_head(page, root, base)
        page.forms = [_form(f, base) for f in root.iterfind(".//form")]
        page.search_actions = _microdata_search_actions(root, base)
        page.microdata = microdata.items(root)

    drop(root, INVISIBLE)
    body = root.find(".//body")
    body = root if body is None else body
    words = text(body) if whole_text else ""
    page.text = _clean(words)
    if results:
        page.main_text = _clean(text(region))
    if not results:  # last: reading the regions cuts the chrome out of the tree
        found = regions.read(body)
        # the main content's whitespace is some of the body's: ASCII's, when the body is ASCII
        main_blocks, product_blocks = found.blocks(ascii_spaces=whole_text and words.isascii())
        page.main_text = " ".join(main_blocks)
        page.prices = region_prices(found)
        page.product_region = found.how
        page.product_text = " ".join(product_blocks)
        page.stock = regions.stock_signals(found, product_blocks)


def _fill_head(page: Page, root: Element, base: str) -> None:
    """Meta tags, the canonical URL and OpenSearch descriptions."""
    for meta in root.iterfind(".//meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        if key and meta.get("content") is not None:
            page.meta.setdefault(key, meta.get("content").strip())
    page.meta_robots = ", ".join(
        page.meta[k] for k in ("robots", "googlebot") if k in page.meta
    ).lower()

    html = root if root.tag == "html" else root.find(".//html")
    lang = (html.get("lang") or html.get("xml:lang") or "") if html is not None else ""
    page.lang = (lang or page.meta.get("og:locale", "")).strip()[:35]
    for index, link in enumerate(root.iterfind(".//link[@href]")):
        rel = (link.get("rel") or "").lower().split()
        href = link.get("href").strip()
        # A shop's page has dozens of stylesheets, icons and preloads, whose URLs are not read
        # (a join each was most of this function): only the links read are joined, and those
        # that may not parse (and the first, which parses `base`): a ValueError stays the page's.
        if index == 0 or _may_not_parse(href):
            urljoin(base, href)
        if "canonical" in rel and page.canonical is None:
            page.canonical = urljoin(base, href)
        elif "alternate" in rel and link.get("hreflang") and len(page.hreflangs) < 50:
            page.hreflangs.append(link.get("hreflang").strip()[:35])
        elif "search" in rel and "opensearch" in (link.get("type") or "").lower():
            page.opensearch.append(urljoin(base, href))


def _may_not_parse(href: str) -> bool:
    """Whether urljoin may raise ValueError on `href` (urlsplit: a bracketed or unbalanced
    IPv6 host, a host of characters NFKC makes into separators)."""
    return "[" in href or "]" in href or not href.isascii()


def _links(root: Element, base: str, wanted: Callable[[str], bool] | None) -> list[Link]:
    """The page's links; with `wanted`, only those it accepts, with their item's text."""
    # The hottest loop of parsing (a shop's page has hundreds of links): kept lean.
    resolve = _resolver(base)
    found = []
    items: dict[Element, str] = {}  # an item's text, read once for all its links
    for a in root.iter("a"):
        href = a.get("href")
        if href is None:
            continue
        url = resolve(href)
        if not url or (wanted is not None and not wanted(url)):
            continue
        link_text = " ".join((a.text or "" if len(a) == 0 else text(a)).split())
        rel = a.get("rel")
        found.append(
            Link(
                url,
                link_text,
                " ".join(rel.split()) if rel else "",
                _item_text(a, link_text, items) if wanted is not None else "",
            )
        )
    return found


def _resolver(base: str) -> Callable[[str], str]:
    """A link's href (as written) resolved against `base`; "" for one that goes nowhere
    (#top, javascript:, data:). The hrefs that resolve the same on every page of a site (from
    its root, or absolute) are remembered per site: a shop's menus repeat on all its pages."""
    parts = urlsplit(base)
    site = (parts.scheme, parts.netloc)  # all such a link's resolution depends on
    memo = _SITE_LINKS.get(site)
    if memo is None or len(memo) >= 4096:
        if len(_SITE_LINKS) >= 64:
            _SITE_LINKS.clear()
        memo = _SITE_LINKS[site] = {}

    def resolve(href: str) -> str:
        url = memo.get(href)
        if url is not None:
            return url
        clean = href.strip()
        if clean.startswith(("#", "javascript:", "data:")):
            url = ""
        else:
            url = urls.resolve(clean, base)  # a malformed one stays as written
            if not clean.startswith(("/", "http://", "https://")):
                return url  # relative to this page's own path
        memo[href] = url
        return url

    return resolve


_SITE_LINKS: dict[tuple[str, str], dict[str, str]] = {}


def _typed(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every item with an @type, nested ones included (microdata nests offers in products)."""
    found, stack = [], list(reversed(items))
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "@type" in item:
                found.append(item)
            stack.extend(reversed([v for v in item.values() if isinstance(v, dict | list)]))
    return found


def _form(form: Element, base: str) -> Form:
    inputs, hidden = [], []
    for field_ in form.iterfind(".//input"):
        kind = field_.get("type", "text").lower()
        name = field_.get("name")
        if name and kind in ("text", "search", ""):
            inputs.append((name, kind))
        elif name and kind == "hidden":
            hidden.append((name, field_.get("value") or ""))
    role = ""
    node: Element | None = form
    while node is not None and node.tag != "body":
        if node.get("role") == "search" or node.tag == "search":
            role = "search"
            break
        node = node.getparent()
    return Form(
        action=urljoin(base, form.get("action") or ""),
        method=(form.get("method") or "get").lower(),
        inputs=inputs,
        role=role,
        hidden=hidden,
    )


def _item_text(link: Element, link_text: str, items: dict[Element, str]) -> str:
    """The text of the list item, article or table row around a link: what a results page
    shows for one result (name, model, price), read when search results are matched by text.
    `items` keeps each item's text: a result's image, title and button link to it alike."""
    node = link.getparent()
    child = link
    for _ in range(6):  # a result's link sits a few levels inside its item, never deeper
        if node is None or node.tag in ("body", "ul", "ol", "table"):
            return ""
        if node.tag in ("li", "article", "tr"):
            if len(node) == 1 and child is link:  # <li><a>…</a></li>: no walk needed
                return _clean(" ".join((node.text or "", link_text, link.tail or "")))[:500]
            words = items.get(node)
            if words is None:
                words = items[node] = _clean(text(node))[:500]
            return words
        child, node = node, node.getparent()
    return ""


_ITEMTYPES = etree.XPath("descendant::*/@itemtype")  # as microdata's _SCOPES: fast in libxml2


def _microdata_search_actions(root: Element, base: str) -> list[tuple[str, str]]:
    """schema.org SearchAction written as microdata: its target and query-input name."""
    found = []
    for itemtype in _ITEMTYPES(root):
        if not re.search(r"schema\.org/SearchAction", itemtype, re.I):
            continue
        action = itemtype.getparent()
        target = action.find(".//*[@itemprop='target']")
        if target is None:
            continue
        value = target.get("content") or target.get("href") or text(target, "")
        name = ""
        for query_input in action.iterfind(".//*[@itemprop]"):
            if re.search(r"query-input", query_input.get("itemprop")):
                name = query_input.get("name") or query_input.get("content") or ""
                break
        if value:
            found.append((urljoin(base, value.strip()), name))
    return found


def _jsonld_objects(raw: str) -> list[dict[str, Any]]:
    """Every object with an @type in a JSON-LD block, flattening @graph and nesting."""
    try:
        data = json.loads(raw, strict=False)
    except (ValueError, RecursionError):
        return []
    found: list[dict[str, Any]] = []
    stack: list[Any] = [data]
    budget = 10_000  # bounds hostile, deeply nested blocks
    while stack and budget:
        budget -= 1
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "@type" in item:
                found.append(item)
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
    return found


def _has_type(obj: dict[str, Any], name: str) -> bool:
    types = obj.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.rsplit("/", 1)[-1] == name for t in types)


def jsonld_of_type(page: Page, name: str) -> list[dict[str, Any]]:
    return [o for o in page.jsonld if _has_type(o, name)]

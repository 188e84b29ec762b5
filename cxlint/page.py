"""Page facts: everything rules read from a fetched page, parsed exactly once.

Rules never parse HTML themselves; they read these facts. The parse is tolerant of any
bytes a hostile or broken site can send: a page that cannot be understood yields empty facts,
never an exception. Work is bounded too: past MAX_PIECES tags and pieces of text the rest of
a page is not read, and elements nested deeper than MAX_DEPTH are flattened into their
ancestor at that depth (5 MB of nested <div>s or NUL bytes would otherwise cost minutes and
gigabytes).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from bs4.builder import LXMLTreeBuilder

from cxlint import microdata
from cxlint.model import Hop, Response
from cxlint.prices import Offer, VisiblePrice, offers, visible_prices

MAX_PIECES = 100_000  # tags and text pieces read per page; real pages have a few thousand
MAX_DEPTH = 256  # element nesting kept; deeper content is kept, its tags are not

_SPACE = re.compile(r"\s+")
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head")
_FURNITURE = ("header", "nav", "aside", "footer")


@dataclass
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
    links: list[Link] = field(default_factory=list)
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
    prices: list[VisiblePrice] = field(default_factory=list)  # prices a visitor reads
    # visible text of the page's main content, without header, nav, aside and footer
    main_text: str = ""
    elapsed: float = 0.0
    size: int = 0
    partial: str = ""  # why only part of the page was read, when it was

    @property
    def products(self) -> list[dict[str, Any]]:
        """schema.org Product objects from JSON-LD, then from microdata (`"@source"` says)."""
        found = [o for o in self.jsonld if _has_type(o, "Product")]
        return found + [o for o in _typed(self.microdata) if _has_type(o, "Product")]

    @property
    def offers(self) -> list[Offer]:
        """The schema.org Offers of the page's products, with prices read as Decimals."""
        return offers(self.products)

    @property
    def text_lower(self) -> str:
        return self.text.lower()

    def all_text(self) -> str:
        """Title, headings and body text: what a visitor can read on the page."""
        return " ".join([self.title, *self.h1, self.text])


def parse_page(response: Response) -> Page:
    """Build the page facts of a response (HTML or not)."""
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
        _fill_from_html(page, _first_tags(response.body), _charset(content_type))
    except Exception:  # noqa: BLE001 - a page we cannot parse has no facts, it does not stop the run
        page.is_html = False
    return page


def _first_tags(body: bytes) -> bytes:
    """`body` cut before its (MAX_PIECES + 1)th '<': lxml reads on after the builder says
    enough, so a page of a million tags is cut before it gets there."""
    if body.count(b"<") <= MAX_PIECES:
        return body
    at = -1
    for _ in range(MAX_PIECES + 1):
        at = body.find(b"<", at + 1)
    return body[:at]


class _Enough(Exception):
    """Raised inside the parser's callbacks to stop reading a page past MAX_PIECES."""


class _BoundedBuilder(LXMLTreeBuilder):
    """bs4's lxml builder with bounded work. Tags nested deeper than MAX_DEPTH are dropped
    (their text goes to the deepest kept element; lxml's events are balanced, so counting
    starts and ends is enough), and after MAX_PIECES tags and text pieces the parse stops,
    keeping the tree read so far. Cost grows with these pieces, not with bytes: lxml reports
    each NUL byte, entity or stray '<' as a piece of its own."""

    stopped = False

    def feed(self, markup: Any) -> None:
        self._depth = self._pieces = 0  # bs4 may feed again with another encoding
        try:
            super().feed(markup)
        except _Enough:
            self.stopped = True

    def _count(self) -> None:
        self._pieces += 1
        if self._pieces > MAX_PIECES:
            raise _Enough

    def start(self, tag: Any, attrib: Any, nsmap: Any = None) -> None:
        self._count()
        self._depth += 1
        if self._depth <= MAX_DEPTH:
            super().start(tag, attrib, nsmap or {})

    def end(self, tag: Any) -> None:
        if self._depth <= MAX_DEPTH:
            super().end(tag)
        self._depth -= 1

    def data(self, data: Any) -> None:
        self._count()
        super().data(data)


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


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _fill_from_html(page: Page, body: bytes, charset: str | None) -> None:
    builder = _BoundedBuilder()
    soup = BeautifulSoup(body, builder=builder, from_encoding=charset)
    if builder.stopped or len(body) < page.size:
        cut = f"only the first {MAX_PIECES:,} tags and pieces of text were read"
        page.partial = f"{page.partial}; {cut}" if page.partial else cut
    base = page.final_url
    base_tag = soup.find("base", href=True)
    if isinstance(base_tag, Tag):
        base = urljoin(base, str(base_tag["href"]))

    if soup.title and soup.title.string:
        page.title = _clean(soup.title.get_text())
    page.h1 = [t for t in (_clean(h.get_text(" ")) for h in soup.find_all("h1")) if t]

    for meta in soup.find_all("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        if key and meta.get("content") is not None:
            page.meta.setdefault(key, str(meta["content"]).strip())
    page.meta_robots = ", ".join(
        page.meta[k] for k in ("robots", "googlebot") if k in page.meta
    ).lower()

    for link in soup.find_all("link", href=True):
        rel = " ".join(link.get("rel") or []).lower()
        href = urljoin(base, str(link["href"]).strip())
        if "canonical" in rel.split() and page.canonical is None:
            page.canonical = href
        elif "search" in rel.split() and "opensearch" in str(link.get("type", "")).lower():
            page.opensearch.append(href)

    for a in soup.find_all("a", href=True):
        href = str(a["href"]).strip()
        if href.startswith(("#", "javascript:", "data:")):
            continue
        page.links.append(
            Link(
                url=urljoin(base, href),
                text=_clean(a.get_text(" ")),
                rel=" ".join(a.get("rel") or []),
                item=_item_text(a),
            )
        )

    page.forms = [_form(f, base) for f in soup.find_all("form")]
    page.search_actions = _microdata_search_actions(soup, base)

    for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        page.jsonld.extend(_jsonld_objects(script.string or script.get_text()))

    page.microdata = microdata.items(soup)

    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    body = soup.body or soup
    page.text = _clean(body.get_text(" "))
    page.prices = visible_prices(body)
    page.main_text = _main_text(body)


def _main_text(body: Tag) -> str:
    """The text of <main> (or role=main), else of the body without the site's furniture,
    so that a related product's "Out of stock" in a sidebar is not read as this page's.
    Called last: it removes the furniture from the parsed tree."""
    main = body.find("main") or body.find(attrs={"role": "main"})
    root = main if isinstance(main, Tag) else body
    for tag in root.find_all(_FURNITURE):
        tag.decompose()
    return _clean(root.get_text(" "))


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


def _form(form: Tag, base: str) -> Form:
    inputs, hidden = [], []
    for field_ in form.find_all("input"):
        kind = str(field_.get("type", "text")).lower()
        name = field_.get("name")
        if name and kind in ("text", "search", ""):
            inputs.append((str(name), kind))
        elif name and kind == "hidden":
            hidden.append((str(name), str(field_.get("value") or "")))
    role = ""
    node: Tag | None = form
    while node is not None and node.name not in ("body", "[document]"):
        if node.get("role") == "search" or node.name == "search":
            role = "search"
            break
        node = node.parent
    return Form(
        action=urljoin(base, str(form.get("action") or "")),
        method=str(form.get("method") or "get").lower(),
        inputs=inputs,
        role=role,
        hidden=hidden,
    )


def _item_text(link: Tag) -> str:
    """The text of the list item, article or table row around a link: what a results page
    shows for one result (name, model, price), read when search results are matched by text."""
    node = link.parent
    for _ in range(6):  # a result's link sits a few levels inside its item, never deeper
        if not isinstance(node, Tag) or node.name in ("body", "[document]", "ul", "ol", "table"):
            return ""
        if node.name in ("li", "article", "tr"):
            return _clean(node.get_text(" "))[:500]
        node = node.parent
    return ""


def _microdata_search_actions(soup: BeautifulSoup, base: str) -> list[tuple[str, str]]:
    """schema.org SearchAction written as microdata: its target and query-input name."""
    found = []
    for action in soup.find_all(itemtype=re.compile(r"schema\.org/SearchAction", re.I)):
        target = action.find(attrs={"itemprop": "target"})
        if not isinstance(target, Tag):
            continue
        value = target.get("content") or target.get("href") or target.get_text()
        query_input = action.find(attrs={"itemprop": re.compile(r"query-input")})
        name = ""
        if isinstance(query_input, Tag):
            name = str(query_input.get("name") or query_input.get("content") or "")
        if value:
            found.append((urljoin(base, str(value).strip()), name))
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

"""Page facts: everything rules read from a fetched page, parsed exactly once.

Rules never parse HTML themselves; they read these facts. The parse is tolerant of any
bytes a hostile or broken site can send: a page that cannot be understood yields empty facts,
never an exception.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from cxlint.model import Hop, Response

_SPACE = re.compile(r"\s+")
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head")


@dataclass
class Link:
    url: str  # absolute
    text: str
    rel: str = ""


@dataclass
class Form:
    action: str  # absolute
    method: str
    inputs: list[tuple[str, str]]  # (name, type) of text-like inputs
    role: str = ""  # "search" when the form or its container says so


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
    jsonld: list[dict[str, Any]] = field(default_factory=list)  # every typed JSON-LD object
    elapsed: float = 0.0
    size: int = 0

    @property
    def products(self) -> list[dict[str, Any]]:
        """schema.org Product objects from JSON-LD."""
        return [o for o in self.jsonld if _has_type(o, "Product")]

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
        elapsed=response.elapsed,
        size=len(response.body),
    )
    content_type = response.headers.get("content-type", "").lower()
    page.is_html = "html" in content_type or (
        not content_type and b"<html" in response.body[:2048].lower()
    )
    if not page.is_html or not response.body:
        return page
    try:
        _fill_from_html(page, response.body, _charset(content_type))
    except Exception:  # noqa: BLE001 - a page we cannot parse has no facts, it does not stop the run
        page.is_html = False
    return page


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type)
    return match.group(1) if match else None


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _fill_from_html(page: Page, body: bytes, charset: str | None) -> None:
    soup = BeautifulSoup(body, "lxml", from_encoding=charset)
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
            )
        )

    page.forms = [_form(f, base) for f in soup.find_all("form")]

    for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        page.jsonld.extend(_jsonld_objects(script.string or script.get_text()))

    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    body = soup.body or soup
    page.text = _clean(body.get_text(" "))


def _form(form: Tag, base: str) -> Form:
    inputs = []
    for field_ in form.find_all("input"):
        kind = str(field_.get("type", "text")).lower()
        name = field_.get("name")
        if name and kind in ("text", "search", ""):
            inputs.append((str(name), kind))
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
    )


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

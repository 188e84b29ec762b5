"""A site's sitemaps, read once per origin: which page URLs the site tells crawlers about.

Where they are: the `Sitemap:` lines of robots.txt, else /sitemap.xml. What they may be:
a `<urlset>`, a `<sitemapindex>` of further sitemaps, gzipped (`.xml.gz`), or a plain list
of URLs. Everything goes through the polite fetcher, and reading is bounded in the number
of files, the size of each (after decompression) and the number of URLs kept, so a huge
or hostile site costs a known amount.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from cxlint import urls
from cxlint.model import Response

MAX_FILES = 50
MAX_URLS = 500_000
MAX_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed


class _Fetcher(Protocol):
    async def get(self, url: str) -> Response: ...
    async def robots_text(self, origin: str) -> str | None: ...


@dataclass
class Sitemaps:
    """What an origin's sitemaps list (URLs normalised for comparison)."""

    origin: str
    found_via: str  # "robots.txt", "/sitemap.xml" or "" when the site has none
    read: list[str] = field(default_factory=list)  # sitemap files read, in order
    failed: list[str] = field(default_factory=list)  # "URL: why", for files that could not be
    urls: set[str] = field(default_factory=set)
    incomplete: str | None = None  # why not every sitemap was read, when a bound was hit

    @property
    def exists(self) -> bool:
        return bool(self.read)

    def lists(self, url: str) -> bool:
        return urls.normalize_for_compare(url) in self.urls


async def read_sitemaps(
    fetcher: _Fetcher, origin: str, *, max_files: int = MAX_FILES, max_urls: int = MAX_URLS
) -> Sitemaps:
    """The sitemaps of `origin`, following sitemap indexes breadth-first within the bounds."""
    robots = await fetcher.robots_text(origin) or ""
    declared = _robots_sitemaps(robots)
    result = Sitemaps(origin, "robots.txt" if declared else "/sitemap.xml")
    queue = declared or [f"{origin}/sitemap.xml"]
    seen: set[str] = set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        if len(seen) >= max_files:
            result.incomplete = f"read the first {max_files} sitemap files only"
            break
        seen.add(url)
        response = await fetcher.get(url)
        if response.error or response.status != 200:
            why = response.error or f"HTTP {response.status}"
            result.failed.append(f"{url}: {why}")
            continue
        body, problem = _decompress(response)
        if problem:
            result.failed.append(f"{url}: {problem}")
            continue
        kind, locs = _locations(body)
        if kind is None:
            result.failed.append(f"{url}: not a sitemap")
            continue
        result.read.append(url)
        if kind == "index":
            queue.extend(loc for loc in locs if urls.is_http_url(loc))
            continue
        for loc in locs:
            if len(result.urls) >= max_urls:
                result.incomplete = f"kept the first {max_urls} URLs only"
                break
            result.urls.add(urls.normalize_for_compare(loc))
    if not result.read:
        result.found_via = ""
    return result


def _robots_sitemaps(text: str) -> list[str]:
    """The `Sitemap:` URLs of a robots.txt, in order (the directive is case-insensitive)."""
    found = []
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        value = value.split("#", 1)[0].strip()
        if sep and name.strip().lower() == "sitemap" and urls.is_http_url(value):
            found.append(value)
    return found


def _decompress(response: Response) -> tuple[bytes, str | None]:
    """The body, gunzipped when it is gzip data (a .xml.gz file), within MAX_BYTES."""
    body = response.body
    if response.truncated:
        return b"", "too large to read whole"
    if not body.startswith(b"\x1f\x8b"):
        return body, None
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_BYTES)
    except zlib.error:
        return b"", "damaged gzip data"
    if inflater.unconsumed_tail:
        return b"", f"larger than {MAX_BYTES // (1024 * 1024)} MB uncompressed"
    return data, None


def _locations(body: bytes) -> tuple[str | None, list[str]]:
    """('urlset' | 'index' | None, the <loc> URLs); a plain-text sitemap counts as a urlset."""
    stripped = body.lstrip()
    if not stripped.startswith(b"<"):
        lines = [line.strip() for line in body.decode("utf-8", "replace").splitlines()]
        found = [line for line in lines if urls.is_http_url(line)]
        return ("urlset", found) if found else (None, [])
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, recover=True, huge_tree=False, load_dtd=False
    )
    try:
        root = etree.fromstring(stripped, parser)
    except etree.XMLSyntaxError:
        return None, []
    if root is None or not isinstance(root.tag, str):
        return None, []
    kind = {"urlset": "urlset", "sitemapindex": "index"}.get(etree.QName(root).localname)
    if kind is None:
        return None, []
    entry = "url" if kind == "urlset" else "sitemap"  # not <image:loc> and other extensions
    # <loc> elements in any namespace (or none) found by lxml, in C: a QName of every element
    # of a 20,000-URL sitemap was half of reading it
    locs = [
        (element.text or "").strip()
        for element in root.iter("{*}loc")
        if etree.QName(element.getparent()).localname == entry
    ]
    return kind, [loc for loc in locs if loc]

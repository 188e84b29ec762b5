"""`cxlint init --from-url / --from-sitemap`: product entries drafted from the site itself.

Each page is fetched with cxlint's own polite fetcher (robots.txt obeyed, per-host limits)
and read with its page parser: the first schema.org Product's name, identifiers, price and
currency. What the site says is not what the campaign promises, so every field drafted this
way carries a comment saying where it came from and what to check. A page that gives no
product is not dropped silently: it is named in the manifest as a comment and on stderr.
"""

from __future__ import annotations

import asyncio
import fnmatch
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cxlint import urls
from cxlint.errors import UsageError
from cxlint.sheets import Entry

MAX_SITEMAP_FILES = 20
# schema.org properties that may hold the retail model number, most likely first: `model`
# and `mpn` name the manufacturer's, `sku` is often the shop's own code, a GTIN a barcode
_MODEL_KEYS = ("model", "mpn", "sku", "gtin13", "gtin12", "gtin14", "gtin8", "gtin")


@dataclass
class Drafted:
    entries: list[Entry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "URL: why", in the order met


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
        return " ".join(str(value).split())
    return None


def _entry(page: Any, url: str, site_url: str, number: int) -> tuple[Entry | None, str]:
    """The page's first Product as an entry, or None and why not."""
    products = page.products
    if not products:
        return None, "no schema.org Product data on the page"
    product = products[0]
    name = _text(product.get("name"))
    if not name:
        return None, "its schema.org Product has no name"
    data: dict[str, Any] = {"name": name[:300]}
    notes = {"name": "the page's schema.org Product name: write the name the campaign prints"}
    for key in _MODEL_KEYS:
        model = _text(product.get(key))
        if model:
            data["model"] = model[:300]
            notes["model"] = f"the page's {key}: check it is the model number the ads print"
            break
    data["url"] = url
    if urls.origin(url) == urls.origin(site_url):  # a path on the site: it moves with --base-url
        parts = urlsplit(url)
        data["url"] = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    notes["url"] = "the page it was drafted from"
    offer = next((o for o in page.offers if o.product == 0 and o.price is not None), None)
    if offer is not None:
        data["price"] = offer.price
        notes["price"] = "the page's price today: write the price the campaign advertises"
        if offer.currency and len(offer.currency) == 3 and offer.currency.isalpha():
            data["currency"] = offer.currency
    return Entry(number, data, notes, source=f"drafted from {urls.redact(url)}"), ""


async def _read_pages(page_urls: list[str], site_url: str, options: Any) -> Drafted:
    from cxlint.fetch import Fetcher
    from cxlint.page import parse_page

    drafted = Drafted()
    seen: dict[str, str] = {}
    async with Fetcher(options) as fetcher:
        responses = await asyncio.gather(*(fetcher.get(u) for u in page_urls))
    for url, response in zip(page_urls, responses, strict=True):
        shown = urls.redact(url)
        if response.error:
            drafted.skipped.append(f"{shown}: {response.error}")
            continue
        if response.status != 200:
            drafted.skipped.append(f"{shown}: HTTP {response.status}")
            continue
        entry, why = _entry(parse_page(response, links=False), url, site_url, len(seen) + 1)
        if entry is None:
            drafted.skipped.append(f"{shown}: {why}")
            continue
        key = entry.data.get("model") or entry.data["name"]
        if key in seen:
            drafted.skipped.append(f"{shown}: the same product as {seen[key]}")
            continue
        seen[key] = shown
        drafted.entries.append(entry)
    return drafted


async def _sitemap_pages(sitemap_url: str, options: Any) -> list[str]:
    from cxlint.fetch import Fetcher

    # the sitemap module's own reading of a file (gzip, <urlset>, <sitemapindex>, plain text)
    from cxlint.sitemap import _decompress, _locations

    found: list[str] = []
    queue, seen = [sitemap_url], set()
    async with Fetcher(options) as fetcher:
        while queue and len(seen) < MAX_SITEMAP_FILES:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = await fetcher.get(url)
            if response.error or response.status != 200:
                why = response.error or f"HTTP {response.status}"
                raise UsageError(f"--from-sitemap: cannot read {urls.redact(url)}: {why}")
            body, problem = _decompress(response)
            kind, locs = _locations(body) if problem is None else (None, [])
            if kind is None:
                raise UsageError(
                    f"--from-sitemap: {urls.redact(url)} is not a sitemap"
                    + (f" ({problem})" if problem else "")
                )
            if kind == "index":
                queue.extend(loc for loc in locs if urls.is_http_url(loc))
            else:
                found.extend(loc for loc in locs if urls.is_http_url(loc))
    return list(dict.fromkeys(found))


def matches(url: str, pattern: str | None) -> bool:
    """--match: a wildcard pattern (`/products/*`) on the URL or its path; plain words are
    looked for anywhere in the URL."""
    if not pattern:
        return True
    if not any(c in pattern for c in "*?["):
        return pattern.lower() in url.lower()
    return fnmatch.fnmatchcase(url, pattern) or fnmatch.fnmatchcase(urls.path_of(url), pattern)


def draft_from_site(
    page_urls: list[str],
    sitemap: str | None,
    pattern: str | None,
    limit: int,
    site_url: str,
    options: Any,
) -> tuple[Drafted, str | None]:
    """Entries for the pages named and those of the sitemap that match, at most `limit` of
    the sitemap's; with a note when the limit left matching pages out."""
    note = None
    wanted = list(page_urls)
    if sitemap:
        listed = asyncio.run(_sitemap_pages(sitemap, options))
        matching = [u for u in listed if matches(u, pattern)]
        if not matching:
            raise UsageError(
                f"--from-sitemap: none of the {len(listed)} pages in the sitemap match {pattern!r}"
                if pattern
                else "--from-sitemap: the sitemap lists no pages"
            )
        if len(matching) > limit:
            note = f"drafted the first {limit} of {len(matching)} matching pages (--limit)"
        wanted += matching[:limit]
    return asyncio.run(_read_pages(list(dict.fromkeys(wanted)), site_url, options)), note

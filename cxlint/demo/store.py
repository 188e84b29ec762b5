"""The bundled demo store: a small shop on 127.0.0.1 with the V710 failure planted.

Standard library only (http.server), so `cxlint demo` works offline right after install.
Pages are rendered from the tables in cxlint/demo/catalogue.py by one pure function,
`respond()`; the HTTP handler only adapts it to sockets.

URL map
    /                         home: featured products, categories, WebSite SearchAction JSON-LD
    /category/<slug>          category listing
    /products/<slug>          product page: h1, model, price, availability, Product JSON-LD
    /lp/<slug>                campaign landing page: its products and the call-centre number
    /search?q=...             site search (name and keywords, not model numbers)
    /opensearch.xml           OpenSearch description (template uses the request's Host)
    /robots.txt, /sitemap.xml
    /images/<name>.png        placeholder images for og:image and product photos
    POST /cart                "added to cart" page
    anything in the redirect table is redirected before routing; the rest is a real 404.
"""

from __future__ import annotations

import base64
import html
import json
import random
import re
import struct
import threading
import zlib
from collections.abc import Callable
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cxlint.demo.catalogue import (
    AVAILABILITY_TEXT,
    DEFAULT_CATALOGUE,
    PHONE_DISPLAY,
    PHONE_E164,
    STORE_NAME,
    Catalogue,
    LandingPage,
    Product,
)

DEFAULT_PORT = 8642  # the port cxlint/demo/campaign.yaml names

Reply = tuple[int, dict[str, str], bytes]

HTML_TYPE = "text/html; charset=utf-8"
_HOST_RE = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")

_CSS = """
body{font-family:system-ui,sans-serif;margin:0;color:#222;line-height:1.45}
header,main,footer{padding:0 1rem;max-width:60rem;margin:auto}
header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;border-bottom:1px solid #ddd}
header nav a{margin-right:.8rem}
.brand{font-weight:700;font-size:1.3rem;text-decoration:none;color:#0a4d8c}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:1rem;
padding:0;list-style:none}
.card{border:1px solid #ddd;border-radius:6px;padding:.8rem}
.price{font-weight:700}.model{color:#555}
.button,button{background:#0a4d8c;color:#fff;border:0;border-radius:4px;padding:.5rem 1rem;
text-decoration:none;display:inline-block}
footer{border-top:1px solid #ddd;margin-top:2rem;color:#555;font-size:.9rem}
img{max-width:100%;height:auto}
"""


# --- rendering helpers -----------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _money(product: Product) -> str:
    return f"${product.price:,.2f}"


def _json_ld(data: dict[str, Any]) -> str:
    # "</" inside a script element would end it early.
    text = json.dumps(data, indent=1, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _phone_link() -> str:
    return f'<a href="tel:{PHONE_E164}">{PHONE_DISPLAY}</a>'


def _page(
    ctx: _Context,
    *,
    title: str,
    body: str,
    path: str,
    description: str = "",
    image: str = "/images/og-default.png",
    og_type: str = "website",
    canonical: str | None = None,
    noindex: bool = False,
    extra_head: str = "",
    show_phone: bool = True,
    social_tags: bool = True,
) -> str:
    """One HTML5 page with the shared header (nav, search form) and footer."""
    cat = ctx.catalogue
    full_title = f"{title} | {STORE_NAME}" if title != STORE_NAME else STORE_NAME
    nav = "\n".join(f'<a href="/category/{c.slug}">{_e(c.name)}</a>' for c in cat.categories)
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(full_title)}</title>",
    ]
    if description:
        head.append(f'<meta name="description" content="{_e(description)}">')
    if noindex:
        head.append('<meta name="robots" content="noindex">')
    head += [
        f'<link rel="canonical" href="{_e(ctx.absolute(canonical or path))}">',
        '<link rel="search" type="application/opensearchdescription+xml" '
        f'title="{_e(STORE_NAME)}" href="/opensearch.xml">',
    ]
    if social_tags:
        head += [
            f'<meta property="og:title" content="{_e(title)}">',
            f'<meta property="og:type" content="{og_type}">',
            f'<meta property="og:url" content="{_e(ctx.absolute(path))}">',
            f'<meta property="og:image" content="{_e(ctx.absolute(image))}">',
        ]
        if description:
            head.append(f'<meta property="og:description" content="{_e(description)}">')
        head.append('<meta name="twitter:card" content="summary_large_image">')
    head.append(f"<style>{_CSS}</style>")
    if extra_head:
        head.append(extra_head)
    phone = f"<p>Questions? Call us: {_phone_link()}</p>" if show_phone else ""
    head_html = "\n".join(head)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{head_html}
</head>
<body>
<header>
<a class="brand" href="/">{_e(STORE_NAME)}</a>
<nav aria-label="Categories">{nav}</nav>
<form role="search" action="/search" method="get">
<label for="site-search">Search</label>
<input type="search" id="site-search" name="q" placeholder="Search products">
<button type="submit">Search</button>
</form>
</header>
<main>
{body}
</main>
<footer>
{phone}
<p>{_e(STORE_NAME)} is the cxlint demo store. Nothing here is for sale.</p>
</footer>
</body>
</html>
"""


def _card(p: Product) -> str:
    model = f'<p class="model">Model: {_e(p.model)}</p>' if p.show_model else ""
    return (
        f'<li class="card"><a href="/products/{p.slug}">{_e(p.name)}</a>{model}'
        f'<p class="price">{_money(p)}</p>'
        f'<p class="availability">{AVAILABILITY_TEXT[p.availability]}</p></li>'
    )


def _cards(products: list[Product]) -> str:
    return '<ul class="grid">' + "".join(_card(p) for p in products) + "</ul>"


# --- the request context and the pages -------------------------------------------------------


class _Context:
    """What a page needs to know about the request: the catalogue and the origin asked for."""

    def __init__(self, catalogue: Catalogue, host: str) -> None:
        self.catalogue = catalogue
        self.origin = f"http://{host}"

    def absolute(self, path: str) -> str:
        return path if "://" in path else self.origin + path


def _html(status: int, text: str) -> Reply:
    return status, {"Content-Type": HTML_TYPE}, text.encode("utf-8")


def _home(ctx: _Context) -> Reply:
    cat = ctx.catalogue
    featured = [p for p in cat.products if p.featured]
    categories = "".join(
        f'<li class="card"><a href="/category/{c.slug}">{_e(c.name)}</a><p>{_e(c.blurb)}</p></li>'
        for c in cat.categories
    )
    website = _json_ld(
        {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": STORE_NAME,
            "url": ctx.absolute("/"),
            "potentialAction": {
                "@type": "SearchAction",
                "target": ctx.absolute("/search?q={search_term_string}"),
                "query-input": "required name=search_term_string",
            },
        }
    )
    organization = _json_ld(
        {
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": STORE_NAME,
            "url": ctx.absolute("/"),
            "contactPoint": {
                "@type": "ContactPoint",
                "telephone": "+1-800-555-0100",
                "contactType": "customer service",
            },
        }
    )
    body = f"""<h1>Welcome to {_e(STORE_NAME)}</h1>
<p>Phones, headsets and accessories, delivered free.</p>
<section><h2>Featured</h2>{_cards(featured)}</section>
<section><h2>Shop by category</h2><ul class="grid">{categories}</ul></section>"""
    page = _page(
        ctx,
        title=STORE_NAME,
        body=body,
        path="/",
        description="Phones, headsets, chargers, cases and tablets.",
        extra_head=website + "\n" + organization,
    )
    return _html(200, page)


def _category(ctx: _Context, slug: str) -> Reply:
    category = ctx.catalogue.category(slug)
    if category is None:
        return _not_found(ctx)
    products = ctx.catalogue.in_category(slug)
    body = f"""<nav aria-label="Breadcrumb"><a href="/">Home</a> › {_e(category.name)}</nav>
<h1>{_e(category.name)}</h1>
<p>{_e(category.blurb)}</p>
{_cards(products)}"""
    page = _page(
        ctx, title=category.name, body=body, path=f"/category/{slug}", description=category.blurb
    )
    return _html(200, page)


def _product(ctx: _Context, slug: str) -> Reply:
    p = ctx.catalogue.product_by_slug(slug)
    if p is None:
        return _not_found(ctx)
    category = ctx.catalogue.category(p.category)
    assert category is not None  # the catalogue checks this when built
    path = f"/products/{p.slug}"
    image = f"/images/{p.slug}.png"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": p.name,
        "sku": p.sku,
        "description": p.description,
        "image": ctx.absolute(image),
        "brand": {"@type": "Brand", "name": "Motorola"},
        "offers": {
            "@type": "Offer",
            "url": ctx.absolute(path),
            "price": f"{p.offer_price if p.offer_price is not None else p.price:.2f}",
            "priceCurrency": "USD",
            "availability": f"https://schema.org/{p.availability}",
        },
    }
    if p.show_model:
        data["mpn"] = p.model
    model = f'<p class="model">Model: {_e(p.model)}</p>' if p.show_model else ""
    buy = (
        '<form action="/cart" method="post">'
        f'<input type="hidden" name="product" value="{_e(p.slug)}">'
        '<button type="submit">Add to cart</button></form>'
        if p.availability in ("InStock", "PreOrder")
        else ""
    )
    body = f"""<nav aria-label="Breadcrumb"><a href="/">Home</a> ›
<a href="/category/{category.slug}">{_e(category.name)}</a></nav>
<article class="product">
<h1>{_e(p.name)}</h1>
<img src="{image}" alt="{_e(p.name)}" width="600" height="315">
{model}
<p class="price">{_money(p)}</p>
<p class="availability">{AVAILABILITY_TEXT[p.availability]}</p>
<p class="description">{_e(p.description)}</p>
{buy}
</article>"""
    page = _page(
        ctx,
        title=p.name,
        body=body,
        path=path,
        description=p.description,
        image=image,
        og_type="product",
        canonical=p.canonical,
        noindex=p.noindex,
        extra_head=_json_ld(data),
    )
    return _html(200, page)


def _landing(ctx: _Context, slug: str) -> Reply:
    lp: LandingPage | None = ctx.catalogue.landing_page(slug)
    if lp is None:
        return _not_found(ctx)
    sections = []
    for product_id in lp.products:
        p = ctx.catalogue.product(product_id)
        assert p is not None  # the catalogue checks this when built
        model = f'<p class="model">Model: {_e(p.model)}</p>' if p.show_model else ""
        sections.append(
            f"""<section class="lp-product">
<h2><a href="/products/{p.slug}">{_e(p.name)}</a></h2>
<img src="/images/{p.slug}.png" alt="{_e(p.name)}" width="600" height="315">
{model}
<p class="price">{_money(p)}</p>
<p class="availability">{AVAILABILITY_TEXT[p.availability]}</p>
<p>{_e(p.description)}</p>
<a class="button" href="/products/{p.slug}">See details and buy</a>
</section>"""
        )
    call = f'<p class="call">Order by phone: {_phone_link()}</p>' if lp.show_phone else ""
    if lp.signup_action:
        call += (
            f'<form class="signup" action="{_e(lp.signup_action)}" method="post">'
            '<label for="signup-email">Your e-mail</label>'
            '<input type="email" id="signup-email" name="email">'
            '<button type="submit">Sign up</button></form>'
        )
    first = ctx.catalogue.product(lp.products[0]) if lp.products else None
    image = f"/images/{first.slug}.png" if first else "/images/og-default.png"
    hero = ""
    if lp.inline_photo_kb:
        hero = f'<img src="{_inline_photo(lp.inline_photo_kb)}" alt="{_e(lp.title)}">\n'
    body = f"<h1>{_e(lp.headline)}</h1>\n{hero}<p>{_e(lp.intro)}</p>\n" + "\n".join(sections) + call
    page = _page(
        ctx,
        title=lp.title,
        body=body,
        path=f"/lp/{lp.slug}",
        description=lp.intro,
        image=image,
        canonical=lp.canonical,
        noindex=lp.noindex,
        show_phone=lp.show_phone,
        social_tags=lp.social_tags,
    )
    return _html(200, page)


def _search(ctx: _Context, query: str) -> Reply:
    query = query.strip()
    shown = f"'{_e(query)}'"
    if not query:
        body = "<h1>Search</h1>\n<p>Type a product name to search.</p>"
    else:
        results = ctx.catalogue.search(query)
        if results:
            n = len(results)
            items = "".join(
                f'<li><a href="/products/{p.slug}">{_e(p.name)}</a> '
                f'<span class="price">{_money(p)}</span></li>'
                for p in results
            )
            word = "result" if n == 1 else "results"
            body = f"""<h1>Search</h1>
<p class="count">{n} {word} for {shown}</p>
<ul class="results">{items}</ul>"""
        else:
            body = f"""<h1>Search</h1>
<p class="count">No results for {shown}</p>
<p>Check the spelling, or browse a category above.</p>"""
    title = f"Search: {query}" if query else "Search"
    return _html(200, _page(ctx, title=title, body=body, path="/search"))


def _cart(ctx: _Context, form: dict[str, list[str]]) -> Reply:
    slug = (form.get("product") or [""])[0]
    p = ctx.catalogue.product_by_slug(slug)
    what = _e(p.name) if p else "Nothing"
    body = f"<h1>Cart</h1>\n<p>{what} added to your cart. (Demo store: nothing is kept.)</p>"
    return _html(200, _page(ctx, title="Cart", body=body, path="/cart", noindex=True))


def _not_found(ctx: _Context) -> Reply:
    body = """<h1>Page not found</h1>
<p>Sorry, we couldn't find that page. Try the search above or go to the
<a href="/">home page</a>.</p>"""
    page = _page(ctx, title="Page not found", body=body, path="/404", noindex=True)
    return _html(404, page)


def _opensearch(ctx: _Context) -> Reply:
    template = _e(ctx.absolute("/search?q={searchTerms}"))
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>{_e(STORE_NAME)}</ShortName>
  <Description>Search the {_e(STORE_NAME)} catalogue</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <Url type="text/html" method="get" template="{template}"/>
</OpenSearchDescription>
"""
    return 200, {"Content-Type": "application/opensearchdescription+xml"}, xml.encode()


def _robots(ctx: _Context) -> Reply:
    text = f"User-agent: *\nAllow: /\n\nSitemap: {ctx.absolute('/sitemap.xml')}\n"
    return 200, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()


def _sitemap(ctx: _Context) -> Reply:
    cat = ctx.catalogue
    paths = ["/"] + [f"/category/{c.slug}" for c in cat.categories]
    paths += [f"/products/{p.slug}" for p in cat.products if p.in_sitemap]
    paths += [f"/lp/{lp.slug}" for lp in cat.landing_pages if not lp.noindex]
    urls = "".join(f"  <url><loc>{_e(ctx.absolute(path))}</loc></url>\n" for path in paths)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}</urlset>\n"
    )
    return 200, {"Content-Type": "application/xml"}, xml.encode()


@lru_cache(maxsize=64)
def _png(rgb: tuple[int, int, int], width: int = 600, height: int = 315) -> bytes:
    """A solid-colour PNG: a real image for og:image without shipping binary files."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


@lru_cache(maxsize=4)
def _inline_photo(kb: int) -> str:
    """A photo-like PNG of about `kb` kilobytes as a data: URI, as page builders inline them.
    Noise does not compress, so the HTML really weighs that much; seeded, so it never changes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    width, noise = 400, random.Random(kb)
    height = max(1, kb * 1000 // (width * 3))
    rows = b"".join(b"\x00" + noise.randbytes(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1))
    png += chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


_CATEGORY_COLOURS = {
    "phones": (10, 77, 140),
    "headsets": (30, 120, 80),
    "chargers": (170, 110, 20),
    "cases": (120, 60, 120),
    "tablets": (60, 60, 60),
}


def _image(ctx: _Context, name: str) -> Reply:
    if name == "og-default":
        rgb = (10, 77, 140)
    else:
        p = ctx.catalogue.product_by_slug(name)
        if p is None:
            return _not_found(ctx)
        rgb = _CATEGORY_COLOURS.get(p.category, (90, 90, 90))
    return 200, {"Content-Type": "image/png", "Cache-Control": "max-age=3600"}, _png(rgb)


# --- routing ---------------------------------------------------------------------------------

_ROUTES: list[tuple[re.Pattern[str], Callable[[_Context, str], Reply]]] = [
    (re.compile(r"^/category/([a-z0-9-]+)$"), _category),
    (re.compile(r"^/products/([a-z0-9-]+)$"), _product),
    (re.compile(r"^/lp/([a-z0-9-]+)$"), _landing),
    (re.compile(r"^/images/([a-z0-9-]+)\.png$"), _image),
]


def _redirect(ctx: _Context, status: int, target: str, query: str) -> Reply:
    location = ctx.absolute(target)
    if query:
        location += ("&" if "?" in location else "?") + query
    body = f'<!DOCTYPE html>\n<title>Moved</title>\n<a href="{_e(location)}">Moved here</a>\n'
    return status, {"Location": location, "Content-Type": HTML_TYPE}, body.encode()


def respond(catalogue: Catalogue, method: str, target: str, host: str, body: bytes = b"") -> Reply:
    """The whole store as a function: (method, request target, Host) → (status, headers, body).

    Redirects from the catalogue's table apply first, before any route, as on a real site
    where vanity URLs live in the web server's configuration.
    """
    ctx = _Context(catalogue, host)
    parts = urlsplit(target)
    path, query = parts.path or "/", parts.query

    redirect = catalogue.redirects.get(path)
    if redirect is not None:
        return _redirect(
            ctx, redirect.status, redirect.target, query if redirect.keep_query else ""
        )
    if method == "POST":
        if path == "/cart":
            return _cart(ctx, parse_qs(body.decode("utf-8", "replace")))
        return 405, {"Allow": "GET, HEAD", "Content-Type": "text/plain"}, b"Method not allowed\n"
    if len(path) > 1 and path.endswith("/"):
        # One canonical form per page, as many real sites do: drop the trailing slash.
        return _redirect(ctx, 301, path.rstrip("/") or "/", query)

    if path == "/":
        return _home(ctx)
    if path == "/search":
        return _search(ctx, (parse_qs(query).get("q") or [""])[0])
    if path == "/opensearch.xml":
        return _opensearch(ctx)
    if path == "/robots.txt":
        return _robots(ctx)
    if path == "/sitemap.xml":
        return _sitemap(ctx)
    for pattern, page in _ROUTES:
        match = pattern.match(path)
        if match:
            return page(ctx, match.group(1))
    return _not_found(ctx)


# --- the HTTP server -------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive: every reply carries Content-Length
    server_version = "MotoDirect/1.0"
    sys_version = ""
    timeout = 30  # idle keep-alive connections must not pin a thread forever
    # Headers and body go out in separate writes; without TCP_NODELAY each keep-alive reply
    # waits ~40 ms on Nagle's algorithm and delayed ACKs.
    disable_nagle_algorithm = True

    def _host(self) -> str:
        host = self.headers.get("Host", "")
        if _HOST_RE.match(host):
            return host
        bound_host, bound_port = self.server.server_address[:2]
        return f"{bound_host}:{bound_port}"

    def _serve(self, method: str) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > 65536:
            # Unread bytes would be taken for the next request: close after replying.
            self.close_connection = True
        payload = self.rfile.read(min(length, 65536)) if length > 0 else b""
        status, headers, body = respond(
            self.server.catalogue, method, self.path, self._host(), payload
        )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:  # http.server dispatches by name
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the demo's terminal output belongs to cxlint's report."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up mid-reply are normal; don't print tracebacks for them."""


class DemoStore:
    """The demo store, served from a daemon thread.

    >>> with DemoStore() as store:      # doctest: +SKIP
    ...     base = store.url            # e.g. http://127.0.0.1:54321
    """

    def __init__(self, catalogue: Catalogue = DEFAULT_CATALOGUE) -> None:
        self.catalogue = catalogue
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._looping = False  # a serve_forever loop was started (thread or foreground)

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash; the store must be started."""
        if self._server is None:
            raise RuntimeError("the demo store is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the demo store is not running")
        return int(self._server.server_address[1])

    def _bind(self, host: str, port: int) -> str:
        if self._server is not None:
            raise RuntimeError("the demo store is already running")
        self._server = _Server((host, port), self.catalogue)
        return self.url

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve in a background daemon thread; port 0 picks a free port. Returns the base URL."""
        url = self._bind(host, port)
        assert self._server is not None
        self._looping = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="cxlint-demo-store",
            daemon=True,
        )
        self._thread.start()
        return url

    def stop(self) -> None:
        """Stop serving and free the port. Safe to call twice."""
        server, thread, looping = self._server, self._thread, self._looping
        self._server, self._thread, self._looping = None, None, False
        if server is None:
            return
        if looping:
            server.shutdown()  # returns at once when the loop has already ended
        if thread is not None:
            thread.join(timeout=5)
        server.server_close()

    def serve_forever(
        self,
        port: int = DEFAULT_PORT,
        host: str = "127.0.0.1",
        on_ready: Callable[[str], None] | None = None,
    ) -> None:
        """Serve in the calling thread until Ctrl-C (for `cxlint demo --serve`).

        `on_ready` receives the base URL once the port is bound, so a caller can print it
        before blocking. Ctrl-C (KeyboardInterrupt) stops the store and returns normally.
        """
        url = self._bind(host, port)
        assert self._server is not None
        self._looping = True
        if on_ready is not None:
            on_ready(url)
        try:
            self._server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> DemoStore:
        if self._server is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_forever(
    port: int = DEFAULT_PORT,
    host: str = "127.0.0.1",
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the default demo store until Ctrl-C; see `DemoStore.serve_forever`."""
    DemoStore().serve_forever(port, host, on_ready)


if __name__ == "__main__":  # python -m cxlint.demo.store [PORT]
    import sys

    serve_forever(
        int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PORT,
        on_ready=lambda url: print(f"Demo store on {url} (Ctrl-C to stop)", flush=True),
    )

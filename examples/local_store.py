"""The bundled local store of the three example campaigns in examples/.

One small shop engine (standard library only) and three sites built with it, one per example:

    phone-launch   Nordtel, a phone maker launching the Aurora NX-500
    seasonal-sale  Larch & Pine, a homeware shop whose 200-product winter sale comes from
                   examples/seasonal-sale/products.csv
    b2b-webinar    Ledgerly, a finance software company inviting CFOs to a webinar

Each site is healthy except for a few broken promises planted on purpose (marked PLANTED
below), so that each example shows what cxlint reports. Serve one and check its campaign:

    python examples/local_store.py seasonal-sale --port 8765
    cxlint check examples/seasonal-sale/campaign.yaml --base-url http://127.0.0.1:8765

Every site serves: a home page (schema.org WebSite SearchAction and Organization JSON-LD),
product pages (h1, model number, price, stock, schema.org Product JSON-LD), landing pages,
a site search (/search?q=, also described at /opensearch.xml), /robots.txt, /sitemap.xml and
a real 404 page. Redirects (vanity URLs, short links) apply before any page, as on a web server.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import re
import struct
import threading
import zlib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
HTML_TYPE = "text/html; charset=utf-8"
AVAILABILITY_TEXT = {"InStock": "In stock", "OutOfStock": "Sold out"}
_HOST_RE = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$")


# --- what a site is made of ------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    slug: str  # /products/<slug>
    name: str
    model: str  # the retail model number, shown on the page and in the Product JSON-LD
    price: Decimal | None  # the price the page shows and its product data carries; None: none
    category: str
    description: str
    was: Decimal | None = None  # the regular price, struck through beside a sale price
    availability: str = "InStock"  # a key of AVAILABILITY_TEXT
    keywords: tuple[str, ...] = ()  # what the site search matches besides name and model


@dataclass(frozen=True)
class Form:
    action: str  # where the form sends what visitors type
    fields: tuple[tuple[str, str, str], ...]  # (name, label, input type)
    button: str


@dataclass(frozen=True)
class Page:
    """A campaign or content page at `path`."""

    path: str
    title: str
    headline: str
    intro: str
    products: tuple[str, ...] = ()  # Product.slug values the page shows
    body: str = ""  # more HTML after the intro
    form: Form | None = None
    show_phone: bool = True  # False: the page and its footer omit the phone number
    social_tags: bool = True  # False: no og:* or twitter:* tags
    canonical: str | None = None  # a path; None: the page itself
    in_sitemap: bool = True


@dataclass(frozen=True)
class Redirect:
    target: str
    status: int = 301
    keep_query: bool = True  # False drops the query string, and the utm_* parameters with it


@dataclass(frozen=True)
class Site:
    name: str
    tagline: str
    symbol: str  # the currency symbol the pages print
    currency: str  # ISO 4217, for the product data
    phone_display: str
    phone_e164: str
    products: tuple[Product, ...] = ()
    pages: tuple[Page, ...] = ()
    redirects: dict[str, Redirect] = field(default_factory=dict)
    featured: int = 6  # how many products the home page lists

    def product(self, slug: str) -> Product | None:
        return next((p for p in self.products if p.slug == slug), None)

    def page(self, path: str) -> Page | None:
        return next((p for p in self.pages if p.path == path), None)

    def search(self, query: str) -> list[Product]:
        """Like many real shop searches: the whole query as one substring of the name, the
        model number or a keyword, ignoring case. "NX 500" does not find "NX-500"."""
        q = " ".join(query.split()).casefold()
        if not q:
            return []
        by_name = [p for p in self.products if q in p.name.casefold()]
        rest = [
            p
            for p in self.products
            if p not in by_name and any(q in text.casefold() for text in (p.model, *p.keywords))
        ]
        # the closest names first, as search engines rank them
        by_name.sort(key=lambda p: len(p.name))
        return by_name + rest


# --- pages -----------------------------------------------------------------------------------

Reply = tuple[int, dict[str, str], bytes]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _json_ld(data: dict[str, Any]) -> str:
    text = json.dumps(data, indent=1, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


class _Request:
    def __init__(self, site: Site, host: str) -> None:
        self.site = site
        self.origin = f"http://{host}"

    def absolute(self, path: str) -> str:
        return path if "://" in path else self.origin + path

    def money(self, amount: Decimal) -> str:
        return f"{self.site.symbol}{amount:,.2f}"

    def phone_link(self) -> str:
        return f'<a href="tel:{self.site.phone_e164}">{_e(self.site.phone_display)}</a>'

    def layout(
        self,
        *,
        title: str,
        body: str,
        path: str,
        description: str = "",
        canonical: str | None = None,
        noindex: bool = False,
        show_phone: bool = True,
        social_tags: bool = True,
        head: str = "",
    ) -> str:
        site = self.site
        full_title = f"{title} | {site.name}" if title != site.name else site.name
        tags = [
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(full_title)}</title>",
            f'<link rel="canonical" href="{_e(self.absolute(canonical or path))}">',
            '<link rel="search" type="application/opensearchdescription+xml" '
            f'title="{_e(site.name)}" href="/opensearch.xml">',
        ]
        if description:
            tags.append(f'<meta name="description" content="{_e(description)}">')
        if noindex:
            tags.append('<meta name="robots" content="noindex">')
        if social_tags:
            tags += [
                f'<meta property="og:title" content="{_e(title)}">',
                f'<meta property="og:url" content="{_e(self.absolute(path))}">',
                f'<meta property="og:image" content="{_e(self.absolute("/og.png"))}">',
                f'<meta property="og:description" content="{_e(description or title)}">',
                '<meta name="twitter:card" content="summary_large_image">',
            ]
        phone = f"<p>Questions? Call us on {self.phone_link()}</p>" if show_phone else ""
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
{chr(10).join(tags)}
{head}
</head>
<body>
<header>
<a class="brand" href="/">{_e(site.name)}</a>
<form role="search" action="/search" method="get">
<label for="q">Search</label> <input type="search" id="q" name="q">
<button type="submit">Search</button>
</form>
</header>
<main>
{body}
</main>
<footer>
{phone}
<p>{_e(site.name)}: {_e(site.tagline)} (a cxlint example store; nothing here is real).</p>
</footer>
</body>
</html>
"""

    def price_html(self, p: Product) -> str:
        if p.price is None:
            return ""
        was = f"<del>{self.money(p.was)}</del> " if p.was is not None else ""
        return f'<p class="price">{was}<span class="now">{self.money(p.price)}</span></p>'

    def card(self, p: Product) -> str:
        return (
            f'<li class="card"><a href="/products/{p.slug}">{_e(p.name)}</a>'
            f'<p class="model">Model: {_e(p.model)}</p>{self.price_html(p)}</li>'
        )


def _html(status: int, text: str) -> Reply:
    return status, {"Content-Type": HTML_TYPE}, text.encode("utf-8")


def _home(req: _Request) -> Reply:
    site = req.site
    data = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.name,
        "url": req.absolute("/"),
        "potentialAction": {
            "@type": "SearchAction",
            "target": req.absolute("/search?q={search_term_string}"),
            "query-input": "required name=search_term_string",
        },
    }
    org = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": site.name,
        "url": req.absolute("/"),
        "telephone": site.phone_e164,
    }
    cards = "".join(req.card(p) for p in site.products[: site.featured])
    body = f"<h1>{_e(site.name)}</h1>\n<p>{_e(site.tagline)}</p>\n<ul>{cards}</ul>"
    page = req.layout(
        title=site.name, body=body, path="/", head=_json_ld(data) + "\n" + _json_ld(org)
    )
    return _html(200, page)


def _product(req: _Request, slug: str) -> Reply:
    p = req.site.product(slug)
    if p is None:
        return _not_found(req)
    path = f"/products/{p.slug}"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": p.name,
        "sku": p.model,
        "mpn": p.model,
        "description": p.description,
        "brand": {"@type": "Brand", "name": req.site.name},
    }
    if p.price is not None:
        data["offers"] = {
            "@type": "Offer",
            "url": req.absolute(path),
            "price": f"{p.price:.2f}",
            "priceCurrency": req.site.currency,
            "availability": f"https://schema.org/{p.availability}",
        }
    if p.price is None:
        buy = '<a class="button" href="/demo">Request a demo</a>'
    elif p.availability == "InStock":
        buy = (
            '<form action="/cart" method="post">'
            f'<input type="hidden" name="product" value="{_e(p.slug)}">'
            "<button>Add to basket</button></form>"
        )
    else:
        buy = ""
    body = f"""<nav aria-label="Breadcrumb"><a href="/">Home</a> › {_e(p.category)}</nav>
<article class="product">
<h1>{_e(p.name)}</h1>
<p class="model">Model: {_e(p.model)}</p>
{req.price_html(p)}
<p class="availability">{AVAILABILITY_TEXT[p.availability]}</p>
<p class="description">{_e(p.description)}</p>
{buy}
</article>"""
    page = req.layout(
        title=p.name, body=body, path=path, description=p.description, head=_json_ld(data)
    )
    return _html(200, page)


def _page(req: _Request, page: Page) -> Reply:
    sections = []
    for slug in page.products:
        p = req.site.product(slug)
        assert p is not None, slug
        sections.append(
            f"""<section class="product">
<h2><a href="/products/{p.slug}">{_e(p.name)}</a></h2>
<p class="model">Model: {_e(p.model)}</p>
{req.price_html(p)}
<p>{_e(p.description)}</p>
<a class="button" href="/products/{p.slug}">See details and buy</a>
</section>"""
        )
    form = ""
    if page.form is not None:
        inputs = "".join(
            f'<p><label for="{name}">{_e(label)}</label> '
            f'<input type="{kind}" id="{name}" name="{name}" required></p>'
            for name, label, kind in page.form.fields
        )
        form = (
            f'<form class="registration" action="{_e(page.form.action)}" method="post">'
            f'{inputs}<button type="submit">{_e(page.form.button)}</button></form>'
        )
    call = f'<p class="call">Call us: {req.phone_link()}</p>' if page.show_phone else ""
    body = (
        f"<h1>{_e(page.headline)}</h1>\n<p>{_e(page.intro)}</p>\n{page.body}\n"
        + "\n".join(sections)
        + form
        + call
    )
    text = req.layout(
        title=page.title,
        body=body,
        path=page.path,
        description=page.intro,
        canonical=page.canonical,
        show_phone=page.show_phone,
        social_tags=page.social_tags,
    )
    return _html(200, text)


def _search(req: _Request, query: str) -> Reply:
    query = query.strip()
    if not query:
        body = "<h1>Search</h1>\n<p>Type what you are looking for.</p>"
    else:
        results = req.site.search(query)
        if results:
            items = "".join(
                f'<li><a href="/products/{p.slug}">{_e(p.name)}</a> {req.price_html(p)}</li>'
                for p in results[:24]
            )
            body = f"""<h1>Search</h1>
<p class="count">{len(results)} results for '{_e(query)}'</p>
<ul class="results">{items}</ul>"""
        else:
            body = f"""<h1>Search</h1>
<p class="count">No results for '{_e(query)}'</p>
<p>Check the spelling, or try fewer words.</p>"""
    title = f"Search: {query}" if query else "Search"
    return _html(200, req.layout(title=title, body=body, path="/search", noindex=True))


def _posted(req: _Request, path: str) -> Reply:
    body = "<h1>Thank you</h1>\n<p>We have your details. (Example store: nothing is kept.)</p>"
    return _html(200, req.layout(title="Thank you", body=body, path=path, noindex=True))


def _not_found(req: _Request) -> Reply:
    body = '<h1>Page not found</h1>\n<p>Sorry, that page does not exist. <a href="/">Home</a></p>'
    return _html(404, req.layout(title="Page not found", body=body, path="/404", noindex=True))


def _opensearch(req: _Request) -> Reply:
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>{_e(req.site.name)}</ShortName>
  <Description>Search {_e(req.site.name)}</Description>
  <Url type="text/html" method="get" template="{_e(req.absolute("/search?q={searchTerms}"))}"/>
</OpenSearchDescription>
"""
    return 200, {"Content-Type": "application/opensearchdescription+xml"}, xml.encode()


def _robots(req: _Request) -> Reply:
    text = f"User-agent: *\nDisallow: /cart\n\nSitemap: {req.absolute('/sitemap.xml')}\n"
    return 200, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()


def _sitemap(req: _Request) -> Reply:
    site = req.site
    paths = ["/"] + [f"/products/{p.slug}" for p in site.products]
    paths += [page.path for page in site.pages if page.in_sitemap]
    urls = "".join(f"  <url><loc>{_e(req.absolute(path))}</loc></url>\n" for path in paths)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}</urlset>\n"
    )
    return 200, {"Content-Type": "application/xml"}, xml.encode()


def respond(site: Site, method: str, target: str, host: str) -> Reply:
    """The whole store as a function: (method, request target, Host) → (status, headers, body)."""
    req = _Request(site, host)
    parts = urlsplit(target)
    path, query = parts.path or "/", parts.query
    redirect = site.redirects.get(path)
    if redirect is not None:
        location = req.absolute(redirect.target)
        if query and redirect.keep_query:
            location += ("&" if "?" in location else "?") + query
        return redirect.status, {"Location": location, "Content-Type": HTML_TYPE}, b"Moved\n"
    if method == "POST":
        return _posted(req, path)
    if path == "/":
        return _home(req)
    if path == "/search":
        return _search(req, (parse_qs(query).get("q") or [""])[0])
    if path == "/opensearch.xml":
        return _opensearch(req)
    if path == "/robots.txt":
        return _robots(req)
    if path == "/sitemap.xml":
        return _sitemap(req)
    if path == "/og.png":
        return 200, {"Content-Type": "image/png"}, _PNG
    if path.startswith("/products/"):
        return _product(req, path.removeprefix("/products/"))
    page = site.page(path)
    return _page(req, page) if page is not None else _not_found(req)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# a plain 1200×630 PNG, the share picture of every page
_PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1200, 630, 8, 2, 0, 0, 0))
    + _chunk(b"IDAT", zlib.compress((b"\x00" + b"\x20\x50\x40" * 1200) * 630, 9))
    + _chunk(b"IEND", b"")
)


# --- the three example sites -----------------------------------------------------------------

D = Decimal


def phone_launch() -> Site:
    """Nordtel launches the Aurora NX-500 in print, e-mail and social."""
    phone = Product(
        slug="nordtel-aurora-nx-500",
        name="Nordtel Aurora NX-500",
        model="NX-500",
        price=D("799.00"),
        category="Phones",
        description="6.4-inch OLED, 50-megapixel camera with night mode, two-day battery.",
        keywords=("aurora", "5g phone", "camera phone"),
    )
    case = Product(
        slug="aurora-nx-500-clear-case",
        name="Aurora NX-500 Clear Case",
        model="NXC-500",
        price=D("39.00"),
        category="Cases",
        description="Slim, scratch-resistant clear case with raised camera edges.",
    )
    charger = Product(
        slug="nordtel-powerdock-30w",
        name="Nordtel PowerDock 30W",
        model="PD-30",
        price=D("49.00"),
        category="Chargers",
        description="30 W fast wireless charging stand for the Aurora series.",
        keywords=("wireless charger", "charging stand"),
    )
    older = Product(
        slug="nordtel-aurora-nx-400",
        name="Nordtel Aurora NX-400",
        model="NX-400",
        price=D("549.00"),
        category="Phones",
        description="Last year's Aurora, now at a lower price.",
    )
    launch = Page(
        path="/launch/aurora-nx-500",
        title="Meet the Aurora NX-500",
        headline="The new Nordtel Aurora NX-500",
        intro="Night photos that look like day. Order now and get the PowerDock 30W free.",
        products=(phone.slug, charger.slug),
    )
    return Site(
        name="Nordtel",
        tagline="Phones built to last",
        symbol="$",
        currency="USD",
        phone_display="1-888-555-0147",
        phone_e164="+18885550147",
        products=(phone, case, charger, older),
        pages=(
            launch,
            # PLANTED (social-preview-missing): the social variant of the launch page was built
            # from a bare template without og:* and twitter:* tags, so Instagram and Facebook
            # show the link without a picture or a title.
            replace(launch, path="/launch/aurora-nx-500/social", social_tags=False),
            Page(
                path="/launch/aurora-nx-500/accessories",
                title="Aurora NX-500 accessories",
                # (a heading that names only the phone, "Made for the Aurora NX-500", makes
                # cxlint 0.x report the page as about the phone: wrong-product-on-page)
                headline="The Aurora NX-500 Clear Case and the Nordtel PowerDock 30W",
                intro="Made for your new phone: a case that keeps it looking new, and a stand "
                "that charges it in an hour.",
                products=(case.slug, charger.slug),
            ),
        ),
        redirects={
            # the vanity URL printed in the magazine ad: the redirect adds the ad's tracking
            "/aurora": Redirect(
                "/launch/aurora-nx-500?utm_source=wired&utm_medium=print&utm_campaign=aurora-launch"
            ),
            # PLANTED (tracking-dropped): the newsletter's short link was set up in the CMS
            # without "keep query string", so every visit from the e-mail arrives untracked.
            "/go/nx500": Redirect("/launch/aurora-nx-500", keep_query=False),
            # the social short link: keeps the query string (healthy)
            "/s/aurora": Redirect("/launch/aurora-nx-500/social", status=302),
        },
    )
    # PLANTED (search-partial-match): the site search matches the whole query as written, so
    # "NX-500" finds the phone but "NX 500", as many people type it, finds nothing.


SALE_DISCOUNT = D("0.75")  # 25 % off; the CSV's prices are the sale prices
# PLANTED (price-mismatch): three products whose sale price nobody entered in the shop, so
# their pages still show the regular price.
SALE_PRICE_NOT_UPDATED = ("LP-BD-1007", "LP-KT-1103", "LP-LT-1204")
# PLANTED (product-unavailable): the sale's best seller sold out before the sale began.
SOLD_OUT = ("LP-TX-1310",)


def regular_price(sale: Decimal) -> Decimal:
    """The regular price a sale price was taken from (25 % off, rounded to whole pounds)."""
    return (sale / SALE_DISCOUNT).quantize(D("1")) - D("0.01")


def seasonal_sale(sheet: Path | None = None) -> Site:
    """Larch & Pine's winter sale: every row of the campaign's products.csv is a product."""
    sheet = sheet or HERE / "seasonal-sale" / "products.csv"
    products = []
    with sheet.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            sku, sale = row["SKU"], D(row["Price (GBP)"])
            regular = regular_price(sale)
            stale = sku in SALE_PRICE_NOT_UPDATED
            products.append(
                Product(
                    slug=row["Product URL"].rsplit("/", 1)[-1],
                    name=row["Name"],
                    model=sku,
                    price=regular if stale else sale,
                    was=None if stale else regular,
                    category=row["Category"],
                    description=f"{row['Name']}, from our {row['Category'].lower()} range.",
                    availability="OutOfStock" if sku in SOLD_OUT else "InStock",
                )
            )
    by_category = {p.category: p.slug for p in reversed(products)}
    return Site(
        name="Larch & Pine",
        tagline="Homeware for slow winters",
        symbol="£",
        currency="GBP",
        phone_display="020 7946 0852",
        phone_e164="+442079460852",
        products=tuple(products),
        pages=(
            Page(
                path="/winter-sale",
                title="Winter sale: 25% off 200 favourites",
                headline="Winter sale: 25% off 200 favourites",
                intro="Throws, bedding, lamps and kitchen classics, until 31 January.",
                products=tuple(by_category.values()),
            ),
        ),
        redirects={"/sale": Redirect("/winter-sale")},
    )


def b2b_webinar() -> Site:
    """Ledgerly invites finance teams to a webinar with a registration form."""
    fields = (
        ("name", "Full name", "text"),
        ("email", "Work e-mail", "email"),
        ("company", "Company", "text"),
        ("role", "Job title", "text"),
    )
    close = Product(
        slug="ledgerly-close",
        name="Ledgerly Close",
        model="Close",
        price=None,
        category="Software",
        description="Month-end close automation: reconciliations, accruals and sign-off.",
        keywords=("month-end close", "reconciliation"),
    )
    webinar = Page(
        path="/webinars/fast-close",
        title="Webinar: close the books in three days",
        headline="Close the books in three days",
        intro="A 45-minute live webinar for finance teams, Thursday 11 March 2027, 16:00 GMT. "
        "See how Ledgerly Close automates reconciliations and sign-off.",
        body="<h2>Speakers</h2><p>Priya Raman, CFO at Hartwell Logistics; "
        "Tom Becker, Head of Product, Ledgerly.</p>",
        products=(close.slug,),
        form=Form("/webinars/fast-close/register", fields, "Save my seat"),
    )
    return Site(
        name="Ledgerly",
        tagline="Finance operations software",
        symbol="$",
        currency="USD",
        phone_display="+1 (415) 555-0188",
        phone_e164="+14155550188",
        products=(close,),
        featured=1,
        pages=(
            webinar,
            # PLANTED (canonical-mismatch): the mobile variant (what LinkedIn's app opens)
            # names the webinar list as its canonical address, so search engines drop it.
            replace(webinar, path="/m/webinars/fast-close", canonical="/webinars"),
            # PLANTED (insecure-url, phone-missing): the partner page's form was pasted from the
            # marketing-automation tool with its old http:// address, and the page template
            # lost the sales number the invitation tells people to call.
            replace(
                webinar,
                path="/partners/webinars/fast-close",
                form=Form("http://go.ledgerly-mail.example/l/fast-close", fields, "Register"),
                show_phone=False,
            ),
            Page(
                path="/webinars",
                title="Webinars",
                headline="Live webinars",
                intro="Upcoming and recorded webinars from the Ledgerly team.",
                body='<ul><li><a href="/webinars/fast-close">Close the books in three days'
                "</a></li></ul>",
            ),
            Page(
                path="/privacy",
                title="Privacy notice",
                headline="Privacy notice",
                intro="What we keep when you register for a webinar, and for how long.",
            ),
            Page(
                path="/webinars/fast-close/agenda",
                title="Agenda: close the books in three days",
                headline="Agenda",
                intro="16:00 welcome; 16:05 the three-day close at Hartwell; 16:25 live demo; "
                "16:40 questions.",
            ),
        ),
        redirects={
            # the invitation's link goes through the e-mail tool's click tracker to the page
            "/e/fast-close": Redirect("/webinars/fast-close", status=302),
        },
    )


SITES = {"phone-launch": phone_launch, "seasonal-sale": seasonal_sale, "b2b-webinar": b2b_webinar}


# --- the HTTP server -------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 30

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 65536))
        host = self.headers.get("Host", "")
        if not _HOST_RE.match(host):
            host = "{}:{}".format(*self.server.server_address[:2])
        status, headers, body = respond(self.server.site, method, self.path, host)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Site) -> None:
        self.site = site
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class LocalStore:
    """One example site served from a daemon thread on 127.0.0.1.

    >>> with LocalStore("seasonal-sale") as store:   # doctest: +SKIP
    ...     store.url                                # http://127.0.0.1:<free port>
    """

    def __init__(self, example: str, port: int = 0) -> None:
        self.site = SITES[example]()
        self._server = _Server(("127.0.0.1", port), self.site)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LocalStore:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve an example campaign's store.")
    parser.add_argument("example", choices=sorted(SITES))
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = _Server(("127.0.0.1", args.port), SITES[args.example]())
    host, port = server.server_address[:2]
    print(f"{args.example} store on http://{host}:{port} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

"""A deterministic synthetic store: static HTML files that nginx serves, and campaign manifests.

Every page depends only on its product's index, never on the store's size, so one store of the
largest size serves every smaller benchmark too (the first N products are the N-product store).
All links are relative, so the files do not depend on the port nginx happens to get.

Layout (nginx maps clean URLs to these files, see nginx.py):
  index.html, about.html, ...            home and information pages
  category/<slug>.html                    40 category pages
  products/<slug>.html                    one page per product, 30-60 KB, Product JSON-LD
  lp/<slug>.html                          a landing page for every 10th product
  search/<MODEL>.html, search/_empty.html results per model number; "no results" for the rest
  sitemap.xml                             every product and landing page (written per port)
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

GENERATOR_VERSION = 1
PHONE = "+1 800 555 0100"
LANDING_EVERY = 10  # every 10th product has a landing page: 10 % of the catalogue
RELATED = 4
# Any query that contains a model number finds that product's results page (nginx.py).
MODEL_PATTERN = "[A-Z]{2}[0-9]{5}"

_BRAND_WORDS = (
    "Acme Northwind Contoso Fabrikam Lumen Vantor Keldor Brightwell Orvane Tessaly "
    "Halcyon Quillon Marrow Sundial Corvid Alder Peregrine Zephyr Osprey Tamarack"
)
BRANDS = _BRAND_WORDS.split()
NOUNS = [
    "Trail Runner", "Espresso Maker", "Camera Phone", "Rain Jacket", "Desk Lamp", "Road Bike",
    "Blender", "Headset", "Smart Watch", "Backpack", "Tent", "Kettle", "Monitor", "Keyboard",
    "Office Chair", "Air Purifier", "Drill", "Toaster", "Speaker", "Tablet", "Sleeping Bag",
    "Coffee Grinder", "Hiking Boot", "Router", "Vacuum", "Fan Heater", "Wall Clock", "Lantern",
    "Cookware Set", "Yoga Mat", "Scooter", "Projector", "Microphone", "Printer", "Saw",
    "Garden Hose", "Water Bottle", "Sunglasses", "Watch Strap", "Phone Case",
]  # fmt: skip
CATEGORIES = [noun + "s" for noun in NOUNS]
LETTERS = "ABCDEFGHJKLMNPRSTUVWXZ"
# Filler vocabulary: no digits and no words like "no" or "nothing", which a reader of search
# results takes for "no results".
_FILLER_WORDS = (
    "comfort design quality material fabric steel aluminium bamboo light sturdy compact "
    "season trail city travel kitchen office garden daily weekend friendly durable "
    "classic modern warm cool bright quiet smooth balanced precise simple elegant solid "
    "reliable tested crafted engineered made for every day with care and attention the a "
    "of to in on by from our your this that which it its is are was were be been feature "
    "detail finish colour size fit weight battery power charge screen sound picture "
    "handle grip strap pocket zip seam sole cushion frame wheel blade motor filter tank "
    "lid cord switch button setting mode program timer display range signal speed "
    "customers love how well performs after months use reviewers mention value price "
    "delivery packaging instructions support warranty service returns easy quick fast"
)
WORDS = _FILLER_WORDS.split()


@dataclass(frozen=True)
class Product:
    index: int
    id: str
    name: str
    model: str
    slug: str
    category: int
    price: str  # "123.45"

    @property
    def url(self) -> str:
        return f"/products/{self.slug}"

    @property
    def has_landing(self) -> bool:
        return self.index % LANDING_EVERY == 0

    def landing_url(self, campaign_id: str) -> str:
        return f"/lp/{self.slug}?utm_source=newsletter&utm_medium=email&utm_campaign={campaign_id}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def product(index: int) -> Product:
    rng = random.Random(1_000_003 * index + 7)
    brand, noun = rng.choice(BRANDS), rng.choice(NOUNS)
    model = f"{rng.choice(LETTERS)}{rng.choice(LETTERS)}{index:05d}"
    price = f"{rng.randint(5, 1999)}.{rng.choice(('99', '49', '00', '95'))}"
    return Product(
        index=index,
        id=f"p{index:05d}",
        name=f"{brand} {noun} {model}",
        model=model,
        slug=f"{_slug(brand + ' ' + noun)}-{model.lower()}",
        category=NOUNS.index(noun),
        price=price,
    )


# --- page parts -------------------------------------------------------------------------------

_PARAGRAPHS: list[str] = []


def _paragraphs() -> list[str]:
    """A pool of ~1 KB filler paragraphs, built once; pages pick from it by index."""
    if not _PARAGRAPHS:
        rng = random.Random(42)
        for _ in range(96):
            words = [rng.choice(WORDS) for _ in range(rng.randint(140, 190))]
            words[0] = words[0].capitalize()
            _PARAGRAPHS.append(f"<p>{' '.join(words)}.</p>")
    return _PARAGRAPHS


def _chrome_top(title: str, extra_head: str = "") -> str:
    menu = "".join(
        f'<li class="menu-item"><a href="/category/{_slug(c)}">{c}</a><ul class="sub">'
        + "".join(
            f'<li><a href="/category/{_slug(c)}#{section}">{section.title()} {c.lower()}</a></li>'
            for section in ("new", "bestsellers", "offers", "accessories", "guides")
        )
        + "</ul></li>"
        for c in CATEGORIES
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} | Benchstore</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{extra_head}"
        '<link rel="stylesheet" href="/static/site.css"></head><body>'
        '<header class="site-header"><a class="logo" href="/">Benchstore</a>'
        f'<span class="phone">Call us: {PHONE}</span>'
        '<search><form role="search" action="/search" method="get">'
        '<input type="search" name="q" placeholder="Search products"><button>Search</button>'
        "</form></search>"
        f'<nav class="mega-menu"><ul>{menu}</ul></nav></header><main>'
    )


_FOOTER_LINKS = ("about", "contact", "shipping", "returns", "privacy", "terms", "careers", "help")


def _chrome_bottom() -> str:
    links = "".join(f'<li><a href="/{name}">{name.title()}</a></li>' for name in _FOOTER_LINKS)
    return (
        f'</main><footer class="site-footer"><ul>{links}</ul>'
        f"<p>Questions? Call {PHONE}, every day from eight to eight.</p>"
        "<p>Benchstore is a synthetic shop for benchmarks.</p></footer></body></html>"
    )


def _filler(rng: random.Random, target: int, have: int) -> str:
    pool, parts = _paragraphs(), []
    while have < target:
        paragraph = pool[rng.randrange(len(pool))]
        parts.append(paragraph)
        have += len(paragraph)
    return "".join(parts)


def product_page(p: Product) -> str:
    rng = random.Random(2_000_003 * p.index + 11)
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": p.name,
        "sku": f"SKU-{p.index:06d}",
        "mpn": p.model,
        "brand": {"@type": "Brand", "name": p.name.split()[0]},
        "category": CATEGORIES[p.category],
        "offers": {
            "@type": "Offer",
            "price": p.price,
            "priceCurrency": "USD",
            "availability": "https://schema.org/InStock",
            "url": p.url,
        },
    }
    related = [p.index - k if p.index >= k else p.index + k for k in range(1, RELATED + 1)]
    related_html = "".join(
        f'<li><a href="{product(j).url}">{product(j).name}</a></li>' for j in related
    )
    head = (
        f'<meta name="description" content="Buy the {p.name} at Benchstore.">'
        f'<link rel="canonical" href="{p.url}">'
        f'<script type="application/ld+json">{json.dumps(data)}</script>'
    )
    category = CATEGORIES[p.category]
    top = (
        _chrome_top(p.name, head) + f'<nav class="breadcrumbs"><a href="/">Home</a> / '
        f'<a href="/category/{_slug(category)}">{category}</a></nav>'
        f'<article class="product"><h1>{p.name}</h1>'
        f'<p class="model">Model number: {p.model}</p>'
        f'<p class="price">${float(p.price):,.2f}</p><p class="stock">In stock</p>'
        '<form class="buy" action="/cart" method="post"><button>Add to cart</button></form>'
        '<section class="description"><h2>Description</h2>'
    )
    bottom = (
        f'</section><section class="related"><h2>Related products</h2><ul>{related_html}</ul>'
        "</section></article>" + _chrome_bottom()
    )
    target = rng.randint(30_000, 60_000)
    return top + _filler(rng, target, len(top) + len(bottom)) + bottom


def landing_page(p: Product) -> str:
    rng = random.Random(3_000_017 * p.index + 13)
    top = (
        _chrome_top(f"{p.name}: this month's offer") + f'<section class="hero"><h1>{p.name}</h1>'
        f"<p>Model {p.model}, now ${float(p.price):,.2f}. Order online or call {PHONE}.</p>"
        f'<a class="cta" href="{p.url}">See the {p.name}</a></section>'
        '<section class="story">'
    )
    bottom = "</section>" + _chrome_bottom()
    target = rng.randint(30_000, 60_000)
    return top + _filler(rng, target, len(top) + len(bottom)) + bottom


def search_page(p: Product) -> str:
    return (
        _chrome_top(f"Search results for {p.model}")
        + f"<h1>Search results</h1><p>1 result for {p.model}</p>"
        f'<ol class="results"><li><a href="{p.url}">{p.name}</a> '
        f"${float(p.price):,.2f}</li></ol>" + _chrome_bottom()
    )


def empty_search_page() -> str:
    return (
        _chrome_top("Search results")
        + "<h1>Search results</h1><p>No results found for your search.</p>"
        + _chrome_bottom()
    )


def category_page(index: int) -> str:
    name = CATEGORIES[index]
    # Only the first 1,000 products: a category page must not depend on the store's size.
    items = [product(i) for i in range(1000) if product(i).category == index][:60]
    listing = "".join(f'<li><a href="{p.url}">{p.name}</a></li>' for p in items)
    return _chrome_top(name) + f"<h1>{name}</h1><ul>{listing}</ul>" + _chrome_bottom()


def info_page(name: str) -> str:
    rng = random.Random(len(name))
    return (
        _chrome_top(name.title())
        + f"<h1>{name.title()}</h1>"
        + _filler(rng, 8000, 0)
        + (_chrome_bottom())
    )


# --- the store and its campaigns --------------------------------------------------------------


def build(root: Path, count: int) -> Path:
    """Write a store of at least `count` products under root/site (reused when it exists)."""
    site = root / "site"
    stamp = site / ".complete"
    if stamp.exists():
        version, _, built = stamp.read_text().partition(" ")
        if int(version) == GENERATOR_VERSION and int(built) >= count:
            return site
    for folder in ("products", "lp", "search", "category", "static"):
        (site / folder).mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text(
        _chrome_top("Home") + "<h1>Welcome to Benchstore</h1>" + _chrome_bottom()
    )
    for name in _FOOTER_LINKS:
        (site / f"{name}.html").write_text(info_page(name))
    (site / "static" / "site.css").write_text("body{font-family:sans-serif}\n")
    for index in range(len(CATEGORIES)):
        (site / "category" / f"{_slug(CATEGORIES[index])}.html").write_text(category_page(index))
    (site / "search" / "_empty.html").write_text(empty_search_page())
    for index in range(count):
        p = product(index)
        (site / "products" / f"{p.slug}.html").write_text(product_page(p))
        (site / "search" / f"{p.model}.html").write_text(search_page(p))
        if p.has_landing:
            (site / "lp" / f"{p.slug}.html").write_text(landing_page(p))
    stamp.write_text(f"{GENERATOR_VERSION} {count}")
    return site


def manifest(count: int, base: str) -> str:
    """The campaign manifest for the first `count` products (YAML, written as JSON-style flow
    maps so that 20,000 products stay quick to write)."""
    campaign_id = f"bench-{count}"
    lines = [
        "version: 1",
        f"campaign: {{name: Benchstore catalogue of {count} products, id: {campaign_id}}}",
        "site:",
        f"  url: {base}",
        f"  search: {base}/search?q={{query}}",
        f'  phone: "{PHONE}"',
        "products:",
    ]
    products = [product(i) for i in range(count)]
    for p in products:
        lines.append(
            f'  - {{id: {p.id}, name: "{p.name}", model: {p.model}, url: {p.url}, '
            f"price: {p.price}, currency: USD}}"
        )
    lines.append("landing_pages:")
    for p in products:
        if p.has_landing:
            lines.append(
                f"  - {{url: '{p.landing_url(campaign_id)}', channel: email, products: [{p.id}]}}"
            )
    return "\n".join(lines) + "\n"


def sitemap(count: int, base: str) -> str:
    """sitemap.xml of every product and landing page; its URLs are absolute, so it is written
    once nginx has its port."""
    pages = [base + "/"]
    for index in range(count):
        p = product(index)
        pages.append(base + p.url)
        if p.has_landing:
            pages.append(f"{base}/lp/{p.slug}")
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in pages)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n'
    )


def product_urls(count: int, base: str) -> list[str]:
    return [base + product(i).url for i in range(count)]


def campaign_pages(count: int, base: str) -> list[str]:
    """The pages a whole campaign check reads, as cxlint asks for them: each product page, its
    two searches (by model number and by name) and each landing page."""
    campaign_id = f"bench-{count}"
    pages = []
    for index in range(count):
        p = product(index)
        pages.append(base + p.url)
        pages += [f"{base}/search?q={quote_plus(query)}" for query in (p.model, p.name)]
        if p.has_landing:
            pages.append(base + p.landing_url(campaign_id))
    return pages


def landing_count(count: int) -> int:
    return sum(1 for i in range(count) if product(i).has_landing)

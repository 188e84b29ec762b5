"""The demo store's data: products, categories, landing pages and redirects.

Everything the store serves comes from these tables, so planting another failure means adding
or changing a row, never writing a new route. The planted cases of the bundled campaign
(cxlint/demo/campaign.yaml) are marked PLANTED below; every other row is meant to be healthy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

STORE_NAME = "Moto Direct"
PHONE_E164 = "+18005550100"  # what tel: links carry
PHONE_DISPLAY = "1-800-555-0100"  # what customers read

# schema.org availability name → the words the page shows.
AVAILABILITY_TEXT: dict[str, str] = {
    "InStock": "In stock",
    "OutOfStock": "Out of stock",
    "PreOrder": "Available for pre-order",
    "Discontinued": "No longer available",
}


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    blurb: str


@dataclass(frozen=True)
class Product:
    id: str  # internal id; never rendered, so it cannot leak a model number onto a page
    slug: str  # /products/<slug>
    name: str
    model: str  # the retail model number
    sku: str
    price: Decimal  # USD
    category: str  # Category.slug
    description: str
    availability: str = "InStock"  # a key of AVAILABILITY_TEXT
    keywords: tuple[str, ...] = ()  # what site search matches besides the name
    show_model: bool = True  # False: no "Model: X" anywhere and no mpn in JSON-LD
    featured: bool = False  # listed on the home page
    noindex: bool = False  # <meta name="robots" content="noindex">
    canonical: str | None = None  # path the page canonicalises to; None: itself
    offer_price: Decimal | None = None  # the price in its JSON-LD when it differs from `price`
    in_sitemap: bool = True  # listed in /sitemap.xml


@dataclass(frozen=True)
class LandingPage:
    slug: str  # /lp/<slug>
    title: str
    headline: str
    intro: str
    products: tuple[str, ...]  # Product.id values shown on the page
    show_phone: bool = True  # False: the page and its footer omit the call-centre number
    noindex: bool = False
    canonical: str | None = None  # path; None: itself without its query string
    social_tags: bool = True  # False: no og:* / twitter:* tags in the head
    signup_action: str | None = None  # a newsletter form posting to this address
    inline_photo_kb: int = 0  # a hero photo of about this size inlined as a data: URI


@dataclass(frozen=True)
class Redirect:
    status: int  # 301, 302, 307 or 308
    target: str  # a path on this store, or an absolute URL
    keep_query: bool = True  # False drops the incoming query string (and its utm_* values)


@dataclass(frozen=True)
class Catalogue:
    categories: tuple[Category, ...]
    products: tuple[Product, ...]
    landing_pages: tuple[LandingPage, ...]
    redirects: Mapping[str, Redirect] = field(default_factory=dict)  # exact path → redirect

    def __post_init__(self) -> None:
        # Fail at import (or in a test's custom catalogue), not as a puzzling page later.
        category_slugs = {c.slug for c in self.categories}
        ids = [p.id for p in self.products]
        slugs = [p.slug for p in self.products]
        if len(set(ids)) != len(ids) or len(set(slugs)) != len(slugs):
            raise ValueError("demo catalogue: product ids and slugs must be unique")
        for p in self.products:
            if p.category not in category_slugs:
                raise ValueError(f"demo catalogue: {p.id} has unknown category {p.category!r}")
            if p.availability not in AVAILABILITY_TEXT:
                raise ValueError(f"demo catalogue: {p.id} has unknown availability")
        for lp in self.landing_pages:
            unknown = set(lp.products) - set(ids)
            if unknown:
                raise ValueError(f"demo catalogue: /lp/{lp.slug} names unknown {sorted(unknown)}")

    def category(self, slug: str) -> Category | None:
        return next((c for c in self.categories if c.slug == slug), None)

    def product(self, product_id: str) -> Product | None:
        return next((p for p in self.products if p.id == product_id), None)

    def product_by_slug(self, slug: str) -> Product | None:
        return next((p for p in self.products if p.slug == slug), None)

    def landing_page(self, slug: str) -> LandingPage | None:
        return next((lp for lp in self.landing_pages if lp.slug == slug), None)

    def in_category(self, slug: str) -> list[Product]:
        return [p for p in self.products if p.category == slug]

    def search(self, query: str) -> list[Product]:
        """The site search, deliberately naive like many real ones.

        A case-insensitive substring match of the whole query against the product's name and
        its keywords, name matches first. The model number is not searched: a product is
        found by it only when its name or keywords carry it (which is how the V710 is missed).
        """
        q = " ".join(query.split()).casefold()
        if not q:
            return []
        by_name = [p for p in self.products if q in p.name.casefold()]
        by_keyword = [
            p
            for p in self.products
            if p not in by_name and any(q in k.casefold() for k in p.keywords)
        ]
        return by_name + by_keyword


CATEGORIES: tuple[Category, ...] = (
    Category("phones", "Phones", "Camera phones, music phones and smartphones."),
    Category("headsets", "Headsets", "Bluetooth and wired headsets for hands-free calls."),
    Category("chargers", "Chargers & power", "Travel, car and desktop chargers, batteries."),
    Category("cases", "Cases", "Holsters, skins and shells."),
    Category("tablets", "Tablets", "Large screens for reading, video and the web."),
)

D = Decimal

PRODUCTS: tuple[Product, ...] = (
    # PLANTED (V710 story): the store lists the phone under a marketing name only. The page
    # never shows the retail model number V710 (no "Model:" line, an internal sku, no mpn),
    # and the search keywords lack it: /search?q=V710 finds nothing, /search?q=MOTORAZR does.
    Product(
        id="v710",
        slug="motorazr-camera-phone",
        name="MOTORAZR Camera Phone",
        model="V710",
        sku="MOTO-CAM-01",
        price=D("499.99"),
        category="phones",
        description="Slim clamshell with a 1.2-megapixel camera, Bluetooth and a bright "
        "2.2-inch colour screen.",
        keywords=("camera phone", "clamshell", "flip phone", "bluetooth"),
        show_model=False,
    ),
    Product(
        id="e815",
        slug="motorola-e815",
        name="Motorola E815",
        model="E815",
        sku="MOTO-E815",
        price=D("199.99"),
        category="phones",
        description="Camera and music phone with Bluetooth and a memory card slot.",
        keywords=("camera phone", "music phone", "bluetooth"),
        featured=True,
    ),
    Product(
        id="v3",
        slug="motorola-razr-v3",
        name="Motorola RAZR V3",
        model="V3",
        sku="MOTO-V3",
        price=D("299.99"),
        category="phones",
        description="The original ultra-thin aluminium flip phone.",
        keywords=("flip phone", "thin"),
        featured=True,
    ),
    Product(
        id="v551",
        slug="motorola-v551",
        name="Motorola V551",
        model="V551",
        sku="MOTO-V551",
        price=D("149.99"),
        category="phones",
        description="Flip phone with a VGA camera and Bluetooth.",
        keywords=("flip phone", "camera phone"),
    ),
    Product(
        id="v220",
        slug="motorola-v220",
        name="Motorola V220",
        model="V220",
        sku="MOTO-V220",
        price=D("79.99"),
        category="phones",
        description="Compact colour-screen flip phone with a speakerphone.",
    ),
    Product(
        id="c650",
        slug="motorola-c650",
        name="Motorola C650",
        model="C650",
        sku="MOTO-C650",
        price=D("59.99"),
        category="phones",
        description="Candybar phone with a built-in camera and colour screen.",
    ),
    # PLANTED (product-page-noindex): a "noindex" left over from staging hides the page.
    Product(
        id="mpx220",
        slug="motorola-mpx220-smartphone",
        name="Motorola MPx220 Smartphone",
        model="MPx220",
        sku="MOTO-MPX220",
        price=D("349.99"),
        category="phones",
        description="Flip smartphone with e-mail, a camera and a memory card slot.",
        keywords=("smartphone", "email"),
        featured=True,
        noindex=True,
    ),
    # PLANTED (not-in-sitemap): published, but missing from /sitemap.xml.
    Product(
        id="a630",
        slug="motorola-a630-keyboard-phone",
        name="Motorola A630 Keyboard Phone",
        model="A630",
        sku="MOTO-A630",
        price=D("249.99"),
        category="phones",
        description="Fold-out QWERTY keyboard for messages and e-mail on the go.",
        keywords=("qwerty", "keyboard"),
        in_sitemap=False,
    ),
    Product(
        id="e398",
        slug="motorola-e398-music-phone",
        name="Motorola E398 Music Phone",
        model="E398",
        sku="MOTO-E398",
        price=D("129.99"),
        category="phones",
        description="Stereo speakers, lighting effects and a memory card for your music.",
        keywords=("music phone",),
    ),
    Product(
        id="v400",
        slug="motorola-v400",
        name="Motorola V400",
        model="V400",
        sku="MOTO-V400",
        price=D("119.99"),
        category="phones",
        description="Flip phone with a camera and two colour screens.",
        availability="OutOfStock",
    ),
    # PLANTED (product-unavailable): discontinued; its page says "No longer available".
    Product(
        id="v600",
        slug="motorola-v600",
        name="Motorola V600",
        model="V600",
        sku="MOTO-V600",
        price=D("169.99"),
        category="phones",
        description="World phone with a camera and Bluetooth.",
        availability="Discontinued",
    ),
    Product(
        id="h500",
        slug="motorola-h500-bluetooth-headset",
        name="Motorola H500 Bluetooth Headset",
        model="H500",
        sku="MOTO-H500",
        price=D("79.99"),
        category="headsets",
        description="Light, foldable Bluetooth headset with up to six hours of talk time.",
        keywords=("h500 headset", "bluetooth headset", "wireless earpiece"),
        featured=True,
    ),
    # PLANTED (price-mismatch): the page shows $99.99, but its product data still carries
    # the old price, 109.99, which shopping ads read.
    Product(
        id="hs850",
        slug="motorola-hs850-bluetooth-headset",
        name="Motorola HS850 Bluetooth Headset",
        model="HS850",
        sku="MOTO-HS850",
        price=D("99.99"),
        category="headsets",
        description="Flip-open boom Bluetooth headset that answers when you open it.",
        keywords=("bluetooth headset",),
        featured=True,
        offer_price=D("109.99"),
    ),
    Product(
        id="hs820",
        slug="motorola-hs820-bluetooth-headset",
        name="Motorola HS820 Bluetooth Headset",
        model="HS820",
        sku="MOTO-HS820",
        price=D("69.99"),
        category="headsets",
        description="Everyday Bluetooth headset with a comfortable ear hook.",
        keywords=("bluetooth headset",),
    ),
    Product(
        id="hs810",
        slug="motorola-hs810-bluetooth-headset",
        name="Motorola HS810 Bluetooth Headset",
        model="HS810",
        sku="MOTO-HS810",
        price=D("49.99"),
        category="headsets",
        description="Entry-level Bluetooth headset.",
        keywords=("bluetooth headset",),
    ),
    Product(
        id="s805",
        slug="motorola-s805-stereo-headphones",
        name="Motorola S805 Stereo Headphones",
        model="S805",
        sku="MOTO-S805",
        price=D("149.99"),
        category="headsets",
        description="Bluetooth stereo headphones for music and calls.",
        availability="PreOrder",
        keywords=("bluetooth headphones", "stereo"),
    ),
    Product(
        id="hf3",
        slug="motorola-hf3-wired-headset",
        name="Motorola HF3 Wired Headset",
        model="HF3",
        sku="MOTO-HF3",
        price=D("14.99"),
        category="headsets",
        description="Simple wired earbud with an answer button.",
    ),
    Product(
        id="spn5049",
        slug="motorola-travel-charger",
        name="Motorola Travel Charger",
        model="SPN5049",
        sku="MOTO-SPN5049",
        price=D("24.99"),
        category="chargers",
        description="Folding-plug wall charger for most Motorola phones.",
        keywords=("spn5049", "wall charger"),
    ),
    Product(
        id="syn0061",
        slug="motorola-vehicle-power-adapter",
        name="Motorola Vehicle Power Adapter",
        model="SYN0061",
        sku="MOTO-SYN0061",
        price=D("19.99"),
        category="chargers",
        description="Charges your phone from a car's power outlet.",
        keywords=("syn0061", "car charger"),
    ),
    Product(
        id="dc600",
        slug="motorola-desktop-charger-dc600",
        name="Motorola Desktop Charger DC600",
        model="DC600",
        sku="MOTO-DC600",
        price=D("29.99"),
        category="chargers",
        description="Charging stand with a slot for a spare battery.",
    ),
    Product(
        id="skn6238",
        slug="motorola-usb-data-cable",
        name="Motorola USB Data Cable",
        model="SKN6238",
        sku="MOTO-SKN6238",
        price=D("14.99"),
        category="chargers",
        description="Mini-USB cable to charge and sync with a computer.",
        keywords=("skn6238", "usb cable"),
    ),
    Product(
        id="bc50",
        slug="motorola-spare-battery-bc50",
        name="Motorola Spare Battery BC50",
        model="BC50",
        sku="MOTO-BC50",
        price=D("34.99"),
        category="chargers",
        description="Lithium-ion replacement battery.",
        keywords=("battery",),
    ),
    # PLANTED (search-partial-match): the search knows the holster by its model number as
    # printed, HLD-E815, but not by the hyphenless spelling HLDE815 that customers also type.
    # Everything else about it is healthy (page shows the model, price, stock, mpn).
    Product(
        id="hld-e815",
        slug="leather-holster-for-e815",
        name="Leather Holster for E815",
        model="HLD-E815",
        sku="ACC-HLD-E815",
        price=D("24.99"),
        category="cases",
        description="Hand-stitched leather holster with a swivel belt clip.",
        keywords=("holster", "hld-e815"),
    ),
    Product(
        id="skn-blk",
        slug="slim-silicone-skin-black",
        name="Slim Silicone Skin, Black",
        model="SKN-BLK",
        sku="ACC-SKN-BLK",
        price=D("9.99"),
        category="cases",
        description="Thin, grippy silicone skin.",
    ),
    Product(
        id="bch-01",
        slug="belt-clip-holster",
        name="Belt Clip Holster",
        model="BCH-01",
        sku="ACC-BCH-01",
        price=D("14.99"),
        category="cases",
        description="Universal holster for flip phones.",
        keywords=("holster",),
    ),
    Product(
        id="npr-02",
        slug="neoprene-pouch",
        name="Neoprene Pouch",
        model="NPR-02",
        sku="ACC-NPR-02",
        price=D("12.99"),
        category="cases",
        description="Soft padded pouch with a wrist strap.",
    ),
    Product(
        id="ccs-03",
        slug="crystal-clear-shell",
        name="Crystal Clear Shell",
        model="CCS-03",
        sku="ACC-CCS-03",
        price=D("17.99"),
        category="cases",
        description="Hard clear shell that shows off your phone's finish.",
    ),
    Product(
        id="mt8",
        slug="moto-tab-8",
        name="Moto Tab 8",
        model="MT8",
        sku="MOTO-MT8",
        price=D("349.99"),
        category="tablets",
        description="Eight-inch tablet for reading and video.",
        keywords=("tablet",),
    ),
    Product(
        id="mt10",
        slug="moto-tab-10",
        name="Moto Tab 10",
        model="MT10",
        sku="MOTO-MT10",
        price=D("449.99"),
        category="tablets",
        description="Ten-inch tablet with stereo speakers.",
        keywords=("tablet",),
    ),
    Product(
        id="mt10-folio",
        slug="moto-tab-10-keyboard-folio",
        name="Moto Tab 10 Keyboard Folio",
        model="MT10-KF",
        sku="MOTO-MT10-KF",
        price=D("89.99"),
        category="tablets",
        description="Keyboard cover that turns the Tab 10 into a laptop.",
        keywords=("keyboard",),
    ),
    Product(
        id="mt7k",
        slug="moto-tab-kids-7",
        name="Moto Tab Kids 7",
        model="MT7K",
        sku="MOTO-MT7K",
        price=D("149.99"),
        category="tablets",
        description="Seven-inch tablet in a drop-proof bumper.",
        keywords=("tablet", "kids"),
    ),
)

LANDING_PAGES: tuple[LandingPage, ...] = (
    LandingPage(
        slug="e815",
        title="Motorola E815: camera, music and Bluetooth",
        headline="Meet the Motorola E815",
        intro="Take pictures, play your music and talk hands-free, all on one phone.",
        products=("e815",),
    ),
    # Healthy page behind a PLANTED redirect: /go/spring drops the query string on the way.
    LandingPage(
        slug="spring-sale",
        title="Spring sale",
        headline="Spring into something new",
        intro="Our spring pick: the Motorola E815, with free delivery.",
        products=("e815",),
    ),
    LandingPage(
        slug="h500",
        title="Motorola H500 Bluetooth Headset",
        headline="Hands-free, the light way",
        intro="The H500 folds small enough for a pocket and lasts all day.",
        products=("h500",),
    ),
    # PLANTED (soft-404): the campaign page is still the CMS placeholder; it answers 200 OK.
    LandingPage(
        slug="autumn-preview",
        title="Autumn preview",
        headline="This page is under construction",
        intro="Check back soon.",
        products=(),
    ),
    # Healthy page behind a PLANTED redirect chain: /go/tablet goes through 4 redirects.
    LandingPage(
        slug="moto-tab",
        title="Moto Tab 10",
        headline="The big screen, made light",
        intro="The Moto Tab 10: ten inches for reading, video and the web.",
        products=("mt10",),
    ),
    # Healthy page; the PLANTED fault is its link in the campaign: utm_medium=Email where
    # every other e-mail link says email (tracking-missing).
    LandingPage(
        slug="razr-v3",
        title="Motorola RAZR V3",
        headline="The original RAZR",
        intro="Still the thinnest flip phone we sell.",
        products=("v3",),
    ),
    # PLANTED (wrong-product-on-page): the campaign promises the H500 headset, but this page
    # was copied from the E815 page; only its intro mentions the H500.
    LandingPage(
        slug="h500-gift",
        title="Motorola E815: camera, music and Bluetooth",
        headline="Meet the Motorola E815",
        intro="Gift idea: pair it with the H500 headset.",
        products=("e815",),
    ),
    # PLANTED (phone-missing): the page and its footer omit the call-centre number.
    LandingPage(
        slug="v551",
        title="Motorola V551",
        headline="Flip, snap, share",
        intro="A flip phone with a camera and Bluetooth.",
        products=("v551",),
        show_phone=False,
    ),
    # PLANTED (canonical-mismatch): a template bug makes the page name the home page as its
    # canonical address.
    LandingPage(
        slug="e398-music",
        title="Motorola E398 Music Phone",
        headline="Turn it up",
        intro="Stereo speakers and lights that move with your music.",
        products=("e398",),
        canonical="/",
    ),
    # PLANTED (insecure-url): the newsletter sign-up form posts e-mail addresses over http.
    LandingPage(
        slug="newsletter",
        title="Moto Direct newsletter",
        headline="Be the first to know",
        intro="New phones and offers, once a month.",
        products=("c650",),
        signup_action="http://newsletter.example.com/subscribe",
    ),
    # PLANTED (slow-page): the page builder inlined a 1.2 MB hero photo into the HTML.
    LandingPage(
        slug="tablet-gallery",
        title="Moto Tab gallery",
        headline="See it in colour",
        intro="The Moto Tab 8, in pictures.",
        products=("mt8",),
        inline_photo_kb=1200,
    ),
    # PLANTED (page-title-generic): the page builder left the title at the shop's name, the
    # home page's own title.
    LandingPage(
        slug="c650",
        title="Moto Direct",
        headline="Motorola C650: colour for less",
        intro="A colour screen and a camera in a phone that fits any pocket.",
        products=("c650",),
    ),
    # PLANTED (social-preview-missing): the page of a social post has no og:/twitter: tags.
    LandingPage(
        slug="kids-tablet",
        title="Moto Tab Kids 7",
        headline="Drop-proof fun",
        intro="A seven-inch tablet in a bumper made for small hands.",
        products=("mt7k",),
        social_tags=False,
    ),
)

REDIRECTS: dict[str, Redirect] = {
    # PLANTED (V710 story): the campaign's vanity URL lands on the home page, a generic page
    # that never mentions the phone. Tracking survives; the customer is simply lost.
    "/v710": Redirect(302, "/", keep_query=True),
    # PLANTED: a vanity link that drops its query string, so utm_* attribution is lost.
    "/go/spring": Redirect(301, "/lp/spring-sale", keep_query=False),
    # Healthy: a vanity link that keeps its query string.
    "/go/h500": Redirect(301, "/lp/h500", keep_query=True),
    # Healthy: an old product URL that still works.
    "/phones/e815": Redirect(301, "/products/motorola-e815", keep_query=True),
    # PLANTED (redirect-chain): a vanity link re-pointed over the years, 4 redirects deep.
    "/go/tablet": Redirect(301, "/go/tablet-2026", keep_query=True),
    "/go/tablet-2026": Redirect(302, "/promo/tablet", keep_query=True),
    "/promo/tablet": Redirect(301, "/promo/tablet-sale", keep_query=True),
    "/promo/tablet-sale": Redirect(301, "/lp/moto-tab", keep_query=True),
}

DEFAULT_CATALOGUE = Catalogue(
    categories=CATEGORIES,
    products=PRODUCTS,
    landing_pages=LANDING_PAGES,
    redirects=REDIRECTS,
)

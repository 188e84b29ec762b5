"""What a rule sees of its subject: the manifest's promise and the facts fetched for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cxlint.checks.offers import offers_for
from cxlint.creative import CreativeLink
from cxlint.model import Campaign, Creative, LandingPage, Product, Response
from cxlint.outage import Outage
from cxlint.page import Page
from cxlint.prices import Offer
from cxlint.robots import Robots
from cxlint.search import ProductSearch
from cxlint.sitemap import Sitemaps
from cxlint.spelling import page_shows


@dataclass
class LandingContext:
    campaign: Campaign
    landing: LandingPage
    response: Response
    page: Page | None
    products: list[Product]
    home: Page | None  # the site's home page, to recognise a generic destination
    # What the site answers for a made-up path beside the final page: its not-found
    # fingerprint (soft-404). None when not gathered (rule off) or nothing could be had.
    not_found: NotFoundProbe | None = None
    # The campaign URL fetched again with the click ids ad platforms append (gclid, fbclid),
    # when it redirects: does the chain keep them? (tracking-dropped)
    sentinel: Response | None = None
    # The sitemaps of the final page's origin, when not-in-sitemap is on (None otherwise).
    sitemap: Sitemaps | None = None


@dataclass
class NotFoundProbe:
    url: str  # the made-up URL that was asked for
    response: Response
    page: Page | None  # parsed only when the site answered it with a page (2xx)


@dataclass
class ProductContext:
    campaign: Campaign
    product: Product
    response: Response | None
    page: Page | None
    search: ProductSearch | None
    search_skipped: str | None  # why no search ran, when none did
    # Gathered only for the rules that read them (not-in-sitemap, product-page-noindex):
    sitemap: Sitemaps | None = None  # the sitemaps of the product page's origin
    robots: Robots | None = None  # the product page origin's robots.txt
    # The site's home page: what its content repeats is the site's chrome (cxlint.regions)
    home: Page | None = None

    @cached_property
    def offers(self) -> tuple[Offer, ...]:
        """The product's offers on its page (`offers_for`): price-mismatch and
        product-unavailable both read them, found once."""
        return tuple(offers_for(self.page, self.product)) if self.page is not None else ()

    @cached_property
    def model_shown(self) -> str | None:
        """The spelling of the model number the product's page uses, if any: read by four
        rules' checks and evidence, found once (a fold of the page's whole text)."""
        page, model = self.page, self.product.model
        if page is None or not model:
            return None
        return page_shows(page, model)


@dataclass
class CreativeContext:
    """One link of a campaign creative, and where following it leads."""

    campaign: Campaign
    creative: Creative
    link: CreativeLink
    response: Response | None  # None when the link cannot be opened (link.problem says why)
    page: Page | None  # where it lands, when that is a page
    # Normalised URLs of the campaign's pages: landing pages and product pages as declared,
    # and where each one ends after its redirects (site roots excepted)
    campaign_pages: dict[str, str] = field(default_factory=dict)  # URL → what it is
    site_origins: set[str] = field(default_factory=set)  # origins of the campaign's site


@dataclass
class SiteContext:
    campaign: Campaign
    search: dict[str, Any] = field(default_factory=dict)  # how search was found, or why not
    unreachable: Outage | None = None  # set when the site's origin could not be reached

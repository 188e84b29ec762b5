"""What a rule sees of its subject: the manifest's promise and the facts fetched for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cxlint.model import Campaign, LandingPage, Product, Response
from cxlint.page import Page
from cxlint.search import ProductSearch


@dataclass
class LandingContext:
    campaign: Campaign
    landing: LandingPage
    response: Response
    page: Page | None
    products: list[Product]
    home: Page | None  # the site's home page, to recognise a generic destination


@dataclass
class ProductContext:
    campaign: Campaign
    product: Product
    response: Response | None
    page: Page | None
    search: ProductSearch | None
    search_skipped: str | None  # why no search ran, when none did


@dataclass
class SiteContext:
    campaign: Campaign
    search: dict[str, Any] = field(default_factory=dict)  # how search was found, or why not

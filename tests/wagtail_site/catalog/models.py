"""The site's pages: a home page and product pages, searchable by title and description."""

from django.db import models
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    intro = models.TextField(blank=True)
    subpage_types = ["catalog.ProductPage"]


class ProductPage(Page):
    # The retail model number, kept for the shop's own records. Shown on the page (and so
    # searchable through the description) only when `show_model` is set.
    model_number = models.CharField(max_length=40, blank=True)
    show_model = models.BooleanField(default=True)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2, default=0)

    search_fields = Page.search_fields + [index.SearchField("description")]
    parent_page_types = ["catalog.HomePage"]

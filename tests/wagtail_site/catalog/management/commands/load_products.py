"""Creates the site's home page and its product pages (run once, after migrate)."""

from decimal import Decimal

from django.core.management.base import BaseCommand
from wagtail.models import Page, Site

from catalog.models import HomePage, ProductPage

# (slug, title, model number, shown on the page, description, price)
PRODUCTS = [
    # Healthy: the model number is in the title, so the search finds it by that number.
    (
        "lumen-l5-speaker",
        "Lumen L5 Speaker",
        "L5",
        True,
        "A pocket Bluetooth speaker with twelve hours of play.",
        "59.00",
    ),
    (
        "terra-t9-tablet",
        "Terra T9 Tablet",
        "T9",
        True,
        "A nine-inch tablet for reading and video.",
        "249.00",
    ),
    # PLANTED: findable only by its name. Its model number AC710 is on no page at all.
    (
        "aurora-camera-phone",
        "Aurora Camera Phone",
        "AC710",
        False,
        "A slim flip phone with a 2-megapixel camera and a bright screen.",
        "199.00",
    ),
    # PLANTED: "X-200" finds it, the hyphenless "X200" that customers type finds nothing.
    (
        "nimbus-x-200-headset",
        "Nimbus X-200 Headset",
        "X-200",
        True,
        "A light Bluetooth headset with noise cancelling.",
        "79.00",
    ),
]


class Command(BaseCommand):
    help = "Create the home page and the product pages of the test shop."

    def handle(self, *args, **options):
        root = Page.get_first_root_node()
        for child in root.get_children():  # Wagtail's "Welcome" page
            child.delete()
        home = HomePage(title="Nimbus Mobile", slug="home", intro="Phones, tablets and sound.")
        root.add_child(instance=home)
        site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
        site.hostname, site.port, site.root_page = "localhost", 80, home
        site.site_name = "Nimbus Mobile"
        site.save()
        for slug, title, model, shown, description, price in PRODUCTS:
            page = ProductPage(
                title=title,
                slug=slug,
                model_number=model,
                show_model=shown,
                description=description,
                price=Decimal(price),
            )
            home.add_child(instance=page)
            page.save_revision().publish()
        self.stdout.write(f"created {len(PRODUCTS)} product pages")

"""Set up and serve the test Shuup shop on 127.0.0.1, in the Python of Shuup's own venv.

    python serve.py CATALOGUE.json

With CXLINT_SHUUP_DIR naming the folder of its database and media: makes the tables, runs
Shuup's `shuup_init` (default shop, supplier, currencies, theme), loads the catalogue with
Shuup's models, then serves with a threaded WSGI server and prints `READY http://...` once the
port (a free one) is bound.
"""

import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

HERE = Path(__file__).resolve().parent


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        """cxlint's output is the test's; no access log."""


def load(catalogue):
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime
    from shuup.core.models import (
        Category,
        CategoryStatus,
        CategoryVisibility,
        Product,
        ProductType,
        SalesUnit,
        Shop,
        ShopProduct,
        ShopProductVisibility,
        Supplier,
        SupplierModule,
        TaxClass,
    )
    from shuup.discounts.models import Discount
    from shuup.simple_cms.models import Page
    from shuup.simple_supplier.models import StockCount
    from shuup.xtheme import get_current_theme
    from shuup.xtheme.layout import Layout
    from shuup.xtheme.layout.utils import get_layout_data_key
    from shuup.xtheme.view_config import ViewConfig

    shop = Shop.objects.get(identifier="default")
    shop.name = shop.public_name = catalogue["shop"]
    shop.currency = "USD"
    shop.prices_include_tax = True
    shop.maintenance_mode = False
    shop.save()
    product_type = ProductType.objects.get(identifier="default")
    unit = SalesUnit.objects.get(identifier="pcs")
    tax_class, _ = TaxClass.objects.get_or_create(identifier="default", defaults={"name": "Goods"})
    # A supplier that does not keep stock: Shuup's search lists only products some supplier
    # can sell now, and the default supplier keeps none.
    module, _ = SupplierModule.objects.get_or_create(module_identifier="simple_supplier")
    always = Supplier.objects.get(identifier="default")
    always.stock_managed = False
    always.save()
    always.supplier_modules.add(module)
    # The warehouse supplier keeps stock, through Shuup's simple_supplier module.
    warehouse = Supplier.objects.create(
        identifier="warehouse", name="Warehouse", stock_managed=True, enabled=True
    )
    warehouse.supplier_modules.add(module)
    warehouse.shops.add(shop)

    categories = {}
    for position, name in enumerate(catalogue["categories"]):
        category = Category.objects.create(
            identifier=name.lower(),
            name=name,
            status=CategoryStatus.VISIBLE,
            visibility=CategoryVisibility.VISIBLE_TO_ALL,
            ordering=position,
        )
        category.shops.add(shop)
        categories[name] = category

    products = {}
    for item in catalogue["products"]:
        product = products[item["key"]] = Product.objects.create(
            type=product_type,
            sales_unit=unit,
            tax_class=tax_class,
            sku=item["sku"],
            name=item["name"],
            short_description=item.get("short_description", ""),
            description=item.get("description", ""),
            keywords=item.get("keywords", ""),
        )
        shop_product = ShopProduct.objects.create(
            product=product,
            shop=shop,
            visibility=ShopProductVisibility.ALWAYS_VISIBLE,
            default_price_value=Decimal(item["price"]),
            purchasable=item.get("purchasable", True),
            primary_category=categories[item["category"]],
        )
        if "available_until" in item:
            shop_product.available_until = parse_datetime(item["available_until"])
            shop_product.save()
        shop_product.categories.add(categories[item["category"]])
        if "sale_price" in item:  # a Shuup discount: cards strike the old price through
            Discount.objects.create(
                shop=shop,
                name="Spring sale",
                product=product,
                discounted_price_value=Decimal(item["sale_price"]),
                active=True,
            )
        if "stock" in item:
            shop_product.suppliers.add(warehouse)
            StockCount.objects.create(supplier=warehouse, product=product, stock_managed=True)
            if item["stock"]:
                warehouse.adjust_stock(product.pk, item["stock"])
            else:
                warehouse.update_stock(product.pk)
        else:
            shop_product.suppliers.add(always)

    now = timezone.now()
    for item in catalogue["pages"]:
        Page.objects.create(
            shop=shop,
            identifier=item["url"],
            url=item["url"],
            title=item["title"],
            content=item["content"],
            available_from=parse_datetime(item["available_from"])
            if "available_from" in item
            else now,
            visible_in_menu=item.get("menu", False),
        )

    # The footer as a shop sets it in Shuup's theme editor: xtheme plugins in the global
    # "footer" placeholder, published.
    theme = get_current_theme(shop)
    layout = Layout(theme, "footer")
    for plugin, config in catalogue["footer"]:
        if "products" in config:  # a product selection, named by catalogue keys
            config = {**config, "products": [products[key].pk for key in config["products"]]}
        layout.begin_column({"sm": 12 // len(catalogue["footer"])})
        layout.add_plugin(plugin, config)
    view_config = ViewConfig(theme, shop, None, draft=True, global_type=True)
    view_config.save_placeholder_layout(get_layout_data_key("footer", layout, {}), layout)
    view_config.publish()


def main() -> None:
    sys.path.insert(0, str(HERE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    call_command("shuup_init", verbosity=0)
    load(json.loads(Path(sys.argv[1]).read_text()))
    # Prices and availability as the storefront's catalogue queries read them (the admin's
    # product editor indexes each product it saves).
    call_command("reindex_product_catalog", verbosity=0)
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    print(f"READY http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

"""A real Shuup storefront (PyPI `shuup` 3.1.0, theme classic_gray) on 127.0.0.1, for the
`platforms` tests: an outdoor shop with prices, stock and CMS landing pages.

Shuup 3.1 pins Django 2.2 and an old Jinja, so it runs in a venv of its own, made once by the
fixture in a cache folder (CXLINT_PLATFORMS_CACHE, else ~/.cache/cxlint-platforms) and kept
there: pip < 24.1 (Shuup's metadata has a requirement newer pips refuse), Jinja2 2.11.3 and
MarkupSafe < 2.1 (Shuup's own pin, Jinja2 2.8, does not import on Python 3.11), and two fixes
for Python 3.10+: the `collections` ABC names its dependencies import, and django-enumfields'
member-name list (a dict since 3.11). Each session then makes the shop from scratch in its
temporary folder (tests/platforms/shuup_site/serve.py): tables, Shuup's own `shuup_init`, the
catalogue below, and a threaded WSGI server on a free port.

The chrome is the theme's: a header with a login drop-down and the mini-cart ("Cart (0)
Your shopping cart is empty."), the menu, and the footer placeholder with Shuup's page- and
category-link plugins, its product-selection plugin ("Staff picks": ft45l, a control, and
fus1200, a planted search miss) and a text plugin with the shop's free-delivery note.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.platforms.common import (
    Campaign,
    Site,
    Subject,
    read_ready_line,
    run,
    start,
    stop,
    tail,
    unavailable,
    wait_until_answers,
)

HERE = Path(__file__).parent / "shuup_site"
VERSION = "3.1.0"
REQUIREMENTS = [
    ["pip<24.1"],
    [f"shuup=={VERSION}", "MarkupSafe<2.1"],
    ["Jinja2==2.11.3"],  # after Shuup: its own pin (2.8.1) cannot import on Python 3.11
]
PHONE = "+1 888 555 0142"
UTM = "utm_source={source}&utm_medium={medium}&utm_campaign=trail-season"

# Python 3.10 removed the ABC aliases from `collections`, which Babel 2.5 and others import.
COMPAT = """\
import collections
import collections.abc

for _name in ("Callable", "Iterable", "Mapping", "MutableMapping", "MutableSet", "Sequence"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))
"""
# Python 3.11's _EnumDict keeps member names in a dict, which django-enumfields 2.0 removes
# from as from a list.
ENUMFIELDS_OLD = "attrs._member_names.remove('Labels')"
ENUMFIELDS_NEW = "attrs._member_names.pop('Labels')"


def cache_folder() -> Path:
    root = os.environ.get("CXLINT_PLATFORMS_CACHE")
    if root:
        return Path(root)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "cxlint-platforms"


def shuup_python(log: Path) -> Path:
    """The Python of Shuup's venv; made (once, ~1 minute) when the cache has none."""
    version = f"py{sys.version_info.major}.{sys.version_info.minor}"
    venv = cache_folder() / f"shuup-{VERSION}-{version}"
    python = venv / "bin" / "python"
    if (venv / "ready").exists():
        return python
    building = venv.with_name(f"{venv.name}.{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    run([sys.executable, "-m", "venv", str(building)], log)
    for requirements in REQUIREMENTS:
        pip = [str(building / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        result = subprocess.run(
            [*pip, *requirements], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        with open(log, "a") as out:
            out.write(result.stdout)
        if result.returncode:
            shutil.rmtree(building, ignore_errors=True)
            unavailable(f"pip could not install {' '.join(requirements)} for Shuup:\n{tail(log)}")
    [site_packages] = (building / "lib").glob("python3.*/site-packages")
    (site_packages / "cxlint_compat.py").write_text(COMPAT)
    (site_packages / "cxlint_compat.pth").write_text("import cxlint_compat\n")
    enums = site_packages / "enumfields" / "enums.py"
    enums.write_text(enums.read_text().replace(ENUMFIELDS_OLD, ENUMFIELDS_NEW))
    (building / "ready").touch()
    try:
        building.rename(venv)  # another session may have made it meanwhile
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
    return python


FOOTER = [
    ["simple_cms.page_links", {"title": "Pages"}],
    ["category_links", {"title": "Categories"}],
    # Shuup's product-selection plugin: two products, with links and prices, on every page
    ["product_selection", {"title": "Staff picks", "products": ["ft45l", "fus1200"]}],
    ["text", {"text": "<h2>Delivery</h2><p>Free delivery on orders over $50.</p>"}],
]

PRODUCTS = [
    # healthy controls: the shop's SKU is the maker's model number, as shops often do
    {
        "key": "ft45l",
        "sku": "FT-45L",
        "name": "Fjell Trail 45 Backpack",
        "description": "<p>A 45-litre trekking pack with an adjustable back system.</p>",
        "price": "149.00",
        "category": "Packs",
    },
    {
        "key": "fd3p",
        "sku": "FD-3P",
        "name": "Fjell Dome 3 Tent",
        "description": "<p>A three-person dome tent, 3.1 kg.</p>",
        "price": "429.00",
        "category": "Tents",
        "stock": 5,  # kept in stock by the warehouse supplier
    },
    {
        "key": "fsb20",
        "sku": "FSB-20",
        "name": "Fjell Down Sleeping Bag",
        "description": "<p>Goose down, comfortable to -5 °C.</p>",
        "price": "219.00",
        "category": "Sleeping",
    },
    {
        "key": "fhl3",
        "sku": "FHL-3R",
        "name": "Fjell Head Lamp",
        "description": "<p>400 lumens, rechargeable.</p>",
        "price": "59.00",
        "sale_price": "44.00",  # a Shuup discount: the spring sale price
        "category": "Packs",
    },
    # planted defects
    {
        "key": "ftp2",
        "sku": "FTP-2C",
        "name": "Fjell Trekking Poles",
        "description": "<p>A pair of carbon poles, 420 g.</p>",
        "price": "89.00",  # the campaign says $79.00
        "category": "Packs",
    },
    {
        # the V710 story: an internal SKU, and the model number FUS-1200 on no page
        "key": "fus1200",
        "sku": "10442",
        "name": "Fjell Ultralight Stove",
        "description": "<p>A 73 g canister stove that boils a litre in 3.5 minutes.</p>",
        "price": "69.00",
        "category": "Cooking",
    },
    {
        # the model number in the short description only, shown under the product's name
        # but not one of the fields Shuup's simple search reads (SKU, name, description,
        # keywords)
        "key": "fwf90",
        "sku": "10517",
        "name": "Fjell Water Filter",
        "short_description": "Model FWF-90",
        "description": "<p>Filters 1,500 litres; hollow-fibre.</p>",
        "price": "49.00",
        "category": "Cooking",
    },
    {
        "key": "fd2p",
        "sku": "FD-2P",
        "name": "Fjell Dome 2 Tent",
        "description": "<p>A two-person dome tent, 2.4 kg.</p>",
        "price": "329.00",
        "category": "Tents",
        "stock": 0,  # sold out at the warehouse
    },
    {
        "key": "fs1",
        "sku": "FS-1",
        "name": "Fjell Solo Tent",
        "description": "<p>A one-person tunnel tent.</p>",
        "price": "199.00",
        "category": "Tents",
        "available_until": "2025-01-01T00:00:00Z",  # taken off sale
    },
    {
        "key": "fcm4",
        "sku": "FCM-4S",
        "name": "Fjell Camp Mug Set",
        "description": "<p>Four stacking enamel mugs.</p>",
        "price": "65.00",  # the campaign says $50.00, the footer's free-delivery threshold
        "category": "Cooking",
    },
]


def _links(*keys: str) -> str:
    return "".join(
        f"<li>{p['name']} ({p['sku']}), ${p['sale_price'] if 'sale_price' in p else p['price']}"
        "</li>"
        for p in PRODUCTS
        if p["key"] in keys
    )


PAGES = [
    {
        "url": "trail-season",
        "title": "Trail season",
        "menu": True,
        "content": (
            "<p>Everything for the first long walk of the year.</p>"
            f"<ul>{_links('ft45l', 'fd3p', 'fsb20', 'fhl3')}</ul>"
            f"<p>Advice on the phone: {PHONE}.</p>"
        ),
    },
    {
        # not yet published: goes live after the campaign's launch
        "url": "stove-week",
        "title": "Stove week",
        "available_from": "2099-01-01T00:00:00Z",
        "content": f"<ul>{_links('fus1200')}</ul><p>Call {PHONE}.</p>",
    },
    {
        # promises the stove, which only the footer's staff picks show
        "url": "cook-outdoors",
        "title": "Cook outdoors",
        "content": f"<ul>{_links('fcm4')}</ul><p>Call {PHONE}.</p>",
    },
    {
        # promises the poles, shows the sleeping bag
        "url": "walk-lighter",
        "title": "Walk lighter",
        "content": f"<ul>{_links('fsb20')}</ul><p>Call {PHONE}.</p>",
    },
]

CATALOGUE = {
    "shop": "Fjell Outdoor",
    "categories": ["Packs", "Tents", "Sleeping", "Cooking"],
    "products": PRODUCTS,
    "pages": PAGES,
    "footer": FOOTER,
}


def _product(key: str, model: str, price: float, path: str) -> dict:
    item = next(p for p in PRODUCTS if p["key"] == key)
    return {
        "id": key,
        "name": item["name"],
        "model": model,
        "url": path,
        "price": price,
        "currency": "USD",
    }


# Shuup's product URLs are /p/<id>-<slug>/, the ids in catalogue order from 1.
def _path(key: str) -> str:
    number = next(i for i, p in enumerate(PRODUCTS, 1) if p["key"] == key)
    slug = next(p for p in PRODUCTS if p["key"] == key)["name"].lower().replace(" ", "-")
    return f"/p/{number}-{slug}/"


# What cxlint gets wrong on this Shuup today (issue 15), each with the evidence it gave.
WRONG: dict[tuple[str, str], str] = {}
WRONG_REASON: dict[tuple[str, str], str] = {}

CAMPAIGN = Campaign(
    name="Trail Season",
    phone=PHONE,
    wrong=WRONG,
    wrong_reason=WRONG_REASON,
    products=[
        Subject("ft45l", _product("ft45l", "FT-45L", 149.00, _path("ft45l"))),
        Subject("fd3p", _product("fd3p", "FD-3P", 429.00, _path("fd3p"))),
        Subject("fsb20", _product("fsb20", "FSB-20", 219.00, _path("fsb20"))),
        Subject("fhl3", _product("fhl3", "FHL-3R", 44.00, _path("fhl3"))),
        Subject(
            "ftp2",
            _product("ftp2", "FTP-2C", 79.00, _path("ftp2")),
            planted=("price-mismatch",),
            says={"price-mismatch": "$89.00"},
        ),
        Subject(
            "fus1200",
            _product("fus1200", "FUS-1200", 69.00, _path("fus1200")),
            planted=("model-not-on-product-page", "search-misses-product"),
            says={"search-misses-product": "found only by its name 'Fjell Ultralight Stove'"},
        ),
        Subject(
            "fwf90",
            _product("fwf90", "FWF-90", 49.00, _path("fwf90")),
            planted=("search-misses-product",),
            says={"search-misses-product": "found only by its name 'Fjell Water Filter'"},
        ),
        Subject(
            "fd2p",
            _product("fd2p", "FD-2P", 329.00, _path("fd2p")),
            planted=("product-unavailable",),
            # Shuup's search lists only what can be bought now: true, and worth knowing
            also=("search-misses-product",),
        ),
        Subject(
            "fs1",
            _product("fs1", "FS-1", 199.00, _path("fs1")),
            planted=("page-unreachable",),
            also=("search-misses-product",),
        ),
        Subject(
            "fcm4",
            _product("fcm4", "FCM-4S", 50.00, _path("fcm4")),
            planted=("price-mismatch",),
        ),
    ],
    landing_pages=[
        Subject(
            "trail-season",
            {
                "url": "/trail-season/?" + UTM.format(source="newsletter", medium="email"),
                "channel": "email",
                "products": ["ft45l", "fd3p", "fsb20", "fhl3"],
            },
        ),
        Subject(
            # no trailing slash: Django's APPEND_SLASH redirect keeps the query
            "trail-season-social",
            {
                "url": "/trail-season?" + UTM.format(source="instagram", medium="social"),
                "channel": "social",
                "products": ["ft45l"],
            },
        ),
        Subject(
            "stove-week",
            {
                "url": "/stove-week/?" + UTM.format(source="google", medium="cpc"),
                "channel": "search",
                "products": ["fus1200"],
            },
            planted=("page-unreachable",),
        ),
        Subject(
            "cook-outdoors",
            {
                "url": "/cook-outdoors/?" + UTM.format(source="newsletter", medium="email"),
                "channel": "email",
                "products": ["fus1200"],
            },
            planted=("product-not-on-page",),
        ),
        Subject(
            "walk-lighter",
            {
                "url": "/walk-lighter/?" + UTM.format(source="newsletter", medium="email"),
                "channel": "email",
                "products": ["ftp2"],
            },
            planted=("product-not-on-page",),
        ),
    ],
)


@pytest.fixture(scope="session")
def shuup_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A running Shuup shop with the catalogue above, e.g. http://127.0.0.1:41234."""
    began = time.monotonic()
    folder = tmp_path_factory.mktemp("shuup")
    log = folder / "setup.log"
    python = shuup_python(log)
    venv_seconds = time.monotonic() - began
    catalogue = folder / "catalogue.json"
    catalogue.write_text(json.dumps(CATALOGUE))
    server = start(
        [str(python), str(HERE / "serve.py"), str(catalogue)],
        folder / "server.log",
        env={**os.environ, "CXLINT_SHUUP_DIR": str(folder), "PYTHONDONTWRITEBYTECODE": "1"},
        cwd=folder,
        stdout=subprocess.PIPE,
    )
    try:
        url = read_ready_line(server, folder / "server.log")
        if not wait_until_answers(url + "/", server, folder / "server.log"):
            pytest.fail(f"Shuup exited:\n{tail(folder / 'server.log')}")
        (folder / "times.txt").write_text(f"venv {venv_seconds:.1f} s\n")
        yield Site(url, folder, time.monotonic() - began - venv_seconds)
    finally:
        stop(server)

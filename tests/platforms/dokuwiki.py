"""A real DokuWiki (Debian's package, its default template) on 127.0.0.1, for the `platforms`
tests: a tool maker's product wiki, product pages with prices and stock, campaign pages.

Per session, under the test's temporary folder: a copy of Debian's configuration
(/etc/dokuwiki) with a local.php that puts the data folder there too, the pages written as
DokuWiki's own .txt files, its search index built by its bin/indexer.php, and PHP's built-in
server over /usr/share/dokuwiki. A prepend file defines DOKU_CONF, so nothing under /etc or
/var/lib is read for the site's data or written.

The chrome is the template's: header (wiki title, tools, search form), breadcrumbs ("Trace"),
the sidebar (DokuWiki's `sidebar` page: the product list, a mini-cart line "0 items in cart:
$0.00" and the free-delivery note) and the footer's licence badge. DokuWiki answers a page
that does not exist with 200 and "This topic does not exist yet", and keeps a page noindex
for five days after it was last written (`indexdelay`).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.platforms.common import Campaign, Site, Subject, require, run, serve, stop

DOKUWIKI = Path("/usr/share/dokuwiki")
CONFIG = Path("/etc/dokuwiki")
INSTALL = "apt-get install dokuwiki php-cli"
PHONE = "+1 866 555 0170"
UTM = "utm_source={source}&utm_medium={medium}&utm_campaign=spring-tools"
DATA_FOLDERS = [
    *["attic", "cache", "index", "locks", "log", "media", "media_attic", "media_meta"],
    *["meta", "pages", "tmp"],
]


def _product(title: str, *, price: str, model: str | None, stock: str = "In stock.") -> str:
    lines = [f"====== {title} ======", ""]
    if model:
        lines += [f"Model: {model}", ""]
    lines += [f"Price: {price}", "", stock, "", "[[:cart|Add to cart]]", ""]
    return "\n".join(lines)


PAGES = {
    "start": "====== Alder Tools ======\n\nProduct pages, manuals and offers.\n",
    "sidebar": "\n".join(
        [
            "**Products**",
            "",
            "  * [[products:xr-200_cordless_drill|Alder XR-200 Cordless Drill]]",
            "  * [[products:xs-18_circular_saw|Alder XS-18 Circular Saw]]",
            "  * [[products:xj-7_jigsaw|Alder XJ-7 Jigsaw]]",
            "  * [[products:xp-12_planer|Alder XP-12 Planer]]",
            "  * [[products:compact_impact_driver|Alder Compact Impact Driver]]",
            "  * [[products:xh-9_heat_gun|Alder XH-9 Heat Gun]]",
            "  * [[products:xv-50_shop_vacuum|Alder XV-50 Shop Vacuum]]",
            "",
            "**Cart**",
            "",
            "0 items in cart: $0.00",
            "",
            "Free delivery on orders over $50.",
            "",
        ]
    ),
    # healthy controls
    "products:xr-200_cordless_drill": _product(
        "Alder XR-200 Cordless Drill", model="XR-200", price="**$129.00**"
    ),
    "products:xs-18_circular_saw": _product(
        "Alder XS-18 Circular Saw", model="XS-18", price="**$159.00**"
    ),
    "products:xj-7_jigsaw": _product(
        "Alder XJ-7 Jigsaw", model="XJ-7", price="<del>$99.00</del> **$79.00** (spring offer)"
    ),
    # planted defects
    "products:xp-12_planer": _product("Alder XP-12 Planer", model="XP-12", price="**$149.00**"),
    "products:compact_impact_driver": _product(
        "Alder Compact Impact Driver", model=None, price="**$119.00**"
    ),
    "products:xh-9_heat_gun": _product(
        "Alder XH-9 Heat Gun", model="XH-9", price="**$49.00**", stock="Sold out."
    ),
    "products:xv-50_shop_vacuum": _product(
        "Alder XV-50 Shop Vacuum", model="XV-50", price="**$65.00**"
    ),
    # campaign pages ("campaign:heat_gun_week" is linked by the campaign, never written)
    "campaign:spring_tools": "\n".join(
        [
            "====== Spring tools ======",
            "",
            "  * [[products:xr-200_cordless_drill|Alder XR-200 Cordless Drill]], $129.00",
            "  * [[products:xs-18_circular_saw|Alder XS-18 Circular Saw]], $159.00",
            "  * [[products:xj-7_jigsaw|Alder XJ-7 Jigsaw]], now $79.00",
            "",
            f"Questions? Call {PHONE}.",
            "",
        ]
    ),
    "campaign:planer_days": "\n".join(
        [
            "====== Planer days ======",
            "",
            "  * [[products:xs-18_circular_saw|Alder XS-18 Circular Saw]], $159.00",
            "",
            f"Questions? Call {PHONE}.",
            "",
        ]
    ),
}


WRITTEN_THIS_WEEK = {"products:xp-12_planer"}


def _entry(key: str, name: str, model: str, price: float, page: str) -> dict:
    return {
        "id": key,
        "name": name,
        "model": model,
        "url": f"/doku.php?id={page}",
        "price": price,
        "currency": "USD",
    }


# What cxlint gets wrong on this DokuWiki today (issue 15), each with the evidence it gave.
WRONG: dict[tuple[str, str], str] = {}
WRONG_REASON: dict[tuple[str, str], str] = {}


CAMPAIGN = Campaign(
    name="Spring Tools",
    phone=PHONE,
    wrong=WRONG,
    wrong_reason=WRONG_REASON,
    products=[
        Subject(
            "xr200",
            _entry(
                "xr200",
                "Alder XR-200 Cordless Drill",
                "XR-200",
                129.00,
                "products:xr-200_cordless_drill",
            ),
        ),
        Subject(
            "xs18",
            _entry(
                "xs18", "Alder XS-18 Circular Saw", "XS-18", 159.00, "products:xs-18_circular_saw"
            ),
        ),
        Subject("xj7", _entry("xj7", "Alder XJ-7 Jigsaw", "XJ-7", 79.00, "products:xj-7_jigsaw")),
        Subject(
            "xp12",
            _entry("xp12", "Alder XP-12 Planer", "XP-12", 139.00, "products:xp-12_planer"),
            # a page written this week: DokuWiki keeps it noindex for its first five days
            planted=("price-mismatch", "product-page-noindex"),
            says={"price-mismatch": "$149.00"},
        ),
        Subject(
            # the V710 story: the model number XI-400 is on no page
            "xi400",
            _entry(
                "xi400",
                "Alder Compact Impact Driver",
                "XI-400",
                119.00,
                "products:compact_impact_driver",
            ),
            planted=("model-not-on-product-page", "search-misses-product"),
            says={"search-misses-product": "found only by its name 'Alder Compact Impact Driver'"},
        ),
        Subject(
            "xh9",
            _entry("xh9", "Alder XH-9 Heat Gun", "XH-9", 49.00, "products:xh-9_heat_gun"),
            planted=("product-unavailable",),
        ),
        Subject(
            # the campaign's $50.00 is on every page, as the sidebar's free-delivery threshold
            "xv50",
            _entry("xv50", "Alder XV-50 Shop Vacuum", "XV-50", 50.00, "products:xv-50_shop_vacuum"),
            planted=("price-mismatch",),
        ),
    ],
    landing_pages=[
        Subject(
            "spring-tools",
            {
                "url": "/doku.php?id=campaign:spring_tools&"
                + UTM.format(source="newsletter", medium="email"),
                "channel": "email",
                "products": ["xr200", "xs18", "xj7"],
            },
        ),
        Subject(
            # a page the campaign links but nobody wrote: DokuWiki answers 200
            "heat-gun-week",
            {
                "url": "/doku.php?id=campaign:heat_gun_week&"
                + UTM.format(source="google", medium="cpc"),
                "channel": "search",
                "products": ["xh9"],
            },
            planted=("soft-404",),
            # a page nobody wrote gives no number, and shows no product, either
            also=("phone-missing", "product-not-on-page"),
        ),
        Subject(
            # promises the planer, shows the saw; only the sidebar names the planer
            "planer-days",
            {
                "url": "/doku.php?id=campaign:planer_days&"
                + UTM.format(source="newsletter", medium="email"),
                "channel": "email",
                "products": ["xp12"],
            },
            planted=("product-not-on-page",),
        ),
    ],
)


def _local_php(data: Path) -> str:
    return (
        "<?php\n"
        "$conf['title'] = 'Alder Tools';\n"
        f"$conf['savedir'] = '{data}';\n"
        "$conf['useacl'] = 0;\n"
        "$conf['userewrite'] = 0;\n"
        "$conf['license'] = 'cc-by-sa';\n"
    )


@pytest.fixture(scope="session")
def dokuwiki_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A running DokuWiki with the pages above, e.g. http://127.0.0.1:41234."""
    require(["php"], [DOKUWIKI / "doku.php", CONFIG / "dokuwiki.php"], install=INSTALL)
    began = time.monotonic()
    folder = tmp_path_factory.mktemp("dokuwiki")
    log = folder / "setup.log"
    conf, data = folder / "conf", folder / "data"
    # Debian's configuration, its links to /var/lib resolved, and the site's own local.php
    shutil.copytree(CONFIG, conf, ignore_dangling_symlinks=True)
    (conf / "local.php").write_text(_local_php(data))
    for name in DATA_FOLDERS:
        (data / name).mkdir(parents=True)
    month_ago = time.time() - 30 * 86400
    for page, text in PAGES.items():
        path = data / "pages" / (page.replace(":", "/") + ".txt")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if page not in WRITTEN_THIS_WEEK:
            # older than DokuWiki's index delay (5 days), within which a page is noindex
            os.utime(path, (month_ago, month_ago))
    prepend = folder / "prepend.php"
    prepend.write_text(f"<?php\ndefine('DOKU_CONF', '{conf}/');\n")
    php = ["php", "-d", f"auto_prepend_file={prepend}"]
    run([*php, str(DOKUWIKI / "bin" / "indexer.php"), "--quiet"], log)
    server, url = serve(
        lambda port: [*php, "-S", f"127.0.0.1:{port}", "-t", str(DOKUWIKI)],
        folder / "php.log",
        env={"PHP_CLI_SERVER_WORKERS": "4", "PATH": "/usr/bin:/bin"},
    )
    try:
        yield Site(url, folder, time.monotonic() - began)
    finally:
        stop(server)

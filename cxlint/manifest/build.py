"""A checked manifest's data made into a `Campaign`, with the checks a JSON Schema cannot express.

By the time it runs, `yaml_positions` has read the YAML (keeping each value's place) and
`schema_errors` has checked its shape, so what is left is meaning: `${VAR}`s filled in
(`variables`), URLs resolved against `site.url` and moved to `--base-url` or the staging origin,
site.staging's credentials turned into headers for that origin only, product ids unique (and
products_from sheets read), landing pages naming products that exist, creative files found, rule
names and options known to the catalogue, a launch date that is a date. Errors are collected and
the first in the file is raised, so that fixing a manifest top to bottom meets them in order.
"""

from __future__ import annotations

import base64
import math
import os
import re
from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from cxlint import urls
from cxlint.errors import UsageError
from cxlint.manifest.schema_errors import suggest
from cxlint.manifest.variables import Variables
from cxlint.manifest.yaml_positions import JsonPath, Source, short
from cxlint.model import (
    Campaign,
    Creative,
    Ignore,
    LandingPage,
    Location,
    Product,
    RuleSetting,
    SearchConfig,
    Site,
)

if TYPE_CHECKING:
    from cxlint.catalogue import Rule

# A path urljoin leaves as written (printable too): no //, no segment starting with a dot, no
# ; (params), no empty query or fragment, no whitespace (urlsplit drops some).
_SITE_PATH = re.compile(r"(?:/(?![/.])[^/?#;\s]*)+(?:\?[^#\s]+)?(?:#\S+)?")


class Builder:
    """Makes the Campaign of one checked manifest (`build()`), once."""

    def __init__(
        self,
        src: Source,
        *,
        base_url: str | None,
        env: Mapping[str, str],
        known_rules: Mapping[str, Rule | Collection[str]] | None,
        staging: bool = False,
    ) -> None:
        self.src = src
        self.base_url = base_url
        self.staging = staging
        self.variables = Variables(src, env)  # its errors and secrets are the builder's
        self.known_rules = known_rules
        self.site_url = self.relative_base = self.site_root = ""

    @property
    def secrets(self) -> list[str]:
        return self.variables.secrets

    def error(self, message: str, location: Location) -> None:
        self.variables.error(message, location)

    def raise_first(self) -> None:
        errors = self.variables.errors
        if errors:
            raise min(errors, key=lambda e: (e.location.line, e.location.column))  # type: ignore[union-attr]

    def secret(self, value: str) -> None:
        self.variables.secret(value)

    # URLs --------------------------------------------------------------------------------

    def set_site(self, site_url: str) -> None:
        if not urls.is_http_url(site_url):
            written = self.src.raw.get(("site", "url"), site_url)
            raise UsageError(
                "'site.url' must be an absolute http(s) address like https://www.example.com, "
                f"not '{short(urls.redact(written))}'",
                self.src.at(("site", "url")),
            )
        self.site_url = site_url
        parts = urlsplit(site_url)
        if password := parts.password:
            self.secret(password)
        # site.url names the site's root, so "phones/x" means <site.url>/phones/x even when
        # site.url has a path without a trailing slash.
        self.site_root = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        self.relative_base = self.site_root + parts.path + ("" if parts.path.endswith("/") else "/")

    def url(self, value: str, path: JsonPath, what: str) -> str:
        """`value` resolved against site.url and moved to --base-url; an error if not http(s)."""
        if meant := urls.missing_scheme(value):  # resolved, `www.x.example/lp` would 404
            self.error(
                f"{what} '{short(urls.redact(value))}' has no https:// in front; "
                f"write {short(urls.redact(meant))}",
                self.src.at(path),
            )
        if _SITE_PATH.fullmatch(text := value.strip()) and text.isprintable():
            absolute = self.site_root + text  # what urljoin makes of it, without its parsing
        elif not urls.is_http_url(absolute := urls.resolve(value, self.relative_base)):
            written = self.src.raw.get(path, value)
            self.error(
                f"{what} must be an http(s) URL or a path on the site, "
                f"not '{short(urls.redact(written))}'",
                self.src.at(path),
            )
            return absolute
        if self.base_url:
            return urls.rewrite_origin(absolute, self.site_url, self.base_url)
        return absolute

    # sections ----------------------------------------------------------------------------

    def site(self, data: dict[str, Any]) -> Site:
        site = Site(url=self.site_url, declared_url=self.site_url)
        if self.base_url:
            site.url = urls.rewrite_origin(self.site_url, self.site_url, self.base_url)
        search = data.get("search")
        if isinstance(search, str):
            template = self.url(search, ("site", "search"), "the search URL")
            site.search = SearchConfig(template=template, kind="html", method="manifest")
        elif isinstance(search, dict):
            template = self.url(search["url"], ("site", "search", "url"), "the search URL")
            site.search = SearchConfig(
                template=template,
                kind="json",
                results=search.get("results"),
                url_field=search.get("url_field"),
                method="manifest",
            )
        site.phone = data.get("phone")
        site.headers = dict(data.get("headers") or {})
        for value in site.headers.values():
            self.secret(value)
        for origin, headers in (data.get("headers_for") or {}).items():
            site.headers_for[urls.origin(origin)] = dict(headers or {})
            for value in (headers or {}).values():
                self.secret(value)
        if data.get("staging"):
            self.staging_block(site, data["staging"])
        return site

    def staging_url(self, data: dict[str, Any]) -> str:
        url = str(data["url"])
        if not urls.is_http_url(url):
            raise UsageError(
                "'site.staging.url' must be an absolute http(s) address like "
                f"https://staging.example.com, not '{short(urls.redact(url))}'",
                self.src.at(("site", "staging", "url")),
            )
        return url

    def staging_block(self, site: Site, data: dict[str, Any]) -> None:
        """site.staging's credentials become headers for the staging origin only (with
        --staging, --base-url of it, or never), as headers_for's are."""
        headers = dict(data.get("headers") or {})
        auth = data.get("basic_auth")
        if auth:
            token = base64.b64encode(f"{auth['user']}:{auth['password']}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
            self.secret(auth["password"])
        cookies = data.get("cookies") or {}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
            for value in cookies.values():
                self.secret(value)
        for value in headers.values():
            self.secret(value)
        site.staging = self.staging_url(data)
        site.staging_env = list(dict.fromkeys(self.variables.staging_env))
        origin = urls.origin(site.staging)
        site.headers_for[origin] = {**site.headers_for.get(origin, {}), **headers}

    def ignores(self, entries: list[dict[str, str]] | None, path: JsonPath) -> list[Ignore]:
        result = []
        for i, entry in enumerate(entries or []):
            self.check_rule_name(entry["rule"], (*path, i, "rule"))
            result.append(Ignore(rule=entry["rule"], reason=entry["reason"]))
        return result

    def products(self, entries: list[dict[str, Any]]) -> list[Product]:
        products: list[Product] = []
        first_at: dict[str, int] = {}  # the index of the first product of each id
        for i, entry in enumerate(entries):
            path: JsonPath = ("products", i)
            product_id = entry.get("id") or entry.get("model") or entry["name"]
            if product_id in first_at:
                line = self.src.at(("products", first_at[product_id], "id")).line
                if "id" in entry:
                    message = f"duplicate product id '{product_id}' (first at line {line})"
                else:
                    source = "model" if "model" in entry else "name"
                    message = (
                        f"two products have the id '{product_id}', taken from their {source} "
                        f"(first at line {line}); give each product its own 'id'"
                    )
                self.error(message, self.src.at((*path, "id")))
            else:
                first_at[product_id] = i
            product = Product(
                id=product_id,
                name=entry["name"],
                model=entry.get("model"),
                aliases=list(entry.get("aliases") or []),
                currency=entry["currency"].upper() if entry.get("currency") else None,
                location=self.src.at(path),
                ignore=self.ignores(entry.get("ignore"), (*path, "ignore")),
            )
            if entry.get("url") is not None:
                product.url_as_written = self.src.written((*path, "url"), entry["url"])
                product.url = self.url(entry["url"], (*path, "url"), "the product URL")
            if entry.get("price") is not None:
                product.price = self.price(entry["price"], (*path, "price"))
            products.append(product)
        return products

    def sheet_products(self, value: str, declared: list[Product]) -> list[Product]:
        """`products_from: products.csv`: the sheet's rows as products, each located at its
        row (`products.csv:4`) so that errors and findings point into the sheet."""
        from cxlint import sheets

        path: JsonPath = ("products_from",)
        display = os.path.join(os.path.dirname(self.src.file), value)
        if not os.path.isfile(display):
            looked = short(str(Path(display).absolute()), 200)
            raise UsageError(
                f"products_from: file '{short(value)}' not found (looked for {looked})",
                self.src.at(path),
            )
        # a bad sheet (no name column, bad rows) raises at once, naming the sheet's rows
        entries = sheets.products(sheets.read_sheet(display, "products", display))
        taken = {p.id: p.location for p in declared}
        products = []
        for entry in entries:
            data = entry.data
            location = Location(display, entry.row, 1)
            product_id = data.get("id") or data.get("model") or data["name"]
            if product_id in taken:
                first = taken[product_id]
                line = f" at line {first.line}" if first else ""
                raise UsageError(
                    f"product '{short(product_id)}' is also in {self.src.file}{line}; "
                    "keep it in one place",
                    location,
                )
            product = Product(
                id=product_id,
                name=data["name"],
                model=data.get("model"),
                aliases=list(data.get("aliases") or []),
                price=data.get("price"),
                currency=data.get("currency"),
                location=location,
            )
            if data.get("url"):
                product.url_as_written = data["url"]
                absolute = urls.resolve(data["url"], self.relative_base)
                if self.base_url:
                    absolute = urls.rewrite_origin(absolute, self.site_url, self.base_url)
                product.url = absolute
            products.append(product)
        return products

    def price(self, value: float | int | str, path: JsonPath) -> Decimal | None:
        if isinstance(value, float) and not math.isfinite(value):
            self.error("'price' must be a finite number", self.src.at(path))
            return None
        try:
            # repr() is the shortest text that reads back as the same float: 499.99, not
            # 499.990000000000009094947017729282379150390625
            return Decimal(repr(value) if isinstance(value, float) else str(value))
        except InvalidOperation:
            self.error(f"'price' must be a number, not '{short(str(value))}'", self.src.at(path))
            return None

    def landing_pages(
        self, entries: list[dict[str, Any]], product_ids: Collection[str]
    ) -> list[LandingPage]:
        pages = []
        for i, entry in enumerate(entries):
            path: JsonPath = ("landing_pages", i)
            names = list(entry.get("products") or [])
            for j, product_id in enumerate(names):
                if product_id not in product_ids:
                    self.error(
                        f"landing page names product '{short(product_id)}' that no product "
                        f"defines{suggest(product_id, product_ids)}",
                        self.src.at((*path, "products", j)),
                    )
            pages.append(
                LandingPage(
                    url=self.url(entry["url"], (*path, "url"), "the landing page URL"),
                    url_as_written=self.src.written((*path, "url"), entry["url"]),
                    channel=entry.get("channel"),
                    products=names,
                    location=self.src.at(path),
                    ignore=self.ignores(entry.get("ignore"), (*path, "ignore")),
                )
            )
        return pages

    def creatives(self, entries: list[dict[str, Any]]) -> list[Creative]:
        folder = Path(self.src.file).parent.absolute()
        creatives = []
        for i, entry in enumerate(entries):
            path: JsonPath = ("creatives", i)
            file_path = folder / entry["file"]
            if not file_path.is_file():
                looked = short(str(file_path), 200)
                self.error(
                    f"creative file '{short(entry['file'])}' not found (looked for {looked})",
                    self.src.at((*path, "file")),
                )
            creatives.append(
                Creative(
                    file=self.src.written((*path, "file"), entry["file"]),
                    path=file_path,
                    channel=entry.get("channel"),
                    location=self.src.at(path),
                )
            )
        return creatives

    def check_rule_name(self, name: str, path: JsonPath, *, key: bool = False) -> bool:
        if self.known_rules is None or name in self.known_rules:
            return True
        hint = suggest(name, self.known_rules) or "; run 'cxlint rules' to list them"
        at = self.src.key_at(path) if key else self.src.at(path)
        self.error(f"unknown rule '{short(name)}'{hint}", at)
        return False

    def rules(self, data: dict[str, Any]) -> dict[str, RuleSetting]:
        settings = {}
        for name, value in data.items():
            location = self.src.key_at(("rules", name))
            known = self.check_rule_name(name, ("rules", name), key=True)
            if isinstance(value, str):
                setting = RuleSetting(severity=value, location=location)
            else:
                options = {k: v for k, v in value.items() if k != "severity"}
                setting = RuleSetting(value.get("severity"), options, location)
                if known and self.known_rules is not None:
                    self.check_options(name, self.known_rules[name], options)
            settings[name] = setting
        return settings

    def check_options(
        self, name: str, rule: Rule | Collection[str], options: dict[str, Any]
    ) -> None:
        """The catalogue says what is wrong with a rule's options; a key it does not take
        is reported at the key, a value of the wrong type at the value."""
        from cxlint.catalogue import Rule, unknown_options

        if isinstance(rule, Rule):
            problems = rule.option_problems(options)
        else:  # only the option names are known: the values are not checked
            problems = unknown_options(name, options, rule)
        for problem in problems:
            path = ("rules", name, problem.option)
            at = self.src.key_at(path) if problem.unknown else self.src.at(path)
            self.error(problem.message, at)

    def launch(self, value: str | None) -> str | None:
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError:
                self.error(
                    f"'launch' is not a real date: '{short(value)}'",
                    self.src.at(("campaign", "launch")),
                )
        return value

    def build(self) -> Campaign:
        data = self.variables.expand(self.src.data, ()) if self.src.variables else self.src.data
        self.raise_first()
        if self.staging:  # --staging: site.staging.url is the origin checked
            block = data["site"].get("staging")
            if not block:
                raise UsageError(
                    "--staging: the manifest has no 'staging' under 'site'; add one with the "
                    "staging site's url",
                    self.src.key_at(("site",)),
                )
            self.base_url = self.staging_url(block)
        self.set_site(data["site"]["url"])
        campaign_data = data["campaign"]
        products = self.products(data.get("products") or [])
        if data.get("products_from"):
            products += self.sheet_products(data["products_from"], products)
        campaign = Campaign(
            name=campaign_data["name"],
            id=campaign_data.get("id"),
            launch=self.launch(campaign_data.get("launch")),
            site=self.site(data["site"]),
            products=products,
            landing_pages=self.landing_pages(
                data.get("landing_pages") or [], {p.id: None for p in products}
            ),
            creatives=self.creatives(data.get("creatives") or []),
            rules=self.rules(data.get("rules") or {}),
            path=self.src.file,
            location=self.src.key_at(("campaign",)),
        )
        self.raise_first()
        campaign.secrets = list(self.secrets)
        return campaign

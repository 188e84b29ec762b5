"""Manifest loading: the right dataclasses, and for every mistake its line, column and words."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from cxlint import manifest
from cxlint.errors import UsageError
from cxlint.manifest import load_manifest, load_manifest_text, manifest_schema
from cxlint.model import Location

# The example of PRODUCT.md, verbatim.
EXAMPLE = """\
version: 1
campaign: {name: RAZR V710 launch, id: v710-launch, launch: 2026-12-01}
site:
  url: https://www.example.com        # origin; relative URLs below resolve against it
  search: https://www.example.com/search?q={query}   # optional: discovered when absent
  phone: "+1 800 555 0100"            # optional: the number landing pages must show
  headers: {Authorization: "Bearer ${STAGING_TOKEN}"}  # optional; ${VAR} from the environment
products:
  - id: v710
    name: Motorola RAZR V710
    model: V710                       # the retail model number printed in the campaign
    aliases: [RAZR V710]              # other names customers will type
    url: /phones/razr-v710            # the product page
    price: 499.99                     # optional, with currency
    currency: USD
landing_pages:
  - url: /v710?utm_source=vanityfair&utm_medium=print&utm_campaign=v710-launch
    channel: print
    products: [v710]                  # what this page must show
creatives:                            # optional: campaign assets whose links are checked
  - file: email/launch.html
    channel: email
rules: {phone-missing: warning, redirect-chain: off}   # optional severity overrides
"""

# A small valid manifest the error cases below edit; its line numbers are used in them.
BASE = """\
version: 1
campaign: {name: Launch}
site:
  url: https://www.example.com
products:
  - id: v710
    name: RAZR
    price: 4.5
landing_pages:
  - url: /v710
    products: [v710]
"""

CATALOGUE = {
    "phone-missing": [],
    "redirect-chain": [],
    "slow-page": ["max_seconds"],
    "product-not-on-page": [],
}
ENV = {"STAGING_TOKEN": "s3cr3t-token"}
PREFIX = re.compile(r"^[^\n]+:\d+:\d+: \S")


def load(text: str | bytes, **kwargs: object) -> object:
    kwargs.setdefault("env", ENV)
    kwargs.setdefault("rules", CATALOGUE)
    return load_manifest_text(text, "m.yaml", **kwargs)  # type: ignore[arg-type]


def error_of(text: str | bytes, **kwargs: object) -> UsageError:
    with pytest.raises(UsageError) as info:
        load(text, **kwargs)
    return info.value


# --- Loading -------------------------------------------------------------------------------


@pytest.fixture()
def example_file(tmp_path: Path) -> Path:
    (tmp_path / "email").mkdir()
    (tmp_path / "email" / "launch.html").write_text("<a href='https://www.example.com/v710'>")
    path = tmp_path / "campaign.yaml"
    path.write_text(EXAMPLE)
    return path


def test_product_md_example_loads(example_file: Path) -> None:
    c = load_manifest(example_file, env=ENV, rules=CATALOGUE)
    f = str(example_file)
    assert (c.name, c.id, c.launch, c.path) == ("RAZR V710 launch", "v710-launch", "2026-12-01", f)
    assert c.location == Location(f, 2, 1)
    assert c.site.url == "https://www.example.com"
    assert c.site.search is not None
    assert c.site.search.template == "https://www.example.com/search?q={query}"
    assert (c.site.search.kind, c.site.search.method) == ("html", "manifest")
    assert c.site.phone == "+1 800 555 0100"
    assert c.site.headers == {"Authorization": "Bearer s3cr3t-token"}

    [p] = c.products
    assert (p.id, p.name, p.model, p.aliases) == (
        "v710",
        "Motorola RAZR V710",
        "V710",
        ["RAZR V710"],
    )
    assert p.url == "https://www.example.com/phones/razr-v710"
    assert p.url_as_written == "/phones/razr-v710"
    assert p.price == Decimal("499.99") and str(p.price) == "499.99"
    assert p.currency == "USD"
    assert p.location == Location(f, 9, 5)
    assert c.product("v710") is p

    [lp] = c.landing_pages
    assert lp.url == (
        "https://www.example.com/v710?utm_source=vanityfair&utm_medium=print&utm_campaign=v710-launch"
    )
    assert (
        lp.url_as_written == "/v710?utm_source=vanityfair&utm_medium=print&utm_campaign=v710-launch"
    )
    assert (lp.channel, lp.products, lp.location) == ("print", ["v710"], Location(f, 17, 5))

    [cr] = c.creatives
    assert cr.file == "email/launch.html"
    assert cr.path == example_file.parent / "email" / "launch.html"
    assert (cr.channel, cr.location) == ("email", Location(f, 21, 5))

    # `off` is text, not YAML 1.1's false
    assert {k: v.severity for k, v in c.rules.items()} == {
        "phone-missing": "warning",
        "redirect-chain": "off",
    }
    assert c.rules["redirect-chain"].location == Location(f, 23, 33)
    assert c.secrets == ["s3cr3t-token", "Bearer s3cr3t-token"]


def test_minimal_manifest_defaults() -> None:
    c = load("version: 1\ncampaign: {name: X}\nsite: {url: 'http://localhost:8000'}\n")
    assert (c.id, c.launch, c.products, c.landing_pages, c.creatives, c.rules) == (
        None,
        None,
        [],
        [],
        [],
        {},
    )
    assert c.site.search is None and c.site.headers == {} and c.secrets == []


def test_empty_sections_are_allowed() -> None:
    c = load(BASE + "creatives:\nrules:\n")
    assert c.creatives == [] and c.rules == {}


def test_relative_urls_resolve_against_site_url() -> None:
    text = (
        "version: 1\ncampaign: {name: X}\n"
        "site: {url: 'https://shop.example.com/store', search: 'search?q={query}'}\n"
        "products:\n"
        "  - {id: a, name: A, url: phones/a}\n"
        "  - {id: b, name: B, url: /phones/b}\n"
        "  - {id: c, name: C, url: 'https://cdn.example.net/c'}\n"
        "landing_pages:\n  - url: '?utm_source=x'\n"
    )
    c = load(text)
    assert [p.url for p in c.products] == [
        "https://shop.example.com/store/phones/a",
        "https://shop.example.com/phones/b",
        "https://cdn.example.net/c",
    ]
    assert c.site.search is not None
    assert c.site.search.template == "https://shop.example.com/store/search?q={query}"
    assert c.landing_pages[0].url == "https://shop.example.com/store/?utm_source=x"


def test_base_url_rewrites_site_urls_only() -> None:
    text = BASE.replace(
        "  url: https://www.example.com\n",
        "  url: https://www.example.com\n  search: /s?q={query}\n",
    )
    text += "  - url: https://partner.example.net/promo\n"
    c = load(text, base_url="https://staging.example.com:8443/preview/")
    assert c.site.url == "https://staging.example.com:8443/preview"
    assert c.site.search is not None
    assert c.site.search.template == "https://staging.example.com:8443/preview/s?q={query}"
    assert c.products[0].url is None
    assert [lp.url for lp in c.landing_pages] == [
        "https://staging.example.com:8443/preview/v710",
        "https://partner.example.net/promo",
    ]
    assert c.landing_pages[0].url_as_written == "/v710"


def test_base_url_rewrites_absolute_urls_on_the_site() -> None:
    text = BASE.replace("url: /v710", "url: 'https://www.example.com/v710?utm_source=x#a'")
    c = load(text, base_url="http://127.0.0.1:5000")
    assert c.landing_pages[0].url == "http://127.0.0.1:5000/v710?utm_source=x#a"
    assert c.landing_pages[0].url_as_written == "https://www.example.com/v710?utm_source=x#a"


@pytest.mark.parametrize("bad", ["staging.example.com", "ftp://x.com", "/relative", ""])
def test_base_url_must_be_absolute_http(bad: str) -> None:
    err = error_of(BASE, base_url=bad)
    assert err.location is None
    assert str(err).startswith("--base-url must be an absolute http(s) address")


def test_base_url_credentials_are_secrets_and_redacted() -> None:
    c = load(BASE, base_url="https://qa:hunter2@staging.example.com")
    assert "hunter2" in c.secrets
    err = error_of(BASE, base_url="ftp://qa:hunter2@x.com")
    assert "hunter2" not in str(err)


def test_env_expansion_and_secrets() -> None:
    text = BASE.replace("name: Launch", "name: '${CAMPAIGN} launch'").replace(
        "  url: https://www.example.com\n",
        "  url: ${SITE}\n  headers:\n    X-Api-Key: plain-key\n"
        "    Cookie: 'a=${COOKIE}; b=$${LITERAL}'\n",
    )
    env = {"CAMPAIGN": "V710", "SITE": "https://www.example.com", "COOKIE": "c00kie", "UNUSED": "u"}
    c = load(text, env=env)
    assert c.name == "V710 launch"
    assert c.site.url == "https://www.example.com"
    assert c.site.headers == {"X-Api-Key": "plain-key", "Cookie": "a=c00kie; b=${LITERAL}"}
    # ${CAMPAIGN} and ${SITE} are not secrets (masking them would blank out the report);
    # a ${VAR} in a header is, and so is every header value.
    assert c.secrets == ["c00kie", "plain-key", "a=c00kie; b=${LITERAL}"]


def test_env_defaults_to_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXLINT_TEST_NAME", "from-env")
    c = load_manifest_text(BASE.replace("name: Launch", "name: '${CXLINT_TEST_NAME}'"), "m.yaml")
    assert c.name == "from-env"


def test_url_as_written_keeps_the_placeholder() -> None:
    c = load(BASE.replace("url: /v710", "url: '/v710?k=${TOKEN}'"), env={"TOKEN": "zz9"})
    lp = c.landing_pages[0]
    assert lp.url == "https://www.example.com/v710?k=zz9"
    assert lp.url_as_written == "/v710?k=${TOKEN}"
    assert c.secrets == ["zz9"]


def test_json_search_api() -> None:
    text = BASE.replace(
        "  url: https://www.example.com\n",
        "  url: https://www.example.com\n  search:\n    url: /api/search?q={query}\n"
        "    results: data.items\n    url_field: link\n",
    )
    search = load(text).site.search
    assert search is not None
    assert (search.template, search.kind, search.results, search.url_field) == (
        "https://www.example.com/api/search?q={query}",
        "json",
        "data.items",
        "link",
    )


def test_products_prices_ids_and_ignores() -> None:
    text = BASE + (
        "    ignore:\n      - {rule: product-not-on-page, reason: shown in a carousel}\n"
        "rules:\n  slow-page: {severity: info, max_seconds: 4}\n  phone-missing: {}\n"
    )
    text = text.replace("    price: 4.5\n", "    price: '1299.00'\n    currency: eur\n")
    text = text.replace("products:\n", "products:\n  - {name: Nokia, model: '3310', price: 49}\n")
    c = load(text)
    nokia, razr = c.products
    assert (nokia.id, nokia.price, nokia.currency) == ("3310", Decimal("49"), None)
    assert (razr.price, razr.currency) == (Decimal("1299.00"), "EUR")
    assert c.landing_pages[0].ignore[0].rule == "product-not-on-page"
    assert c.landing_pages[0].ignore[0].reason == "shown in a carousel"
    slow = c.rules["slow-page"]
    assert (slow.severity, slow.options, slow.location) == (
        "info",
        {"max_seconds": 4},
        Location("m.yaml", 17, 3),
    )
    assert c.rules["phone-missing"].severity is None


def test_any_rule_name_is_accepted_without_a_catalogue() -> None:
    c = load(BASE + "rules: {made-up: warning}\n", rules=None)
    assert c.rules["made-up"].severity == "warning"


def test_alias_to_a_scalar_is_fine() -> None:
    c = load(BASE.replace("name: RAZR", "name: &n RAZR") + "  - url: /b\n    channel: *n\n")
    assert c.landing_pages[1].channel == "RAZR"


def test_bytes_with_bom_and_crlf() -> None:
    c = load(b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode())
    assert c.products[0].location == Location("m.yaml", 6, 5)


def test_load_manifest_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(UsageError) as info:
        load_manifest(missing)
    assert info.value.location is None
    assert str(info.value) == f"manifest not found: {missing}"


def test_load_manifest_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        load_manifest(tmp_path)


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manifest, "MAX_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text(BASE + "#" * 200)
    for call in (
        lambda: load_manifest(path),
        lambda: load_manifest_text(BASE + "#" * 200, str(path)),
    ):
        with pytest.raises(UsageError) as info:
            call()
        assert info.value.location == Location(str(path), 1, 1)
        assert "larger than" in info.value.message


# --- Every mistake: where and what ---------------------------------------------------------

SITE = "  url: https://www.example.com\n"


def _base_with(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new, 1)


ERROR_CASES = [
    pytest.param(
        "version: 1\ncampaign: {name: X\nsite: {url: https://x.com}\n",
        3,
        5,
        "invalid YAML: expected ',' or '}', but got ':' (while parsing a flow mapping at line 2)",
        id="yaml-syntax",
    ),
    pytest.param(
        "version: 1\n  campaign: x\n",
        2,
        3,
        "this line is indented 2 spaces but the keys above use 0",
        id="yaml-bad-indent",
    ),
    pytest.param(
        "version: 1\n\tcampaign: x\n",
        2,
        1,
        "a tab at line 2:1: indent with spaces, not tabs",
        id="yaml-tab",
    ),
    pytest.param(
        BASE + "prodcuts: []\n",
        12,
        1,
        "unknown key 'prodcuts' in the manifest; did you mean 'products'?",
        id="unknown-key-did-you-mean",
    ),
    pytest.param(
        _base_with("    name: RAZR", "    nmae: RAZR"),
        7,
        5,
        "unknown key 'nmae' in a product; did you mean 'name'?",
        id="unknown-nested-key",
    ),
    pytest.param(
        _base_with("campaign:", "campain:"),
        2,
        1,
        "unknown key 'campain' in the manifest; did you mean 'campaign'?",
        id="misspelt-required-key-reported-as-unknown",
    ),
    pytest.param(
        BASE + "colour: red\n",
        12,
        1,
        "unknown key 'colour' in the manifest",
        id="unknown-key-no-suggestion",
    ),
    pytest.param(
        _base_with("4.5", "abc"),
        8,
        12,
        "'price' must be a number, not text 'abc'",
        id="wrong-type-price",
    ),
    pytest.param(
        _base_with("id: v710", "id: 710"),
        6,
        9,
        "'id' must be a string, not the number 710; put it in quotes: \"710\"",
        id="wrong-type-id",
    ),
    pytest.param(
        _base_with("products:\n  -", "products:\n  - x\n  -"),
        6,
        5,
        "each entry of 'products' must be a mapping, not text 'x'",
        id="wrong-type-list-item",
    ),
    pytest.param(
        _base_with("    name: RAZR", "    name:"),
        7,
        5,
        "'name' must be a string, but it is empty",
        id="empty-value",
    ),
    pytest.param(
        _base_with("  - url: /v710\n    products", "  - products"),
        10,
        5,
        "landing page is missing 'url'",
        id="missing-required",
    ),
    pytest.param(
        _base_with("version: 1\n", ""),
        1,
        1,
        "the manifest is missing 'version'",
        id="missing-version",
    ),
    pytest.param(
        _base_with("version: 1", "version: 2"),
        1,
        10,
        "'version' must be 1, not the number 2",
        id="version-2",
    ),
    pytest.param(
        _base_with("products: [v710]", "products: [v71]"),
        11,
        16,
        "landing page names product 'v71' that no product defines; did you mean 'v710'?",
        id="unknown-product-id",
    ),
    pytest.param(
        _base_with("landing_pages:", "  - id: v710\n    name: Other\nlanding_pages:"),
        9,
        9,
        "duplicate product id 'v710' (first at line 6)",
        id="duplicate-product-id",
    ),
    pytest.param(
        _base_with("url: /v710", "url: '/v710?key=${STAGING_KEY}'"),
        10,
        10,
        "environment variable STAGING_KEY is not set",
        id="unset-variable",
    ),
    pytest.param(
        _base_with("url: /v710", "url: ftp://files.example.com/v710"),
        10,
        10,
        "the landing page URL must be an http(s) URL or a path on the site, "
        "not 'ftp://files.example.com/v710'",
        id="non-http-landing-page",
    ),
    pytest.param(
        _base_with("    price: 4.5\n", "    url: 'mailto:sales@example.com'\n"),
        8,
        10,
        "the product URL must be an http(s) URL or a path on the site, "
        "not 'mailto:sales@example.com'",
        id="non-http-product",
    ),
    pytest.param(
        _base_with(SITE, "  url: www.example.com\n"),
        4,
        8,
        "'site.url' must be an absolute http(s) address like https://www.example.com, "
        "not 'www.example.com'",
        id="site-url-not-absolute",
    ),
    pytest.param(
        _base_with(SITE, SITE + "  search: /search?q=v710\n"),
        5,
        11,
        "the search URL must contain {query} where the search words go, like /search?q={query}",
        id="search-without-query",
    ),
    pytest.param(
        BASE + "extra: !!python/object:os.system {}\n",
        12,
        8,
        "the YAML tag '!!python/object:os.system' is not allowed in a manifest; "
        "write plain text, numbers, lists and mappings",
        id="python-tag",
    ),
    pytest.param(
        BASE + "products: []\n",
        12,
        1,
        "duplicate key 'products' (first at line 5)",
        id="duplicate-key",
    ),
    pytest.param(
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n",
        2,
        8,
        "the YAML alias '*a' repeats a mapping or list, which manifests do not allow; "
        "write the entries out",
        id="alias-bomb",
    ),
    pytest.param(
        b"version: 1\ncampaign: {name: Caf\xe9}\n",
        2,
        21,
        "the manifest is not valid UTF-8 (byte 0xe9); save it as UTF-8",
        id="non-utf8",
    ),
    pytest.param("", 1, 1, "the manifest is empty; start it with 'version: 1'", id="empty-file"),
    pytest.param(
        "# only a comment\n",
        1,
        1,
        "the manifest is empty; start it with 'version: 1'",
        id="comments-only",
    ),
    pytest.param(
        "- version: 1\n",
        1,
        1,
        "the manifest must be a mapping of keys like 'version:' and 'site:', not a list",
        id="not-a-mapping",
    ),
    pytest.param(
        BASE + "rules: {phone-mising: warning}\n",
        12,
        9,
        "unknown rule 'phone-mising'; did you mean 'phone-missing'?",
        id="unknown-rule",
    ),
    pytest.param(
        BASE + "rules: {frobnicate: warning}\n",
        12,
        9,
        "unknown rule 'frobnicate'; run 'cxlint rules' to list them",
        id="unknown-rule-no-suggestion",
    ),
    pytest.param(
        BASE + "rules:\n  slow-page: {max_secs: 3}\n",
        13,
        15,
        "rule 'slow-page' has no option 'max_secs'; did you mean 'max_seconds'?",
        id="unknown-option",
    ),
    pytest.param(
        BASE + "rules:\n  phone-missing: {limit: 3}\n",
        13,
        19,
        "rule 'phone-missing' has no option 'limit' (it only takes 'severity')",
        id="option-for-rule-without-options",
    ),
    pytest.param(
        BASE + "rules: {phone-missing: fatal}\n",
        12,
        24,
        "rule 'phone-missing' must be one of error, warning, info or off, not text 'fatal'",
        id="bad-severity",
    ),
    pytest.param(
        BASE + "rules: {phone-missing: {severity: high}}\n",
        12,
        35,
        "'severity' must be one of error, warning, info or off, not text 'high'",
        id="bad-severity-in-mapping",
    ),
    pytest.param(
        BASE + "    ignore:\n      - rule: phone-missing\n",
        13,
        9,
        "ignore entry is missing 'reason'",
        id="ignore-without-reason",
    ),
    pytest.param(
        BASE + "    ignore:\n      - {rule: phone-missing, reason: ''}\n",
        13,
        39,
        "'reason' must not be empty; say why the finding is acknowledged",
        id="ignore-empty-reason",
    ),
    pytest.param(
        BASE + "    ignore:\n      - {rule: phone-mising, reason: known}\n",
        13,
        16,
        "unknown rule 'phone-mising'; did you mean 'phone-missing'?",
        id="ignore-unknown-rule",
    ),
    pytest.param(
        _base_with("    price: 4.5\n", "    price: 4.5\n    currency: dollars\n"),
        9,
        15,
        "'currency' must be a three-letter currency code like USD, not 'dollars'",
        id="bad-currency",
    ),
    pytest.param(
        _base_with("{name: Launch}", "{name: Launch, launch: 2026-02-30}"),
        2,
        34,
        "'launch' is not a real date: '2026-02-30'",
        id="impossible-date",
    ),
    pytest.param(
        _base_with("4.5", "-1"), 8, 12, "'price' must not be negative", id="negative-price"
    ),
    pytest.param(
        _base_with(SITE, SITE + "  headers: {'Bad Name': x}\n"),
        5,
        13,
        "'Bad Name' is not a valid HTTP header name",
        id="bad-header-name",
    ),
    pytest.param(
        BASE + "creatives:\n  - file: missing.html\n",
        13,
        11,
        "creative file 'missing.html' not found",
        id="missing-creative",
    ),
    pytest.param(
        "version: 1\n---\nversion: 1\n",
        2,
        1,
        "invalid YAML: expected a single document in the stream, but found another document",
        id="two-documents",
    ),
    pytest.param(
        "version: 1\nname: \x00\n",
        2,
        7,
        "the manifest contains a character YAML does not allow (#x0000)",
        id="control-character",
    ),
    pytest.param(
        "? [a, b]\n: c\n", 1, 3, "a key must be plain text, not a list or mapping", id="complex-key"
    ),
    pytest.param(
        _base_with("name: Launch", "name: '${not valid}'"),
        2,
        18,
        "'${not valid}' is not a valid environment variable reference; "
        "use ${NAME} with letters, digits and _",
        id="malformed-variable",
    ),
]


@pytest.mark.parametrize(("text", "line", "column", "message"), ERROR_CASES)
def test_error_location_and_message(
    text: str | bytes, line: int, column: int, message: str, tmp_path: Path
) -> None:
    err = error_of(text)
    assert err.location is not None
    assert (err.location.file, err.location.line, err.location.column) == ("m.yaml", line, column)
    assert err.message.startswith(message), err.message
    assert str(err) == f"m.yaml:{line}:{column}: {err.message}"
    assert "\n" not in str(err)


def test_first_error_in_the_file_is_reported() -> None:
    text = BASE.replace("url: /v710", "url: ftp://x/a").replace(
        "name: RAZR", "name: RAZR\n    url: ftp://y/b"
    )
    err = error_of(text)
    assert err.location == Location("m.yaml", 8, 10)


def test_secrets_do_not_leak_into_url_errors() -> None:
    err = error_of(BASE.replace("url: /v710", "url: 'ftp://bob:pa55@x.com/?token=abc'"))
    assert "pa55" not in str(err) and "abc" not in str(err)


# --- The schema ----------------------------------------------------------------------------


def _property_schemas(node: object) -> list[tuple[str, dict[str, object]]]:
    found: list[tuple[str, dict[str, object]]] = []
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            found.append((name, sub))
        for value in node.values():
            found.extend(_property_schemas(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_property_schemas(value))
    return found


def test_schema_is_valid_and_documented() -> None:
    schema = manifest_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # a property that is only a $ref takes its description from $defs
    properties = _property_schemas(schema)
    assert len(properties) > 20
    assert [
        name for name, sub in properties if "description" not in sub and "$ref" not in sub
    ] == []


def test_schema_accepts_the_example_as_written() -> None:
    # What an editor sees: the example (with its YAML date as text) is valid.
    import yaml

    data = yaml.safe_load(EXAMPLE)
    data["campaign"]["launch"] = str(data["campaign"]["launch"])
    data["rules"]["redirect-chain"] = "off"
    assert list(Draft202012Validator(manifest_schema()).iter_errors(data)) == []


# --- Nothing but UsageError, always with a position ----------------------------------------

_FRAGMENTS = [
    "version: 1\n",
    "campaign: {name: X}\n",
    "site: {url: https://x.com}\n",
    "products:\n  - id: a\n    name: A\n",
    "landing_pages:\n  - url: /a\n    products: [a]\n",
    "rules: {phone-missing: off}\n",
    "  - {file: x.html}\n",
    "price: ${X}\n",
    "&a [1]\n",
    "*a\n",
    "!!python/object:x {}\n",
    "- - - -\n",
    "{[}\n",
    "'\n",
    '"\\q"\n',
    "\t\n",
    "? x\n",
    "key: |\n  block\n",
    "%YAML 1.1\n---\n",
]


def _assert_loads_or_located_error(text: str | bytes) -> None:
    try:
        load_manifest_text(text, "f.yaml", env={"X": "1"}, rules=CATALOGUE)
    except UsageError as err:
        assert str(err).startswith("f.yaml:"), str(err)
        assert PREFIX.match(str(err)), str(err)
        assert "\n" not in str(err)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=12), max_size=10))
def test_arbitrary_yamlish_text(pieces: list[str]) -> None:
    _assert_loads_or_located_error("".join(pieces))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=60))
def test_arbitrary_bytes(data: bytes) -> None:
    _assert_loads_or_located_error(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(BASE)),
            st.integers(min_value=0, max_value=4),
            st.sampled_from(list(" :-[]{}'\"#&*!|>,\n\tx7$%@`") + ["${X}", "${Y}", "~", "0x1g"]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_manifest(edits: list[tuple[int, int, str]]) -> None:
    text = BASE
    for position, deleted, inserted in edits:
        position = min(position, len(text))
        text = text[:position] + inserted + text[position + deleted :]
    _assert_loads_or_located_error(text)

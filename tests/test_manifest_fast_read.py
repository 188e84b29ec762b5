"""The manifest's quick paths against the exact ones they stand in for: yaml_fast's reader
against yaml_positions' converter (same data, same places), and the builder's site paths
against urljoin."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxlint import urls
from cxlint.manifest import build, load_manifest_text, schema_errors
from cxlint.manifest.yaml_fast import FastRead
from cxlint.manifest.yaml_positions import _LOADER, _TAGS, Source, _read, parse
from tests.benchmarks import store

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").rglob("*.yaml"))

BLOCK = """\
# a manifest in block style, with what YAML allows in one
version: 1
campaign:
  name: "Spring: sale"   # a comment
  id: 'spring'
  launch: 2026-03-01
site:
  url: https://shop.example/store
  phone: +1 800 555 0100
  headers: {X-Token: "t", "X-Other": ''}
products:
  - id: v710
    name: >-
      RAZR
      V710
    model: V710
    aliases: [razr, "moto razr", 0x1F, 1_000, .5, -.inf, .NaN, ~, null, Null, true, FALSE]
    url: /p/v710.html?utm=1#top
    price: 499.99
  - name: |
      Two
      lines
    price: "10"
    ignore:
      - rule: phone-missing
        reason: yes no on off
  -   name: odd indent
      price: 1e3
"": empty key
? complex
: key
<<: merge as text
rules:
  phone-missing: warning
  redirect-chain: {severity: "off", max: 3, 200: ok}
"""


def _typed(value: Any) -> Any:
    """`value` with each scalar's type beside it: 1, 1.0 and True compare different."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, float) and value != value:
        return (float, "nan")
    return (type(value), value)


def assert_same(text: str) -> None:
    exact = _read(text, "m.yaml", _LOADER)
    fast = parse(text, "m.yaml", 10**8)
    assert not fast.complete, "the usual manifest was not read by yaml_fast"
    assert _typed(fast.data) == _typed(exact.data)
    for path, place in fast._values.items():  # the places it kept, before reading again
        assert exact.values[path] == place, path
    for path, place in fast._keys.items():
        assert exact.keys[path] == place, path
    for path in exact.values:
        assert fast.at(path) == exact.at(path), path
        assert fast.key_at(path) == exact.key_at(path), path
        assert fast.written(path, "?") == exact.raw.get(path, "?"), path
    for path in exact.keys:
        assert fast.key_at(path) == exact.key_at(path), path


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_read_alike(path: Path) -> None:
    assert_same(path.read_text())


def test_block_style_and_scalar_forms_read_alike() -> None:
    assert_same(BLOCK)
    assert_same(store.manifest(30, "http://bench.test"))


def test_places_asked_for_early_do_not_read_again() -> None:
    fast = parse(BLOCK, "m.yaml", 10**8)
    assert fast.at(("products", 1)).line == 20 and fast.key_at(("rules", "phone-missing"))
    assert fast.written(("products", 0, "url"), "?") == "/p/v710.html?utm=1#top"
    assert not fast.complete
    assert fast.at(("products", 1, "price")).line == 23  # a deeper scalar: read again
    assert fast.complete


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "- a list\n",
        "just text\n",
        "a: 1\n---\nb: 2\n",
        "a: &x 1\nb: *x\n",
        "a: &x {b: 1}\n",
        "a: !!str 1\n",
        "a: !custom 1\n",
        "? [a]\n: 1\n",
        "a: 1\na: 2\n",
        "a: " + "[" * 70 + "]" * 70 + "\n",
        "a: {b: 1\n",
        "a:\n\tb: 1\n",
        "a: 1\n b: 2\n",
    ],
)
def test_the_unusual_is_left_to_the_exact_converter(text: str) -> None:
    assert FastRead(text, "m.yaml", _LOADER, _TAGS).read() is None


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["yes", "No", "~", "null", "1_0", "0o7", "0x1f", "1e3", ".inf", "2026-01-01",
                     "<<", "=", "a: b", "- x", "#c", "'q'", "/p?x=1#f", "${VAR}"]),
)  # fmt: skip
documents = st.dictionaries(
    st.text(max_size=8),
    st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
        max_leaves=10,
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents, st.sampled_from([None, True, False]), st.sampled_from([None, '"', "'"]))
def test_dumped_documents_read_alike(data: dict[str, Any], flow: Any, style: Any) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, default_style=style, allow_unicode=True)
    if FastRead(text, "m.yaml", _LOADER, _TAGS).read() is None:
        return  # (a key such as "null" twice: the exact converter's to refuse)
    assert_same(text)


def test_a_valid_manifest_is_built_without_reading_again() -> None:
    src = parse(store.manifest(50, "http://bench.test"), "m.yaml", 10**8)
    schema_errors.validate(src)
    build.Builder(src, base_url=None, env={}, known_rules=None).build()
    assert isinstance(src, Source) and not src.complete


def test_a_builder_error_is_still_placed_exactly() -> None:
    text = store.manifest(5, "http://bench.test").replace(
        "url: /products/", "url: www.shop.example/"
    )
    with pytest.raises(Exception, match=r"m.yaml:8:73: the product URL 'www.shop.example"):
        load_manifest_text(text, "m.yaml", env={})


SITES = ["http://bench.test", "https://Shop.Example:8443/store", "HTTPS://x.example/a/b/"]
path_text = st.text(alphabet="/.?#;%=&:@!$'()*+,-_~ab\t\n \x00é", max_size=12).map(
    lambda t: "/" + t
)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(SITES), path_text | st.text(max_size=10))
def test_a_site_path_resolves_as_urljoin_would(site: str, value: str) -> None:
    builder = build.Builder(Source("m.yaml", {}, {}, {}, raw={}), base_url=None, env={},
                            known_rules=None)  # fmt: skip
    builder.set_site(site)
    parts = urlsplit(site)
    folder = parts.path if parts.path.endswith("/") else parts.path + "/"
    assert builder.relative_base == urlunsplit((parts.scheme, parts.netloc, folder, "", ""))
    joined = urls.resolve(value, builder.relative_base)
    if build._SITE_PATH.fullmatch(value.strip()) and value.strip().isprintable():
        assert builder.site_root + value.strip() == joined
    if urls.is_http_url(joined) and not urls.missing_scheme(value):
        assert builder.url(value, ("products", 0, "url"), "the product URL") == joined
        assert not builder.variables.errors


def test_site_paths_in_use_take_the_quick_path() -> None:
    for text in ["/", "/p/v710.html", "/lp/x?utm_source=a&utm_medium=email#top"]:
        assert build._SITE_PATH.fullmatch(text), text
    for text in ["//cdn.example/x", "/a/../b", "/./a", "/a?", "/a#", "/a?#f", "/a b", "p/x", "/a;"]:
        assert not build._SITE_PATH.fullmatch(text), text


def test_a_variable_written_with_an_escape_is_still_filled_in() -> None:
    assert not parse(store.manifest(3, "http://bench.test"), "m.yaml", 10**8).variables
    text = 'version: 1\ncampaign: {name: X}\nsite: {url: "https://s.example", phone: "\\x24{P}"}\n'
    assert parse(text, "m.yaml", 10**8).variables
    assert load_manifest_text(text, "m.yaml", env={"P": "555"}).site.phone == "555"

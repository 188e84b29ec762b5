"""--cache keeps no secret on disk, in any form, and a re-run still asks "changed since?".

A real server on 127.0.0.1 echoes the campaign's secrets back the way careless sites do: the
API key it was sent in response headers (`set-cookie: sid=…`, `x-debug-key: …`), percent-
encoded in a redirect of the search, in a page's text (HTML-escaped, and base64-encoded) and
in a link's query; a landing page's URL carries a `${VAR}` secret in its query. After
`cxlint check --cache DIR`, every byte of DIR (the SQLite file, its -wal and -shm files and
every facts blob decompressed) is searched for each secret in every encoding.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import orjson
import pytest
import yaml
import zstandard
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WResponse

from cxlint.cache import (
    FACTS_JSON_MARKER,
    FACTS_MARKER,
    FILE_NAME,
    PageCache,
    _json_scan_possible,
    _literals_around,
    _share_text,
    pack_facts,
    unpack_facts,
)
from cxlint.cli import main
from cxlint.redact import _scrub_fully, scrub, scrub_text
from tests.rulecase import render_page

KEY = "Zk+9/SECRET=q&<x>"  # the X-Api-Key header's value: + / = & < all need encoding
TOKEN = "t0k-SECRET-77"  # ${CXLINT_CACHE_TOKEN} in a landing page URL's query
LANDING = "/lp?utm_source=mail&utm_medium=email&utm_campaign=spring&session="


def encodings(secret: str) -> dict[str, str]:
    raw = secret.encode()
    return {
        "raw": secret,
        "percent": quote(secret, safe=""),
        "percent-keep-slash": quote(secret),
        "percent-plus": quote_plus(secret),
        "base64": base64.b64encode(raw).decode(),
        "base64-url": base64.urlsafe_b64encode(raw).decode(),
        "html-escaped": html.escape(secret),
    }


class EchoSite:
    """Pages with ETags (a matching If-None-Match gets a 304) that echo the key they were
    sent. Records each request's path (with query) and its validator."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str | None]] = []
        self.keys_seen: set[str] = set()

    def handle(self, request: Request) -> WResponse:
        key = request.headers.get("X-Api-Key", "")
        self.keys_seen.add(key)
        target = request.full_path.rstrip("?")
        validator = request.headers.get("If-None-Match")
        self.requests.append((target, validator))
        echoed = {"Set-Cookie": f"sid={key}; Path=/", "X-Debug-Key": key}
        if request.path == "/search" and "next" not in request.args:
            # a session-adding redirect that echoes the key, percent-encoded, in its query
            query = quote_plus(request.args.get("q", ""))
            location = f"/search?q={query}&next={quote(key, safe='')}"
            return WResponse("", status=302, headers={"Location": location, **echoed})
        body = self.page(request.path, request.args.get("q", ""), key)
        if body is None:
            return WResponse("not here", status=404)
        etag = '"' + hashlib.sha1(body.encode()).hexdigest()[:16] + '"'
        if validator == etag:
            return WResponse(status=304, headers={"ETag": etag, **echoed})
        headers = {"ETag": etag, **echoed}
        return WResponse(body, content_type="text/html; charset=utf-8", headers=headers)

    def page(self, path: str, query: str, key: str) -> str | None:
        if path == "/":
            return render_page({"title": "Shop", "h1": "Shop", "body": '<a href="/lp">Spring</a>'})
        if path == "/phones/x1":
            debug = f"{html.escape(key)} {base64.b64encode(key.encode()).decode()}"
            return render_page(
                {
                    "title": "Phone X1",
                    "h1": "Phone X1",
                    "body": f"<p>Model X1</p><p class='debug'>Debug: {debug}</p>",
                }
            )
        if path == "/lp":
            return render_page(
                {"title": "Spring", "h1": "Spring", "body": '<a href="/phones/x1">Phone X1</a>'}
            )
        if path == "/lp2":  # a link carrying the key: such facts are not kept
            link = f'<a href="/account?next={quote_plus(key)}">Account</a>'
            body = f'<a href="/phones/x1">Phone X1</a> {link}'
            return render_page({"title": "Spring 2", "h1": "Spring 2", "body": body})
        if path == "/search":
            found = "X1" in query or "Phone" in query
            items = '<li><a href="/phones/x1">Phone X1</a></li>' if found else ""
            body = f"<ol>{items}</ol>" if found else "<p>No results found for your search.</p>"
            return render_page({"title": "Search", "h1": "Search results", "body": body})
        return None


def check(server: HTTPServer, folder: Path, cache: Path) -> tuple[int, dict[str, Any], str]:
    manifest = folder / "campaign.yaml"
    manifest.write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "campaign": {"name": "Cache secrets", "id": "cache-secrets"},
                "site": {
                    "url": server.url_for("/"),
                    "search": server.url_for("/search") + "?q={query}",
                    "headers": {"X-Api-Key": "${CXLINT_CACHE_KEY}"},
                },
                "products": [{"id": "x1", "name": "Phone X1", "model": "X1", "url": "/phones/x1"}],
                "landing_pages": [
                    {"url": LANDING + "${CXLINT_CACHE_TOKEN}", "products": ["x1"]},
                    {"url": "/lp2", "products": ["x1"]},
                ],
            }
        )
    )
    report = folder / "report.json"
    outcome = CliRunner().invoke(
        main,
        ["check", str(manifest), "--quiet", "--no-robots", "--cache", str(cache)]
        + ["--format", "json", "--output", str(report)],
        env={"CXLINT_CACHE_KEY": KEY, "CXLINT_CACHE_TOKEN": TOKEN},
    )
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.output
    return outcome.exit_code, json.loads(report.read_text()), outcome.output


def cache_bytes(cache: Path) -> dict[str, bytes]:
    """Every byte of the cache folder by where it was found: each file as it is on disk, the
    facts streams found anywhere in them (free pages and WAL frames included) decompressed as
    far as they go on (a blob longer than a database page is cut by the next page's header),
    and every column of every row as SQLite reads it, facts blobs decompressed."""
    found = {path.name: path.read_bytes() for path in sorted(cache.rglob("*")) if path.is_file()}
    for name, data in list(found.items()):
        start = data.find(FACTS_MARKER)
        while start != -1:
            found[f"{name}: facts stream at {start}"] = _decompressed(data, start)
            start = data.find(FACTS_MARKER, start + 1)
        start = data.find(FACTS_JSON_MARKER)  # small facts, stored as their JSON
        while start != -1:
            found[f"{name}: facts JSON at {start}"] = data[start : start + 4096]
            start = data.find(FACTS_JSON_MARKER, start + 1)
    with sqlite3.connect(f"file:{cache / FILE_NAME}?mode=ro", uri=True) as db:
        for i, row in enumerate(db.execute("SELECT * FROM pages")):
            columns = list(row)
            columns[-1] = json.dumps(unpack_facts(columns[-1])).encode()
            found[f"row {i}"] = repr(columns).encode() + b"".join(
                c if isinstance(c, bytes) else str(c).encode() for c in columns
            )
        for row in db.execute("SELECT * FROM meta"):
            found[f"meta {row[0]}"] = str(row).encode()
    return found


def _decompressed(data: bytes, start: int) -> bytes:
    """The zstd stream after the marker at `start`, fed a little at a time so that what
    comes before a damaged or cut part is kept."""
    decompressor = zstandard.ZstdDecompressor().decompressobj()
    out = b""
    at = start + len(FACTS_MARKER)
    try:
        while at < len(data) and not decompressor.eof:
            out += decompressor.decompress(data[at : at + 256])
            at += 256
    except zstandard.ZstdError:
        pass
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Two runs with one --cache folder; the cache's bytes after each."""
    folder = tmp_path_factory.mktemp("cache-secrets")
    cache = folder / "cache"
    site = EchoSite()
    server = HTTPServer(host="127.0.0.1")
    server.expect_request("").respond_with_handler(site.handle)
    server.start()
    try:
        first = check(server, folder, cache)
        after_first = cache_bytes(cache)
        first_requests = list(site.requests)
        site.requests.clear()
        second = check(server, folder, cache)
        yield {
            "site": site,
            "first": first,
            "second": second,
            "first_requests": first_requests,
            "second_requests": list(site.requests),
            "bytes": [after_first, cache_bytes(cache)],
        }
    finally:
        server.clear()
        if server.is_running():
            server.stop()


def test_the_site_was_sent_the_secrets_and_echoed_them(runs: dict[str, Any]) -> None:
    """Worth something only if the secrets went out and came back, and pages were kept."""
    assert KEY in runs["site"].keys_seen
    assert any(TOKEN in target for target, _ in runs["first_requests"])
    assert any("next=" in target for target, _ in runs["first_requests"])
    code, report, _ = runs["first"]
    assert code in (0, 1)
    assert report["run"]["stats"]["cache_stored"] >= 3  # home, product page, landing page


@pytest.mark.parametrize("secret", [KEY, TOKEN], ids=["key", "token"])
@pytest.mark.parametrize("form", list(encodings("x")))
def test_no_secret_in_any_form_in_the_cache_folder(
    runs: dict[str, Any], secret: str, form: str
) -> None:
    needle = encodings(secret)[form].encode()
    for after, found in zip(("first", "second"), runs["bytes"], strict=True):
        assert found, "the cache folder is empty"
        hits = [where for where, data in found.items() if needle in data]
        assert not hits, f"the {form} form of a secret after the {after} run"


def test_the_scan_reads_the_facts_streams_in_the_files_bytes(runs: dict[str, Any]) -> None:
    # not a vacuous search: facts are compressed in the files' own bytes (but small ones),
    # the scan decompresses them
    streams = [data for where, data in runs["bytes"][0].items() if "facts " in where]
    assert streams and any(b"Phone X1" in data for data in streams)


def test_the_scan_decompresses_a_big_entry() -> None:
    # the pages of the echo site are small enough to be stored as their JSON
    text = "Phone X1 " + " ".join(f"word{i}" for i in range(400))
    blob = pack_facts({"text": text})
    assert blob.startswith(FACTS_MARKER) and b"Phone X1" not in blob
    assert b"Phone X1" in _decompressed(b"header" + blob, len(b"header"))


def test_a_rerun_revalidates_pages_even_with_a_secret_in_their_url(runs: dict[str, Any]) -> None:
    second_code, second, _ = runs["second"]
    first_code, first, _ = runs["first"]
    stats = second["run"]["stats"]
    assert stats["not_modified"] >= 3
    revalidated = {target.partition("?")[0] for target, v in runs["second_requests"] if v}
    assert {"/", "/phones/x1", "/lp"} <= revalidated
    # the landing page whose URL holds the token was asked for with its validator
    assert any(TOKEN in target and v for target, v in runs["second_requests"])
    # and what is not kept (a secret in its links or its final URL) is read afresh
    assert ("/lp2", None) in runs["second_requests"]
    assert second_code == first_code
    rules = sorted((f["rule"], f["subject"].get("url", "")) for f in first["findings"])
    assert sorted((f["rule"], f["subject"].get("url", "")) for f in second["findings"]) == rules
    assert "page-unreachable" not in json.dumps(second["findings"])


# --- the cheap test that spares most pages the full scrub ------------------------------------

_PIECES = [
    *encodings(KEY).values(),
    *encodings(TOKEN).values(),
    "https://",
    "//",
    "u:p@",
    "https://u:p@shop.test/",
    "//u:p@shop.test/x?",
    "@",
    "/x?",
    "?",
    "=",
    "&",
    "token",
    "api_key",
    "Sig",
    "%74oken",
    "shop.test",
    " ",
    "\n",
    '"',
    "words",
]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)
_FACTS = st.recursive(
    _TEXT | st.integers() | st.booleans() | st.none(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(_TEXT, inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(facts=st.dictionaries(_TEXT, _FACTS, max_size=5))
def test_what_the_cheap_test_lets_through_scrub_would_not_change(facts: dict[str, Any]) -> None:
    """PageCache stores facts without `scrub` when its cheap test finds nothing to mask: the
    test may say "maybe" too often, never "no" when scrub would mask something."""
    cache = PageCache.__new__(PageCache)
    cache._secrets = [KEY, TOKEN]
    if not cache._may_hold_secret(facts):
        assert scrub(facts, [KEY, TOKEN]) is facts


def _cache(secrets: list[str]) -> PageCache:
    cache = PageCache.__new__(PageCache)
    cache._secrets = secrets
    cache._json_scan = True
    return cache


@settings(max_examples=400, deadline=None)
@given(facts=st.dictionaries(_TEXT, _FACTS, max_size=5))
def test_what_the_json_scan_lets_through_scrub_would_not_change(facts: dict[str, Any]) -> None:
    """The same promise of the test read off the facts' JSON as orjson writes it (quotes,
    backslashes and newlines escaped in it)."""
    cache = _cache([KEY, TOKEN])
    try:
        data = orjson.dumps(facts)
    except orjson.JSONEncodeError:  # an integer past 64 bits: json writes such facts
        return
    if not cache._json_may_hold_secret(data, facts, facts):
        assert scrub(facts, [KEY, TOKEN]) is facts


@pytest.mark.parametrize(
    "secret", ['ab"cd-SECRET', "ab\\cd-SECRET", "ab\ncd-SECRET", 'Bearer t"0k-SECRET']
)
def test_a_secret_json_escapes_is_looked_for_in_the_strings(secret: str) -> None:
    """JSON writes it otherwise than the text holds it: the strings are walked instead."""
    assert not _json_scan_possible([secret])
    assert _json_scan_possible(["plain-SECRET-1", "Bearer abc+/=&<x>", KEY, TOKEN])
    cache = _cache([secret])
    cache._json_scan = _json_scan_possible([secret])
    facts = {"text": f"Debug: {secret.removeprefix('Bearer ')} shown", "title": "Phone X1"}
    assert cache._json_may_hold_secret(orjson.dumps(facts), facts, facts)


def test_a_shared_text_is_checked_as_itself() -> None:
    """main_text is kept as a span of the page's text: a URL rule that masks it alone (a
    parameter at its very start) but not inside the whole text still sends it to scrub."""
    cache = _cache([KEY])
    text = "Intro xapi_key=abcdef123 more"
    facts = {"text": text, "main_text": text[6:], "title": ""}
    assert scrub_text(facts["main_text"], [KEY]) != facts["main_text"]
    shared = _share_text(facts)
    assert shared is not facts and "@text" in shared
    assert cache._json_may_hold_secret(orjson.dumps(shared), facts, shared)


@pytest.mark.parametrize(
    "data",
    [b'{"a":"x=1"}', rb'{"a\\":"\\\"=\\","b=\"":1}', b'["q",{"b":"u@v//w","c":"=="}]', b"{}"],
)
def test_literals_around_finds_each_string_holding_the_characters(data: bytes) -> None:
    spans = _literals_around(data, (b"=", b"@"))
    assert spans is not None
    found = [orjson.loads(data[start:end]) for start, end in spans]

    def strings(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [*value, *(s for v in value.values() for s in strings(v))]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return []

    assert sorted(found) == sorted(s for s in strings(orjson.loads(data)) if "=" in s or "@" in s)


_URL_PIECES = [
    "http://", "https://", "HTTP://", "shop.test", "/x", "?", "&", "=", "q", "token", "api_key",
    "sig", "Sig", "%74oken", "a.b", "-", "[0]", "+", "%20", "@", "u:p@", "#", "#frag", ",", ";",
    ")", ".", " ", '"', "<", KEY, TOKEN, "t0k", quote_plus(KEY), "1",
]  # fmt: skip


_URL_TEXT = st.lists(st.sampled_from(_URL_PIECES), max_size=4).map("".join)
_NAME = st.sampled_from(
    ["q", "page", "utm_source", "a.b", "x-y", "token", "api_key", "Sig", "sessionid", "pass"]
)
_QUERY = st.lists(st.tuples(_NAME | _URL_TEXT, _URL_TEXT), min_size=1, max_size=4).map(
    lambda pairs: "&".join(f"{name}={value}" for name, value in pairs)
)


@settings(max_examples=2000, deadline=None)
@given(
    start=st.sampled_from(["http://shop.test/s?", "https://shop.test/a;b,c)/?", ""]),
    query=_QUERY,
    noise=st.lists(st.sampled_from(_URL_PIECES), max_size=12).map("".join),
)
def test_a_url_masked_by_the_short_way_is_masked_as_scrub_text_masks_it(
    start: str, query: str, noise: str
) -> None:
    """scrub_text's short way for URLs of a plain shape (the cache's keys, a report's URLs)
    gives what its full way gives."""
    for url in (start + query, noise, start + noise):
        assert scrub_text(url, [KEY, TOKEN]) == _scrub_fully(url, [KEY, TOKEN])

"""--cache DIR: a re-run asks for each page conditionally, takes unchanged pages' facts from the
cache (304, no parse), and reads changed pages afresh; against a real server on 127.0.0.1 that
honours ETags the way nginx does."""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WResponse

from cxlint.cache import FILE_NAME, PageCache, _find, pack_facts, unpack_facts
from cxlint.cli import main
from cxlint.model import Response
from tests.rulecase import render_page


class Site:
    """Pages by path; every answer has an ETag, and If-None-Match on an unchanged page gets a
    bare 304. Records each request's path, query and validator."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.requests: list[tuple[str, str | None]] = []
        self.empty_wording = "No results found for your search."

    def handle(self, request: Request) -> WResponse:
        path = request.path
        if path == "/search":
            query = request.args.get("q", "")
            path = f"/search?q={query}"
            body = self.results(query)
        elif path == "/go/spring":
            self.requests.append((path, None))
            return WResponse("", status=301, headers={"Location": "/phones/x1?utm_source=mail"})
        elif path in self.pages:
            body = self.pages[path]
        else:
            self.requests.append((path, None))
            return WResponse("not here", status=404)
        etag = '"' + hashlib.sha1(body.encode()).hexdigest()[:16] + '"'
        self.requests.append((path, request.headers.get("If-None-Match")))
        if request.headers.get("If-None-Match") == etag:
            return WResponse(status=304, headers={"ETag": etag})
        return WResponse(body, content_type="text/html; charset=utf-8", headers={"ETag": etag})

    def results(self, query: str) -> str:
        found = "X1" in query or "Phone" in query
        items = '<li><a href="/phones/x1">Phone X1</a> $99.00</li>' if found else ""
        body = f"<ol>{items}</ol>" if found else f"<p>{self.empty_wording}</p>"
        return render_page({"title": "Search", "h1": "Search results", "body": body})

    def revalidated(self) -> int:
        return sum(1 for _, validator in self.requests if validator)


def product_page(price: str) -> str:
    jsonld = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Phone X1",
        "mpn": "X1",
        "offers": {"@type": "Offer", "price": price, "priceCurrency": "USD"},
    }
    return render_page(
        {
            "title": "Phone X1",
            "h1": "Phone X1",
            "head": f'<script type="application/ld+json">{json.dumps(jsonld)}</script>',
            "body": f'<p>Model X1</p><p class="price">${price}</p>',
        }
    )


@pytest.fixture()
def site(httpserver: HTTPServer) -> Site:
    shop = Site()
    home = '<form role="search" action="/search"><input type="search" name="q"></form>'
    shop.pages["/"] = render_page({"title": "Shop", "h1": "Shop", "body": home})
    shop.pages["/phones/x1"] = product_page("99.00")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("").respond_with_handler(shop.handle)
    return shop


def check(
    httpserver: HTTPServer,
    tmp_path: Path,
    *extra: str,
    landing: tuple[str, ...] = ("/go/spring",),
) -> tuple[int, dict[str, Any]]:
    manifest = tmp_path / "campaign.yaml"
    manifest.write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "campaign": {"name": "Cache test", "id": "cache-test"},
                "site": {"url": httpserver.url_for("/")},
                "products": [
                    {
                        "id": "x1",
                        "name": "Phone X1",
                        "model": "X1",
                        "url": "/phones/x1",
                        "price": "99.00",
                        "currency": "USD",
                    }
                ],
                "landing_pages": [
                    {"url": url, "products": ["x1"], "channel": "email"} for url in landing
                ],
            }
        )
    )
    report = tmp_path / "report.json"
    runner = CliRunner()
    outcome = runner.invoke(
        main,
        [
            "check",
            str(manifest),
            "--quiet",
            "--no-robots",
            "--format",
            "json",
            "--output",
            str(report),
            *extra,
        ],
    )
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.output
    return outcome.exit_code, json.loads(report.read_text())


def findings(report: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["message"]) for f in report["findings"])


def test_a_rerun_of_an_unchanged_site_uses_304s_and_no_parses(
    site: Site, httpserver: HTTPServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first_code, first = check(httpserver, tmp_path, "--cache", str(cache))
    assert first["run"]["stats"]["cache_stored"] >= 3  # home, product page, results pages
    assert first["run"]["stats"]["not_modified"] == 0
    assert site.revalidated() == 0

    site.requests.clear()
    second_code, second = check(httpserver, tmp_path, "--cache", str(cache))
    stats = second["run"]["stats"]
    # every page that had an ETag was asked for conditionally and was not read again
    assert stats["not_modified"] == first["run"]["stats"]["cache_stored"] == site.revalidated()
    assert stats["pages"] == 0 and stats["cache_stored"] == 0
    assert second_code == first_code
    assert findings(second) == findings(first)
    assert [s["checks"] for s in second["subjects"]] == [s["checks"] for s in first["subjects"]]


def test_a_changed_page_is_read_again_never_served_stale(
    site: Site, httpserver: HTTPServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    _, first = check(httpserver, tmp_path, "--cache", str(cache))
    assert not [f for f in first["findings"] if f["rule"] == "price-mismatch"]

    site.pages["/phones/x1"] = product_page("149.00")  # a new ETag
    _, second = check(httpserver, tmp_path, "--cache", str(cache))
    mismatch = [f for f in second["findings"] if f["rule"] == "price-mismatch"]
    assert mismatch and "149" in json.dumps(mismatch[0]["evidence"])
    # only the changed page was parsed: as the product page and where the landing page lands
    assert second["run"]["stats"]["pages"] == 2
    assert second["run"]["stats"]["not_modified"] >= 2

    # and the cache now holds the new facts: a third run agrees without parsing
    _, third = check(httpserver, tmp_path, "--cache", str(cache))
    assert third["run"]["stats"]["pages"] == 0
    assert findings(third) == findings(second)


def test_results_are_reused_only_while_the_empty_results_page_is_unchanged(
    site: Site, httpserver: HTTPServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    _, first = check(httpserver, tmp_path, "--cache", str(cache))
    site.requests.clear()
    check(httpserver, tmp_path, "--cache", str(cache))
    assert all(validator for path, validator in site.requests if path.startswith("/search"))

    # What a results page says depends on what the empty one shows: a new empty page means
    # every query is read afresh, whatever its own page's ETag.
    site.empty_wording = "Nothing matched. Try another word."
    site.requests.clear()
    _, third = check(httpserver, tmp_path, "--cache", str(cache))
    searches = [
        (path, validator) for path, validator in site.requests if path.startswith("/search")
    ]
    assert searches and not any(validator for _, validator in searches[1:])
    assert findings(third) == findings(first)


def test_no_cache_no_conditional_requests(
    site: Site, httpserver: HTTPServer, tmp_path: Path
) -> None:
    check(httpserver, tmp_path)
    check(httpserver, tmp_path)
    assert site.revalidated() == 0


def test_a_bad_folder_is_a_usage_error(site: Site, httpserver: HTTPServer, tmp_path: Path) -> None:
    check(httpserver, tmp_path)  # writes the manifest
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    outcome = CliRunner().invoke(
        main, ["check", str(tmp_path / "campaign.yaml"), "--cache", str(blocker / "sub")]
    )
    assert outcome.exit_code == 2
    assert "--cache" in outcome.output and "Traceback" not in outcome.output


def _fill(folder: str, name: str, barrier: Any) -> None:
    barrier.wait()  # every process opens the new file at the same moment
    cache = PageCache(folder)
    for i in range(50):
        url = f"http://shop.test/{name}/{i}"
        response = Response(url, url, 200, headers={"etag": f'"{i}"'}, body=b"x")
        cache.store("page", url, response, {"i": i})
    cache.close()


def test_processes_opening_a_new_cache_at_once_lose_nothing(tmp_path: Path) -> None:
    # --jobs processes (and shards on one machine) open the cache together. A new file's
    # set-up raced: one process took sqlite's immediate "database is locked" for a broken
    # file and deleted it under the others, or emptied the entries another had just written.
    context = multiprocessing.get_context("fork")
    for trial in range(30):
        folder = str(tmp_path / str(trial))
        barrier = context.Barrier(4)
        processes = [
            context.Process(target=_fill, args=(folder, f"p{k}", barrier)) for k in range(4)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(60)
        assert [p.exitcode for p in processes] == [0, 0, 0, 0]
        with sqlite3.connect(Path(folder) / FILE_NAME) as db:
            assert db.execute("SELECT count(*) FROM pages").fetchone() == (200,), trial


# --- a cache file is trusted on read: a bad entry is a miss, a foreign file is refused ------


def _rewrite(cache: Path, kind: str, change: Any) -> int:
    """Apply `change` to every entry of `kind`, given as a dict of its columns (facts
    inflated and parsed), written back as it returns them; how many entries it changed."""
    with sqlite3.connect(cache / FILE_NAME) as db:
        rows = db.execute(
            "SELECT kind, url, final_url, status, headers, size, facts FROM pages WHERE kind = ?",
            (kind,),
        ).fetchall()
        for row in rows:
            names = ("kind", "url", "final_url", "status", "headers", "size")
            entry = dict(zip(names, row[:6], strict=True))
            entry["headers"] = json.loads(entry["headers"])
            entry["facts"] = unpack_facts(row[6])
            change(entry)
            db.execute(
                "UPDATE pages SET final_url = ?, status = ?, headers = ?, size = ?, facts = ?"
                " WHERE kind = ? AND url = ?",
                (
                    entry["final_url"],
                    entry["status"],
                    json.dumps(entry["headers"]),
                    entry["size"],
                    pack_facts(entry["facts"]),
                    kind,
                    entry["url"],
                ),
            )
    return len(rows)


def _set(*path: Any) -> Any:
    """A change that sets entry[path[0]][path[1]]... to path[-1]."""

    def change(entry: dict[str, Any]) -> None:
        *keys, last, value = path
        target = entry
        for key in keys:
            target = target[key]
        target[last] = value

    return change


DAMAGED_ENTRIES = {
    "a header value that is a dict": ("page", _set("headers", "content-type", {"a": 1})),
    "headers that are a list": ("page", _set("headers", ["etag"])),
    "a status that is a word": ("page", _set("status", "ok")),
    "a status of an error page": ("page", _set("status", 404)),
    "a size that is a word": ("page", _set("size", "big")),
    "no final URL": ("page", _set("final_url", None)),
    "facts that are a list": ("page", _set("facts", [1, 2])),
    "a title that is a number": ("page", _set("facts", "title", 5)),
    "h1 that is a string": ("page", _set("facts", "h1", "Phone X1")),
    "a link of one field": ("page", _set("facts", "links", [["http://shop.test/"]])),
    "a form without its inputs": ("page", _set("facts", "forms", [{"action": "/s"}])),
    "a price that is no amount": ("page", _set("facts", "prices", [["abc", "$", "$abc", True]])),
    "a price that is not a number": ("page", _set("facts", "prices", [["NaN", "$", "$", True]])),
    "JSON-LD that is a string": ("page", _set("facts", "jsonld", "Product")),
    "a search action of one field": ("page", _set("facts", "search_actions", [["/s"]])),
    "search results that are a string": (
        "results",
        _set("facts", "result", "results", "http://shop.test/phones/x1"),
    ),
    "a search status that is a word": ("results", _set("facts", "result", "status", "ok")),
    "search chrome that is a number": ("results", _set("facts", "chrome", 5)),
    "a shared text past the end of the text": (
        "page",
        _set("facts", "@text", {"main_text": [0, 10**9]}),
    ),
    "a shared text of another field": ("page", _set("facts", "@text", {"title": [0, 1]})),
    "shared texts that are a list": ("page", _set("facts", "@text", [[0, 1]])),
}


@pytest.mark.parametrize("damage", list(DAMAGED_ENTRIES))
def test_a_damaged_entry_is_a_miss_never_a_finding(
    damage: str, site: Site, httpserver: HTTPServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first_code, first = check(httpserver, tmp_path, "--cache", str(cache))
    kind, change = DAMAGED_ENTRIES[damage]
    assert _rewrite(cache, kind, change) >= 1

    site.requests.clear()
    second_code, second = check(httpserver, tmp_path, "--cache", str(cache))
    assert "page-unreachable" not in json.dumps(second["findings"])
    assert (second_code, findings(second)) == (first_code, findings(first))
    # the damaged entries were read afresh (and kept anew): a third run is all 304s
    assert second["run"]["stats"]["cache_stored"] >= 1
    site.requests.clear()
    _, third = check(httpserver, tmp_path, "--cache", str(cache))
    assert third["run"]["stats"]["cache_stored"] == 0
    assert findings(third) == findings(first)


def _foreign_with_our_table_names(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (name TEXT, data BLOB)")
        db.execute("CREATE TABLE pages (id INTEGER PRIMARY KEY, title TEXT)")
        db.execute("INSERT INTO pages VALUES (1, 'their data')")
    db.close()


def _foreign_database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE users (name TEXT, email TEXT)")
        db.execute("INSERT INTO users VALUES ('ann', 'ann@example.com')")
    db.close()


def _another_programs_id(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA application_id = 1196444237")  # 'GPKG': a GeoPackage
    db.close()


def _not_a_database(path: Path) -> None:
    path.write_bytes(b"these are someone's notes, not a database\n" * 100)


FOREIGN = {
    "our table names with other columns": _foreign_with_our_table_names,
    "another program's database": _foreign_database,
    "another program's application id": _another_programs_id,
    "a file that is not a database": _not_a_database,
}


@pytest.mark.parametrize("make", list(FOREIGN))
def test_a_foreign_file_is_refused_at_once_and_left_alone(
    make: str, site: Site, httpserver: HTTPServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    path = cache / FILE_NAME
    FOREIGN[make](path)
    before = {p.name: p.read_bytes() for p in cache.iterdir()}
    manifest = tmp_path / "campaign.yaml"
    check(httpserver, tmp_path)  # writes the manifest
    started = time.monotonic()
    outcome = CliRunner().invoke(main, ["check", str(manifest), "--quiet", "--cache", str(cache)])
    elapsed = time.monotonic() - started
    assert outcome.exit_code == 2, outcome.output
    assert elapsed < 5
    assert f"--cache: {path} is not a cxlint cache (" in outcome.output
    assert "remove it or choose another folder" in outcome.output
    assert len(outcome.output.strip().splitlines()) == 1 and "Traceback" not in outcome.output
    assert {p.name: p.read_bytes() for p in cache.iterdir()} == before


def test_an_older_versions_cache_is_emptied_to_the_last_byte_and_reused(
    site: Site, httpserver: HTTPServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    check(httpserver, tmp_path, "--cache", str(cache))
    with sqlite3.connect(cache / FILE_NAME) as db:
        db.execute("UPDATE meta SET value = '0.0.1/1' WHERE key = 'version'")
        db.execute(
            "INSERT INTO pages VALUES ('page', 'http://old.test/', 'http://old.test/', 200,"
            " '{\"set-cookie\": \"sid=OLD-SECRET-COOKIE\"}', 1, x'00')"
        )
    db.close()
    code, report = check(httpserver, tmp_path, "--cache", str(cache))
    assert code in (0, 1) and report["run"]["stats"]["cache_stored"] >= 3
    with sqlite3.connect(cache / FILE_NAME) as db:
        assert db.execute("SELECT count(*) FROM pages WHERE url LIKE '%old.test%'").fetchone() == (
            0,
        )
    db.close()
    # what an older version kept (response headers then) is overwritten, not just unlinked
    for path in cache.iterdir():
        assert b"OLD-SECRET-COOKIE" not in path.read_bytes(), path.name


def test_a_damaged_cache_of_ours_is_replaced(
    site: Site, httpserver: HTTPServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    check(httpserver, tmp_path, "--cache", str(cache))
    path = cache / FILE_NAME
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # its schema page: SQLite says "malformed"
    path.write_bytes(bytes(data))
    (cache / "notes.txt").write_text("not the cache's: kept")
    (cache / (FILE_NAME + ".bak")).write_text("a copy the user made: kept")
    code, report = check(httpserver, tmp_path, "--cache", str(cache))
    assert code in (0, 1) and report["run"]["stats"]["cache_stored"] >= 3
    assert (cache / "notes.txt").exists() and (cache / (FILE_NAME + ".bak")).exists()


# --- what a first run keeps, and how ----------------------------------------------------------


def _entries(cache: Path) -> dict[str, dict[str, Any]]:
    """The page entries' facts by URL path, as stored (inflated, not restored)."""
    with sqlite3.connect(cache / FILE_NAME) as db:
        rows = db.execute("SELECT url, facts FROM pages WHERE kind = 'page'").fetchall()
    db.close()
    return {url.split("/", 3)[-1]: unpack_facts(blob) for url, blob in rows}


def test_a_page_kept_without_links_is_read_again_by_a_run_that_reads_them(
    site: Site, httpserver: HTTPServer, tmp_path: Path
) -> None:
    # A product page no rule reads the links of is parsed without them, as a run without
    # --cache parses it, and its entry says so.
    cache = tmp_path / "cache"
    site.pages["/lp"] = render_page({"title": "Offer", "h1": "Offer", "body": "Phone X1"})
    _, first = check(httpserver, tmp_path, "--cache", str(cache), landing=("/lp",))
    assert _entries(cache)["phones/x1"]["links"] is None
    assert _entries(cache)["lp"]["links"] is not None

    # A campaign whose landing page is that page reads its links: the entry cannot serve
    # it, so the page is read afresh (unconditionally) and kept with its links.
    site.requests.clear()
    _, second = check(httpserver, tmp_path, "--cache", str(cache), landing=("/phones/x1",))
    assert ("/phones/x1", None) in site.requests
    assert second["run"]["stats"]["pages"] == 1
    assert _entries(cache)["phones/x1"]["links"] is not None
    (tmp_path / "plain").mkdir()
    _, fresh = check(httpserver, tmp_path / "plain", landing=("/phones/x1",))
    assert findings(second) == findings(fresh)

    # and a third run revalidates it
    site.requests.clear()
    _, third = check(httpserver, tmp_path, "--cache", str(cache), landing=("/phones/x1",))
    assert third["run"]["stats"]["pages"] == 0
    assert findings(third) == findings(second)


def test_main_and_product_text_are_kept_as_where_they_stand_in_the_text(
    site: Site, httpserver: HTTPServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    _, first = check(httpserver, tmp_path, "--cache", str(cache))
    stored = _entries(cache)["phones/x1"]
    assert stored["main_text"] == stored["product_text"] == ""
    start, end = stored["@text"]["main_text"]
    assert "Model X1" in stored["text"][start:end]

    entry = PageCache(cache).lookup("page", httpserver.url_for("/phones/x1"))
    assert entry is not None and "@text" not in entry.facts
    assert entry.facts["main_text"] == stored["text"][start:end]
    assert entry.facts["product_text"] == stored["text"][slice(*stored["@text"]["product_text"])]


def test_texts_not_in_the_text_are_kept_whole(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    url = "http://shop.test/p"
    response = Response(url, url, 200, headers={"etag": '"1"'}, body=b"x")
    facts = {"text": "Shop Phone X1 $99", "main_text": "Phone X1", "product_text": "elsewhere"}
    cache.store("page", url, response, facts)
    cache.close()
    stored = _entries(tmp_path)["p"]
    assert stored["@text"] == {"main_text": [5, 13]}
    assert (stored["main_text"], stored["product_text"]) == ("", "elsewhere")


def test_entries_are_written_in_batches_and_the_rest_on_close(tmp_path: Path) -> None:
    """Entries are written in batches by a thread of the cache's own, and close waits for
    them all."""
    cache = PageCache(tmp_path)
    count = 2 * 256 + 10  # two whole batches, and a part of one
    for i in range(count):
        url = f"http://shop.test/{i}"
        cache.store("page", url, Response(url, url, 200, headers={"etag": f'"{i}"'}), {"i": i})
    # whole batches only, written by the writer thread (perhaps not all of them yet)
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        assert db.execute("SELECT count(*) FROM pages").fetchone()[0] in (0, 256, 2 * 256)
    db.close()
    cache.close()
    assert cache.stats["stored"] == count
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        assert db.execute("SELECT count(*) FROM pages").fetchone() == (count,)
    db.close()


def test_facts_come_back_as_the_parse_read_them_numbers_json_allows_included() -> None:
    # a page's JSON-LD is read by json.loads, which takes NaN, Infinity and big integers
    facts = {"jsonld": [{"price": float("nan"), "n": float("-inf"), "gtin": 2**70, "x": 1.5}]}
    back = unpack_facts(pack_facts(facts))["jsonld"][0]
    assert math.isnan(back["price"]) and back["n"] == float("-inf")
    assert (back["gtin"], back["x"]) == (2**70, 1.5)
    plain = {"text": "Phone X1 – 99 €", "links": None, "jsonld": [{"a": [1, 2.5, None, True]}]}
    assert unpack_facts(pack_facts(plain)) == plain


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("abc", "abc"),
        ("xxabc", "abc"),
        ("abc", "abcd"),
        ("", "a"),
        ("a" * 200 + "b", "a" * 100 + "b"),  # a head found many times before the value
        ("a" * 70 + "X" + "a" * 70 + "Y", "a" * 70 + "Y"),
        ("head" * 40 + "|" + "head" * 20, "head" * 20 + "|"),
        ("p" * 64 + "q" + "p" * 64 + "r", "p" * 64 + "s"),
    ],
)
def test_find_is_str_find(text: str, value: str) -> None:
    assert _find(text, value) == text.find(value)


@settings(max_examples=500, deadline=None)
@given(text=st.text("ab", max_size=300), value=st.text("ab", min_size=1, max_size=120))
def test_find_is_str_find_on_repetitive_text(text: str, value: str) -> None:
    assert _find(text, value) == text.find(value)

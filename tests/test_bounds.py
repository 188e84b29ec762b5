"""Resource bounds (issue 14, item 4): what one value of a manifest, or one hostile page, can
cost.

- Manifest values have maximum lengths (the schema's maxLength): a 10 MB product name is one
  located line and exit 2, in modest memory, and the value is never echoed.
- Reports are bounded per finding: a page with a multi-megabyte title and tens of thousands of
  headings, against a manifest at its length limits, makes every format small; text is cut
  after secrets are masked, so a cut never leaves part of a secret or of its mask.
- Deep nesting: text after 100,000 nested elements is read, as a browser shows it.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cxlint.bounds import ELLIPSIS, MAX_ITEMS, MAX_TEXT, bounded, cut
from cxlint.cli import main
from cxlint.fetch import Fetcher, FetchOptions
from cxlint.manifest import load_manifest_text
from cxlint.model import Response
from cxlint.nesting import flatten
from cxlint.page import parse_page
from cxlint.redact import MASK
from cxlint.report import FORMATS
from tests.faultserver import Conn, FaultServer, closed_port_url

ROOT = Path(__file__).parent.parent  # where `python -m tests.load.peakrss` is found
ONE_LINE = re.compile(r"^cxlint: error: [^\n]+:\d+:\d+: [^\n]+\n$")
OFFLINE = ["--retries", "0", "--timeout", "1", "--no-robots"]


def manifest(**product: Any) -> dict[str, Any]:
    return {
        "version": 1,
        "campaign": {"name": "Bounds", "id": "b"},
        "site": {"url": closed_port_url().rstrip("/")},
        "products": [{"id": "v710", "name": "RAZR V710", "model": "V710", **product}],
    }


def check(path: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, ["check", str(path), *OFFLINE, *args], env=env)


# --- 1. manifest values have maximum lengths ----------------------------------------------


def test_a_10_mb_product_name_is_one_located_line_in_modest_memory(tmp_path: Path) -> None:
    path = tmp_path / "campaign.yaml"
    text = yaml.safe_dump(manifest(), sort_keys=False, width=1000)
    path.write_text(text.replace("name: RAZR V710", "name: " + "N" * 10_000_000))
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "RAZR V710" in t)
    peak_file = tmp_path / "peak.txt"
    run = subprocess.run(
        [sys.executable, "-m", "tests.load.peakrss", str(peak_file), "cxlint", "check",
         str(path), *OFFLINE, "-o", str(tmp_path / "report.txt")],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr[:500]
    assert ONE_LINE.match(run.stderr), run.stderr[:500]
    assert f"{path}:{line}:" in run.stderr
    assert "'name' is 10,000,000 characters long; at most 300 are allowed" in run.stderr
    assert len(run.stderr) < 300  # the value is not echoed
    assert not (tmp_path / "report.txt").exists()
    peak_mb = float(peak_file.read_text())
    print(f"peak memory refusing a 10 MB product name: {peak_mb:.0f} MB")
    assert peak_mb < 400


LONG = {
    # what is too long, where (a product field, or a path into the manifest), its limit
    "name": ("name", 300),
    "model": ("model", 300),
    "id": ("id", 300),
    "an alias": ("aliases", 300),
    "the product URL": ("url", 8192),
    "the price as text": ("price", 50),
}


@pytest.mark.parametrize("what", list(LONG))
def test_each_text_field_has_a_limit_just_above_real_use(what: str) -> None:
    key, limit = LONG[what]

    def value(length: int) -> Any:
        text = {"url": "/" + "u" * (length - 1), "price": "9" * length}.get(key, "x" * length)
        return [text] if key == "aliases" else text

    load_manifest_text(yaml.safe_dump(manifest(**{key: value(limit)})), "m.yaml")  # fits
    with pytest.raises(Exception) as error:
        load_manifest_text(yaml.safe_dump(manifest(**{key: value(limit + 1)})), "m.yaml")
    said = str(error.value)
    assert f"is {limit + 1:,} characters long; at most {limit:,} are allowed" in said
    assert re.match(r"m\.yaml:\d+:\d+: ", said), said
    assert "x" * 61 not in said and "u" * 61 not in said and "9" * 61 not in said


@pytest.mark.parametrize("where", ["headers", "headers_for"])
def test_a_long_header_value_is_refused_without_showing_it(where: str, tmp_path: Path) -> None:
    data = manifest()
    headers = {"Authorization": "Bearer " + "s3cr3t" * 2000}
    data["site"][where] = headers if where == "headers" else {"https://api.example": headers}
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, width=100_000))
    result = check(path)
    assert result.exit_code == 2
    assert "header 'Authorization' is 12,007 characters long; at most 8,192" in result.output
    assert "s3cr3t" not in result.output


def test_a_value_made_long_by_a_variable_is_refused_without_showing_it(tmp_path: Path) -> None:
    data = manifest(name="${BIG}${BIG}")
    data["site"]["headers"] = {"X-Key": "${KEY}"}
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    written = path.read_text().splitlines()
    line = next(i for i, t in enumerate(written, 1) if "${BIG}" in t)
    header_line = next(i for i, t in enumerate(written, 1) if "${KEY}" in t)
    result = check(path, env={"BIG": "b" * 5000, "KEY": "k" * 9000})
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 1 and f":{header_line}:" in lines[0], lines  # the first in the file
    assert "header 'X-Key' is 9,000 characters long once its ${VAR}s are filled in" in lines[0]
    assert "kkkk" not in result.output
    result = check(path, env={"BIG": "b" * 5000, "KEY": "k"})
    assert result.exit_code == 2
    assert f":{line}:" in result.output
    assert "the product's 'name' is 10,000 characters long once its ${VAR}s" in result.output
    assert "bbbb" not in result.output


def test_a_long_header_name_is_refused(tmp_path: Path) -> None:
    data = manifest()
    data["site"]["headers"] = {"X-" + "a" * 300: "v"}
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, width=1000))
    result = check(path)
    assert result.exit_code == 2
    assert "is not a valid HTTP header name" in result.output
    assert len(result.output) < 200


# --- 2. reports are bounded per finding -----------------------------------------------------

SECRET = "Zq9-bounds-secret"  # sent as a header; the hostile site echoes it at the cut
TITLE_WORDS = 400_000  # a 4.8 MB <title>, within the 5 MB a page may have
HEADINGS = 20_000


def _hostile_page(conn: Conn) -> None:
    # The secret starts one character before the cut: masked, then cut, the mask is left out
    # whole; cut first, its first character would be shown.
    title = "A" * (MAX_TEXT - 2) + SECRET + " word" * TITLE_WORDS
    headings = "".join(f"<h1>Heading {i}</h1>" for i in range(HEADINGS))
    body = f"<html><head><title>{title}</title></head><body>{headings}<p>Nothing here</p>"
    conn.respond(body=(body + "</body></html>").encode())


@pytest.fixture(scope="module")
def hostile_site() -> Iterator[FaultServer]:
    with FaultServer(routes={"/lp": _hostile_page, "/p": _hostile_page}) as server:
        yield server


def _at_limits(origin: str) -> dict[str, Any]:
    """A manifest whose every text is as long as the schema allows."""
    name = ("RAZR V710 " * 30)[:300]
    query = "?utm_source=a&utm_medium=b&utm_campaign=b&pad="
    return {
        "version": 1,
        "campaign": {"name": "C" * 300, "id": "b" * 300},
        "site": {"url": origin, "headers": {"X-Key": "${BOUNDS_KEY}"}},
        "products": [
            {
                "id": "p" * 300,
                "name": name,
                "model": "M" * 300,
                "aliases": ["a" * 300, "b" * 300],
                "url": "/p?" + "q" * (8192 - 3),
            }
        ],
        "landing_pages": [
            {
                "url": "/lp" + query + "x" * (8192 - 3 - len(query)),
                "channel": "c" * 300,
                "products": ["p" * 300],
            }
        ],
    }


@pytest.fixture(scope="module")
def reports(hostile_site: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bounded")
    path = folder / "campaign.yaml"
    path.write_text(yaml.safe_dump(_at_limits(hostile_site.origin), width=100_000))
    files = {fmt: folder / f"report.{fmt}" for fmt in FORMATS}
    args = [f"--report={fmt}:{file}" for fmt, file in files.items()]
    result = check(path, "--timeout", "10", *args, env={"BOUNDS_KEY": SECRET, "NO_COLOR": "1"})
    assert result.exit_code == 1, result.output
    return files


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_stays_small_for_a_hostile_page(fmt: str, reports: dict[str, Path]) -> None:
    size = reports[fmt].stat().st_size
    print(f"{fmt}: {size:,} bytes")
    assert 1000 < size < 300_000, f"{fmt} report: {size:,} bytes"


def test_long_evidence_is_cut_and_says_so(reports: dict[str, Path]) -> None:
    report = json.loads(reports["json"].read_text())
    findings = report["findings"]
    assert 3 <= len(findings) <= 15  # a handful, among them those quoting the page
    titled = [f for f in findings if isinstance(f["evidence"].get("title"), str)]
    assert titled, [f["rule"] for f in findings]
    for finding in titled:
        title = finding["evidence"]["title"]
        assert len(title) <= MAX_TEXT and title.endswith("A" + ELLIPSIS), title[-20:]
        headings = finding["evidence"]["h1"]
        assert len(headings) == MAX_ITEMS
        assert headings[-1] == f"{ELLIPSIS} and {HEADINGS - MAX_ITEMS + 1:,} more"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_cut_never_shows_part_of_a_secret(fmt: str, reports: dict[str, Path]) -> None:
    text = reports[fmt].read_text()
    assert "Zq9" not in text and "bounds-secret" not in text
    assert SECRET[0] + ELLIPSIS not in text  # not even its first character, before the cut
    assert "*" + ELLIPSIS not in text  # nor part of the mask that replaced it


def test_cut_keeps_a_mask_whole_or_leaves_it_out() -> None:
    assert cut("short") == "short"
    assert cut("abcdefgh", 5) == "abcd" + ELLIPSIS
    for start in range(8):
        text = "x" * start + MASK + "y" * 20
        shortened = cut(text, 6)
        assert len(shortened) <= 6 and shortened.endswith(ELLIPSIS)
        kept = shortened.removesuffix(ELLIPSIS)
        assert "*" not in kept or MASK in kept, (start, shortened)
    assert cut(MASK * 10, 8) == ELLIPSIS  # masks side by side: none is cut


def test_bounded_shares_what_fits_and_shortens_lists() -> None:
    evidence = {"title": "ok", "chain": [{"url": "/a", "status": 200}], "h1": ["a", "b"]}
    assert bounded(evidence) is evidence
    long = {"h1": [str(i) for i in range(MAX_ITEMS + 10)], "hops": [{"n": i} for i in range(99)]}
    cut_down = bounded(long)
    assert cut_down["h1"][-1] == f"{ELLIPSIS} and 11 more" and len(cut_down["h1"]) == MAX_ITEMS
    assert cut_down["hops"] == [{"n": i} for i in range(MAX_ITEMS)]


# --- 3. text past deep nesting is read ------------------------------------------------------

PRODUCT, MODEL = "Motorola RAZR V710", "V710"
DEPTH = 100_000
SHOWN = f"<h1>{PRODUCT}</h1><p>Model {MODEL}, in stock.</p>"
DEEP_PAGES = {
    # the product after 100,000 nested <div>s, closed again; the same left open; and before them
    "/deep/after": "<div>" * DEPTH + "</div>" * DEPTH + SHOWN,
    "/deep/open": "<div>" * DEPTH + SHOWN,
    "/deep/before": SHOWN + "<div>" * DEPTH + "deep text" + "</div>" * DEPTH,
}


def _deep_page(conn: Conn) -> None:
    body = f"<html><head><title>Deep</title></head><body>{DEEP_PAGES[conn.path]}</body></html>"
    conn.respond(body=body.encode())


@pytest.fixture(scope="module")
def deep_site() -> Iterator[FaultServer]:
    with FaultServer(routes=dict.fromkeys(DEEP_PAGES, _deep_page)) as server:
        yield server


def test_text_after_deep_nesting_is_read_as_a_browser_shows_it(
    deep_site: FaultServer, tmp_path: Path
) -> None:
    path = tmp_path / "campaign.yaml"
    data = {
        "version": 1,
        "campaign": {"name": "Deep", "id": "d"},
        "site": {"url": deep_site.origin},
        "products": [
            {"id": page, "name": PRODUCT, "model": MODEL, "url": page} for page in DEEP_PAGES
        ],
        "landing_pages": [
            {"url": f"{page}?utm_source=a&utm_medium=b&utm_campaign=d", "products": [page]}
            for page in DEEP_PAGES
        ],
        "rules": {"search-not-found": "off"},
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    out = tmp_path / "report.json"
    result = check(path, "--timeout", "10", "--format", "json", "-o", str(out))
    assert result.exit_code in (0, 1), result.output
    report = json.loads(out.read_text())
    outcomes = {
        (s["subject"].get("id") or s["subject"]["url"].split("?")[0], c["rule"]): c["status"]
        for s in report["subjects"]
        if s["subject"]["type"] != "site"
        for c in s["checks"]
    }
    for page in DEEP_PAGES:
        assert outcomes[page, "product-not-on-page"] == "passed", page
        assert outcomes[page, "model-not-on-product-page"] == "passed", page
    wrong = [f for f in report["findings"] if "partial_page" in f["evidence"]]
    assert not wrong, wrong  # the whole page was read


@pytest.mark.parametrize("page", list(DEEP_PAGES))
def test_a_deep_page_parses_whole(page: str, deep_site: FaultServer) -> None:
    response = asyncio.run(_fetch(deep_site.url(page)))
    started = time.process_time()
    facts = parse_page(response)
    seconds = time.process_time() - started
    print(f"{page}: {len(response.body):,} bytes parsed in {seconds * 1000:.0f} ms of CPU")
    assert facts.h1 == [PRODUCT] and f"Model {MODEL}" in facts.text and facts.title == "Deep"
    assert not facts.partial


async def _fetch(url: str) -> Response:
    async with Fetcher(FetchOptions(respect_robots=False, retries=0)) as fetcher:
        return await fetcher.get(url)


def _html(body: bytes) -> Response:
    return Response(
        "http://shop.test/", "http://shop.test/", 200, {"content-type": "text/html"}, body
    )


# Pages that libxml2 keeps deeper than the close approximation counts (an end tag does not
# close what it names across an element of higher rank, such as a <div> for a </span>), or
# that pile up stray end tags; each is read to its end.
HOSTILE_NESTING = {
    "</span> that cannot close": b"<span><div>x</span>" * 15_000,
    "stray end tags, deep": b"<div>" * 20_000 + b"x" + b"</span>" * 20_000,
    "<p> in <div>": b"<p>a<div>b" * 15_000,
    "<font>": b"<font>a" * 1_000,
    "nested lists": b"<ul>" + b"<li><ul>" * 1_000,
    "nested tables": b"<table>" + b"<tr><td><table>" * 1_000,
}


@pytest.mark.parametrize("name", list(HOSTILE_NESTING))
def test_hostile_nesting_is_read_to_its_end(name: str) -> None:
    body = b"<html><body>" + HOSTILE_NESTING[name] + f"<p>{PRODUCT}</p>".encode()
    facts = parse_page(_html(body))
    assert PRODUCT in facts.text and not facts.partial


def test_flatten_takes_out_deep_elements_that_hold_nothing() -> None:
    body = b"<html><body>" + b"<div>" * 10 + b"deep" + b"</div>" * 10 + b"<p>after</p></body>"
    # 5 levels kept (html, body, 3 <div>s); of the deep ones, only the one holding text
    kept = b"<html><body><div><div><div> <div>deep</div> </div></div></div><p>after</p></body>"
    assert flatten(body, 5) == kept
    assert flatten(b"<div><p>shallow</p></div>", 5) == b"<div><p>shallow</p></div>"  # as is


def test_flatten_attaches_deep_elements_at_the_last_level_kept() -> None:
    cards = b'<div class="card">' * 4 + b"<h1>Name</h1><a href=/x><img src=i></a>text"
    body = b"<html><body>" + cards + b"</div>" * 4 + b"<p>after</p></body>"
    assert flatten(body, 3) == (
        b'<html><body><div class="card"><div class="card"></div><div class="card"></div>'
        b'<div class="card"></div><h1>Name</h1><a href=/x><img src=i></a>text </div>'
        b"<p>after</p></body>"
    )


def test_a_page_that_never_closes_its_cards_keeps_every_card() -> None:
    """A template that forgets one </div> per product: 400 levels deep by the last card."""
    cards = "".join(
        f'<div class="card"><h1>Phone {i}</h1><a href="/p/{i}">Phone {i}</a>'
        f'<span class="price">{i}.99</span>'
        for i in range(400)
    )
    ld = '<script type="application/ld+json">{"@type": "Product", "name": "Phone 399"}</script>'
    facts = parse_page(_html(f"<html><body>{cards}{ld}<p>{PRODUCT}</p>".encode()))
    assert [link.url for link in facts.links] == [f"http://shop.test/p/{i}" for i in range(400)]
    assert facts.h1 == [f"Phone {i}" for i in range(400)]
    assert facts.products == [{"@type": "Product", "name": "Phone 399"}]
    assert PRODUCT in facts.text and not facts.partial


def test_flatten_reads_raw_text_comments_and_attributes_as_the_parser_does() -> None:
    body = (
        b"<div><div><script>'<div><div><div>'</script><!-- <div><div> -->"
        b'<a title="a > <div>" href=/x>link</a><br><img src=x><p/>text</div></div>'
    )
    assert flatten(body, 3) == body  # nothing in there opens a third level
    deep = b"<div><div><div><script>x = '<div>'</script>kept</div></div></div>"
    assert flatten(deep, 2) == b"<div><div> <script>x = '<div>'</script>kept </div></div>"

"""cxlint on real shop pages (issue 15, item 7): the corpus of saved pages from 67 shops with
their labels (../shared/corpus, see its README), served on 127.0.0.1 as they were saved.

Per fact, as the corpus's README asks: price (manifest A with the labelled price must give no
price-mismatch error, manifest B with the price x 1.37 must give one), availability (an
OutOfStock page gets product-unavailable, an InStock page no error), model (a labelled sku or
mpn the page shows gets no model-not-on-product-page), and the page regions themselves: the
product's own block holds its labelled price and name, and the main content leaves the
chrome out. The manifests are written by the corpus's own scorer (score/score.py), which
normalises the labels (currency symbols, thousands separators); the findings are cxlint's,
from `python -m cxlint check` as a user runs it.

The floors sit at, or a little under, the figures reached (docs/platforms.md, "Real-page
corpus", lists them and the pages still wrong): a change that reads real pages worse fails.
Skipped where the corpus is absent (it is not part of the repository); CI runs on the machine
that has it.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

from cxlint.model import Response
from cxlint.page import Page, parse_page
from tests.shared import CORPUS

pytestmark = pytest.mark.skipif(
    not (CORPUS / "INDEX.json").is_file() or not (CORPUS / "pages").is_dir(),
    reason=f"the real-page corpus is not on this machine ({CORPUS}: no INDEX.json or pages/)",
)
RULES = "price-mismatch,product-unavailable,model-not-on-product-page"

# --- serving the pages ------------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        return None


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(CORPUS / "pages"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _scorer() -> ModuleType:
    """The corpus's own scorer (score/score.py, standard library only)."""
    spec = importlib.util.spec_from_file_location("corpus_score", CORPUS / "score" / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- one run of cxlint per manifest, as a user runs it ----------------------------------------


@pytest.fixture(scope="module")
def scored(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("corpus")
    score = _scorer()
    score.prepare(CORPUS.resolve(), base_url, work)
    reports = {}
    for name in ("a", "b"):
        out = work / f"report-{name}.json"
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "cxlint",
                "check",
                str(work / f"manifest-{name}.yaml"),
                "--select",
                RULES,
                "--fail-on",
                "never",
                "--quiet",
                "--format",
                "json",
                "-o",
                str(out),
            ],
            cwd=work,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=900,
        )
        assert run.returncode == 0 and out.exists(), run.stderr[-3000:]
        reports[name] = json.loads(out.read_text())
    score.score(work, "corpus")  # writes scores.json: the counts per fact, as run.sh prints
    return {
        "scores": json.loads((work / "scores.json").read_text()),
        "trials": json.loads((work / "trials.json").read_text()),
        "reports": reports,
    }


def _figures(counts: dict[str, int]) -> tuple[float, float]:
    tp, fp, fn = counts["TP"], counts["FP"], counts["FN"]
    return tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0


def _wrong(scored: dict[str, Any], fact: str) -> list[str]:
    return [
        f"{r['outcome']} [{r['trial']}] {r['page']}: label {r['label']}; "
        + "; ".join(f"{f['message']} {f.get('evidence')}" for f in r["findings"])[:400]
        for r in scored["scores"]["results"]
        if r["fact"] == fact and r["outcome"] in ("FP", "FN")
    ]


def test_price_is_read_as_labelled(scored: dict[str, Any]) -> None:
    counts = scored["scores"]["counts"]["price"]
    precision, recall = _figures(counts)
    assert sum(counts.values()) >= 130, counts  # 66 priced pages, each tried twice
    # 0a34fd2 (before page regions): 0.86 / 0.98; now 0.93 / 0.98 (docs/platforms.md)
    assert precision >= 0.92 and recall >= 0.97, (counts, _wrong(scored, "price"))


def test_availability_is_read_as_labelled(scored: dict[str, Any]) -> None:
    counts = scored["scores"]["counts"]["availability"]
    precision, recall = _figures(counts)
    assert sum(counts.values()) >= 60, counts
    # Two OutOfStock pages only, and two labels the pages contradict (getit.co.il's own data
    # says OutOfStock; usedvictoria.com's says NOT SOLD): 0a34fd2 had 4 false errors, now 1.
    assert counts["FP"] <= 1 and counts["TN"] >= 58, (counts, _wrong(scored, "availability"))
    assert precision >= 0.5 and recall >= 0.5, (counts, _wrong(scored, "availability"))


def test_a_model_the_page_shows_is_found(scored: dict[str, Any]) -> None:
    products = {
        t["product"]: t for t in scored["trials"]["trials"] if t["trial"] == "A" and t["model"]
    }
    assert len(products) >= 30, "the scorer puts a labelled sku or mpn the page shows"
    missed = [
        f"{products[f['subject']['id']]['page']}: {f['message']}"
        for f in scored["reports"]["a"]["findings"]
        if f["rule"] == "model-not-on-product-page" and f["subject"].get("id") in products
    ]
    assert not missed, missed


# --- the regions themselves, read from the saved files ----------------------------------------


def _labelled_pages() -> list[dict[str, Any]]:
    index = json.loads((CORPUS / "INDEX.json").read_text())
    return [
        p
        for p in index["pages"]
        if p["kind"] == "product" and p.get("label_origin") in ("source", "mixed")
    ]


@functools.cache
def _page(path: str) -> Page:
    body = (CORPUS / path).read_bytes()
    url = f"http://127.0.0.1/{path}"
    return parse_page(Response(url, url, 200, {"content-type": "text/html"}, body), links=False)


_NUMBER = re.compile(r"\d[\d.,\u00a0\u202f' ]*")


def _amounts(words: str) -> set[Decimal]:
    """Every number in `words`, read with either separator as the decimal one."""
    found = set()
    for match in _NUMBER.finditer(words):
        raw = match.group(0).strip(" .,'\u00a0\u202f")
        for sep in (".", ","):
            other = "," if sep == "." else "."
            plain = re.sub(rf"[{re.escape(other)}\u00a0\u202f' ]", "", raw).replace(sep, ".")
            if plain.count(".") <= 1:
                found.add(Decimal(plain))
    return found


def test_the_products_block_holds_its_labelled_price() -> None:
    """Of the labelled prices the page shows as text, how many cxlint reads as the product's
    price (from its own block, else its main content; struck prices not counted)."""
    score = _scorer()
    shown = read = 0
    lost = []
    for entry in _labelled_pages():
        labels = entry.get("labels") or {}
        currency, _ = score.resolve_currency(labels.get("currency"), entry)
        prices = [score.parse_price(v, currency)[0] for v in score._as_list(labels.get("price"))]
        prices = [p for p in prices if p is not None]
        page = _page(entry["path"])
        if not prices or not set(prices) & _amounts(page.text):
            continue  # the price is not on the page as text (scripts, images): nothing to read
        shown += 1
        if set(prices) & {p.amount for p in page.prices if not p.old}:
            read += 1
        else:
            lost.append((entry["path"], prices, [p.text for p in page.prices][:5]))
    assert shown >= 55
    assert read / shown >= 0.90, lost  # 53 of 58 now (docs/platforms.md)


def test_the_main_content_leaves_the_chrome_out() -> None:
    """The main content keeps the product's name (its structured data's, as a hint) and
    drops most of what a site repeats: account, cart, newsletter, cookie and policy links."""
    chrome = re.compile(
        r"\b(?:my account|sign in|newsletter|subscribe|cookies?|privacy policy|"
        r"shopping (?:cart|bag|basket)|wishlist|contact us|all rights reserved|copyright)\b",
        re.I,
    )
    named = kept = in_page = in_main = 0
    for entry in _labelled_pages():
        page = _page(entry["path"])
        name = str((entry.get("helper_labels") or {}).get("name") or "")
        words = re.findall(r"\w+", name.casefold())[:4]
        if words and all(w in page.text.casefold() for w in words):
            named += 1
            kept += all(w in page.main_text.casefold() for w in words)
        in_page += len(chrome.findall(page.text))
        in_main += len(chrome.findall(page.main_text))
    assert named >= 70 and kept / named >= 0.95  # 71 of 72 now
    # 48 of 795 (6%) kept now; 476 (60%) at 0a34fd2, whose main content was the body less
    # its header, nav, aside and footer
    assert in_page >= 500 and in_main / in_page <= 0.10

"""Micro-benchmark: CPU per search results page for its parse (parse_results_page, with the
results region), as the site search reads each page.

    python -m tests.benchmarks.results_bench [ROUNDS] [FOLDER_OF_SAVED_RESULTS_PAGES]

Pages: the benchmark store's results and empty-results pages, the real-page corpus's search
results and category pages (../shared/corpus, when here), and any *.html in FOLDER (results
pages saved from a platform, say). No network: each page is a Response built in memory. Each
is read twice, as the empty-results probe (every link) and as a query's answer (only the
links that may be results). Prints the median of ROUNDS rounds, in microseconds per page.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from cxlint.model import Response
from cxlint.page import parse_results_page
from tests.benchmarks import store

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "pages"


def _response(url: str, body: bytes) -> Response:
    headers = {"content-type": "text/html; charset=utf-8"}
    return Response(url=url, final_url=url, status=200, headers=headers, body=body)


def pages(folder: Path | None) -> list[tuple[str, Response]]:
    url = "http://bench.test/search?q=X"
    found = [
        ("store results", _response(url, store.search_page(store.product(7)).encode())),
        ("store empty", _response(url, store.empty_search_page().encode())),
    ]
    for name, path in (
        ("corpus search", "webshop-sim/search-red-basketball-shoes.html"),
        ("corpus category", "geizhals.at/category_page.html"),
    ):
        if (CORPUS / path).exists():
            found.append(
                (name, _response("http://corpus.test/search?q=x", (CORPUS / path).read_bytes()))
            )
    for path in sorted(folder.glob("*.html")) if folder else []:
        found.append((path.stem, _response("http://saved.test/?s=x", path.read_bytes())))
    return found


def main(argv: list[str]) -> None:
    rounds = int(argv[0]) if argv else 15
    folder = Path(argv[1]) if len(argv) > 1 else None
    wanted = lambda url: not url.endswith("/")  # noqa: E731 - some links refused, as a query's
    for name, response in pages(folder):
        for mode, accept in (("probe", None), ("query", wanted)):
            times = []
            for _ in range(rounds):
                start = time.process_time()
                for _ in range(20):
                    parse_results_page(response, accept)
                times.append((time.process_time() - start) / 20)
            size = len(response.body) // 1024
            median = statistics.median(times) * 1e6
            print(f"{name:24s} {mode:5s} {size:4d} KB  {median:8.0f} us")


if __name__ == "__main__":
    main(sys.argv[1:])

"""A hostile web: every fault of tests/faultserver.py, through the real fetcher, engine and CLI.

For each fault: the URL's outcome is classified as documented in docs/faults.md, it is
retried exactly as documented (counted at the server), and it ends within its documented
time. Then one CLI run over a campaign with a landing page per fault plus healthy subjects:
every subject of the manifest is in the report exactly once, the faulty ones with the right
finding and evidence, the healthy ones checked and passing.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml
from click.testing import CliRunner

from cxlint.cli import main
from cxlint.fetch import Fetcher, FetchOptions
from cxlint.fetch import body as fetch_module
from cxlint.model import Response
from cxlint.page import MAX_PIECES, parse_page
from tests.faultserver import (
    PRODUCT,
    UNRESOLVABLE,
    FaultServer,
    brotli_bomb,
    closed_port_url,
    gzip_bomb,
)

# The fetch policy under test, small so that the suite stays fast. The CLI run below uses the
# CLI's own defaults except --timeout (which also caps the connect timeout).
TIMEOUT = 1.0
CONNECT = 0.5
RETRIES = 2
BACKOFF = 0.05
ATTEMPT = 4 * TIMEOUT  # the documented whole-attempt deadline: max_time defaults to 4 x timeout
OPTIONS: dict[str, Any] = {
    "timeout": TIMEOUT,
    "connect_timeout": CONNECT,
    "retries": RETRIES,
    "backoff": BACKOFF,
    "per_host": 64,  # every fault at once: no queueing for a host slot in the timings
    "concurrency": 64,
    "respect_robots": False,
}
SLACK = 1.0  # scheduling on a loaded 2-core CI machine
ATTEMPTS = RETRIES + 1


def backoffs(retries: int) -> float:
    """The longest total backoff before `retries` retries (0.05, 0.1, ... x 1.2 jitter)."""
    return sum(BACKOFF * 2**i * 1.2 for i in range(retries))


@dataclass(frozen=True)
class Fault:
    name: str
    target: str  # a path on the fault server, or a URL
    kind: str | None  # Response.error_kind; None: a response (status below)
    says: str = ""  # in the error message (or "" for none)
    status: int | None = 200  # the final status, when there is one
    hits: int | None = 1  # requests the server saw for the target (None: not counted)
    seconds: float = TIMEOUT  # documented worst case, before SLACK
    truncated: bool = False


# What each fault becomes. Worst-case seconds follow the documented policy (docs/faults.md):
# each attempt ends at its timeout, or at the whole-attempt deadline; retries wait the backoff.
# fmt: off
FAULTS = [
    # name, target, error kind, in the message, final status, requests seen, worst seconds
    Fault("refused", "{closed}", "connect", "gave up after 3 attempts: connection refused",
          None, None, ATTEMPTS * CONNECT + backoffs(RETRIES)),
    Fault("unresolvable host", UNRESOLVABLE, "dns", "host name could not be resolved",
          None, None),
    Fault("connect timeout", "{blackhole}", "timeout", f"could not connect within {CONNECT:g} s",
          None, None, ATTEMPTS * CONNECT + backoffs(RETRIES)),
    Fault("read timeout", "/timeout/read", "timeout", f"did not answer within {TIMEOUT:g} s",
          None, ATTEMPTS, ATTEMPTS * TIMEOUT + backoffs(RETRIES)),
    Fault("slow drip", "/drip", "timeout",
          f"did not finish sending the page within {ATTEMPT:g} s", 200, 1, ATTEMPT),
    Fault("reset mid-body", "/reset", "protocol", "the server reset the connection",
          200, ATTEMPTS, backoffs(RETRIES) + ATTEMPTS * 0.1),
    Fault("lying Content-Length", "/lying-length", "protocol", "connection broke off",
          200, ATTEMPTS, backoffs(RETRIES)),
    Fault("not HTTP at all", "/garbage", "protocol", "connection broke off",
          None, ATTEMPTS, backoffs(RETRIES)),
    Fault("429 Retry-After seconds", "/retry/429-seconds?fail=1", None, hits=2, seconds=1.0),
    Fault("429 Retry-After date", "/retry/429-date?fail=1", None, hits=2, seconds=2.0),
    Fault("429 without Retry-After", "/retry/429-bare?fail=1", None, hits=2,
          seconds=backoffs(1)),
    Fault("429 Retry-After too long", "/retry/429-long?fail=1", "retry-after-too-long",
          "asked to retry after 3600 s", 429, 1),
    Fault("429 never recovers", "/retry/429-bare?fail=9", None, status=429, hits=ATTEMPTS,
          seconds=backoffs(RETRIES)),
    Fault("503 recovers after 2", "/retry/503?fail=2", None, hits=3, seconds=backoffs(2)),
    Fault("503 never recovers", "/retry/503?fail=9", None, status=503, hits=ATTEMPTS,
          seconds=backoffs(RETRIES)),
    Fault("500", "/status/500", None, status=500, hits=1),
    Fault("redirect loop", "/loop/a", "redirect-loop", "redirect loop", 302),
    Fault("30-hop chain", "/hops/30", "too-many-redirects", "more than 10 redirects", 302),
    Fault("5-hop chain", "/hops/5", None, seconds=6 * TIMEOUT),
    Fault("redirect to javascript:", "/redirect/javascript", "bad-redirect",
          "non-web address (javascript:", 302),
    Fault("redirect to file:", "/redirect/file", "bad-redirect", "non-web address (file:", 302),
    Fault("redirect to ftp:", "/redirect/ftp", "bad-redirect", "non-web address (ftp:", 302),
    Fault("redirect to data:", "/redirect/data", "bad-redirect", "non-web address (data:", 302),
    Fault("redirect to another port", "/redirect/other-port", None),
    Fault("relative Location", "/redirect/relative", None),
    Fault("malformed Location", "/redirect/malformed", "bad-redirect", "malformed address", 302),
    Fault("empty Location", "/redirect/empty", "bad-redirect", "without a Location", 302),
    Fault("body over the cap", "/big", None, truncated=True, seconds=2 * TIMEOUT),
    Fault("endless chunked stream", "/endless", None, truncated=True, seconds=2 * TIMEOUT),
    Fault("gzip bomb", "/bomb/gzip", None, truncated=True, seconds=2 * TIMEOUT),
    Fault("brotli bomb", "/bomb/br", None, truncated=True, seconds=2 * TIMEOUT),
    Fault("encoding never asked for", "/bomb/zstd", "protocol", "compressed as 'zstd'", 200),
    Fault("huge header", "/huge-headers", None),
    Fault("wrong charset", "/charset/wrong", None),
    Fault("charset only in <meta>", "/charset/meta", None),
    Fault("unknown charset", "/charset/lying", None),
    Fault("invalid UTF-8", "/charset/invalid-utf8", None),
    Fault("binary as text/html", "/binary", None, seconds=2 * TIMEOUT),
    Fault("200,000 nested elements", "/nested", None, seconds=2 * TIMEOUT),
    Fault("150,000 elements side by side", "/many-tags", None, seconds=2 * TIMEOUT),
    Fault("truncated HTML", "/truncated", None),
    Fault("self-signed TLS", "{tls}/ok", "tls", "TLS certificate is not valid", None, None),
]
# fmt: on


@dataclass
class Sites:
    faults: FaultServer
    other: FaultServer
    tls: FaultServer
    closed: str
    blackhole: str

    def url(self, target: str) -> str:
        if target.startswith("/"):
            return self.faults.url(target)
        return target.format(
            closed=self.closed.rstrip("/"),
            blackhole=self.blackhole.rstrip("/"),
            tls=self.tls.origin,
        )


@contextmanager
def _sites() -> Iterator[Sites]:
    gzip_bomb(), brotli_bomb()  # built before the clocks start
    with (
        FaultServer() as other,
        FaultServer(tls=trustme.CA()) as tls,
        FaultServer() as faults,
    ):
        faults.other = other.origin
        yield Sites(faults, other, tls, closed_port_url(), faults.blackhole_url())


@pytest.fixture(scope="module")
def sites() -> Iterator[Sites]:
    with _sites() as servers:
        yield servers


@pytest.fixture(scope="module")
def cli_sites() -> Iterator[Sites]:
    """Servers of its own for the CLI run, so that its retries are counted apart."""
    with _sites() as servers:
        yield servers


async def _timed_fetches(urls: list[str], **options: Any) -> list[tuple[Response, float]]:
    async with Fetcher(FetchOptions(**{**OPTIONS, **options})) as fetcher:

        async def one(url: str) -> tuple[Response, float]:
            started = time.monotonic()
            response = await fetcher.get(url)
            return response, time.monotonic() - started

        return list(await asyncio.gather(*(one(url) for url in urls)))


@pytest.fixture(scope="module")
def outcomes(sites: Sites) -> dict[str, tuple[Response, float]]:
    """Every fault fetched at once through one Fetcher: its response and how long it took."""
    results = asyncio.run(_timed_fetches([sites.url(f.target) for f in FAULTS]))
    return {f.name: result for f, result in zip(FAULTS, results, strict=True)}


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault_is_classified_retried_and_bounded(
    fault: Fault, sites: Sites, outcomes: dict[str, tuple[Response, float]]
) -> None:
    response, seconds = outcomes[fault.name]
    assert response.error_kind == fault.kind, response.error
    if fault.kind is None:
        assert response.error is None
    else:
        assert fault.says in (response.error or ""), response.error
        assert response.chain, "the evidence shows the requests made"
    assert response.status == fault.status
    if fault.hits is not None:
        assert sites.faults.hits[fault.target] == fault.hits, "retried exactly as documented"
    assert response.truncated == fault.truncated
    assert seconds <= fault.seconds + SLACK, f"took {seconds:.2f} s"


def test_redirects_never_leave_http(sites: Sites, outcomes: dict[str, tuple[Response, float]]):
    for fault in FAULTS:
        for hop in outcomes[fault.name][0].chain:
            assert hop.url.split(":", 1)[0] in ("http", "https"), (fault.name, hop.url)


def test_redirect_to_another_port_is_followed_there(
    sites: Sites, outcomes: dict[str, tuple[Response, float]]
) -> None:
    response = outcomes["redirect to another port"][0]
    assert [hop.status for hop in response.chain] == [302, 200]
    assert response.final_url == sites.other.url("/ok")


# --- decompression bombs: bounded memory, with and without brotli --------------------------


def _peak_memory_of_fetch(url: str) -> tuple[Response, int]:
    tracemalloc.start()
    try:
        response = asyncio.run(_timed_fetches([url]))[0][0]
        return response, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("path", ["/bomb/gzip", "/bomb/br"])
def test_bomb_inflates_no_further_than_the_cap(path: str, sites: Sites) -> None:
    cap = 1_000_000
    tracemalloc.start()
    try:
        response = asyncio.run(_timed_fetches([sites.faults.url(path)], max_body=cap))[0][0]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.truncated and len(response.body) == cap
    # 256 MB inflated; decoding it whole (or a 64 kB wire chunk whole: 64 MB) would show here.
    assert peak < 12 * cap, f"peak {peak / 1e6:.1f} MB"


def test_brotli_is_asked_for_only_when_it_can_be_decoded(
    sites: Sites, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = sites.faults.url("/bomb/br?id=with")
    response = asyncio.run(_timed_fetches([url]))[0][0]
    assert "br" in sites.faults.headers["/bomb/br?id=with"]["accept-encoding"]
    assert response.error is None and response.truncated

    # Without the brotli package (an install without it) br is neither asked for nor read:
    # a server sending it anyway gets a plain error, not a page of compressed bytes.
    monkeypatch.setattr(fetch_module, "_brotli", None)
    url = sites.faults.url("/bomb/br?id=without")
    response = asyncio.run(_timed_fetches([url]))[0][0]
    assert sites.faults.headers["/bomb/br?id=without"]["accept-encoding"] == "gzip, deflate"
    assert response.error_kind == "protocol"
    assert "compressed as 'br'" in (response.error or "")


# --- hostile pages: parsed within bounds, facts as a customer would read them ---------------


@pytest.fixture(scope="module")
def pages(sites: Sites) -> dict[str, Any]:
    paths = [
        "/charset/wrong",
        "/charset/meta",
        "/charset/lying",
        "/charset/invalid-utf8",
        "/binary",
        "/nested",
        "/many-tags",
        "/deep-text",
        "/truncated",
        "/big",
        "/bomb/gzip",
    ]
    results = asyncio.run(_timed_fetches([sites.faults.url(p) for p in paths]))
    parsed = {}
    for path, (response, _) in zip(paths, results, strict=True):
        started = time.process_time()  # CPU time: other processes on CI do not count
        parsed[path] = (parse_page(response), time.process_time() - started)
    return parsed


def test_hostile_pages_parse_in_bounded_time(pages: dict[str, Any]) -> None:
    for path, (_, seconds) in pages.items():
        assert seconds < 4, f"{path} took {seconds:.1f} s of CPU to parse"


def test_charsets_are_read_as_a_browser_would(pages: dict[str, Any]) -> None:
    assert pages["/charset/wrong"][0].title == "CafÃ© V710"  # the header wins, as in browsers
    assert pages["/charset/meta"][0].title == "Café V710"
    assert pages["/charset/lying"][0].title == "Café V710"  # unknown name: detected instead
    invalid = pages["/charset/invalid-utf8"][0]
    assert PRODUCT in invalid.text and "\ufffd" in invalid.text  # bad bytes replaced, kept going


def test_binary_and_truncated_pages_yield_facts_not_errors(pages: dict[str, Any]) -> None:
    binary = pages["/binary"][0]
    assert binary.is_html and PRODUCT not in binary.text
    truncated = pages["/truncated"][0]
    assert truncated.title == "Cut off" and truncated.h1 == [PRODUCT]


def test_deep_nesting_is_flattened_and_huge_pages_are_marked_partial(
    pages: dict[str, Any],
) -> None:
    assert PRODUCT in pages["/deep-text"][0].text  # 2,500 levels deep: kept, flattened
    nested = pages["/nested"][0]  # 200,000 levels: the text after them is read, as browsers do
    assert PRODUCT in nested.text and not nested.partial
    many = pages["/many-tags"][0]
    assert many.partial == f"only the first {MAX_PIECES:,} tags and pieces of text were read"
    assert PRODUCT not in many.text
    assert pages["/big"][0].partial == "only the first 5,000,000 bytes of the page were read"
    assert PRODUCT in pages["/big"][0].text
    assert pages["/bomb/gzip"][0].partial.startswith("only the first 5,000,000 bytes")


# --- the whole product: one CLI run over every fault -----------------------------------------


HEALTHY_LANDING = "/ok?utm_source=a&utm_medium=print&utm_campaign=faults"


def _manifest(sites: Sites, tmp_path: Path, faults: list[Fault]) -> Path:
    manifest = {
        "version": 1,
        "campaign": {"name": "Hostile web", "id": "faults"},
        "site": {"url": sites.faults.origin},
        "products": [
            {"id": "v710", "name": PRODUCT, "model": "V710", "url": "/ok"},
            {"id": "other", "name": "Other phone", "model": "X2", "url": "/status/404"},
        ],
        "landing_pages": [
            {"url": HEALTHY_LANDING, "products": ["v710"]},
            *({"url": sites.url(f.target), "products": ["v710"]} for f in faults),
        ],
    }
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=False))
    return path


def _cli_check(path: Path, tmp_path: Path, *extra: str) -> tuple[Any, dict[str, Any], float]:
    """`cxlint check` in a process of its own, as a user runs it (the fault server's threads
    stay in this one)."""
    out = tmp_path / "report.json"
    started = time.monotonic()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "cxlint",
            "check",
            str(path),
            "--format",
            "json",
            "-o",
            str(out),
            "--timeout",
            str(TIMEOUT),
            "--per-host",
            "64",
            "--concurrency",
            "64",
            "--no-robots",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=CLI_BUDGET + 60,
    )
    seconds = time.monotonic() - started
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    return run, json.loads(out.read_text()), seconds


@pytest.fixture(scope="module")
def cli_run(cli_sites: Sites, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, float, Path]:
    tmp_path = tmp_path_factory.mktemp("cli")
    path = _manifest(cli_sites, tmp_path, FAULTS)
    _, report, seconds = _cli_check(path, tmp_path)
    return report, seconds, path


# The CLI's documented defaults: retries 2, backoff 0.5 s doubling, max_time 4 x --timeout.
CLI_BUDGET = 3 * TIMEOUT + (0.5 + 1.0) * 1.2 + ATTEMPT + 10  # + the rules' extra requests


def test_cli_run_over_every_fault_ends_in_time(cli_run: tuple[dict, float, Path]) -> None:
    _, seconds, _ = cli_run
    assert seconds < CLI_BUDGET, f"{seconds:.1f} s"


def test_cli_report_lists_every_subject_exactly_once(cli_run: tuple[dict, float, Path]) -> None:
    report, _, path = cli_run
    manifest = yaml.safe_load(path.read_text())
    wanted = sorted(
        [("landing_page", lp["url"]) for lp in manifest["landing_pages"]]
        + [("product", p["id"]) for p in manifest["products"]]
    )
    listed = sorted(
        (s["subject"]["type"], s["subject"].get("url") or s["subject"].get("id"))
        for s in report["subjects"]
        if s["subject"]["type"] != "site"
    )
    assert listed == wanted  # nothing lost, nothing twice
    assert report["summary"]["landing_pages"] == len(manifest["landing_pages"])


def _findings(report: dict[str, Any], url: str, rule: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["rule"] == rule and f["subject"].get("url") == url]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_cli_gives_each_fault_its_finding(
    fault: Fault, cli_sites: Sites, cli_run: tuple[dict, float, Path]
) -> None:
    report, _, _ = cli_run
    url = cli_sites.url(fault.target)
    unreachable = _findings(report, url, "page-unreachable")
    if fault.kind is not None or (fault.status or 200) >= 400:
        assert len(unreachable) == 1, f"{fault.name}: {unreachable}"
        evidence = unreachable[0]["evidence"]
        said = fault.says.split(" within")[0]  # the CLI's timeouts differ from OPTIONS'
        assert said in evidence.get("error", "") or said in unreachable[0]["message"], evidence
        assert evidence["chain"], "the evidence shows the requests made"
    else:
        assert not unreachable, unreachable
        subject = next(s for s in report["subjects"] if s["subject"].get("url") == url)
        assert {c["rule"]: c["status"] for c in subject["checks"]}["product-not-on-page"] in (
            "passed",
            "failed",
        ), "the page was checked"


def test_cli_findings_on_partly_read_pages_say_so(
    cli_sites: Sites, cli_run: tuple[dict, float, Path]
) -> None:
    report, _, _ = cli_run
    for path, why in [("/bomb/gzip", "5,000,000 bytes"), ("/many-tags", f"{MAX_PIECES:,} tags")]:
        missing = _findings(report, cli_sites.faults.url(path), "product-not-on-page")
        assert len(missing) == 1, path
        assert why in missing[0]["evidence"]["partial_page"]


def test_cli_healthy_subjects_are_still_checked_and_pass(
    cli_run: tuple[dict, float, Path],
) -> None:
    report, _, _ = cli_run
    healthy = {
        s["subject"]["type"]: {c["rule"]: c["status"] for c in s["checks"]}
        for s in report["subjects"]
        if s["subject"].get("url") == HEALTHY_LANDING or s["subject"].get("id") == "v710"
    }
    assert healthy["landing_page"]["page-unreachable"] == "passed"
    assert healthy["landing_page"]["product-not-on-page"] == "passed"
    assert healthy["product"]["page-unreachable"] == "passed"
    assert healthy["product"]["model-not-on-product-page"] == "passed"


def test_tls_verification_is_on_by_default_and_insecure_opts_out(
    sites: Sites, tmp_path: Path
) -> None:
    tls = next(f for f in FAULTS if f.name == "self-signed TLS")
    path = _manifest(sites, tmp_path, [tls])
    url = sites.url(tls.target)
    _, report, _ = _cli_check(path, tmp_path)
    assert _findings(report, url, "page-unreachable")
    _, report, _ = _cli_check(path, tmp_path, "--insecure")
    assert not _findings(report, url, "page-unreachable")
    assert not _findings(report, url, "product-not-on-page")  # the page was read and checked


def test_a_subject_that_breaks_cxlint_is_still_reported(
    sites: Sites, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug while checking one subject (here: parsing one page) costs that subject's checks,
    shown as skipped with the reason, never the subject or the run."""
    import cxlint.engine.pages

    real = cxlint.engine.pages.parse_page

    def breaks_on_truncated(response: Response, **options: Any) -> Any:
        if response.url.endswith("/truncated"):
            raise ValueError("a bug")
        return real(response, **options)

    monkeypatch.setattr(cxlint.engine.pages, "parse_page", breaks_on_truncated)
    path = _manifest(sites, tmp_path, [f for f in FAULTS if f.target == "/truncated"])
    out = tmp_path / "report.json"
    # In this process (CliRunner), so that the broken parser is the one the run uses.
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json", "-o", str(out)])
    assert result.exit_code == 1, result.output
    report = json.loads(out.read_text())
    broken = [s for s in report["subjects"] if s["subject"].get("url", "").endswith("/truncated")]
    assert len(broken) == 1
    reasons = {c["reason"] for c in broken[0]["checks"]}
    assert reasons == {"cxlint failed while checking this subject (ValueError)"}
    assert len(report["subjects"]) == 5  # site, 2 landing pages, 2 products

"""redirect-chain, insecure-url and slow-page where the YAML cases cannot reach: a real TLS
server (trustme's throwaway CA), a second host name, a slow server, and the severities the
engine stamps on milder findings."""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WResponse

import cxlint
from cxlint.checks.transport import registrable_domain
from cxlint.fetch import FetchOptions
from cxlint.model import Finding

PAGE = "<!doctype html><html><head><title>Page</title></head><body><h1>Page</h1></body></html>"


@pytest.fixture(scope="module")
def tls_server() -> Iterator[HTTPServer]:
    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    server = HTTPServer(host="localhost", ssl_context=context)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def secure(tls_server: HTTPServer) -> Iterator[HTTPServer]:
    yield tls_server
    tls_server.clear()


def run(
    tmp_path: Path, site_url: str, landing: list[dict[str, Any]], rules: dict[str, Any]
) -> list[Finding]:
    """Check `landing` with only the rules named (each with its options) and return findings."""
    manifest = {
        "version": 1,
        "campaign": {"name": "transport", "id": "case"},
        "site": {"url": site_url},
        "landing_pages": landing,
        "rules": {name: options for name, options in rules.items() if options},
    }
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(json.loads(json.dumps(manifest))))
    # The test CA is not in the system's trust store; the TLS itself is real.
    fetch = FetchOptions(retries=0, timeout=5, backoff=0.01, verify_tls=False)
    return cxlint.check(path, select=list(rules), fetch=fetch).findings


def page(server: HTTPServer, path: str) -> None:
    server.expect_request(path).respond_with_data(PAGE, content_type="text/html")


def redirect(server: HTTPServer, path: str, location: str, status: int = 301) -> None:
    server.expect_request(path).respond_with_data("", status=status, headers={"Location": location})


def test_https_to_http_downgrade(
    secure: HTTPServer, httpserver: HTTPServer, tmp_path: Path
) -> None:
    page(secure, "/")
    redirect(secure, "/go/deal", httpserver.url_for("/lp/deal"))
    page(httpserver, "/lp/deal")
    found = run(
        tmp_path, secure.url_for("/").rstrip("/"), [{"url": "/go/deal"}], {"redirect-chain": {}}
    )
    (finding,) = found
    assert "from a secure https address to plain http" in finding.message
    assert finding.severity == "error"
    assert finding.evidence["from"].startswith("https://") and finding.evidence["hop"] == 1
    assert [hop["url"] for hop in finding.evidence["chain"]] == [
        secure.url_for("/go/deal"),
        httpserver.url_for("/lp/deal"),
    ]


def test_https_page_and_its_forms_are_secure(secure: HTTPServer, tmp_path: Path) -> None:
    form = '<form action="/subscribe" method="post"><input name="email"></form>'
    page(secure, "/")
    secure.expect_request("/lp/ok").respond_with_data(PAGE + form, content_type="text/html")
    rules = {"insecure-url": {"allow_local": False}, "redirect-chain": {}}
    assert run(tmp_path, secure.url_for("/").rstrip("/"), [{"url": "/lp/ok"}], rules) == []


def test_http_link_moved_to_https_is_the_milder_case(
    secure: HTTPServer, httpserver: HTTPServer, tmp_path: Path
) -> None:
    page(httpserver, "/")
    redirect(httpserver, "/lp/ok", secure.url_for("/lp/ok"))
    page(secure, "/lp/ok")
    found = run(
        tmp_path,
        httpserver.url_for("/").rstrip("/"),
        [{"url": "/lp/ok"}],
        {"insecure-url": {"allow_local": False}},
    )
    (finding,) = found
    assert finding.message.startswith("The campaign link starts with http://; the site moves it")
    assert finding.severity == "warning"  # one level below the rule's error


def test_final_page_on_another_registrable_domain(httpserver: HTTPServer, tmp_path: Path) -> None:
    # localhost and 127.0.0.1 are the same server but two different "domains" to an ad platform.
    page(httpserver, "/")
    other = httpserver.url_for("/lp/away").replace("localhost", "127.0.0.1")
    redirect(httpserver, "/go/away", other)
    page(httpserver, "/lp/away")
    site = httpserver.url_for("/").rstrip("/")
    (finding,) = run(tmp_path, site, [{"url": "/go/away"}], {"redirect-chain": {}})
    assert finding.message.startswith("The campaign link shows localhost but ends on 127.0.0.1")
    assert finding.severity == "error"
    assert finding.evidence["other_domains"] == [f"127.0.0.1 (hop 1: {other})"]


def test_printed_vanity_domain_may_lead_to_another(httpserver: HTTPServer, tmp_path: Path) -> None:
    page(httpserver, "/")
    redirect(httpserver, "/v710", httpserver.url_for("/lp/v710").replace("localhost", "127.0.0.1"))
    page(httpserver, "/lp/v710")
    site = httpserver.url_for("/").rstrip("/")
    landing = [{"url": "/v710", "channel": "print"}]
    assert run(tmp_path, site, landing, {"redirect-chain": {}}) == []


def test_detour_through_another_domain_that_comes_back(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    page(httpserver, "/")
    redirect(httpserver, "/go/track", httpserver.url_for("/t").replace("localhost", "127.0.0.1"))
    redirect(httpserver, "/t", httpserver.url_for("/lp/back"))
    page(httpserver, "/lp/back")
    site = httpserver.url_for("/").rstrip("/")
    (finding,) = run(tmp_path, site, [{"url": "/go/track"}], {"redirect-chain": {}})
    assert "passes through 127.0.0.1 on its way" in finding.message
    assert finding.severity == "warning"


@pytest.mark.parametrize(
    ("hops", "severity", "words"),
    [(4, "warning", "4 redirects"), (11, "error", "more than 10 redirects")],
)
def test_long_chains_warn_and_crawler_breaking_chains_fail(
    httpserver: HTTPServer, tmp_path: Path, hops: int, severity: str, words: str
) -> None:
    page(httpserver, "/")
    for n in range(hops):
        redirect(httpserver, f"/r{n}", f"/r{n + 1}" if n + 1 < hops else "/end")
    page(httpserver, "/end")
    site = httpserver.url_for("/").rstrip("/")
    (finding,) = run(tmp_path, site, [{"url": "/r0"}], {"redirect-chain": {}})
    assert words in finding.message and finding.severity == severity
    assert len(finding.evidence["chain"]) == min(hops + 1, 11)  # every hop the fetcher saw


def test_severity_override_moves_the_milder_case_too(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    page(httpserver, "/")
    for n in range(4):
        redirect(httpserver, f"/r{n}", f"/r{n + 1}" if n < 3 else "/end")
    page(httpserver, "/end")
    site = httpserver.url_for("/").rstrip("/")
    rules = {"redirect-chain": {"severity": "warning"}}
    (finding,) = run(tmp_path, site, [{"url": "/r0"}], rules)
    assert finding.severity == "info"


def slow(delay: float) -> Any:
    def handler(request: Request) -> WResponse:
        time.sleep(delay)
        return WResponse(PAGE, content_type="text/html")

    return handler


def test_slow_page_over_the_time_budget(httpserver: HTTPServer, tmp_path: Path) -> None:
    page(httpserver, "/")
    redirect(httpserver, "/go/slow", "/lp/slow")
    httpserver.expect_request("/lp/slow").respond_with_handler(slow(0.4))
    site = httpserver.url_for("/").rstrip("/")
    (finding,) = run(tmp_path, site, [{"url": "/go/slow"}], {"slow-page": {"max_seconds": 0.2}})
    assert "budget 0.2 s" in finding.message and "in 1 redirects" in finding.message
    assert finding.evidence["seconds"] >= 0.4
    assert len(finding.evidence["hops"]) == 2


def test_slow_page_within_the_time_budget(httpserver: HTTPServer, tmp_path: Path) -> None:
    page(httpserver, "/")
    httpserver.expect_request("/lp/slow").respond_with_handler(slow(0.2))
    site = httpserver.url_for("/").rstrip("/")
    assert run(tmp_path, site, [{"url": "/lp/slow"}], {"slow-page": {"max_seconds": 5}}) == []


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://www.example.co.uk/x", "https://shop.example.co.uk/y", True),
        ("https://www.example.com/", "http://EXAMPLE.com./", True),
        ("https://a.example.com/", "https://example.net/", False),
        ("https://mine.github.io/", "https://yours.github.io/", False),  # private suffix
        ("http://127.0.0.1:8000/", "http://localhost:8000/", False),
    ],
)
def test_registrable_domain(a: str, b: str, same: bool) -> None:
    assert (registrable_domain(a) == registrable_domain(b)) is same

"""soft-404 against sites that answer every made-up address with a 200 page (the case the
YAML cases cannot serve: a catch-all route), and the fingerprint requests themselves."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WResponse

from tests.rulecase import render_page, run_case, serve

SHOP_NAV = " ".join(f'<a href="/c/{n}">Category {n}</a>' for n in range(30))


def shop_page(title: str, h1: str, text: str) -> str:
    """A page in a template heavy enough that all pages share most of their words."""
    return render_page(
        {
            "title": title,
            "h1": h1,
            "text": text,
            "body": f"<nav>{SHOP_NAV}</nav><footer>Shop</footer>",
        }
    )


OOPS = shop_page("Oops | Shop", "Hmm, nothing here", "Try the search or browse our categories.")


def soft_404_site(server: HTTPServer, site: dict[str, Any], echo: bool = False) -> list[str]:
    """Serve `site`, and a 200 'nothing here' page for every other path under /lp/ (echoing
    the path when `echo`). Returns the paths the catch-all answered."""
    answered: list[str] = []

    def catch_all(request: Request) -> WResponse:
        answered.append(request.path)
        text = f"Sorry, {request.path} is not a page we know." if echo else ""
        body = OOPS.replace("<footer>", f"<p>{text}</p><footer>") if echo else OOPS
        return WResponse(body, status=200, content_type="text/html; charset=utf-8")

    serve(server, site)
    server.expect_request(re.compile(r"^/lp/.*")).respond_with_handler(catch_all)
    return answered


def check(server: HTTPServer, tmp_path: Path, landing: list[dict[str, Any]], **extra: Any) -> Any:
    case = {"name": "soft-404", "rule": "soft-404", "manifest": {"landing_pages": landing}}
    case.update(extra)
    return run_case(server, case, tmp_path)


def findings(result: Any, rule: str = "soft-404") -> dict[str, str]:
    return {f.subject.url: f.message for f in result.findings if f.rule == rule}


def test_page_identical_to_the_made_up_address_page_is_a_soft_404(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    answered = soft_404_site(httpserver, {})
    result = check(httpserver, tmp_path, [{"url": "/lp/autumn?utm_source=x"}])
    assert (
        "same as the site's page for an address that does not exist"
        in findings(result)["/lp/autumn?utm_source=x"]
    )
    (finding,) = result.findings
    assert re.search(
        r"/lp/cxlint-[0-9a-f]+-no-such-page → HTTP 200", finding.evidence["made_up_address"]
    )
    assert answered[0] == "/lp/autumn" and answered[1].startswith("/lp/cxlint-")


def test_made_up_page_that_echoes_the_path_still_matches(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    soft_404_site(httpserver, {}, echo=True)
    result = check(httpserver, tmp_path, [{"url": "/lp/autumn"}])
    assert "/lp/autumn" in findings(result)


def test_real_page_on_a_soft_404_site_is_not_one(httpserver: HTTPServer, tmp_path: Path) -> None:
    # Same heavy template, same title scheme, different content: the headings tell them apart.
    real = shop_page("Spring sale | Shop", "Spring sale", "The Motorola E815 with free delivery.")
    soft_404_site(httpserver, {"/lp/spring": {"body": real}})
    result = check(httpserver, tmp_path, [{"url": "/lp/spring"}])
    assert findings(result) == {}
    checks = [c.status for s in result.subjects for c in s.checks if c.rule == "soft-404"]
    assert checks == ["passed"]


@pytest.mark.parametrize(("similarity", "fires"), [(0.9, True), (0.999, False)])
def test_similarity_option_sets_how_alike_is_the_same(
    httpserver: HTTPServer, tmp_path: Path, similarity: float, fires: bool
) -> None:
    # Same title and heading as the made-up address's page, a few words of its own.
    real = shop_page("Oops | Shop", "Hmm, nothing here", "Just kidding: the E815 is here, $199.")
    soft_404_site(httpserver, {"/lp/joke": {"body": real}})
    manifest = {
        "landing_pages": [{"url": "/lp/joke"}],
        "rules": {"soft-404": {"similarity": similarity}},
    }
    result = check(httpserver, tmp_path, [], manifest=manifest)
    assert ("/lp/joke" in findings(result)) is fires


def test_one_made_up_address_per_folder_and_run(httpserver: HTTPServer, tmp_path: Path) -> None:
    answered = soft_404_site(httpserver, {})
    landing = [{"url": f"/lp/page-{n}"} for n in range(4)]
    result = check(httpserver, tmp_path, landing)
    assert len(findings(result)) == 4
    probes = [p for p in answered if p.startswith("/lp/cxlint-")]
    assert len(probes) == 1, answered


def test_honest_404_site_is_judged_by_wording_only(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = {"/lp/ok": {"page": {"title": "Offer", "h1": "Offer", "text": "Not found? Ask us."}}}
    serve(httpserver, site)
    httpserver.expect_request(re.compile(r"^/lp/cxlint-.*")).respond_with_data("no", status=404)
    result = check(httpserver, tmp_path, [{"url": "/lp/ok"}])
    assert findings(result) == {}
    assert result.stats["requests"] >= 3  # home, page and the made-up address


def test_no_made_up_address_when_the_rule_is_off(httpserver: HTTPServer, tmp_path: Path) -> None:
    answered = soft_404_site(httpserver, {"/lp/x": {"page": {"h1": "X"}}})
    case = {
        "name": "off",
        "rule": "product-not-on-page",
        "manifest": {"landing_pages": [{"url": "/lp/x"}]},
    }
    run_case(httpserver, case, tmp_path)
    assert not [p for p in answered if "cxlint-" in p]

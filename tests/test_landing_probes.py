"""The extra requests landing rules need: the URLs built for them, and that the engine sends
them only when a rule needs them, once each."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from cxlint.probes import gets_click_ids, not_found_url, with_sentinels
from tests.rulecase import run_case

SENT = "gclid=cxlint-test&fbclid=cxlint-test"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.test/v710", f"https://x.test/v710?{SENT}"),
        ("https://x.test/v710?utm_source=a", f"https://x.test/v710?utm_source=a&{SENT}"),
        ("https://x.test/v710?", f"https://x.test/v710?{SENT}"),
        ("https://x.test/app?a=1#/deal", f"https://x.test/app?a=1&{SENT}#/deal"),
        ("https://x.test/app#/deal?x=1", f"https://x.test/app?{SENT}#/deal?x=1"),
    ],
)
def test_sentinels_go_into_the_query_before_the_fragment(url: str, expected: str) -> None:
    assert with_sentinels(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.test/lp/spring?utm_source=a", "https://x.test/lp/cxlint-t0k-no-such-page"),
        ("https://x.test/lp/spring/", "https://x.test/lp/spring/cxlint-t0k-no-such-page"),
        ("https://x.test/v710", "https://x.test/cxlint-t0k-no-such-page"),
        ("https://x.test/", None),
        ("https://x.test", None),
        ("/relative/path", None),
    ],
)
def test_made_up_address_sits_beside_the_page(url: str, expected: str | None) -> None:
    assert not_found_url(url, "t0k") == expected


def test_click_id_channels() -> None:
    offline = ["print", "email"]
    assert gets_click_ids("search", offline) and gets_click_ids(None, offline)
    assert not gets_click_ids(" Print ", offline) and not gets_click_ids("EMAIL", offline)


def sent(server: HTTPServer) -> list[str]:
    return [f"{r.path}?{r.query_string.decode()}" for r, _ in server.log]


def test_sentinel_fetched_once_per_redirecting_link(httpserver: HTTPServer, tmp_path: Path) -> None:
    case = {
        "name": "sentinel",
        "rule": "tracking-dropped",
        "site": {
            "/go/a": {"status": 301, "headers": {"Location": "/lp/a"}},
            "/lp/a": {"page": {"h1": "A"}},
            "/lp/b": {"page": {"h1": "B"}},
        },
        "manifest": {
            "landing_pages": [
                {"url": "/go/a?utm_source=s&utm_medium=m", "channel": "search"},
                {"url": "/lp/b?utm_source=s&utm_medium=m", "channel": "search"},  # no redirect
                {"url": "/go/a?utm_source=s&utm_medium=m&x=1", "channel": "print"},  # no ads
            ]
        },
    }
    run_case(httpserver, case, tmp_path)
    with_ids = [u for u in sent(httpserver) if "gclid=cxlint-test" in u]
    assert with_ids == [f"/go/a?utm_source=s&utm_medium=m&{SENT}"]


def test_no_sentinel_when_tracking_dropped_is_off(httpserver: HTTPServer, tmp_path: Path) -> None:
    case = {
        "name": "off",
        "rule": "redirect-chain",
        "site": {
            "/go/a": {"status": 301, "headers": {"Location": "/lp/a"}},
            "/lp/a": {"page": {"h1": "A"}},
        },
        "manifest": {"landing_pages": [{"url": "/go/a?utm_source=s", "channel": "search"}]},
    }
    run_case(httpserver, case, tmp_path)
    assert not [u for u in sent(httpserver) if "gclid" in u or "cxlint-" in u]

"""The fetcher against real servers on the loopback interface.

Most cases use pytest-httpserver; the ones that need a server that misbehaves at the socket
level (never answers, counts connections in flight, speaks no TLS) use a tiny asyncio server.
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WsgiResponse

from cxlint.fetch import Fetcher, FetchOptions, _parse_retry_after
from cxlint.model import Response

# Tests default to no robots.txt (so the server log holds only what a test asks for) and a
# tiny backoff (so retries cost no time); tests about those set them.
TEST_DEFAULTS = {"respect_robots": False, "backoff": 0.01}


async def _fetch_all(urls: list[str], **options: object) -> tuple[list[Response], Fetcher]:
    fetcher = Fetcher(FetchOptions(**{**TEST_DEFAULTS, **options}))  # type: ignore[arg-type]
    async with fetcher:
        responses = await asyncio.gather(*(fetcher.get(url) for url in urls))
    return list(responses), fetcher


def fetch(url: str, **options: object) -> tuple[Response, Fetcher]:
    responses, fetcher = asyncio.run(_fetch_all([url], **options))
    return responses[0], fetcher


def fetch_many(urls: list[str], **options: object) -> tuple[list[Response], Fetcher]:
    return asyncio.run(_fetch_all(urls, **options))


def paths(httpserver: HTTPServer) -> list[str]:
    return [request.full_path.rstrip("?") for request, _ in httpserver.log]


def redirect(location: str, status: int = 301) -> WsgiResponse:
    return WsgiResponse(status=status, headers={"Location": location})


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def raw_server(handler: Handler) -> AsyncIterator[str]:
    """A bare asyncio TCP server on 127.0.0.1; yields its http:// origin."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()


async def answer_ok(writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
    await writer.drain()
    writer.close()


# --- redirects ---------------------------------------------------------------------------


def test_redirect_chain_is_recorded_hop_by_hop(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a/start").respond_with_response(redirect("next"))  # relative
    httpserver.expect_request("/a/next").respond_with_response(redirect("/final", 302))
    httpserver.expect_request("/final").respond_with_data("landed", content_type="text/html")

    response, _ = fetch(httpserver.url_for("/a/start"))

    assert response.error is None
    assert response.ok and response.redirected
    assert [(hop.url, hop.status, hop.location) for hop in response.chain] == [
        (httpserver.url_for("/a/start"), 301, "next"),
        (httpserver.url_for("/a/next"), 302, "/final"),
        (httpserver.url_for("/final"), 200, None),
    ]
    assert response.url == httpserver.url_for("/a/start")
    assert response.final_url == httpserver.url_for("/final")
    assert response.body == b"landed"
    assert response.headers["content-type"].startswith("text/html")
    assert response.elapsed == pytest.approx(sum(hop.elapsed for hop in response.chain))


def test_a_cookie_set_before_a_redirect_is_sent_after_it(httpserver: HTTPServer) -> None:
    # A consent or session gate: without the cookie the page sends the visitor back forever.
    def gate(request: Request) -> WsgiResponse:
        response = redirect("/shop", 302)
        response.set_cookie("consent", "yes", path="/")
        return response

    def shop(request: Request) -> WsgiResponse:
        if request.cookies.get("consent") != "yes":
            return redirect("/gate", 302)
        return WsgiResponse("welcome", content_type="text/html")

    httpserver.expect_request("/gate").respond_with_handler(gate)
    httpserver.expect_request("/shop").respond_with_handler(shop)

    response, _ = fetch(httpserver.url_for("/gate"))

    assert response.error is None, response.error
    assert response.status == 200 and response.body == b"welcome"
    assert [hop.status for hop in response.chain] == [302, 200]


def test_redirect_loop_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop1").respond_with_response(redirect("/loop2"))
    httpserver.expect_request("/loop2").respond_with_response(redirect("/loop1"))

    response, fetcher = fetch(httpserver.url_for("/loop1"))

    assert response.error_kind == "redirect-loop"
    assert "redirect loop" in (response.error or "")
    assert [hop.status for hop in response.chain] == [301, 301]
    assert paths(httpserver) == ["/loop1", "/loop2"]  # the loop is not walked again
    assert fetcher.stats["errors"] == 1


def test_redirects_beyond_the_cap_are_an_error(httpserver: HTTPServer) -> None:
    def next_hop(request: Request) -> WsgiResponse:
        n = int(request.path.rsplit("/", 1)[1])
        return redirect(f"/hop/{n + 1}", 302)

    httpserver.expect_request(re.compile(r"/hop/\d+")).respond_with_handler(next_hop)

    response, _ = fetch(httpserver.url_for("/hop/0"), max_redirects=3)

    assert response.error_kind == "too-many-redirects"
    assert response.error == "more than 3 redirects"
    assert len(response.chain) == 4  # the first request and 3 followed redirects
    assert response.status == 302


@pytest.mark.parametrize(
    ("location", "error"),
    [
        ("javascript:alert(1)", "redirect to a non-web address (javascript:...)"),
        ("mailto:sales@example.com", "redirect to a non-web address (mailto:...)"),
    ],
)
def test_redirect_to_a_non_web_address_is_not_followed(
    httpserver: HTTPServer, location: str, error: str
) -> None:
    httpserver.expect_request("/odd").respond_with_response(redirect(location, 302))

    response, _ = fetch(httpserver.url_for("/odd"))

    assert response.error_kind == "bad-redirect"
    assert response.error == error
    assert [(hop.status, hop.location) for hop in response.chain] == [(302, location)]
    assert response.status == 302


def test_redirect_to_a_malformed_address_is_not_followed() -> None:
    # Werkzeug refuses to send such a Location, so a raw server sends it.
    async def broken_redirect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 302 Found\r\nLocation: http://[broken/\r\n"
            b"Content-Length: 0\r\nConnection: close\r\n\r\n"
        )
        await writer.drain()
        writer.close()

    async def scenario() -> Response:
        async with raw_server(broken_redirect) as origin:
            (response,), _ = await _fetch_all([origin + "/"])
            return response

    response = asyncio.run(scenario())

    assert response.error_kind == "bad-redirect"
    assert response.error == "redirect to a malformed address (http://[broken/)"
    assert response.chain[-1].location == "http://[broken/"


def test_redirect_without_location_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/nowhere").respond_with_data("", status=302)

    response, _ = fetch(httpserver.url_for("/nowhere"))

    assert response.error_kind == "bad-redirect"
    assert "Location" in (response.error or "")


# --- statuses, bodies, headers -----------------------------------------------------------


def test_404_is_a_response_not_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("not here", status=404)

    response, fetcher = fetch(httpserver.url_for("/gone"))

    assert response.status == 404
    assert response.error is None and response.error_kind is None
    assert not response.ok
    assert response.body == b"not here"
    assert response.attempts == 1
    assert fetcher.stats == {
        "requests": 1,
        "retries": 0,
        "robots_blocked": 0,
        "errors": 0,
        "cache_hits": 0,
    }


def test_body_over_max_body_is_truncated(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 10_000)
    httpserver.expect_request("/exact").respond_with_data(b"y" * 1_000)

    (big, exact), _ = fetch_many(
        [httpserver.url_for("/big"), httpserver.url_for("/exact")], max_body=1_000
    )

    assert big.truncated and big.body == b"x" * 1_000 and big.status == 200
    assert not exact.truncated and len(exact.body) == 1_000


def test_repeated_headers_are_joined_under_lower_case_names(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/multi").respond_with_response(
        WsgiResponse("ok", headers=[("X-Multi", "a"), ("X-Multi", "b")])
    )

    response, _ = fetch(httpserver.url_for("/multi"))

    assert response.headers["x-multi"] == "a, b"
    assert all(name == name.lower() for name in response.headers)


def test_a_proxy_named_in_the_environment_is_used(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Behind a corporate proxy, HTTP_PROXY must be honoured (the aiohttp session is told to
    # only when a proxy is set). The proxy here is the test server: it
    # receives the request for a host that does not exist and answers it.
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", httpserver.url_for("/").rstrip("/"))
    seen: list[str] = []

    def proxy(request: Request) -> WsgiResponse:
        seen.append(request.url)
        return WsgiResponse("via the proxy", content_type="text/html")

    httpserver.expect_request(re.compile(".*")).respond_with_handler(proxy)

    response, _ = fetch("http://shop.invalid/p/v710")

    assert response.error is None, response.error
    assert response.body == b"via the proxy"
    assert seen and "shop.invalid" in seen[0]


def test_user_agent_and_extra_headers_are_sent(httpserver: HTTPServer) -> None:
    seen: list[dict[str, str]] = []

    def record(request: Request) -> WsgiResponse:
        seen.append(dict(request.headers))
        return WsgiResponse("ok")

    httpserver.expect_request(re.compile("/ua.*")).respond_with_handler(record)

    fetch(httpserver.url_for("/ua"), headers={"X-Test": "1"})
    fetch(httpserver.url_for("/ua2"), user_agent="MyBot/2", headers={"Authorization": "t"})

    assert seen[0]["User-Agent"].startswith("cxlint/")
    assert "+https://" in seen[0]["User-Agent"]
    assert seen[0]["X-Test"] == "1"
    assert seen[1]["User-Agent"] == "MyBot/2"
    assert seen[1]["Authorization"] == "t"


# --- retries -----------------------------------------------------------------------------


def test_429_with_retry_after_seconds_waits_then_succeeds(httpserver: HTTPServer) -> None:
    times: list[float] = []

    def busy_once(request: Request) -> WsgiResponse:
        times.append(time.monotonic())
        if len(times) == 1:
            return WsgiResponse("slow down", status=429, headers={"Retry-After": "1"})
        return WsgiResponse("ok")

    httpserver.expect_request("/busy").respond_with_handler(busy_once)

    response, fetcher = fetch(httpserver.url_for("/busy"), backoff=10)

    assert response.status == 200 and response.error is None
    assert response.attempts == 2
    assert 0.9 <= times[1] - times[0] < 1.8
    assert fetcher.stats["retries"] == 1 and fetcher.stats["requests"] == 2
    assert len(response.chain) == 1  # a retry is not a hop


def test_retry_after_as_http_date_is_honoured(httpserver: HTTPServer) -> None:
    calls: list[int] = []

    def unavailable_once(request: Request) -> WsgiResponse:
        calls.append(1)
        if len(calls) == 1:
            when = format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)
            return WsgiResponse(status=503, headers={"Retry-After": when})
        return WsgiResponse("ok")

    httpserver.expect_request("/maint").respond_with_handler(unavailable_once)

    started = time.monotonic()
    # A huge backoff proves the wait came from the date, not from exponential backoff.
    response, _ = fetch(httpserver.url_for("/maint"), backoff=30)

    assert response.status == 200 and response.attempts == 2
    assert time.monotonic() - started < 3


def test_parse_retry_after() -> None:
    assert _parse_retry_after("5") == 5
    assert _parse_retry_after(" 0 ") == 0
    assert _parse_retry_after("-3") == 0
    assert _parse_retry_after("soon") is None
    assert _parse_retry_after(None) is None
    future = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 28 <= (_parse_retry_after(future) or 0) <= 30
    assert _parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past


def test_503_that_recovers(httpserver: HTTPServer) -> None:
    calls: list[int] = []

    def flaky(request: Request) -> WsgiResponse:
        calls.append(1)
        return WsgiResponse("down", status=503) if len(calls) <= 2 else WsgiResponse("up")

    httpserver.expect_request("/flaky").respond_with_handler(flaky)

    response, fetcher = fetch(httpserver.url_for("/flaky"))

    assert response.status == 200 and response.error is None and response.body == b"up"
    assert response.attempts == 3
    assert fetcher.stats["retries"] == 2


def test_503_that_never_recovers_gives_up_after_all_attempts(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("down", status=503)

    response, fetcher = fetch(httpserver.url_for("/down"), retries=2)

    assert response.status == 503
    assert response.attempts == 3
    assert response.body == b"down"
    assert paths(httpserver) == ["/down"] * 3
    assert fetcher.stats["retries"] == 2


def test_retry_after_too_long_gives_up_without_waiting(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/later").respond_with_response(
        WsgiResponse(status=429, headers={"Retry-After": "3600"})
    )

    started = time.monotonic()
    response, _ = fetch(httpserver.url_for("/later"), max_retry_after=60)

    assert time.monotonic() - started < 1
    assert response.error_kind == "retry-after-too-long"
    assert "3600 s" in (response.error or "") and "429" in (response.error or "")
    assert response.status == 429
    assert paths(httpserver) == ["/later"]


# --- network failures --------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_a_fast_connect_error() -> None:
    started = time.monotonic()
    response, fetcher = fetch(f"http://127.0.0.1:{_closed_port()}/")

    assert time.monotonic() - started < 2
    assert response.error_kind == "connect"
    assert response.error == "gave up after 3 attempts: connection refused"
    assert response.status is None and response.attempts == 3
    assert [hop.status for hop in response.chain] == [None]
    assert fetcher.stats["requests"] == 3 and fetcher.stats["errors"] == 1


def test_read_timeout_is_a_timeout_error() -> None:
    async def never_answers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up and closes
        writer.close()

    async def scenario() -> Response:
        async with raw_server(never_answers) as origin:
            (response,), _ = await _fetch_all([origin + "/"], timeout=0.5, retries=1)
            return response

    started = time.monotonic()
    response = asyncio.run(scenario())

    assert 1.0 <= time.monotonic() - started < 3  # two attempts of 0.5 s
    assert response.error_kind == "timeout"
    assert response.error == "gave up after 2 attempts: the server did not answer within 0.5 s"


def test_tls_handshake_failure_is_a_tls_error() -> None:
    async def speaks_plain_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        await reader.read(1)
        await answer_ok(writer)

    async def scenario() -> Response:
        async with raw_server(speaks_plain_http) as origin:
            url = origin.replace("http://", "https://") + "/"
            (response,), _ = await _fetch_all([url], retries=0)
            return response

    response = asyncio.run(scenario())

    assert response.error_kind == "tls"
    assert response.error and "TLS" in response.error


def test_dns_failure_is_classified() -> None:
    # RFC 2606: .invalid never resolves. Not retried: the name will not resolve in a second.
    response, fetcher = fetch("http://cxlint-fetch.invalid/")

    assert (response.error_kind, response.error) == ("dns", "host name could not be resolved")
    assert response.attempts == 1 and fetcher.stats["requests"] == 1


def test_not_a_web_address_sends_nothing() -> None:
    (ftp, garbage), fetcher = fetch_many(["ftp://example.com/file", "not a url"])
    assert ftp.error_kind == garbage.error_kind == "bad-url"
    assert fetcher.stats["requests"] == 0


def test_unexpected_exception_becomes_protocol_error(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/ok").respond_with_data("ok")

    async def broken(self: Fetcher, response: aiohttp.ClientResponse) -> tuple[bytes, bool]:
        raise ValueError("boom")

    monkeypatch.setattr(Fetcher, "_read_body", broken)
    response, _ = fetch(httpserver.url_for("/ok"))

    assert response.error_kind == "protocol"
    assert "ValueError" in (response.error or "")


# --- robots.txt --------------------------------------------------------------------------

ROBOTS = "User-agent: cxlint\nDisallow: /private\n\nSitemap: http://example.com/sitemap.xml\n"


def test_robots_disallow_blocks_without_a_request(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(ROBOTS)
    httpserver.expect_request("/private").respond_with_data("secret")
    httpserver.expect_request("/public").respond_with_data("hello")
    origin = httpserver.url_for("/").rstrip("/")

    async def scenario() -> tuple[list[Response], Fetcher, str | None, bool, list[str]]:
        fetcher = Fetcher(FetchOptions(respect_robots=True))
        async with fetcher:
            responses = await asyncio.gather(
                fetcher.get(origin + "/private"), fetcher.get(origin + "/public")
            )
            text = await fetcher.robots_text(origin)
            parsed = await fetcher.robots(origin + "/any/page")  # any URL names its origin
            assert parsed is not None
            return (
                list(responses),
                fetcher,
                text,
                parsed.can_fetch(origin + "/private", "Googlebot"),
                list(parsed.sitemaps),
            )

    (private, public), fetcher, text, googlebot_ok, sitemaps = asyncio.run(scenario())

    assert private.error_kind == "robots"
    assert private.error == "blocked by robots.txt for user agent cxlint"
    assert private.status is None and private.chain == []
    assert public.status == 200 and public.body == b"hello"
    assert sorted(paths(httpserver)) == ["/public", "/robots.txt"]  # robots.txt once
    assert fetcher.stats["robots_blocked"] == 1 and fetcher.stats["errors"] == 0
    assert text == ROBOTS
    assert googlebot_ok
    assert sitemaps == ["http://example.com/sitemap.xml"]


def test_robots_opt_out_fetches_disallowed_urls(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(ROBOTS)
    httpserver.expect_request("/private").respond_with_data("secret")

    response, _ = fetch(httpserver.url_for("/private"), respect_robots=False)

    assert response.status == 200 and response.body == b"secret"
    assert paths(httpserver) == ["/private"]  # robots.txt not even asked for


def test_missing_robots_allows_everything(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/private").respond_with_data("secret")

    response, _ = fetch(httpserver.url_for("/private"), respect_robots=True)

    assert response.status == 200
    assert paths(httpserver) == ["/robots.txt", "/private"]


# --- sharing and politeness --------------------------------------------------------------


def test_same_url_requested_concurrently_is_fetched_once(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> WsgiResponse:
        time.sleep(0.1)  # keep the first request in flight while the others ask
        return WsgiResponse("once")

    httpserver.expect_request("/once").respond_with_handler(slow)
    url = httpserver.url_for("/once")

    responses, fetcher = fetch_many([url] * 10)

    assert paths(httpserver) == ["/once"]
    assert all(response is responses[0] for response in responses)
    assert fetcher.stats["requests"] == 1 and fetcher.stats["cache_hits"] == 9


def test_rate_limit_spaces_requests_per_host(httpserver: HTTPServer) -> None:
    times: list[float] = []

    def stamp(request: Request) -> WsgiResponse:
        times.append(time.monotonic())
        return WsgiResponse("ok")

    httpserver.expect_request("/r").respond_with_handler(stamp)

    fetch_many([httpserver.url_for(f"/r?i={i}") for i in range(6)], rate=10)

    assert len(times) == 6
    assert times[-1] - times[0] >= 0.45  # 5 gaps of 0.1 s
    # Each gap is measured where the request arrives, after scheduling jitter on a shared
    # machine; half the interval still tells spaced requests from a burst (gaps near 0).
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.05


def test_concurrency_limits_per_host_and_globally() -> None:
    in_flight = 0
    peak = 0

    async def slow_ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal in_flight, peak
        await reader.readuntil(b"\r\n\r\n")
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        await answer_ok(writer)

    async def scenario(urls_per_host: int, **options: object) -> int:
        nonlocal peak
        peak = 0
        async with raw_server(slow_ok) as one, raw_server(slow_ok) as two:
            urls = [f"{origin}/{i}" for origin in (one, two) for i in range(urls_per_host)]
            responses, _ = await _fetch_all(urls, **options)
            assert all(response.status == 200 for response in responses)
        return peak

    assert asyncio.run(scenario(6, per_host=2)) == 4  # 2 hosts x 2
    assert asyncio.run(scenario(6, per_host=4, concurrency=3)) == 3

"""What the wire (cxlint/fetch/wire.py) does itself now that aiohttp sends its GETs directly:
which headers go out, which cookies, and how reply headers read."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WsgiResponse

from cxlint import urls
from cxlint.fetch import Fetcher, FetchOptions
from cxlint.model import Response
from tests.test_fetch import raw_server


def _get(urls_: list[str], **options: object) -> list[Response]:
    async def run() -> list[Response]:
        defaults: dict[str, object] = {"respect_robots": False, "retries": 0}
        async with Fetcher(FetchOptions(**{**defaults, **options})) as fetcher:  # type: ignore[arg-type]
            return [await fetcher.get(url) for url in urls_]

    return asyncio.run(run())


@pytest.fixture
def seen(httpserver: HTTPServer) -> Iterator[list[dict[str, str]]]:
    """Every request's headers (names lower-cased), in order."""
    requests: list[dict[str, str]] = []

    def record(request: Request) -> WsgiResponse:
        requests.append({name.lower(): value for name, value in request.headers.items()})
        return WsgiResponse("ok")

    httpserver.expect_request("/h").respond_with_handler(record)
    yield requests


def test_origin_headers_replace_the_defaults_in_any_case(
    httpserver: HTTPServer, seen: list[dict[str, str]]
) -> None:
    origin = urls.origin(httpserver.url_for("/"))
    _get(
        [httpserver.url_for("/h")],
        headers={"user-agent": "Shared/1", "X-Everyone": "1"},
        origin_headers={origin: {"USER-AGENT": "Mine/2", "Authorization": "Bearer t"}},
    )
    (headers,) = seen
    assert headers["user-agent"] == "Mine/2"
    assert headers["authorization"] == "Bearer t"
    assert headers["x-everyone"] == "1"
    assert headers["accept"] == "*/*"
    assert "gzip" in headers["accept-encoding"]


def test_origin_headers_stay_on_their_origin(
    httpserver: HTTPServer, seen: list[dict[str, str]]
) -> None:
    _get(
        [httpserver.url_for("/h")],
        headers={"User-Agent": "Shared/1"},
        origin_headers={"https://elsewhere.example": {"Authorization": "Bearer t"}},
    )
    (headers,) = seen
    assert "authorization" not in headers and headers["user-agent"] == "Shared/1"


def test_the_jars_cookies_go_back_but_a_users_cookie_header_is_sent_as_given(
    httpserver: HTTPServer, seen: list[dict[str, str]]
) -> None:
    def sets(request: Request) -> WsgiResponse:
        response = WsgiResponse("set")
        response.set_cookie("session", "abc", path="/")
        return response

    httpserver.expect_request("/set").respond_with_handler(sets)
    origin = urls.origin(httpserver.url_for("/"))

    _get([httpserver.url_for("/set"), httpserver.url_for("/h")])
    _get(
        [httpserver.url_for("/set"), httpserver.url_for("/h")],
        origin_headers={origin: {"Cookie": "staging=1; weird=a b"}},
    )

    assert seen[0]["cookie"] == "session=abc"
    assert seen[1]["cookie"] == "staging=1; weird=a b"


def test_reply_headers_that_are_not_utf8_read_as_latin1() -> None:
    async def latin1(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nX-Name: Caf\xe9\r\nX-Utf8: Caf\xc3\xa9\r\n"
            b"Content-Length: 2\r\nConnection: close\r\n\r\nok"
        )
        await writer.drain()
        writer.close()

    async def scenario() -> Response:
        async with raw_server(latin1) as origin:
            options = FetchOptions(respect_robots=False, retries=0)
            async with Fetcher(options) as fetcher:
                return await fetcher.get(origin + "/")

    response = asyncio.run(scenario())
    assert response.error is None, response.error
    assert response.headers["x-name"] == "Café"
    assert response.headers["x-utf8"] == "Café"


def test_a_truncated_body_leaves_the_next_request_a_working_connection(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 200_000)
    httpserver.expect_request("/small").respond_with_data(b"small")

    big, small, again = _get(
        [httpserver.url_for("/big"), httpserver.url_for("/small"), httpserver.url_for("/big")],
        max_body=1_000,
        concurrency=1,
        per_host=1,
    )
    assert big.truncated and big.body == b"x" * 1_000
    assert small.body == b"small" and not small.truncated
    assert again.truncated and again.error is None


def test_the_address_goes_out_as_before(httpserver: HTTPServer) -> None:
    """A space in the query is sent as %20 (yarl alone writes "+"); a control character is
    refused as not a web address (yarl alone drops it and fetches another page)."""
    httpserver.expect_request("/q").respond_with_data("ok")

    spaced, tabbed = _get([httpserver.url_for("/q") + "?k=a b", httpserver.url_for("/q\tx")])

    assert spaced.error is None and spaced.final_url.endswith("?k=a b")
    (request, _), *_ = httpserver.log
    assert request.query_string == b"k=a%20b"
    assert tabbed.error_kind == "bad-url"
    assert tabbed.error and "Invalid non-printable ASCII character in URL, '\\t'" in tabbed.error
    assert len(httpserver.log) == 1

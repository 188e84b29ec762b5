"""The one error classifier (cxlint/fetch/errors.py), fed real exceptions from real sockets.

Each fault is produced on 127.0.0.1 (a closed port, a listener that never accepts, a server
that never answers, one that sends what is not HTTP, one that resets mid-body, a certificate
no client trusts) and reached two ways: cxlint's own wire (its aiohttp session, timeouts and
deadline) and a plain aiohttp session. Either way, `classify` must give the same kind, the
same verdict on retrying and the same words.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import aiohttp
import pytest
import trustme

from cxlint.fetch import FetchFailure, FetchOptions, classify
from cxlint.fetch.body import read_body
from cxlint.fetch.wire import Wire
from cxlint.model import Response
from tests.faultserver import UNRESOLVABLE, FaultServer, closed_port_url

OPTIONS = FetchOptions(timeout=0.5, connect_timeout=0.5, max_time=30.0, retries=0)

Stack = Callable[[str], Awaitable[BaseException]]  # url -> what fetching it raised


async def _wire(url: str) -> BaseException:
    wire = Wire(OPTIONS, lambda response: read_body(response, OPTIONS.max_body))
    try:
        await wire.send(url)
    except FetchFailure as failure:
        assert failure.__cause__ is not None
        return failure.__cause__  # what the stack raised; classified again below
    finally:
        await wire.aclose()
    raise AssertionError(f"{url} was fetched")


async def _aiohttp(url: str) -> BaseException:
    timeout = aiohttp.ClientTimeout(sock_connect=0.5, sock_read=0.5)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        try:
            async with session.get(url) as response:
                await response.read()
        except Exception as exc:
            return exc
    raise AssertionError(f"{url} was fetched")


STACKS: dict[str, Stack] = {"wire": _wire, "aiohttp": _aiohttp}


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer() as faults:
        yield faults


@pytest.fixture(scope="module")
def tls_server() -> Iterator[FaultServer]:
    with FaultServer(tls=trustme.CA()) as faults:
        yield faults


def _url(where: str, server: FaultServer, tls_server: FaultServer) -> str:
    return {
        "closed": closed_port_url(),
        "unresolvable": UNRESOLVABLE,
        "blackhole": server.blackhole_url(),
        "untrusted": tls_server.url("/ok"),
    }.get(where) or server.url(where)


# (where, kind, retryable, words every stack's message has)
FAULTS = [
    ("closed", "connect", True, "connection refused"),
    ("unresolvable", "dns", False, "could not be resolved"),
    ("blackhole", "timeout", True, "could not connect within 0.5 s"),
    ("/timeout/read", "timeout", True, "did not answer within 0.5 s"),
    ("untrusted", "tls", False, "TLS certificate is not valid"),
    ("/garbage", "protocol", True, "the connection broke off"),
    ("/reset", "protocol", True, "reset the connection"),
]


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize(("where", "kind", "retryable", "words"), FAULTS)
def test_every_stack_classifies_alike(
    server: FaultServer,
    tls_server: FaultServer,
    stack: str,
    where: str,
    kind: str,
    retryable: bool,
    words: str,
) -> None:
    url = _url(where, server, tls_server)
    exc = asyncio.run(STACKS[stack](url))
    failure = classify(exc, OPTIONS)
    assert (failure.kind, failure.retryable) == (kind, retryable), (type(exc), exc)
    assert words in failure.message, failure.message


def test_the_attempts_deadline_is_a_timeout_not_retried(server: FaultServer) -> None:
    """A server that answers and then drips its body byte by byte ends at the deadline."""
    options = FetchOptions(max_time=0.6, timeout=5.0)

    async def fetch() -> FetchFailure:
        wire = Wire(options, lambda response: read_body(response, options.max_body))
        try:
            await wire.send(server.url("/drip"))
        except FetchFailure as failure:
            return failure
        finally:
            await wire.aclose()
        raise AssertionError("the drip ended")

    failure = asyncio.run(fetch())
    assert (failure.kind, failure.retryable) == ("timeout", False)
    assert failure.message == "the server did not finish sending the page within 0.6 s"
    assert failure.hop is not None and failure.hop.status == 200
    assert isinstance(failure.__cause__, TimeoutError)
    # Before the status line arrived, the same deadline words it as no answer at all.
    before = classify(TimeoutError(), options)
    assert before.message == "the server did not answer within 0.6 s"


@pytest.mark.parametrize(
    ("exc", "kind", "retryable", "message"),
    [
        (aiohttp.InvalidURL("http://[::1/"), "bad-url", False, "not a web address"),
        (aiohttp.NonHttpUrlClientError("ftp://x/"), "bad-url", False, "not a web address"),
        (
            aiohttp.ServerTimeoutError("slow"),
            "timeout",
            True,
            "could not be completed within 0.5 s",
        ),
        (
            aiohttp.ClientHttpProxyError(None, (), status=407, message="Proxy Auth Required"),  # type: ignore[arg-type]
            "protocol",
            False,
            "the proxy refused the request (HTTP 407 Proxy Auth Required)",
        ),
        (
            aiohttp.ClientPayloadError("Response payload is not completed"),
            "protocol",
            True,
            "the connection broke off (Response payload is not completed)",
        ),
        (aiohttp.ServerDisconnectedError(), "protocol", True, "the connection broke off"),
        (ValueError("a bug"), "protocol", False, "unexpected error (ValueError: a bug)"),
    ],
)
def test_exceptions_without_a_socket(
    exc: BaseException, kind: str, retryable: bool, message: str
) -> None:
    failure = classify(exc, OPTIONS)
    assert (failure.kind, failure.retryable) == (kind, retryable)
    assert message in failure.message


def test_a_failure_already_decided_passes_through() -> None:
    decided = FetchFailure("redirect-loop", "redirect loop (back to /a)")
    assert classify(decided, OPTIONS) is decided


def test_the_certificates_trusted_follow_ssl_cert_file_though_the_context_is_kept(
    tls_server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TLS context is built once per set of certificates (40 ms a bundle), not once per
    run: a run after SSL_CERT_FILE changes, or after its file is replaced, trusts what the
    variable names now."""
    from cxlint.fetch import Fetcher

    def fetched() -> Response:
        async def get() -> Response:
            async with Fetcher(FetchOptions(retries=0)) as fetcher:
                return await fetcher.get(tls_server.url("/ok"))

        return asyncio.run(get())

    assert fetched().error_kind == "tls"  # certifi's bundle does not know the test CA
    bundle = tmp_path / "ca.pem"
    tls_server.tls.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    assert fetched().status == 200
    other = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    os.replace(other, bundle)  # another CA under the same name
    assert fetched().error_kind == "tls"

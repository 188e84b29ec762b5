"""Why a URL has no final response, in plain words: the one place exceptions are classified.

Every exception a fetch can meet, aiohttp's, the OS's under them, the attempt's deadline and a
bug's, is turned into a `FetchFailure` by `classify`, and nowhere else. Its kind is what the
checks rely on (`Response.error_kind`; cxlint/outage.py treats dns, connect, tls, timeout and
protocol as "the site did not answer"):

    timeout, connect, dns, tls, protocol (anything else on the wire, or a bug), bad-url,
    and, raised where they are decided rather than classified: robots, too-many-redirects,
    redirect-loop, bad-redirect, retry-after-too-long.

`retryable` says whether trying again may help (a refused or dropped connection, a timeout of
one phase); the attempt's whole deadline is not retried: the server answers, only too slowly.
"""

from __future__ import annotations

import socket
import ssl

import aiohttp

from cxlint.fetch.options import FetchOptions
from cxlint.model import Hop


class FetchFailure(Exception):
    """Why a URL has no final response; becomes `Response.error` / `Response.error_kind`."""

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        retryable: bool = False,
        hop: Hop | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retryable = retryable
        self.hop = hop  # the request that failed, when one was sent
        self.url = url  # where the chain stopped, when no request was sent there
        self.attempts = 1


# What the wire may raise for a network or HTTP reason (anything else is a bug's).
NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError)


def classify(exc: BaseException, options: FetchOptions, *, answered: bool = False) -> FetchFailure:
    """Any exception of a fetch as a FetchFailure.

    `answered`: whether the response's status line had arrived (for the deadline's words).
    """
    if isinstance(exc, FetchFailure):
        return exc
    if not isinstance(exc, NETWORK_ERRORS):
        # A bug or a surprise: described, so that it does not take the run down.
        return FetchFailure("protocol", f"unexpected error ({type(exc).__name__}: {exc})")
    if isinstance(exc, TimeoutError) and not isinstance(exc, aiohttp.ClientError):
        # The attempt's own deadline (asyncio.timeout). Not retried: the server is
        # answering, only too slowly to wait for again.
        what = "finish sending the page" if answered else "answer"
        return FetchFailure("timeout", f"the server did not {what} within {options.deadline:g} s")
    causes = _causes(exc)
    wire = next((c for c in causes if isinstance(c, aiohttp.ClientError)), None)
    if isinstance(wire, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):  # nothing sent
        return FetchFailure("bad-url", f"not a web address ({wire})")
    if isinstance(wire, aiohttp.ConnectionTimeoutError):
        return _timeout(f"could not connect within {options.connect_timeout:g} s")
    if isinstance(wire, aiohttp.SocketTimeoutError):
        return _timeout(f"the server did not answer within {options.timeout:g} s")
    if isinstance(wire, aiohttp.ServerTimeoutError):
        return _timeout(f"the request could not be completed within {options.timeout:g} s")
    if isinstance(wire, aiohttp.ClientHttpProxyError):
        # The proxy answered, with a refusal (407: it wants credentials): retrying won't help.
        return FetchFailure(
            "protocol", f"the proxy refused the request (HTTP {wire.status} {wire.message})"
        )
    if wire is not None and not isinstance(wire, aiohttp.ClientConnectorError):
        # Past the connection (DNS, TLS and refusals are found among the causes below).
        # A reset mid-body reaches us only named in the payload error's text.
        reset = isinstance(wire, aiohttp.ClientPayloadError) and "ConnectionResetError" in str(wire)
        if reset or any(isinstance(c, ConnectionResetError) for c in causes):
            return FetchFailure("protocol", "the server reset the connection", retryable=True)
        if isinstance(wire, aiohttp.ClientResponseError):
            # aiohttp's parser refused the answer (not HTTP, a line over the limit); retried,
            # as a dropped connection.
            reason = (wire.message or "not valid HTTP").splitlines()[0]
            return _broke_off(f"not a valid HTTP answer: {reason}")
        if isinstance(wire, aiohttp.ClientConnectionError | aiohttp.ClientPayloadError):
            # Typically a connection dropped mid-way (a keep-alive race, a restarting server).
            return _broke_off(str(wire))
    if any(isinstance(c, socket.gaierror) for c in causes):
        return FetchFailure("dns", "host name could not be resolved")
    cert_error = next((c for c in causes if isinstance(c, ssl.SSLCertVerificationError)), None)
    if cert_error is not None:
        # getattr: aiohttp's wrapper subclasses the ssl error without its attributes.
        reason = (
            getattr(cert_error, "verify_message", None)
            or getattr(cert_error, "reason", None)
            or "unknown reason"
        )
        return FetchFailure("tls", f"the site's TLS certificate is not valid ({reason})")
    tls_error = next((c for c in causes if isinstance(c, ssl.SSLError)), None)
    if tls_error is not None:
        reason = getattr(tls_error, "reason", None) or str(tls_error)
        return FetchFailure("tls", f"the TLS handshake failed ({reason})")
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return FetchFailure("connect", "connection refused", retryable=True)
    if isinstance(wire, aiohttp.ClientConnectorError):
        return FetchFailure("connect", f"could not connect ({exc})", retryable=True)
    if any(isinstance(c, ConnectionResetError) for c in causes):
        return FetchFailure("protocol", "the server reset the connection", retryable=True)
    return FetchFailure("protocol", f"HTTP error ({type(exc).__name__}: {exc})")


def _timeout(message: str) -> FetchFailure:
    return FetchFailure("timeout", message, retryable=True)


def _broke_off(reason: str) -> FetchFailure:
    """A connection that broke off mid-way (a keep-alive race, a restarting server)."""
    return FetchFailure(
        "protocol", f"the connection broke off ({reason or 'no reason given'})", retryable=True
    )


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from (aiohttp's errors wrap the OS's)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen

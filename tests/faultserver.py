"""A misbehaving web server of our own, on 127.0.0.1, for the fault tests and the load script.

It speaks HTTP/1.1 by hand over raw sockets (one thread per connection) so that it can fail
below HTTP as real servers and networks do: reset a connection mid-body, drip a byte at a
time, promise more bytes than it sends, stream without end, send what is not HTTP at all.
Every path it knows is listed in PATHS with what it does; `hits` counts requests per target
(path and query) and `log` keeps when each arrived, so tests can count retries and measure
the request rate at the server.

    with FaultServer() as server:
        server.url("/reset")            # http://127.0.0.1:PORT/reset
        server.hits["/retry/503?fail=2&id=a"]

`FaultServer(tls=trustme.CA())` serves the same paths over https with a certificate that
CA issued for 127.0.0.1 (self-signed as far as any client knows).
"""

from __future__ import annotations

import contextlib
import functools
import html
import os
import random
import socket
import ssl
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from email.utils import formatdate
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

BOMB_SIZE = 256 * 1024 * 1024  # what the gzip and brotli bombs inflate to
UNRESOLVABLE = "http://cxlint-fault.invalid/"  # RFC 2606: .invalid never resolves
PRODUCT = "Motorola RAZR V710"  # what the healthy pages show

PATHS: dict[str, str] = {
    "/": "the home page",
    "/ok": "a healthy page showing PRODUCT",
    "/robots.txt": "404: no robots.txt",
    "/timeout/read": "accepts and reads the request, never answers",
    "/drip": "headers, then one byte of body every 0.2 s, forever",
    "/reset": "headers and part of the body, then a TCP reset",
    "/lying-length": "Content-Length 100000, sends 100 bytes, closes",
    "/garbage": "answers with bytes that are not HTTP",
    "/huge-headers": "a 100 kB response header",
    "/retry/429-seconds": "429 with Retry-After: 1 for the first ?fail=N requests, then /ok",
    "/retry/429-date": "429 with Retry-After as an HTTP date 1 s ahead, ?fail=N times",
    "/retry/429-bare": "429 without Retry-After, ?fail=N times",
    "/retry/429-long": "429 with Retry-After: 3600, ?fail=N times",
    "/retry/503": "503 for the first ?fail=N requests, then /ok",
    "/status/500": "500 Internal Server Error",
    "/status/404": "404 Not Found",
    "/loop/a": "302 to /loop/b, which redirects back to /loop/a",
    "/hops/N": "302 to /hops/N-1; /hops/0 is /ok (a chain of N hops)",
    "/redirect/javascript": "302 to javascript:alert(1)",
    "/redirect/file": "302 to file:///etc/passwd",
    "/redirect/ftp": "302 to ftp://127.0.0.1/pub/x",
    "/redirect/data": "302 to data:text/html,...",
    "/redirect/other-port": "302 to /ok on the server's `other` origin (another port)",
    "/redirect/relative": "302 to ../ok (relative Location)",
    "/redirect/malformed": "302 to http://[::1 (an address that cannot be parsed)",
    "/redirect/empty": "302 with an empty Location",
    "/big": "a 50 MB body (Content-Length given), sent as fast as read",
    "/endless": "a chunked body that never ends",
    "/bomb/gzip": "gzip: 256 kB on the wire, BOMB_SIZE inflated",
    "/bomb/br": "brotli: a few hundred bytes on the wire, BOMB_SIZE inflated",
    "/bomb/zstd": "Content-Encoding: zstd, never asked for",
    "/charset/wrong": "UTF-8 bytes declared as ISO-8859-1",
    "/charset/meta": "windows-1252 bytes, charset only in a <meta> tag",
    "/charset/lying": "charset=utf-1337 (no such encoding)",
    "/charset/invalid-utf8": "declared UTF-8 with invalid bytes",
    "/binary": "2 MB of random bytes served as text/html",
    "/nested": "200,000 nested <div>s with PRODUCT at the bottom",
    "/many-tags": "150,000 <p>s side by side, then PRODUCT (past the tags a page is read for)",
    "/deep-text": "PRODUCT inside 5,000 nested elements (within the parser's bounds)",
    "/truncated": "HTML cut off in the middle of a tag",
    "/slow?delay=S": "the healthy page after S seconds (for interruption tests)",
    "/lp/ANY": "a healthy landing page (for load tests)",
}


def healthy_page(title: str = "Healthy page", extra: str = "") -> bytes:
    return (
        f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body>"
        f"<h1>{PRODUCT}</h1><p>The {PRODUCT} (model V710) is in stock.</p>{extra}"
        "</body></html>"
    ).encode()


@functools.cache
def gzip_bomb() -> bytes:
    deflate = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * (1 << 20)
    parts = [deflate.compress(block) for _ in range(BOMB_SIZE // len(block))]
    return b"".join(parts) + deflate.flush()


@functools.cache
def brotli_bomb() -> bytes:
    import brotli

    return bytes(brotli.compress(b"\0" * BOMB_SIZE, quality=5))


class Conn:
    """One accepted connection: the request read, and ways to answer or misbehave."""

    def __init__(self, sock: socket.socket, server: FaultServer) -> None:
        self.sock = sock
        self.server = server
        self.target = "/"
        self.path = "/"
        self.query: dict[str, list[str]] = {}
        self.headers: dict[str, str] = {}

    def read_request(self) -> bool:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(65536)
            if not chunk or len(data) > 65536:
                return False
            data += chunk
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        request_line, *lines = head.split("\r\n")
        parts = request_line.split(" ")
        if len(parts) != 3:
            return False
        self.target = parts[1]
        split = urlsplit(self.target)
        self.path, self.query = split.path, parse_qs(split.query)
        for line in lines:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        return True

    def arg(self, name: str, default: str) -> str:
        return self.query.get(name, [default])[0]

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def head(
        self, status: str, headers: dict[str, str] | None = None, length: int | None = None
    ) -> None:
        lines = [f"HTTP/1.1 {status}", "Connection: close"]
        if length is not None:
            lines.append(f"Content-Length: {length}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def respond(
        self,
        status: str = "200 OK",
        body: bytes = b"",
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.head(status, {"Content-Type": content_type, **(headers or {})}, len(body))
        self.send(body)

    def redirect(self, location: str, status: str = "302 Found") -> None:
        self.respond(status, b"", headers={"Location": location})

    def wait(self, seconds: float) -> bool:
        """Sleep unless the server stops first; True when it stopped."""
        return self.server.stopping.wait(seconds)

    def reset(self) -> None:
        """Abort the connection with a TCP RST instead of an orderly close."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


Handler = Callable[[Conn], None]


class FaultServer:
    """The fault server; a context manager. `routes` add or replace paths (exact match)."""

    def __init__(
        self,
        tls: Any = None,
        routes: dict[str, Handler] | None = None,
        other: str | None = None,
        fail_rate: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.tls = tls
        self.other = other  # the origin /redirect/other-port sends to
        self.routes: dict[str, Handler] = {**_ROUTES, **(routes or {})}
        self.fail_rate = fail_rate  # load mode: this share of requests fail at random
        self.random = random.Random(seed)
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[float, str]] = []  # (monotonic time, target) per request
        self.headers: dict[str, dict[str, str]] = {}  # the last request headers per target
        self.outcomes: dict[str, list[str]] = {}  # load mode: ok, 500, 429, drop, reset
        self.in_flight = self.max_in_flight = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None
        self._blackhole: socket.socket | None = None
        self._context: ssl.SSLContext | None = None
        self.port = 0

    # --- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> FaultServer:
        if self.tls is not None:
            self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.tls.issue_cert("127.0.0.1", "localhost").configure_cert(self._context)
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=256)
        self.port = self._listener.getsockname()[1]
        thread = threading.Thread(target=self._accept, daemon=True, name="faultserver")
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopping.set()
        with self._lock:
            sockets = [self._listener, self._blackhole, *self._sockets]
        for sock in sockets:
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in recv or send
                with contextlib.suppress(OSError):
                    sock.close()
        deadline = time.monotonic() + 5
        for thread in list(self._threads):
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def blackhole_url(self) -> str:
        """A URL whose connection attempts hang until they time out: a listener that never
        accepts, its one-entry backlog already full (the kernel drops further SYNs)."""
        if self._blackhole is None:
            self._blackhole = socket.socket()
            self._blackhole.bind(("127.0.0.1", 0))
            self._blackhole.listen(0)
            port = self._blackhole.getsockname()[1]
            for _ in range(2):  # fill the backlog; the second attempt normally times out
                filler = socket.socket()
                filler.settimeout(0.2)
                with contextlib.suppress(OSError):
                    filler.connect(("127.0.0.1", port))
                self._sockets.add(filler)
        return f"http://127.0.0.1:{self._blackhole.getsockname()[1]}/"

    # --- serving ------------------------------------------------------------------------------

    def _accept(self) -> None:
        assert self._listener is not None
        self._listener.settimeout(0.1)  # close() does not wake accept(): poll for stopping
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            thread.start()
            with self._lock:
                self._threads = [t for t in self._threads if t.is_alive()]
                self._threads.append(thread)

    def _serve(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)
        counted = False
        try:
            sock.settimeout(30)
            if self._context is not None:
                sock = self._context.wrap_socket(sock, server_side=True)
                with self._lock:
                    self._sockets.add(sock)
            conn = Conn(sock, self)
            if not conn.read_request():
                return
            with self._lock:
                self.hits[conn.target] += 1
                self.log.append((time.monotonic(), conn.target))
                self.headers[conn.target] = conn.headers
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
                counted = True
            if self.fail_rate and conn.path != "/robots.txt" and self._load_fault(conn):
                return
            handler = self.routes.get(conn.path) or _prefix_route(conn.path)
            if handler is None:
                conn.respond("404 Not Found", b"<html><body>Not found</body></html>")
            else:
                handler(conn)
        except (OSError, ssl.SSLError):
            pass  # the client went away or refused our certificate: that is the point
        finally:
            if counted:
                with self._lock:
                    self.in_flight -= 1
            with self._lock:
                self._sockets.discard(sock)
            with contextlib.suppress(OSError):
                sock.close()

    def _load_fault(self, conn: Conn) -> bool:
        """Load mode: fail this share of requests at random (500, 429, dropped connection).
        Every request's outcome is kept in `outcomes`, in order, per target."""
        with self._lock:
            fault = "ok"
            if self.random.random() < self.fail_rate:
                fault = self.random.choice(("500", "429", "drop", "reset"))
            self.outcomes.setdefault(conn.target, []).append(fault)
        if fault == "ok":
            return False
        if fault == "500":
            conn.respond("500 Internal Server Error", b"oops")
        elif fault == "429":
            conn.respond("429 Too Many Requests", b"slow down", headers={"Retry-After": "1"})
        elif fault == "drop":
            conn.sock.close()
        else:
            conn.reset()
        return True


# --- the paths ------------------------------------------------------------------------------


def _retry(status: str, headers: Callable[[], dict[str, str]]) -> Handler:
    def handle(conn: Conn) -> None:
        fail = int(conn.arg("fail", "1"))
        if conn.server.hits[conn.target] <= fail:
            conn.respond(status, b"<html><body>try again</body></html>", headers=headers())
        else:
            conn.respond(body=healthy_page("Recovered"))

    return handle


def _drip(conn: Conn) -> None:
    conn.head("200 OK", {"Content-Type": "text/html"}, 1_000_000)
    while not conn.wait(0.2):
        conn.send(b" ")


def _reset(conn: Conn) -> None:
    conn.head("200 OK", {"Content-Type": "text/html"}, 100_000)
    conn.send(b"<html><body>" + b"x" * 2000)
    time.sleep(0.05)
    conn.reset()


def _big(conn: Conn) -> None:
    size = 50_000_000
    conn.head("200 OK", {"Content-Type": "text/html"}, size)
    block = healthy_page()[:-14] + b"<p>" + b"filler " * 9000 + b"</p>"
    sent = 0
    while sent < size and not conn.server.stopping.is_set():
        piece = block[: size - sent]
        conn.send(piece)
        sent += len(piece)


def _endless(conn: Conn) -> None:
    conn.head("200 OK", {"Content-Type": "text/html", "Transfer-Encoding": "chunked"})
    piece = b"<p>" + b"more " * 2000 + b"</p>"
    frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    conn.send(f"{len(healthy_page()):x}\r\n".encode() + healthy_page() + b"\r\n")
    while not conn.server.stopping.is_set():
        conn.send(frame)


def _bomb(data: Callable[[], bytes], encoding: str) -> Handler:
    def handle(conn: Conn) -> None:
        body = data()
        conn.respond(body=body, content_type="text/html", headers={"Content-Encoding": encoding})

    return handle


def _hops(conn: Conn) -> None:
    try:
        left = int(conn.path.rsplit("/", 1)[1])
    except ValueError:
        left = 0
    if left <= 0:
        conn.respond(body=healthy_page("End of the chain"))
    else:
        conn.redirect(f"/hops/{left - 1}")


def _other_port(conn: Conn) -> None:
    conn.redirect((conn.server.other or "http://127.0.0.1:9") + "/ok")


def _slow(conn: Conn) -> None:
    if not conn.wait(float(conn.arg("delay", "1"))):
        conn.respond(body=healthy_page("Slow page"))


def _prefix_route(path: str) -> Handler | None:
    if path.startswith("/hops/"):
        return _hops
    if path.startswith("/slow"):
        return _slow
    if path.startswith("/lp/"):
        return lambda c: c.respond(body=healthy_page(f"Landing page {c.path}"))
    return None


_CAFE = "<html><head><title>Café V710</title></head><body><h1>Café phone</h1>"
_ROUTES: dict[str, Handler] = {
    "/": lambda c: c.respond(body=healthy_page("Home", '<a href="/ok">The V710</a>')),
    "/ok": lambda c: c.respond(body=healthy_page()),
    "/robots.txt": lambda c: c.respond("404 Not Found", b"", "text/plain"),
    "/timeout/read": lambda c: c.wait(3600),
    "/drip": _drip,
    "/reset": _reset,
    "/lying-length": lambda c: (
        c.head("200 OK", {"Content-Type": "text/html"}, 100_000),
        c.send(healthy_page()[:100]),
    ),
    "/garbage": lambda c: c.send(b"SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n"),
    "/huge-headers": lambda c: c.respond(body=healthy_page(), headers={"X-Huge": "a" * 100_000}),
    "/retry/429-seconds": _retry("429 Too Many Requests", lambda: {"Retry-After": "1"}),
    "/retry/429-date": _retry(
        "429 Too Many Requests", lambda: {"Retry-After": formatdate(time.time() + 1, usegmt=True)}
    ),
    "/retry/429-bare": _retry("429 Too Many Requests", dict),
    "/retry/429-long": _retry("429 Too Many Requests", lambda: {"Retry-After": "3600"}),
    "/retry/503": _retry("503 Service Unavailable", dict),
    "/status/500": lambda c: c.respond("500 Internal Server Error", b"<h1>Server error</h1>"),
    "/status/404": lambda c: c.respond("404 Not Found", b"<h1>Not found</h1>"),
    "/loop/a": lambda c: c.redirect("/loop/b"),
    "/loop/b": lambda c: c.redirect("/loop/a"),
    "/redirect/javascript": lambda c: c.redirect("javascript:alert(1)"),
    "/redirect/file": lambda c: c.redirect("file:///etc/passwd"),
    "/redirect/ftp": lambda c: c.redirect("ftp://127.0.0.1/pub/x"),
    "/redirect/data": lambda c: c.redirect("data:text/html,<script>alert(1)</script>"),
    "/redirect/other-port": _other_port,
    "/redirect/relative": lambda c: c.redirect("../ok"),
    "/redirect/malformed": lambda c: c.redirect("http://[::1"),
    "/redirect/empty": lambda c: c.redirect(""),
    "/big": _big,
    "/endless": _endless,
    "/bomb/gzip": _bomb(gzip_bomb, "gzip"),
    "/bomb/br": _bomb(brotli_bomb, "br"),
    "/bomb/zstd": _bomb(lambda: b"(\xb5/\xfd" + os.urandom(64), "zstd"),
    "/charset/wrong": lambda c: c.respond(
        body=(_CAFE + f"<p>{PRODUCT}</p>").encode(), content_type="text/html; charset=iso-8859-1"
    ),
    "/charset/meta": lambda c: c.respond(
        body=('<meta charset="windows-1252">' + _CAFE + f"<p>{PRODUCT}</p>").encode("cp1252"),
        content_type="text/html",
    ),
    "/charset/lying": lambda c: c.respond(
        body=(_CAFE + f"<p>{PRODUCT}</p>").encode(), content_type="text/html; charset=utf-1337"
    ),
    "/charset/invalid-utf8": lambda c: c.respond(
        body=b"<title>Caf\xe9 \xff\xfe</title><p>\xc3\x28 "
        + PRODUCT.encode()
        + b" \xed\xa0\x80</p>"
    ),
    "/binary": lambda c: c.respond(
        body=random.Random(6).randbytes(2_000_000), content_type="text/html"
    ),
    "/nested": lambda c: c.respond(
        body=b"<html><body>" + b"<div>" * 200_000 + PRODUCT.encode() + b"</div>" * 200_000
    ),
    "/many-tags": lambda c: c.respond(
        body=b"<html><body>" + b"<p>x</p>" * 150_000 + PRODUCT.encode() + b"</body></html>"
    ),
    "/deep-text": lambda c: c.respond(
        body=b"<html><body>" + b"<div><span>" * 2500 + PRODUCT.encode() + b"</span></div>" * 2500
    ),
    "/truncated": lambda c: c.respond(
        body=b"<html><head><title>Cut off</title></head><body><h1>"
        + PRODUCT.encode()
        + b"</h1><p cl"
    ),
}


def closed_port_url() -> str:
    """An http URL on a local port nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"

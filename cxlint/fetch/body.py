"""The body reader: a response's bytes, decompressed here with the output bounded.

It exists so that a hostile server cannot exhaust memory: aiohttp is never asked to decode
(the session's auto_decompress is off); raw bytes are read as they arrive and decoded here,
every decoder's output bounded by max_body at every step, so neither a bomb (tiny on the wire,
huge inflated: gzip, deflate or br) nor an endless stream gets past the cap. Only encodings
that can be decoded within bounds are asked for (Accept-Encoding).
"""

from __future__ import annotations

import zlib

import aiohttp

from cxlint.fetch.errors import FetchFailure

try:  # optional: brotli ("br") is only asked for when it can be decoded within bounds
    import brotli as _brotli

    _brotli.Decompressor().process(b"", output_buffer_limit=1)  # brotli >= 1.2 bounds output
except (ImportError, TypeError, AttributeError):  # pragma: no cover - depends on the install
    _brotli = None


def accept_encoding() -> str:
    """The Accept-Encoding cxlint sends: only what it can decode within its size cap."""
    return "gzip, deflate, br" if _brotli is not None else "gzip, deflate"


async def read_body(response: aiohttp.ClientResponse, limit: int) -> tuple[bytes, bool]:
    """The decompressed body up to `limit` bytes, and whether it was cut short.

    Cut short, the rest is left unread: the caller's release closes the connection."""
    decoders = _decoders(response.headers.get("Content-Encoding", ""))
    content = response.content
    chunks: list[bytes] = []
    size = raw_size = 0
    while raw := await content.readany():  # what has arrived, b"" at the end
        raw_size += len(raw)
        chunk = raw
        for decoder in decoders:
            chunk = decoder.feed(chunk, limit - size + 1)
            if len(chunk) > limit - size:  # this step alone passes the cap
                break
        if size + len(chunk) > limit or raw_size > limit:
            chunks.append(chunk[: limit - size])
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False


class _Zlib:
    """gzip or deflate; `feed` returns at most `limit` bytes (the rest stays unread)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._wbits = zlib.MAX_WBITS | 16 if name in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._inflate = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        data = self._inflate.unconsumed_tail + data
        try:
            out = self._inflate.decompress(data, limit)
        except zlib.error as exc:
            if self.name == "deflate" and not self._started:
                # Some servers send raw deflate without the zlib header (browsers allow it too).
                self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started = True
                return self.feed(data, limit)
            raise FetchFailure("protocol", f"the {self.name}-compressed page is corrupt") from exc
        self._started = True
        return out


class _Brotli:
    name = "br"

    def __init__(self) -> None:
        assert _brotli is not None
        self._inflate = _brotli.Decompressor()

    def feed(self, data: bytes, limit: int) -> bytes:
        try:
            return bytes(self._inflate.process(data, output_buffer_limit=limit))
        except _brotli.error as exc:  # type: ignore[union-attr]
            raise FetchFailure("protocol", "the br-compressed page is corrupt") from exc


def _decoders(content_encoding: str) -> list[_Zlib | _Brotli]:
    """Decoders for a Content-Encoding, in the order to apply them (last applied first)."""
    decoders: list[_Zlib | _Brotli] = []
    for name in reversed([n.strip().lower() for n in content_encoding.split(",")]):
        if name in ("", "identity"):
            continue
        if name in ("gzip", "x-gzip", "deflate"):
            decoders.append(_Zlib(name))
        elif name == "br" and _brotli is not None:
            decoders.append(_Brotli())
        else:
            raise FetchFailure(
                "protocol",
                f"the server sent the page compressed as '{name[:40]}', which cxlint did not "
                f"ask for ({accept_encoding()}) and cannot read",
            )
    return decoders

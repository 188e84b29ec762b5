"""The floors: fetch a list of URLs as fast as a minimal client can (and, for `parse`, parse them).

Run as its own process by the benchmark (so its time and memory are measured like any tool's):
    python -m tests.benchmarks.floor MODE URLS_FILE CONCURRENCY
MODE is `httpx` (httpx.AsyncClient, a semaphore), `raw` (asyncio streams speaking HTTP/1.1
keep-alive by hand: the least any Python client can do), `loop` (a plain synchronous
httpx GET loop, one request after another) or `parse`: every page a whole campaign check
reads (URLS_FILE then lists them), fetched with aiohttp and parsed by lxml, nothing more,
over one forked process per CPU as `cxlint check` runs: the least a Python checker built on
these two libraries spends on a campaign, before it reads a word of any page.
Prints one JSON line: asked, checked (responses had), ok (HTTP 200), bytes.
"""

from __future__ import annotations

import asyncio
import json
import sys
from urllib.parse import urlsplit


async def fetch_httpx(urls: list[str], concurrency: int) -> tuple[int, int, int]:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    done = ok = size = 0
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def one(url: str) -> None:
            nonlocal done, ok, size
            async with gate:
                response = await client.get(url)
            done += 1
            ok += response.status_code == 200
            size += len(response.content)

        await asyncio.gather(*(one(url) for url in urls))
    return done, ok, size


async def fetch_raw(urls: list[str], concurrency: int) -> tuple[int, int, int]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    done = ok = size = 0

    async def worker() -> None:
        nonlocal done, ok, size
        reader = writer = None
        while not queue.empty():
            url = queue.get_nowait()
            parts = urlsplit(url)
            if writer is None:
                reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
            assert reader is not None
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            headers = dict(
                (name.strip().lower(), value.strip())
                for name, _, value in (line.partition(":") for line in head[1:] if line)
            )
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            done += 1
            ok += head[0].split()[1] == "200"
            size += len(body)
            if headers.get("connection", "").lower() == "close":
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done, ok, size


async def fetch_and_parse(urls: list[str], concurrency: int) -> tuple[int, int, int]:
    import aiohttp
    from lxml import etree

    gate = asyncio.Semaphore(concurrency)
    done = ok = size = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(url: str) -> None:
            nonlocal done, ok, size
            async with gate, session.get(url, allow_redirects=False) as response:
                body = await response.read()
            parser = etree.HTMLParser(encoding=response.charset, recover=True, no_network=True)
            root = etree.fromstring(body, parser)
            done += 1
            ok += response.status == 200 and root is not None
            size += len(body)

        await asyncio.gather(*(one(url) for url in urls))
    return done, ok, size


def _parse_share(share: tuple[list[str], int]) -> tuple[int, int, int]:
    return asyncio.run(fetch_and_parse(*share))


def fetch_and_parse_split(urls: list[str], concurrency: int) -> tuple[int, int, int]:
    """fetch_and_parse over one forked process per CPU, each with its share of the URLs and
    of the concurrency (as `cxlint check --jobs auto` splits a run)."""
    import multiprocessing
    import os

    jobs = len(os.sched_getaffinity(0))
    shares = [(urls[k::jobs], max(1, concurrency // jobs)) for k in range(jobs)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        counts = pool.map(_parse_share, shares, chunksize=1)
    done, ok, size = (sum(column) for column in zip(*counts, strict=True))
    return done, ok, size


def fetch_loop(urls: list[str]) -> tuple[int, int, int]:
    import httpx

    done = ok = size = 0
    with httpx.Client(timeout=60) as client:
        for url in urls:
            response = client.get(url)
            done += 1
            ok += response.status_code == 200
            size += len(response.content)
    return done, ok, size


def main(argv: list[str]) -> None:
    mode, path, concurrency = argv[0], argv[1], int(argv[2])
    with open(path) as handle:
        urls = [line.strip() for line in handle if line.strip()]
    if mode == "httpx":
        done, ok, size = asyncio.run(fetch_httpx(urls, concurrency))
    elif mode == "raw":
        done, ok, size = asyncio.run(fetch_raw(urls, concurrency))
    elif mode == "loop":
        done, ok, size = fetch_loop(urls)
    elif mode == "parse":
        done, ok, size = fetch_and_parse_split(urls, concurrency)
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps({"asked": len(urls), "checked": done, "ok": ok, "bytes": size}))


if __name__ == "__main__":
    main(sys.argv[1:])

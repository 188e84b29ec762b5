"""How fast can the fetcher's transport go? Client throughput on one fast local server.

    python -m tests.benchmarks.fetch_bench [--pages 2000] [--runs 3] [--concurrency 32]

Writes N deterministic 40 KB pages, serves them with nginx (tests/benchmarks/nginx.py, its own
prefix, stopped by its pid) and times, on the same URLs, each over the standard asyncio loop
and uvloop (when installed): a plain httpx GET loop behind a semaphore, aiohttp alone, and
cxlint's Fetcher.get (robots off, concurrency and per-host = the semaphore). Prints the median
pages/s of the runs and, beside it, the median CPU this process spent per page (ms, from
time.process_time: the client's cost, nginx's excluded); every run must fetch every page with
HTTP 200 and the full body.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

from tests.benchmarks.nginx import Nginx

PAGE_SIZE = 40_000

Client = Callable[[list[str], int], Awaitable[int]]  # urls, concurrency -> bytes fetched


def write_pages(root: Path, count: int) -> list[str]:
    """count pages of exactly PAGE_SIZE bytes under root/p/; their paths."""
    (root / "p").mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text("<!doctype html><title>bench</title>")
    paths = []
    for n in range(count):
        seed = hashlib.sha256(str(n).encode()).hexdigest()
        head = f"<!doctype html><html><head><title>Product {n}</title></head><body><h1>{n}</h1>"
        filler = f"<p>{seed} lorem ipsum dolor sit amet, consectetur adipiscing.</p>\n"
        body = head + filler * (PAGE_SIZE // len(filler) + 1)
        page = (body[: PAGE_SIZE - len("</body></html>")] + "</body></html>").encode()
        (root / "p" / f"{n:05d}.html").write_bytes(page)
        paths.append(f"/p/{n:05d}.html")
    return paths


async def httpx_loop(urls: list[str], concurrency: int) -> int:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def one(url: str) -> int:
            async with gate:
                response = await client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return len(response.content)

        return sum(await asyncio.gather(*(one(url) for url in urls)))


async def aiohttp_alone(urls: list[str], concurrency: int) -> int:
    import aiohttp

    gate = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(url: str) -> int:
            async with gate, session.get(url) as response:
                assert response.status == 200, (url, response.status)
                return len(await response.read())

        return sum(await asyncio.gather(*(one(url) for url in urls)))


async def cxlint_fetcher(urls: list[str], concurrency: int) -> int:
    from cxlint.fetch import Fetcher, FetchOptions

    options = FetchOptions(respect_robots=False, concurrency=concurrency, per_host=concurrency)
    async with Fetcher(options) as fetcher:
        responses = await asyncio.gather(*(fetcher.get(url) for url in urls))
    for response in responses:
        assert response.status == 200 and response.error is None, (response.url, response.error)
    return sum(len(response.body) for response in responses)


CLIENTS: dict[str, Client] = {
    "httpx GET loop": httpx_loop,
    "aiohttp alone": aiohttp_alone,
    "cxlint Fetcher.get": cxlint_fetcher,
}


def loops() -> dict[str, Callable[[Coroutine[Any, Any, int]], int]]:
    """Ways to run a coroutine: the standard loop, and uvloop's when it is installed."""
    runners: dict[str, Callable[[Coroutine[Any, Any, int]], int]] = {"asyncio": asyncio.run}
    try:
        import uvloop
    except ImportError:
        return runners
    runners["uvloop"] = uvloop.run
    return runners


def measure(
    client: Client, run: Callable, urls: list[str], concurrency: int, runs: int
) -> tuple[float, float]:
    """Median pages/s and CPU ms per page over `runs` runs, each on a fresh loop and fresh
    connections."""
    rates, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        fetched = run(client(urls, concurrency))
        elapsed = time.perf_counter() - started
        cpu.append((time.process_time() - cpu_started) * 1000 / len(urls))
        if fetched != len(urls) * PAGE_SIZE:
            raise SystemExit(f"{client.__name__} fetched {fetched} bytes, not {len(urls)} pages")
        rates.append(len(urls) / elapsed)
    return statistics.median(rates), statistics.median(cpu)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--only", help="run only clients whose name contains this")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cxlint-fetch-bench-") as scratch:
        root = Path(scratch) / "site"
        paths = write_pages(root, args.pages)
        with Nginx(root, Path(scratch) / "nginx") as server:
            urls = [server.base + path for path in paths]
            print(
                f"{args.pages} pages of {PAGE_SIZE // 1000} KB from nginx, concurrency "
                f"{args.concurrency}, median of {args.runs} runs (pages/s; CPU ms per page)"
            )
            runners = loops()
            names = [*runners, *(f"ms {name}" for name in runners)]
            print(f"{'client':<22}" + "".join(f"{name:>11}" for name in names))
            for name, client in CLIENTS.items():
                if args.only and args.only.lower() not in name.lower():
                    continue
                row = [
                    measure(client, run, urls, args.concurrency, args.runs)
                    for run in runners.values()
                ]
                print(
                    f"{name:<22}"
                    + "".join(f"{rate:>11.0f}" for rate, _ in row)
                    + "".join(f"{cpu:>11.3f}" for _, cpu in row),
                    flush=True,
                )


if __name__ == "__main__":
    main()

"""`--cache` measured against a plain run, old and new cxlint interleaved on one nginx store.

    python -m tests.benchmarks.cache_bench --sizes 2000 --runs 3 [--cxlint PATH ...] [--jobs N]

For each size, each round runs every given cxlint binary in turn: a plain run, a cold
`--cache` run (an empty cache folder) and a warm re-run of the unchanged site. It prints each
binary's medians and the two ratios the cache is judged by (issue 19): the cold run ÷ the
plain run (≤ 1) and the re-run ÷ the cold run (≤ 0.25). Rounds interleave the binaries, so
that other work on the machine weighs on each alike.

`--serve SECONDS` only builds the store and serves it (printing the manifest's path), for
profiling a run by hand.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from tests.benchmarks import measure, store
from tests.benchmarks.nginx import Nginx

RUNS = ("plain", "cold", "warm")


def _manifest(folder: Path, size: int, base: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "campaign.yaml"
    path.write_text(store.manifest(size, base))
    return path


def _command(binary: str, manifest: Path, report: Path, extra: list[str]) -> list[str]:
    return [binary, "check", str(manifest), "--no-robots", "--concurrency", "32",
            "--per-host", "32", "--format", "json", "--output", str(report), "--quiet",
            "--fail-on", "never", *extra]  # fmt: skip


def _one(binary: str, manifest: Path, out: Path, name: str, extra: list[str]) -> dict[str, Any]:
    report = out / f"{name}.json"
    report.unlink(missing_ok=True)
    measured = measure.run(_command(binary, manifest, report, extra), out, name, 1800)
    if measured.returncode != 0 or not report.exists():
        raise SystemExit(f"{name} failed: see {measured.stderr}")
    stats = json.loads(report.read_text())["run"]["stats"]
    return {"wall": measured.wall, "cpu": measured.cpu, "rss": measured.peak_rss_mb,
            "stats": stats}  # fmt: skip


def measure_size(
    binaries: list[str], size: int, base: str, workdir: Path, runs: int, jobs: list[str]
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    manifest = _manifest(workdir / f"n{size}", size, base)
    results: dict[str, dict[str, list[dict[str, Any]]]] = {
        b: {run: [] for run in RUNS} for b in binaries
    }
    for round_ in range(runs):
        for index, binary in enumerate(binaries):
            out = workdir / f"n{size}" / f"b{index}"
            cache = out / "cache"
            shutil.rmtree(cache, ignore_errors=True)
            for run in RUNS:
                extra = jobs + ([] if run == "plain" else ["--cache", str(cache)])
                result = _one(binary, manifest, out, f"{run}-{round_}", extra)
                results[binary][run].append(result)
                stats = result["stats"]
                print(
                    f"N={size:,} round {round_ + 1} [{index}] {run}: {result['wall']:.2f} s wall,"
                    f" {result['cpu']:.2f} s CPU, {stats.get('not_modified', 0)} not modified,"
                    f" {stats.get('cache_stored', 0)} stored",
                    flush=True,
                )
    return results


def summary(binaries: list[str], size: int, results: dict[str, Any]) -> list[str]:
    lines = []
    for index, binary in enumerate(binaries):
        median = {
            run: {k: statistics.median(r[k] for r in results[binary][run]) for k in ("wall", "cpu")}
            for run in RUNS
        }
        cold_plain = statistics.median(
            c["wall"] / p["wall"]
            for c, p in zip(results[binary]["cold"], results[binary]["plain"], strict=True)
        )
        warm_cold = statistics.median(
            w["wall"] / c["wall"]
            for w, c in zip(results[binary]["warm"], results[binary]["cold"], strict=True)
        )
        lines.append(
            f"| {size:,} | [{index}] {binary} | {len(results[binary]['plain'])} | "
            + " | ".join(f"{median[r]['wall']:.2f} ({median[r]['cpu']:.1f})" for r in RUNS)
            + f" | {cold_plain:.2f}× | {warm_cold:.2f}× |"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.cache_bench")
    parser.add_argument("--sizes", default="2000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cxlint", action="append", default=[], help="binary (repeatable)")
    parser.add_argument("--jobs", default="", help="cxlint --jobs (default: none, as users type)")
    parser.add_argument("--workdir", default="/tmp/cxlint-cache-bench")
    parser.add_argument("--serve", type=float, default=0, help="only serve the store so long")
    args = parser.parse_args(argv)
    binaries = args.cxlint or [str(Path(sys.executable).with_name("cxlint"))]
    binaries = [str(Path(b).absolute()) for b in binaries]
    sizes = [int(size) for size in args.sizes.split(",")]
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    site = store.build(workdir / "store", max(sizes))
    jobs = ["--jobs", args.jobs] if args.jobs else []
    table = [
        "| N | cxlint | rounds | plain s (CPU s) | cold --cache s (CPU s) | re-run s (CPU s) "
        "| cold ÷ plain | re-run ÷ cold |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    with Nginx(site, workdir / "nginx") as server:
        (site / "sitemap.xml").write_text(store.sitemap(max(sizes), server.base))
        if args.serve:
            for size in sizes:
                print(_manifest(workdir / f"n{size}", size, server.base), flush=True)
            time.sleep(args.serve)
            return
        for size in sizes:
            results = measure_size(binaries, size, server.base, workdir, args.runs, jobs)
            table += summary(binaries, size, results)
    print("\nmedians (wall s, CPU s in brackets); ratios are medians of each round's own ratio")
    print("\n".join(table))


if __name__ == "__main__":
    main()

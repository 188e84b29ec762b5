"""`python -m tests.benchmarks`: the side-by-side benchmark (never part of the test suite).

Builds the synthetic store, serves it with nginx, and for each size runs every contestant
several times (interleaved, so drift hits all alike), then prints the table, the ratios and
the issue's targets, and writes results.json and results.md into the work folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.benchmarks import measure, store
from tests.benchmarks.nginx import Nginx
from tests.benchmarks.tools import REPO, Case, Cxlint, Outcome, Tool, all_tools

SLOW_ABOVE = 2000  # --skip-slow leaves slow tools out above this many products
SHIPPED_MAX = 2000  # lychee as shipped (about 20 URLs/s to one host) only up to this size
LARGE = 10_000  # sizes from here on run --large-runs times


@dataclass
class Row:
    size: int
    tool: str
    runs: list[dict[str, Any]] = field(default_factory=list)
    status: str = ""  # "", "timed out after X s", "failed (exit N)", "skipped: why"

    def median(self, key: str) -> float | None:
        values = [run[key] for run in self.runs if run.get(key) is not None]
        return statistics.median(values) if values else None

    @property
    def wall(self) -> float | None:
        return self.median("wall")

    @property
    def checked(self) -> int | None:
        value = self.median("checked")
        return int(value) if value is not None else None

    @property
    def rate(self) -> float | None:
        """URLs (for cxlint: HTTP requests) per second at the median."""
        return self.median("rate")

    @property
    def verified(self) -> bool:
        return bool(self.runs) and all(run["verified"] for run in self.runs)


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )

    def version(command: list[str]) -> str:
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=10)
        except OSError:
            return "absent"
        return (
            (out.stdout or out.stderr).strip().splitlines()[0] if out.stdout or out.stderr else ""
        )

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "nginx": version(["nginx", "-v"]),
        "node": version(["node", "--version"]),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    names = [tool.name for tool in all_tools()]
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="1000,10000,20000", help="products, comma list")
    parser.add_argument("--runs", type=int, default=3, help="runs per tool below 10,000")
    parser.add_argument("--large-runs", type=int, default=1, help="runs per tool from 10,000")
    parser.add_argument(
        "--only",
        default="",
        help=f"comma list of {', '.join(names)} (floor = both floors, lychee = both lychee runs)",
    )
    parser.add_argument(
        "--skip-slow", action="store_true", help=f"no linkinator above {SLOW_ABOVE:,} products"
    )
    parser.add_argument(
        "--slow-max", type=int, default=0, help="no linkinator above this many products (0: all)"
    )
    parser.add_argument(
        "--lychee-shipped-max",
        type=int,
        default=SHIPPED_MAX,
        help="lychee as shipped (its 50 ms per host throttle), once per size, only up to this "
        "many products (0: never)",
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per tool run")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--workdir", default="/tmp/cxlint-bench", help="scratch folder")
    parser.add_argument(
        "--profile-size", type=int, default=5000, help="products in the profiled run (0: none)"
    )
    parser.add_argument("--no-cache-run", action="store_true", help="skip the --cache re-run")
    parser.add_argument(
        "--cxlint-jobs",
        default="",
        help="cxlint --jobs (N, 0: one per CPU, auto); default: no --jobs, the command a user "
        "types",
    )
    parser.add_argument(
        "--cxlint",
        default=str(Path(sys.executable).with_name("cxlint")),
        help="the cxlint executable to measure (default: beside this Python)",
    )
    args = parser.parse_args(argv)
    args.cxlint = str(Path(args.cxlint).absolute())
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    if any(size < 10 for size in args.sizes):
        parser.error("sizes must be at least 10 products")
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    if "floor" in wanted:
        wanted |= {"floor-raw", "floor-httpx"}
    if "lychee" in wanted:
        wanted.add("lychee-shipped")
    unknown = wanted - set(names) - {"floor"}
    if unknown:
        parser.error(f"unknown tool(s): {', '.join(sorted(unknown))}")
    tools = all_tools(args.cxlint, args.cxlint_jobs)
    args.tools = [tool for tool in tools if not wanted or tool.name in wanted]
    return args


def _case(workdir: Path, size: int, base: str, concurrency: int) -> Case:
    folder = workdir / f"n{size}"
    folder.mkdir(parents=True, exist_ok=True)
    urls = folder / "urls.txt"
    urls.write_text("\n".join(store.product_urls(size, base)) + "\n")
    manifest = folder / "campaign.yaml"
    manifest.write_text(store.manifest(size, base))
    for path in (folder, urls, manifest):
        path.chmod(0o755 if path.is_dir() else 0o644)  # LinkChecker reads them as nobody
    return Case(size, store.landing_count(size), base, urls, manifest, folder / "out", concurrency)


def _measure(tool: Tool, case: Case, run: int, timeout: float) -> tuple[dict[str, Any], str]:
    load = os.getloadavg()[0]  # other work on the machine skews every figure: record it
    measured = measure.run(
        tool.command(case, run),
        case.out_dir,
        f"{tool.name}-{run}",
        timeout,
        stdin=tool.stdin(case),
        cwd=REPO,
    )
    if measured.timed_out:
        return {}, f"timed out after {timeout:.0f} s"
    outcome: Outcome = tool.read(case, measured, run)
    status = "" if measured.returncode in (0, 1) else f"exit {measured.returncode}"
    result = {
        "wall": round(measured.wall, 3),
        "cpu": round(measured.cpu, 3),
        "rss_mb": round(measured.peak_rss_mb, 1),
        "pss_mb": round(measured.peak_pss_mb, 1),
        "checked": outcome.checked,
        "rate": round(outcome.checked / measured.wall, 1) if measured.wall else None,
        "checks": outcome.checks,
        "checks_rate": round(outcome.checks / measured.wall, 1) if outcome.checks else None,
        "pages": outcome.pages,
        "verified": outcome.verified,
        "note": outcome.note,
        "details": outcome.details,
        "exit": measured.returncode,
        "load": round(load, 2),
    }
    if outcome.details.get("parsed"):
        result["cpu_ms_per_page"] = round(1000 * measured.cpu / outcome.details["parsed"], 2)
    if status and not outcome.verified:
        tail = measured.stderr.read_text(errors="replace").strip().splitlines()[-1:]
        status = f"{status}: {tail[0][:120] if tail else 'no message'}"
    return result, status


def _slow_max(args: argparse.Namespace) -> float:
    # linkinator grows faster than linearly (≈ 300–460 s at 10,000): beyond the 10,000 the
    # targets need, it only lengthens the benchmark
    if args.skip_slow:
        return SLOW_ABOVE
    return args.slow_max or float("inf")


def run_size(
    case: Case, tools: list[Tool], runs: int, args: argparse.Namespace, dead: set[str]
) -> list[Row]:
    rows = {tool.name: Row(case.size, tool.name) for tool in tools}
    for tool in tools:
        if tool.name in dead:
            rows[tool.name].status = "skipped: timed out at a smaller size"
        elif tool.slow and case.size > _slow_max(args):
            rows[tool.name].status = f"skipped above {_slow_max(args):,} products"
        elif tool.name == "lychee-shipped" and case.size > args.lychee_shipped_max:
            # 50 ms between two requests to a host: 0.05 s a URL, 500 s at N=10,000
            where = f"above {args.lychee_shipped_max:,} products" if args.lychee_shipped_max else ""
            rows[tool.name].status = (
                f"not run {where or '(--lychee-shipped-max 0)'} "
                f"(≈ {case.size * 0.05:,.0f} s at 20 URLs/s)"
            )
    for run in range(runs):
        for tool in tools:
            row = rows[tool.name]
            if row.status or (tool.once and run > 0):
                continue
            print(f"  N={case.size:,} run {run + 1}/{runs}: {tool.name} ...", end=" ", flush=True)
            result, status = _measure(tool, case, run, args.timeout)
            if result:
                row.runs.append(result)
                print(f"{result['wall']:.2f} s, {result['checked']} checked, {result['note']}")
            if status:
                print(status)
                if "timed out" in status:
                    row.status = status
                    dead.add(tool.name)
    return list(rows.values())


def cache_rerun(case: Case, args: argparse.Namespace) -> dict[str, Any]:
    """Cold run with --cache, then the re-run against the unchanged site."""
    help_text = subprocess.run(
        [args.cxlint, "check", "--help"], capture_output=True, text=True
    ).stdout
    if "--cache" not in help_text:
        return {"note": "cxlint check has no --cache option yet: re-run not measured"}
    folder = case.out_dir.parent / "cache"
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    results = {}
    for name in ("cold", "warm"):
        extra = ["--cache", str(folder)]
        extra += ["--jobs", args.cxlint_jobs] if args.cxlint_jobs else []
        tool = Cxlint(args.cxlint, extra, name=f"cxlint-cache-{name}")
        result, status = _measure(tool, case, 0, args.timeout)
        if not result:
            return {"note": f"cache {name} run {status}"}
        results[name] = result
    ratio = results["warm"]["wall"] / results["cold"]["wall"]
    return {**results, "ratio": round(ratio, 3), "note": ""}


def profile(workdir: Path, size: int, base: str, args: argparse.Namespace) -> dict[str, Any]:
    cxlint = Cxlint(args.cxlint, ["--jobs", "1"])  # one process: the profiler sees one
    # pyinstrument goes into cxlint's own environment (never into its runtime dependencies)
    has = subprocess.run([cxlint.python, "-c", "import pyinstrument"], capture_output=True)
    if has.returncode:
        print("installing pyinstrument beside", cxlint.binary)
        subprocess.run([cxlint.python, "-m", "pip", "install", "--quiet", "pyinstrument"])
    case = _case(workdir, size, base, args.concurrency)
    out = workdir / "profile"
    report = out / "report.json"
    cxlint_args = cxlint.command(case, 0)[1:]
    cxlint_args[cxlint_args.index("--output") + 1] = str(report)
    # run by path, from outside the repository: `import cxlint` must find the measured cxlint
    script = str(Path(__file__).with_name("profile_run.py"))
    command = [cxlint.python, script, str(out), *cxlint_args]
    measured = measure.run(command, out, "profile", args.timeout, cwd=out)
    if measured.timed_out or not (out / "profile.json").exists():
        return {"note": f"profile failed: see {out}"}
    summary = json.loads((out / "profile.json").read_text())
    stats = json.loads(report.read_text())["run"]["stats"]
    # every product and landing page, the home page, every search results page and the probe
    parsed = stats.get("pages", 0) + stats.get("searches", 0) + 1
    stages = summary.get("stages", {})
    own = stages.get("parse", 0) + stages.get("rules", 0)
    summary.update(
        size=size,
        parsed_pages=parsed,
        stats=stats,
        own_ms_per_page=round(1000 * own / parsed, 2) if parsed else None,
        process_cpu_ms_per_page=round(1000 * measured.cpu / parsed, 2) if parsed else None,
        rss_mb=round(measured.peak_rss_mb, 1),
        tree=str(out / "profile.txt"),
    )
    return summary


def manifest_read(binary: str, workdir: Path, base: str, products: int = 20_000) -> dict[str, Any]:
    """Median wall time of `cxlint validate` on a campaign of `products` products: reading the
    manifest, start-up included, as every run begins (issue 19: ≤ 1 s at 20,000)."""
    folder = workdir / f"manifest{products}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "campaign.yaml"
    path.write_text(store.manifest(products, base))
    walls = []
    for _ in range(5):
        started = time.perf_counter()
        done = subprocess.run([binary, "validate", str(path)], capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        if done.returncode:
            return {"note": f"cxlint validate failed: {done.stdout[-200:]}{done.stderr[-200:]}"}
    return {"wall": statistics.median(walls), "runs": len(walls), "products": products}


def startup(binary: str, times: int = 10) -> float:
    walls = []
    for _ in range(times):
        started = time.perf_counter()
        subprocess.run([binary, "--help"], capture_output=True, check=True)
        walls.append(time.perf_counter() - started)
    return statistics.median(walls)


# --- the report ----------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| N | tool | runs | median wall s | checked (URLs; cxlint: requests) | verified "
        "| URLs/s | checks/s | peak RSS MB | peak PSS MB | CPU s | load | notes |",
        "|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        note = row.status or (row.runs[-1]["note"] if row.runs else "")
        lines.append(
            f"| {row.size:,} | {row.tool} | {len(row.runs)} | {_fmt(row.wall, 2)} "
            f"| {row.checked if row.checked is not None else '-'} "
            f"| {'yes' if row.verified else 'NO'} | {_fmt(row.rate)} "
            f"| {_fmt(row.median('checks_rate'))} | {_fmt(row.median('rss_mb'))} "
            f"| {_fmt(row.median('pss_mb'))} "
            f"| {_fmt(row.median('cpu'), 2)} | {_fmt(row.median('load'))} | {note} |"
        )
    return lines


# cxlint checks the whole campaign (pages parsed, searches, rules); the others check the
# product URLs (lychee, LinkChecker: status only, in list mode)
PEERS = {
    "floor-raw": "floor-raw",
    "floor-httpx": "floor-httpx",
    "httpx-loop": "httpx-loop",
    "floor-parse": "floor-parse (every page fetched by aiohttp and parsed by lxml, no more)",
    "linkchecker": "linkchecker",
    "linkinator": "linkinator",
    "lychee": "lychee (raised throttle, the product URLs)",
    "lychee-shipped": "lychee (as shipped, the product URLs)",
}


def ratios(rows: list[Row]) -> list[str]:
    lines = []
    by = {(row.size, row.tool): row for row in rows}
    for size in sorted({row.size for row in rows}):
        cx = by.get((size, "cxlint"))
        if not cx or cx.wall is None:
            continue
        for peer in PEERS:
            other = by.get((size, peer))
            if not other or other.wall is None:
                continue
            parts = [f"time {cx.wall / other.wall:.2f}×"]
            # CPU moves less than wall time with the machine's load: the figure to compare
            # across runs (against floor-parse above all: the same pages, nothing else done)
            cpu, other_cpu = cx.median("cpu"), other.median("cpu")
            if cpu and other_cpu:
                parts.append(f"CPU {cpu / other_cpu:.2f}×")
            if cx.rate and other.rate:
                parts.append(f"rate (cxlint requests/s ÷ its URLs/s) {cx.rate / other.rate:.2f}×")
            lines.append(f"- N={size:,}: cxlint ÷ {PEERS[peer]}: {', '.join(parts)}")
    sizes = sorted(size for (size, tool), row in by.items() if tool == "cxlint" and row.wall)
    if len(sizes) > 1:
        small, large = by[(sizes[0], "cxlint")], by[(sizes[-1], "cxlint")]
        lines.append(
            f"- cxlint N={sizes[-1]:,} ÷ N={sizes[0]:,}: time {large.wall / small.wall:.1f}× "
            f"for {sizes[-1] / sizes[0]:.0f}× the products"
        )
    return lines


CPU_MS_PER_PAGE = 1.0  # issue 19: cxlint's own CPU per parsed page (fetch + parse + rules)
MANIFEST_S = 1.0  # issue 19: reading a campaign of 20,000 products


def targets(
    rows: list[Row], prof: dict[str, Any], help_s: float,
    cache: dict[int, dict[str, Any]] | None = None, manifest: dict[str, Any] | None = None,
) -> list[str]:  # fmt: skip
    """Each target of the performance issues, judged on the medians of this run."""
    by = {(row.size, row.tool): row for row in rows}

    def verdict(ok: bool | None) -> str:
        return "n/a" if ok is None else ("PASS" if ok else "FAIL")

    lines = []
    for size in sorted({row.size for row in rows}):
        cx = by.get((size, "cxlint"))
        # LinkChecker: issue 19 asks twice its rate. The "plain httpx GET loop" is
        # the async one (floor-httpx); the synchronous loop over one keep-alive connection
        # is shown beside it, not judged: it parses nothing, one request per product.
        for peer, times in (("linkchecker", 2), ("floor-httpx", 1), ("httpx-loop", None)):
            other = by.get((size, peer))
            if cx and other and cx.rate and other.rate:
                mark = "info" if times is None else verdict(cx.rate >= times * other.rate)
                bound = "vs" if times is None else ("≥" if times == 1 else f"≥ {times}×")
                lines.append(
                    f"- {mark} N={size:,}: cxlint {cx.rate:,.0f} requests/s {bound} {peer} "
                    f"{other.rate:,.0f} URLs/s ({cx.rate / other.rate:.2f}×)"
                )
    cx, ly = by.get((10_000, "cxlint")), by.get((10_000, "lychee"))
    if cx and cx.wall and ly and ly.wall:
        # issue 19: the whole campaign's check within 10× lychee's list check of its products
        lines.append(
            f"- {verdict(cx.wall <= 10 * ly.wall)} N=10,000: cxlint {cx.wall:.1f} s ≤ 10× "
            f"lychee (raised throttle) {ly.wall:.2f} s ({cx.wall / ly.wall:.1f}×)"
        )
    floor, ly = by.get((10_000, "floor-parse")), by.get((10_000, "lychee"))
    if floor and floor.wall and ly and ly.wall:
        # what 10× lychee leaves: a Python checker that only fetches and parses the same pages
        lines.append(
            f"- info N=10,000: floor-parse {floor.wall:.1f} s = {floor.wall / ly.wall:.1f}× "
            "lychee: fetching and parsing every page the campaign reads, nothing else"
        )
    cx, li = by.get((10_000, "cxlint")), by.get((10_000, "linkinator"))
    if cx and cx.wall:
        if li and li.wall:
            ok = cx.wall < li.wall / 4
            lines.append(
                f"- {verdict(ok)} N=10,000: cxlint {cx.wall:.1f} s < ¼ of linkinator "
                f"{li.wall:.1f} s"
            )
        elif li and li.status:
            lines.append(f"- n/a N=10,000: linkinator {li.status}")
    for size in sorted({row.size for row in rows}):
        cx = by.get((size, "cxlint"))
        if cx and cx.median("cpu_ms_per_page"):
            per_page = cx.median("cpu_ms_per_page")
            lines.append(
                f"- {verdict(per_page <= CPU_MS_PER_PAGE)} N={size:,}: cxlint process CPU per "
                f"parsed page (HTTP client, parse, rules, start-up and reports; no profiler): "
                f"{per_page:.2f} ms ≤ {CPU_MS_PER_PAGE} ms"
            )
    if prof.get("own_ms_per_page") is not None:
        lines.append(
            f"- {verdict(prof['own_ms_per_page'] <= CPU_MS_PER_PAGE)} cxlint's own CPU per page "
            f"(parse + rules, profiled at N={prof['size']:,}): {prof['own_ms_per_page']} ms ≤ "
            f"{CPU_MS_PER_PAGE} ms (whole process: {prof['process_cpu_ms_per_page']} ms per page)"
        )
    small, large = by.get((1000, "cxlint")), by.get((20_000, "cxlint"))
    if small and large and small.wall and large.wall:
        lines.append(
            f"- {verdict(large.wall <= 22 * small.wall)} linear: N=20,000 takes "
            f"{large.wall / small.wall:.1f}× N=1,000 (≤ 22×)"
        )
    if large and large.median("pss_mb"):
        # PSS: with --jobs the forked processes share the loaded campaign and the interpreter;
        # summed RSS would count those pages once per process.
        pss, rss = large.median("pss_mb"), large.median("rss_mb")
        lines.append(
            f"- {verdict(pss <= 250)} peak memory at N=20,000: {pss:.0f} MB ≤ 250 MB "
            f"(PSS of the process tree; RSS summed over its processes: {rss:.0f} MB)"
        )
    for size, result in (cache or {}).items():
        plain = by.get((size, "cxlint"))
        if result.get("ratio") is None or not plain or not plain.wall:
            continue
        cold = result["cold"]["wall"]
        lines.append(
            f"- {verdict(cold <= plain.wall)} N={size:,}: a first --cache run {cold:.1f} s no "
            f"slower than a plain run {plain.wall:.1f} s ({cold / plain.wall:.2f}×)"
        )
        lines.append(
            f"- {verdict(result['ratio'] <= 0.25)} N={size:,}: a re-run of the unchanged site "
            f"{result['warm']['wall']:.1f} s ≤ 0.25× the first ({result['ratio']:.2f}×)"
        )
    if manifest and manifest.get("wall") is not None:
        lines.append(
            f"- {verdict(manifest['wall'] <= MANIFEST_S)} reading a campaign of "
            f"{manifest['products']:,} products (`cxlint validate`, median of "
            f"{manifest['runs']}): {manifest['wall']:.2f} s ≤ {MANIFEST_S} s"
        )
    lines.append(f"- {verdict(help_s <= 0.150)} `cxlint --help`: {help_s * 1000:.0f} ms ≤ 150 ms")
    return lines


def render(
    rows: list[Row], info: dict[str, Any], prof: dict[str, Any], help_s: float,
    cache: dict[int, dict[str, Any]], command: str, manifest: dict[str, Any] | None = None,
) -> str:  # fmt: skip
    lines = [
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram_gb']} GB RAM, "
        f"Linux {info['kernel']}, Python {info['python']}, {info['nginx']}, node {info['node']}",
        f"Versions: {', '.join(f'{k} {v}' for k, v in info.get('tools', {}).items())}",
        f"Command: `{command}`",
        "(load: the machine's 1-minute load average when a run started; above the CPU count,"
        " other work was competing for the CPUs and the figures are pessimistic)",
        "",
        *table(rows),
        "",
        "Ratios:",
        *ratios(rows),
        "",
        "Re-run with --cache:",
    ]
    for size, result in cache.items():
        if result.get("ratio") is not None:
            lines.append(
                f"- N={size:,}: first run {result['cold']['wall']:.1f} s, re-run "
                f"{result['warm']['wall']:.1f} s: {result['ratio']:.2f}× the first"
            )
        else:
            lines.append(f"- N={size:,}: {result['note']}")
    if prof.get("top_self"):
        lines += [
            "",
            f"Profile (pyinstrument, N={prof['size']:,}, wall {prof['wall']:.1f} s, "
            f"{prof['parsed_pages']:,} pages parsed, one sample every "
            f"{prof['interval'] * 1000:.0f} ms; full tree in {prof['tree']}):",
            "- stages: "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in prof["stages"].items()),
            "- top functions by self time:",
            *(f"  - {item['seconds']:.2f} s {item['function']}" for item in prof["top_self"]),
        ]
    lines += ["", "Targets:", *targets(rows, prof, help_s, cache, manifest)]
    return "\n".join(lines) + "\n"


def compile_bytecode(cxlint: str) -> None:
    """Compile the measured cxlint's modules, as `pip install` does: an editable install run
    with PYTHONDONTWRITEBYTECODE (as on our machines) compiled its modules from source at
    every start, ~0.15 s a run no user's cxlint spends."""
    python = Path(cxlint).with_name("python")
    if python.exists():
        package = "import os, cxlint; print(os.path.dirname(cxlint.__file__))"
        found = subprocess.run([str(python), "-c", package], capture_output=True, text=True)
        if found.returncode == 0:
            folder = found.stdout.strip()
            subprocess.run([str(python), "-m", "compileall", "-q", folder], check=False)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    workdir.chmod(0o755)
    command = "python -m tests.benchmarks " + shlex.join(argv if argv is not None else sys.argv[1:])

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    compile_bytecode(args.cxlint)
    info = machine()
    info["tools"] = {}
    for tool in args.tools:
        info["tools"][tool.name] = tool.install(workdir / "tools")
    info["nginx"] = machine()["nginx"]  # nginx may have just been installed

    largest = max([*args.sizes, args.profile_size])
    print(f"building the synthetic store of {largest:,} products in {workdir / 'store'} ...")
    site = store.build(workdir / "store", largest)

    rows: list[Row] = []
    cache: dict[int, dict[str, Any]] = {}
    prof: dict[str, Any] = {}
    dead: set[str] = set()
    try:
        with Nginx(site, workdir / "nginx") as server:
            print(f"nginx serving {site} at {server.base}")
            (site / "sitemap.xml").write_text(store.sitemap(largest, server.base))
            for size in args.sizes:
                case = _case(workdir, size, server.base, args.concurrency)
                runs = args.large_runs if size >= LARGE else args.runs
                rows += run_size(case, args.tools, runs, args, dead)
                if not args.no_cache_run and any(t.name == "cxlint" for t in args.tools):
                    cache[size] = cache_rerun(case, args)
            if args.profile_size and any(t.name == "cxlint" for t in args.tools):
                print(f"profiling cxlint at N={args.profile_size:,} ...")
                prof = profile(workdir, args.profile_size, server.base, args)
    except KeyboardInterrupt:
        print("\ninterrupted: nginx stopped; partial results follow", file=sys.stderr)
    help_s = startup(args.cxlint)
    manifest = {}
    if any(t.name == "cxlint" for t in args.tools):
        manifest = manifest_read(args.cxlint, workdir, "http://127.0.0.1:1")
    text = render(rows, info, prof, help_s, cache, command, manifest)
    print("\n" + text)
    (workdir / "results.md").write_text(text)
    (workdir / "results.json").write_text(
        json.dumps(
            {"machine": info, "rows": [asdict(row) for row in rows], "cache": cache,
             "profile": prof, "help_seconds": help_s, "manifest": manifest,
             "command": command},
            indent=2,
        )
    )  # fmt: skip
    print(f"written: {workdir / 'results.md'} and results.json")

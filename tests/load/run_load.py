"""Load: a campaign of many subjects against a local server that fails 5% of requests at
random (500, 429 with Retry-After, dropped and reset connections).

    python -m tests.load.run_load --subjects 5000 [--rate 100] [--json figures.json]

`cxlint check` runs in a process of its own, as a user runs it; the server (tests/faultserver
in this process) records every request and what it did to it. The run must complete and
report every subject exactly once; a subject may be unreachable only when the server's last
answer for it was a failure; no URL gets more attempts than the retry policy allows; the
per-host rate measured at the server stays within --rate; and the figures (time, requests,
faults, peak memory of the cxlint process) are printed and optionally saved as JSON.
Exit 0 when every promise held, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from tests.faultserver import FaultServer

ROOT = Path(__file__).parent.parent.parent  # the checkout: `python -m tests...` runs there
RETRIES = 2  # the CLI's default: attempts per URL are at most RETRIES + 1
# The server logs a request when one of its threads gets to it, never before it arrives: on a
# busy 2-CPU machine that lag bunches arrivals logged within a second (102 at --rate 100 in a
# full suite run beside another). Requests spaced 1/rate apart over 1 + LAG seconds may look
# like one second's.
LAG = 0.02


def rate_bound(rate: float) -> int:
    """The most arrivals one second of the server's log may show at `rate`: +1 as a window
    may hold both ends of a 1/rate spacing, and the log's lag."""
    return int(rate * (1 + LAG)) + 1


def manifest(origin: str, subjects: int) -> dict[str, Any]:
    """Landing pages, each promising the product its page shows, and some products."""
    products = max(1, subjects // 10)
    pages = subjects - products
    return {
        "version": 1,
        "campaign": {"name": f"Load {subjects}", "id": "load"},
        "site": {"url": origin},
        "products": [
            {"id": f"p{i}", "name": "Motorola RAZR V710", "model": "V710", "url": f"/lp/p{i}"}
            for i in range(products)
        ],
        "landing_pages": [
            {"url": f"/lp/{i}?utm_source=load&utm_medium=email&utm_campaign=load",
             "products": [f"p{i % products}"]}
            for i in range(pages)
        ],
    }  # fmt: skip


def max_per_second(times: list[float]) -> int:
    """The most requests that arrived within any one-second window."""
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def run(subjects: int, rate: float, seed: int = 6, workdir: Path | None = None) -> dict[str, Any]:
    """One load run; returns its figures and the list of broken promises (empty: all held)."""
    folder = Path(workdir or tempfile.mkdtemp(prefix="cxlint-load-"))
    with FaultServer(fail_rate=0.05, seed=seed) as server:
        path = folder / "load.yaml"
        path.write_text(yaml.safe_dump(manifest(server.origin, subjects), sort_keys=False))
        report_path = folder / "report.json"
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.load.peakrss", str(folder / "peak.txt"),
             "cxlint", "check", str(path), "--rate", str(rate),
             "--per-host", "8", "--concurrency", "32", "--timeout", "10", "--quiet",
             "--format", "json", "-o", str(report_path), "--select",
             "page-unreachable,product-not-on-page,tracking-dropped,model-not-on-product-page"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        assert child.stderr is not None
        stderr = child.stderr.read()
        code = child.wait()
        seconds = time.monotonic() - started
        with server._lock:
            log = sorted(at for at, target in server.log if target != "/robots.txt")
            outcomes = {t: list(o) for t, o in server.outcomes.items()}
    problems: list[str] = []
    if code not in (0, 1) or "Traceback" in stderr:
        problems.append(f"cxlint exited {code}: {stderr.strip()[:500]}")
        return {"problems": problems}
    report = json.loads(report_path.read_text())

    listed = Counter(
        (s["subject"]["type"], s["subject"].get("url") or s["subject"].get("id"))
        for s in report["subjects"]
        if s["subject"]["type"] != "site"
    )
    data = manifest("", subjects)
    wanted = Counter(
        [("landing_page", lp["url"]) for lp in data["landing_pages"]]  # type: ignore[index]
        + [("product", p["id"]) for p in data["products"]]  # type: ignore[index]
    )
    lost = sum((wanted - listed).values())
    twice = sum((listed - wanted).values())
    if lost or twice:
        problems.append(f"{lost} subjects lost, {twice} listed more than once")

    # Unreachable exactly when the server's last answer for the URL was a failure.
    unreachable = {
        f["url"] for f in report["findings"] if f["rule"] == "page-unreachable" and f.get("url")
    }
    origin = report["run"]["origin"]
    mismatched = []
    for target, seen in outcomes.items():
        if not target.startswith("/lp/") or "gclid" in target:
            continue
        failed = seen[-1] != "ok"
        if failed != (origin + target in unreachable):
            mismatched.append((target, seen))
    if mismatched:
        problems.append(f"{len(mismatched)} verdicts disagree with the server: {mismatched[:3]}")

    too_many = {t: len(o) for t, o in outcomes.items() if len(o) > RETRIES + 1}
    if too_many:
        problems.append(f"more attempts than the policy allows: {list(too_many.items())[:3]}")
    # A URL is retried only after a retryable failure (429, a broken connection), never a 500.
    bad_retries = [t for t, o in outcomes.items() if any(x in ("ok", "500") for x in o[:-1])]
    if bad_retries:
        problems.append(f"retried after a final answer: {bad_retries[:3]}")

    busiest = max_per_second(log)
    if busiest > rate_bound(rate):
        problems.append(f"{busiest} requests in one second at the server, over --rate {rate:g}")

    faults = Counter(x for o in outcomes.values() for x in o if x != "ok")
    figures = {
        "subjects": subjects,
        "reported": sum(listed.values()),
        "lost": lost,
        "seconds": round(seconds, 1),
        "requests": len(log),
        "faults_injected": dict(faults),
        "retried_urls": sum(1 for o in outcomes.values() if len(o) > 1),
        "unreachable_after_retries": len(unreachable),
        "rate_configured": rate,
        "rate_max_measured": busiest,
        "rate_mean_measured": round(len(log) / max(log[-1] - log[0], 1e-9), 1) if log else 0,
        "peak_rss_mb": int((folder / "peak.txt").read_text()),
        "problems": problems,
    }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=100.0, help="--rate given to cxlint")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--json", type=Path, default=None, help="also save the figures here")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: new)")
    args = parser.parse_args(argv)
    figures = run(args.subjects, args.rate, args.seed, workdir=args.workdir)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 1 if figures["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""Where does splitting a run over processes start to pay? cxlint's whole-campaign check of the
synthetic store at small sizes, with each --jobs value in turn (interleaved, so drift hits all
alike): the crossover behind `--jobs auto`'s one process for a small campaign.

    python -m tests.benchmarks.jobs_bench [--sizes 50,100,200,400,800] [--jobs 1,2,auto]
        [--runs 5] [--workdir /tmp/cxlint-bench]

Uses the main benchmark's store, nginx and cxlint command (tests/benchmarks/cli.py), with its
politeness off (--concurrency and --per-host 32). Prints the median wall time of each --jobs
value per size, and how many processes `auto` used.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

from tests.benchmarks import measure, store
from tests.benchmarks.cli import _case
from tests.benchmarks.nginx import Nginx
from tests.benchmarks.tools import REPO, Cxlint


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,100,200,400,800", help="products, comma list")
    parser.add_argument("--jobs", default="1,2,auto", help="--jobs values, comma list")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workdir", default="/tmp/cxlint-bench", help="scratch folder")
    parser.add_argument("--cxlint", default=str(Path(sys.executable).with_name("cxlint")))
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    values = [value.strip() for value in args.jobs.split(",")]
    tools = {
        value: Cxlint(args.cxlint, ["--jobs", value], name=f"jobs-{value}") for value in values
    }
    workdir = Path(args.workdir).resolve()
    site = store.build(workdir / "store", max(sizes))
    print(f"load {os.getloadavg()[0]:.2f}; median wall s of {args.runs} runs (subjects: "
          "products + landing pages)")  # fmt: skip
    print(f"{'N':>6} {'subjects':>8}" + "".join(f"{'--jobs ' + v:>14}" for v in values))
    with Nginx(site, workdir / "nginx") as server:
        for size in sizes:
            case = _case(workdir, size, server.base, args.concurrency)
            walls: dict[str, list[float]] = {value: [] for value in values}
            used: dict[str, set[int]] = {value: set() for value in values}
            for run in range(args.runs):
                for value, tool in tools.items():
                    measured = measure.run(
                        tool.command(case, run), case.out_dir, f"{tool.name}-{run}", 300, cwd=REPO
                    )
                    report = json.loads(tool.report(case, run).read_text())
                    used[value].add(report["run"]["stats"].get("jobs", 1))
                    assert report["summary"]["products"] == size, measured.stderr.read_text()
                    walls[value].append(measured.wall)
            cells = "".join(
                f"{statistics.median(walls[v]):>10.2f} ({'/'.join(map(str, sorted(used[v])))})"
                for v in values
            )
            print(f"{size:>6,} {size + store.landing_count(size):>8,}{cells}", flush=True)
    print("(in brackets: the processes used)")


if __name__ == "__main__":
    main()

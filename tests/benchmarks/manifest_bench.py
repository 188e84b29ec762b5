"""How long reading the benchmark's campaign manifest takes: the serial start of every run.

    python -m tests.benchmarks.manifest_bench [--products 20000] [--runs 5]

Writes the benchmark store's manifest (tests/benchmarks/store.py, as the benchmark's own
`_case` does) of N products into a temporary folder, then times, alternating run by run:
(a) in-process, `cxlint.api.load` (what `cxlint check` calls: read, validate, build, with the
catalogue's rule names, loaded once beforehand) and (b) `cxlint validate FILE` as a subprocess,
interpreter start-up and imports included. Prints the median wall and CPU seconds of each.

The subprocess runs the `cxlint` imported here (PYTHONPATH = its source root), so the script
copied into an older checkout and run from there measures that checkout's code.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cxlint
from cxlint import api
from cxlint.catalogue import load_catalogue
from tests.benchmarks import measure, store

BASE = "http://bench.test"


def _load_once(path: Path) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    campaign = api.load(path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert len(campaign.products) == int(path.parent.name[1:]), "not every product was read"
    return wall, cpu


def _validate_once(path: Path, out: Path, run: int) -> tuple[float, float]:
    root = Path(cxlint.__file__).resolve().parents[1]  # this checkout's code, not the venv's
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [str(Path(sys.executable).with_name("cxlint")), "validate", str(path)]
    measured = measure.run(command, out, f"validate-{run}", timeout=120, env=env)
    error = measured.stderr.read_text()
    assert measured.returncode == 0 and "1 manifest valid" in error, error
    return measured.wall, measured.cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="manifest-bench-") as scratch:
        path = Path(scratch) / f"n{args.products}" / "campaign.yaml"
        path.parent.mkdir()
        path.write_text(store.manifest(args.products, BASE))
        load_catalogue()  # once, as a run has it before reading the manifest
        loads, validates = [], []
        for run in range(args.runs):
            loads.append(_load_once(path))
            validates.append(_validate_once(path, Path(scratch) / "out", run))
        size = path.stat().st_size / 1e6
    print(f"{args.products:,} products ({size:.1f} MB), {args.runs} runs each, {cxlint.__file__}")
    for name, times in (("api.load (in-process)", loads), ("cxlint validate FILE", validates)):
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        print(f"{name:24} median wall {wall:.2f} s, CPU {cpu:.2f} s")


if __name__ == "__main__":
    main()

"""The load run at 500 subjects (the 5,000-subject run is `python -m tests.load.run_load`):
5% of requests fail at random, and yet every subject is reported exactly once with the
verdict the server's answers call for, within the retry policy and the per-host rate.

The run gets a process of its own: the server counts arrivals per second by the clock of its
threads, and in the test process the threads other tests leave behind (servers that drip a
byte forever, session fixtures) delayed those clocks enough to bunch arrivals (105 in one
second at --rate 100, seen in a full run, never alone)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.load.run_load import rate_bound

ROOT = Path(__file__).resolve().parents[1]


def test_500_subjects_under_random_faults(tmp_path: Path) -> None:
    figures_path = tmp_path / "figures.json"
    command = [sys.executable, "-m", "tests.load.run_load", "--subjects", "500", "--rate", "100"]
    command += ["--json", str(figures_path), "--workdir", str(tmp_path)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    figures = json.loads(figures_path.read_text())
    assert figures["problems"] == [], run.stderr
    assert run.returncode == 0
    assert figures["reported"] == 500 and figures["lost"] == 0
    assert sum(figures["faults_injected"].values()) > 0, "faults were injected"
    assert figures["rate_max_measured"] <= rate_bound(100)
    assert figures["peak_rss_mb"] < 300

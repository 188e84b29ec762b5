"""The load run at 500 subjects (the 5,000-subject run is `python -m tests.load.run_load`):
5% of requests fail at random, and yet every subject is reported exactly once with the
verdict the server's answers call for, within the retry policy and the per-host rate."""

from __future__ import annotations

import time
from pathlib import Path

from tests.load.run_load import run


def test_500_subjects_under_random_faults(tmp_path: Path) -> None:
    started = time.monotonic()
    figures = run(subjects=500, rate=100.0, workdir=tmp_path)
    assert figures["problems"] == []
    assert figures["reported"] == 500 and figures["lost"] == 0
    assert sum(figures["faults_injected"].values()) > 0, "faults were injected"
    assert figures["rate_max_measured"] <= 101
    assert figures["peak_rss_mb"] < 300
    assert time.monotonic() - started < 30

"""Ctrl-C or SIGTERM in the middle of a run: no report at all rather than half of one, an
exit code that says so (130, 143), and a line saying how far the run got."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from cxlint.output import write_output
from tests.faultserver import FaultServer

SUBJECTS = 30  # landing pages, each answering after a second, two at a time: ~15 s in all
# cxlint as a terminal starts it. A shell without job control (a CI script's `cmd &`) starts
# its jobs with SIGINT ignored, and an ignored signal stays ignored across exec: the run would
# rightly not stop, and the test would fail for how pytest was launched, not for cxlint.
_AS_IN_A_TERMINAL = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('cxlint', run_name='__main__', alter_sys=True)"
)


@pytest.fixture(scope="module")
def slow_site() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


def _start(site: FaultServer, tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[str], Path]:
    manifest = {
        "version": 1,
        "campaign": {"name": "Slow", "id": "slow"},
        "site": {"url": site.origin},
        "landing_pages": [{"url": f"/slow?delay=1&n={i}&dir={tmp_path.name}"}
                          for i in range(SUBJECTS)],
    }  # fmt: skip
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(manifest))
    out = tmp_path / "out"
    out.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", _AS_IN_A_TERMINAL, "check", str(path), "--per-host", "2",
         "--concurrency", "2", "--no-robots", "--select", "page-unreachable",
         "-o", str(out / "report.txt"), "--report", f"json:{out / 'report.json'}", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    return child, out


def _wait_for_requests(site: FaultServer, tmp_path: Path, count: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if sum(n for t, n in site.hits.items() if tmp_path.name in t) >= count:
            return
        time.sleep(0.05)
    pytest.fail("the run never got going")


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["one-process", "two-processes"])
@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
def test_interrupted_run_writes_nothing_and_says_how_far_it_got(
    signum: int, code: int, jobs: str, slow_site: FaultServer, tmp_path: Path
) -> None:
    # --jobs 2 splits --per-host 2 into 1 per process: the same pace
    child, out = _start(slow_site, tmp_path, "--jobs", jobs)
    _wait_for_requests(slow_site, tmp_path, 5)  # a few subjects done, most still to come
    sent = time.monotonic()
    child.send_signal(signum)
    try:
        stdout, stderr = child.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        child.kill()
        pytest.fail("the run did not stop when told to")
    assert time.monotonic() - sent < 5, "it stops promptly"
    assert child.returncode == code, stderr
    assert "Traceback" not in stderr
    match = re.search(rf"interrupted after (\d+) of {SUBJECTS} subjects; no report written", stderr)
    assert match, stderr
    assert 1 <= int(match.group(1)) < SUBJECTS, "counted how far it got"
    assert list(out.iterdir()) == [], "no report, no half-written or temporary file"


def test_an_interrupted_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "report.json"

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_output(str(target), b"{}" * 1000)
    assert list(tmp_path.iterdir()) == []


def test_an_earlier_report_is_kept_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Interrupting a run that would replace last week's report keeps last week's, whole."""
    target = tmp_path / "report.json"
    target.write_bytes(b'{"old": true}')

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_output(str(target), b'{"new": ')
    assert target.read_bytes() == b'{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]

"""Run one command in a fresh process group and measure it: wall time, CPU time, peak RSS and
PSS of the whole process tree, with a timeout that records "timed out" instead of hanging.

RSS summed over a tree counts every page a forked child shares with its parent once per
process; PSS (proportional set size) splits each shared page between its sharers, so the tree's
PSS is the memory it really holds. For a single process the two agree but for shared libraries.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_EVERY = 0.02  # seconds between RSS samples of the process tree
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Measured:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and its waited-for children
    peak_rss_mb: float  # the larger of the sampled tree total and the kernel's maxrss
    peak_pss_mb: float  # sampled tree total, shared pages counted once
    returncode: int | None  # None: timed out
    stdout: Path
    stderr: Path

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _pss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def _tree_kb(root: int) -> tuple[int, int]:
    """Resident memory (RSS, PSS) of root and all its descendants, from /proc."""
    rss = pss = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        try:
            rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
            pss += _pss_kb(pid)
        except (OSError, IndexError, ValueError):
            continue
        stack.extend(_children(pid))
    return rss, pss


def run(
    command: list[str],
    out_dir: Path,
    name: str,
    timeout: float,
    stdin: Path | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Measured:
    out_dir.mkdir(parents=True, exist_ok=True)
    stdout, stderr = out_dir / f"{name}.stdout", out_dir / f"{name}.stderr"
    with (
        stdout.open("wb") as out,
        stderr.open("wb") as err,
        stdin.open("rb") if stdin else open(os.devnull, "rb") as source,
    ):
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdin=source,
            stdout=out,
            stderr=err,
            env=env,
            cwd=cwd,
            start_new_session=True,  # its own group: a timeout or Ctrl-C ends the whole tree
        )
        peak_kb = peak_pss_kb = 0
        status, usage = None, None
        try:
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                rss_kb, pss_kb = _tree_kb(process.pid)
                peak_kb, peak_pss_kb = max(peak_kb, rss_kb), max(peak_pss_kb, pss_kb)
                if time.perf_counter() - started > timeout:
                    os.killpg(process.pid, signal.SIGKILL)
                    _, status, usage = os.wait4(process.pid, 0)
                    status = None
                    break
                time.sleep(SAMPLE_EVERY)
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            os.wait4(process.pid, 0)
            raise
        finally:
            process.returncode = -1  # reaped above; keeps Popen from waiting again
        wall = time.perf_counter() - started
    assert usage is not None
    returncode = None if status is None else os.waitstatus_to_exitcode(status)
    return Measured(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=max(peak_kb, usage.ru_maxrss) / 1024,
        peak_pss_mb=peak_pss_kb / 1024,
        returncode=returncode,
        stdout=stdout,
        stderr=stderr,
    )

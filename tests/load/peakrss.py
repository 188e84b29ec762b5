"""Runs a module as a program and, when it exits, writes its peak resident memory in MB.

    python -m tests.load.peakrss OUT.txt cxlint check campaign.yaml ...

The peak is VmHWM from /proc/self/status: this process's own high-water mark. The rusage a
parent reads for a child (wait4, RUSAGE_CHILDREN) also counts the parent's memory copied at
fork, so it cannot tell a lean child from a big parent.
"""

from __future__ import annotations

import atexit
import resource
import runpy
import sys
from pathlib import Path


def peak_mb() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # not Linux: an upper bound


if __name__ == "__main__":
    out, module, *args = sys.argv[1:]
    atexit.register(lambda: Path(out).write_text(str(peak_mb())))
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)

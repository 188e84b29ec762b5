"""Profile one cxlint run with pyinstrument (a sampling profiler) and sum where the time went.

    python tests/benchmarks/profile_run.py OUT_DIR CXLINT_ARGS...

Writes OUT_DIR/profile.txt (pyinstrument's call tree) and OUT_DIR/profile.json: the run's
wall time, the top functions by self time, and the time spent parsing pages (_page_of) and
applying rules (Engine._apply), which together are cxlint's own work per page.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

INTERVAL = 0.005  # seconds between samples: 1 ms more than doubles a bs4-heavy run's time

# Topmost frames whose whole time counts as one stage (recursion and callees included);
# a function of None takes any function of that file.
STAGES = {
    "parse": ("_page_of", "cxlint/page.py"),  # product, landing and search results pages
    "rules": ("apply_rules", "cxlint/engine/apply.py"),
    "fetch": (None, "cxlint/fetch/"),  # a folder: any of its files
    "idle": ("select", "selectors.py"),  # the event loop waiting on sockets
}


def _matches(frame: Any, function: str | None, file_end: str) -> bool:
    path = frame.file_path or ""
    where = file_end in path if file_end.endswith("/") else path.endswith(file_end)
    return (function is None or frame.function == function) and where


def summarise(root: Any, top: int = 25) -> dict[str, Any]:
    self_times: dict[str, float] = defaultdict(float)
    stages: dict[str, float] = dict.fromkeys(STAGES, 0.0)

    def walk(frame: Any, inside: frozenset[str]) -> None:
        real = [c for c in frame.children if not c.is_synthetic]
        own = frame.time - sum(c.time for c in real)
        if not frame.is_synthetic and own > 0:
            where = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
            self_times[where] += own
        for stage, (function, file_end) in STAGES.items():
            if stage not in inside and _matches(frame, function, file_end):
                stages[stage] += frame.time
                inside = inside | {stage}
        for child in real:
            walk(child, inside)

    walk(root, frozenset())
    ranked = sorted(self_times.items(), key=lambda item: -item[1])[:top]
    return {
        "total": root.time,
        "stages": stages,
        "top_self": [{"function": name, "seconds": round(t, 3)} for name, t in ranked],
    }


def main(argv: list[str]) -> None:
    from pyinstrument import Profiler

    out_dir, args = Path(argv[0]), argv[1:]
    out_dir.mkdir(parents=True, exist_ok=True)
    from cxlint.cli import main as cxlint_main

    # The engine parses product and landing pages in a worker thread, which a sampler started
    # here never sees: run that work inline, so every page's parse counts.
    async def inline(function: Any, /, *args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    asyncio.to_thread = inline

    # "disabled": sample the real stacks (event loop included) rather than folding awaits
    profiler = Profiler(interval=INTERVAL, async_mode="disabled")
    started = time.perf_counter()
    profiler.start()
    try:
        cxlint_main(args, prog_name="cxlint")
    except SystemExit:
        pass
    finally:
        profiler.stop()
    wall = time.perf_counter() - started
    session = profiler.last_session
    # show_all: cxlint is installed, so pyinstrument would fold it away as library code
    text = profiler.output_text(unicode=False, color=False, show_all=True)
    (out_dir / "profile.txt").write_text(text)
    root = session.root_frame() if session else None
    summary = summarise(root) if root else {}
    summary["wall"] = wall
    summary["interval"] = INTERVAL
    summary["cpu"] = session.cpu_time if session else None
    (out_dir / "profile.json").write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])

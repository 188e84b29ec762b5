"""Terminal habits: when to colour, what the shell completes, and the progress line.

Colour, first rule that applies wins:
1. `--color` / `--no-color`;
2. NO_COLOR set and not empty: no colour (no-color.org);
3. FORCE_COLOR set and not empty: colour, even into a pipe or a CI log (force-color.org);
4. TERM=dumb: no colour;
5. colour when stdout is a terminal.
NO_COLOR wins over FORCE_COLOR, in the order CPython 3.13 reads them (`_colorize`): the
person who turned colour off everywhere did so on purpose, and a flag still overrides both.

Completion uses click's own (`_CXLINT_COMPLETE=bash_source cxlint`, see the README): these
functions add rule names and codes (--select, --ignore, explain) and report formats
(--report FORMAT:PATH); --format completes from its choices by itself.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TextIO

import click
from click.shell_completion import CompletionItem


def use_colour(flag: bool | None, isatty: bool, env: Mapping[str, str] | None = None) -> bool:
    """Whether to colour output (see the module's order)."""
    env = os.environ if env is None else env
    if flag is not None:
        return flag
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    return isatty


def _rules() -> dict[str, str]:
    """Rule name → its summary's start (shown by zsh and fish beside the name)."""
    from cxlint.catalogue import load_catalogue
    from cxlint.errors import UsageError

    try:
        catalogue = load_catalogue()
    except UsageError:  # a broken rules/ folder: complete nothing rather than fail the shell
        return {}
    return {
        name: f"{rule.code or ''} {rule.summary[:60]}".strip() for name, rule in catalogue.items()
    }


def complete_rule_list(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """--select/--ignore take a comma list: complete its last item, keeping the others."""
    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    chosen = set(done.split(","))
    return [
        CompletionItem(prefix + name, help=about)
        for name, about in _rules().items()
        if name.startswith(last) and name not in chosen
    ]


def complete_rule(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """`cxlint explain RULE`: names, and codes (CX101) for who types one."""
    rules = _rules()
    names = [
        CompletionItem(n, help=about) for n, about in rules.items() if n.startswith(incomplete)
    ]
    if incomplete[:2].upper() == "CX":
        from cxlint.catalogue import load_catalogue

        codes = sorted(r.code for r in load_catalogue().values() if r.code)
        names += [CompletionItem(c) for c in codes if c.startswith(incomplete.upper())]
    return names


def complete_report(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """--report FORMAT:PATH: the formats first, then file names after the colon."""
    from cxlint.report import EXTENSIONS, FORMATS

    fmt, colon, _ = incomplete.partition(":")
    if colon:
        return []  # the path is the user's to type
    return [
        CompletionItem(f"{name}:cxlint-report.{EXTENSIONS[name]}")
        for name in FORMATS
        if name.startswith(fmt)
    ]


def progress_text(done: int, total: int, elapsed: float) -> str:
    """`checking [#####.....] 120/400 subjects · 8.5/s · ETA 0:33`: rate and time left once
    there is something to measure them by."""
    width = 30
    filled = width * done // total if total else width
    text = f"checking [{'#' * filled}{'.' * (width - filled)}] {done}/{total} subjects"
    if done and elapsed > 0:
        rate = done / elapsed
        left = round((total - done) / rate)
        text += f" · {rate:.1f}/s · ETA {left // 60}:{left % 60:02d}"
    return text


class ProgressLine:
    """The progress line on stderr, redrawn in place at most ten times a second; the CLI shows
    it only when stderr is a terminal and --quiet is not given."""

    def __init__(self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.started = clock()  # the run starts now: a first drawing already has a rate
        self.drawn = -1.0
        self.width = 0

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if done < total and now - self.drawn < 0.1:
            return  # 20,000 subjects must not mean 20,000 redraws
        self.drawn = now
        text = progress_text(done, total, now - self.started)
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


@contextlib.contextmanager
def watching(progress: Any, line: ProgressLine, every: float = 0.2) -> Iterator[None]:
    """Draws `line` from a counter the --jobs processes share (cxlint.jobs.Progress), from a
    thread of this process, while the block runs."""
    stop = threading.Event()

    def draw() -> None:
        while not stop.wait(every):
            if progress.total:
                line(progress.done, progress.total)

    thread = threading.Thread(target=draw, name="cxlint-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        line.close()

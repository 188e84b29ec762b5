"""Terminal habits (issue 18, item 6): FORCE_COLOR beside NO_COLOR, shell completion of rule
names, codes and formats through click's completion protocol, and a progress line with rate
and time left, also with --jobs, only on a terminal."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import threading
from importlib.resources import files
from pathlib import Path

import pytest

from cxlint.catalogue import load_catalogue
from cxlint.demo.store import DemoStore
from cxlint.report import FORMATS
from cxlint.terminal import ProgressLine, progress_text, use_colour, watching

DATA = Path(__file__).parent / "data"
ESC = "\x1b["


@pytest.mark.parametrize(
    ("flag", "tty", "env", "want"),
    [
        (None, True, {}, True),
        (None, False, {}, False),
        (None, True, {"NO_COLOR": "1"}, False),
        (None, False, {"FORCE_COLOR": "1"}, True),
        (None, False, {"FORCE_COLOR": "0"}, True),  # any non-empty value forces
        (None, False, {"FORCE_COLOR": ""}, False),  # empty: as if unset
        (None, True, {"NO_COLOR": ""}, True),
        (None, False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins
        (None, True, {"TERM": "dumb"}, False),
        (None, False, {"TERM": "dumb", "FORCE_COLOR": "1"}, True),
        (True, False, {"NO_COLOR": "1"}, True),  # a flag beats both
        (False, True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_order(flag: bool | None, tty: bool, env: dict[str, str], want: bool) -> None:
    assert use_colour(flag, tty, env) is want


# the installed command: click names the completion variable after the program
# (_CXLINT_COMPLETE), which `python -m cxlint` would not be
COMMAND = Path(sys.executable).parent / "cxlint"


def cxlint(*args: str, cwd_path: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    return subprocess.run(
        [str(COMMAND), *args], capture_output=True, text=True, timeout=120, cwd=cwd_path,
        env={**base, **env},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("env", "flags", "coloured"),
    [
        ({}, (), False),  # a pipe: plain
        ({"FORCE_COLOR": "1"}, (), True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, (), False),
        ({"NO_COLOR": "1"}, ("--color",), True),
    ],
)
def test_force_color_colours_a_piped_report(
    env: dict[str, str], flags: tuple[str, ...], coloured: bool
) -> None:
    run = cxlint("report", str(DATA / "report-demo.json"), *flags, **env)
    assert run.returncode == 0, run.stderr
    assert (ESC in run.stdout) is coloured


def complete(words: str) -> list[str]:
    """What bash gets from click's completion for the last word of `words`."""
    parts = words.split(" ")
    run = cxlint(COMP_WORDS=words, COMP_CWORD=str(len(parts) - 1), _CXLINT_COMPLETE="bash_complete")
    assert run.returncode == 0, run.stderr
    return [line.split(",", 1)[1] for line in run.stdout.splitlines()]


def test_completion_of_formats_rules_and_codes() -> None:
    assert complete("cxlint check m.yaml --format g") == ["github", "gitlab"]
    assert set(complete("cxlint check m.yaml --format ")) == set(FORMATS)
    rules = load_catalogue()
    assert complete("cxlint check m.yaml --select ") == list(rules)
    assert complete("cxlint check m.yaml --ignore soft") == ["soft-404"]
    # a comma list completes its last item and keeps the first
    assert complete("cxlint check m.yaml --select soft-404,tracking-d") == [
        "soft-404,tracking-dropped"
    ]
    assert complete("cxlint explain search-m") == ["search-misses-product"]
    assert complete("cxlint explain CX10")[:2] == ["CX101", "CX102"]
    assert complete("cxlint check m.yaml --report gitl") == [
        "gitlab:cxlint-report.codequality.json"
    ]


def test_bash_source_is_a_completion_script() -> None:
    """What the README tells people to put in their shell's start-up file."""
    run = cxlint(_CXLINT_COMPLETE="bash_source")
    assert run.returncode == 0
    assert "complete " in run.stdout and "_CXLINT_COMPLETE=bash_complete" in run.stdout


# --- the progress line -----------------------------------------------------------------------


def test_progress_text_shows_rate_and_time_left() -> None:
    assert progress_text(0, 40, 0.0) == f"checking [{'.' * 30}] 0/40 subjects"
    assert progress_text(10, 40, 5.0) == (
        f"checking [{'#' * 7}{'.' * 23}] 10/40 subjects · 2.0/s · ETA 0:15"
    )
    assert progress_text(1, 400, 1.0).endswith("· 1.0/s · ETA 6:39")


def test_the_line_is_redrawn_at_most_ten_times_a_second_and_cleared() -> None:
    now = [100.0]
    out = io.StringIO()
    line = ProgressLine(out, clock=lambda: now[0])
    for done in range(5):  # five calls within the same tenth of a second: one drawing
        line(done, 10)
        now[0] += 0.01
    assert out.getvalue().count("\r") == 1
    now[0] += 0.5
    line(10, 10)  # the last one is always drawn
    assert "10/10 subjects · " in out.getvalue()
    line.close()
    assert out.getvalue().endswith(" " * line.width + "\r")


class FakeProgress:
    """cxlint.jobs.Progress's reading side; says when the drawing thread has read it."""

    def __init__(self) -> None:
        self.read = threading.Event()
        self.done = 3

    @property
    def total(self) -> int:
        self.read.set()
        return 4


def test_watching_draws_a_shared_counter_from_a_thread() -> None:
    out = io.StringIO()
    progress = FakeProgress()
    with watching(progress, ProgressLine(out), every=0.01):
        assert progress.read.wait(30)
    assert "3/4 subjects" in out.getvalue()
    assert out.getvalue().endswith("\r")  # cleared when the run ended
    assert not [t for t in threading.enumerate() if t.name == "cxlint-progress"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_terminal_sees_the_progress_line_a_pipe_does_not(jobs: str, tmp_path: Path) -> None:
    manifest = str(files("cxlint.demo").joinpath("campaign.yaml"))
    with DemoStore() as store:
        args = ["check", manifest, "--base-url", store.url, "--jobs", jobs, "--fail-on", "never"]
        paced = [*args, "--rate", "60"]  # outlasts the first redraws: a demo run can end sooner
        main, child = pty.openpty()  # stderr a terminal, as in a person's shell
        with os.fdopen(main, "rb", buffering=0) as reader:
            process = subprocess.Popen(
                [str(COMMAND), *paced], stdout=subprocess.DEVNULL, stderr=child, cwd=tmp_path,
                env={**os.environ, "NO_COLOR": "1"},
            )  # fmt: skip
            os.close(child)
            seen = b""
            while True:
                try:
                    chunk = reader.read(4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            assert process.wait(timeout=120) == 0
        piped = cxlint(*args, cwd_path=str(tmp_path))
    text = seen.decode(errors="replace")
    assert "checking [" in text and " subjects · " in text and "ETA " in text
    assert piped.returncode == 0 and "checking [" not in piped.stderr

"""Terminal habits (issue 18, item 6): FORCE_COLOR beside NO_COLOR, and shell completion of
rule names, codes and formats through click's completion protocol."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cxlint.catalogue import load_catalogue
from cxlint.report import FORMATS
from cxlint.terminal import use_colour

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


def cxlint(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    return subprocess.run(
        [str(COMMAND), *args], capture_output=True, text=True, timeout=60, env={**base, **env}
    )


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

"""Markdown for pull-request comments and $GITHUB_STEP_SUMMARY: compact, and site text
escaped so it can neither break the table nor inject HTML or Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxlint.model import RunResult
from cxlint.report.json_report import read
from cxlint.report.markdown import md, render
from cxlint.results.baseline import apply_baseline

DATA = Path(__file__).parent / "data"
# where a finding's rule links to (its help_uri)
DOCS = "https://github.com/cxlint/cxlint/blob/main/docs/rules.md"


@pytest.fixture
def demo() -> RunResult:
    return read(str(DATA / "report-demo.json"))


def table_rows(text: str, header: str) -> list[list[str]]:
    """The cells of the table whose header row starts with `header`, split as GFM does."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        rows.append([c.strip() for c in cells])
    return rows


def test_verdict_counts_and_one_row_per_error(demo: RunResult) -> None:
    text = render(demo).decode()
    assert text.startswith("## ❌ Not ready: 6 errors on 4 of 9 subjects\n")
    assert (
        "| 6 | 1 | 0 | 4 of 9 | 23 | 3 |"
    )  # failing: with an error, as the verdict counts in text
    rows = table_rows(text, "| subject | rule |")
    assert len(rows) == 6
    assert all(len(row) == 5 for row in rows)
    assert rows[2][1] == f"[`tracking-dropped`]({DOCS}#tracking-dropped) CX104"
    assert rows[2][4] == "cxlint-demo.yaml:76"
    assert "### Warnings and notes (1)" in text
    assert "1 acknowledged in the manifest" in text


def test_site_text_is_escaped(demo: RunResult) -> None:
    text = render(demo).decode()
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\| \\`rm -rf\\` \\*\\*bold\\*\\*" in text
    assert "\\[click\\](javascript:alert(1))" in text


def test_a_pipe_in_a_message_does_not_add_a_column(demo: RunResult) -> None:
    demo.findings[0].message = "Title | with `pipes` | and <b>tags</b>\nand a new line"
    rows = table_rows(render(demo).decode(), "| subject | rule |")
    assert all(len(row) == 5 for row in rows)
    assert rows[0][2] == "Title \\| with \\`pipes\\` \\| and &lt;b&gt;tags&lt;/b&gt; and a new line"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a|b", "a\\|b"),
        ("`code`", "\\`code\\`"),
        ("<b>&</b>", "&lt;b&gt;&amp;&lt;/b&gt;"),
        ("*x* _y_ ~z~ [l](u)", "\\*x\\* \\_y\\_ \\~z\\~ \\[l\\](u)"),
        ("back\\slash", "back\\\\slash"),
        ("line\nbreak\x1b[31m", "line break\\[31m"),
    ],
)
def test_md_escapes(raw: str, escaped: str) -> None:
    assert md(raw) == escaped


def test_long_runs_stay_within_a_job_summary(demo: RunResult) -> None:
    text = render(demo, max_errors=2).decode()
    assert len(table_rows(text, "| subject | rule |")) == 2
    assert "… and 4 more errors: see the HTML report." in text


def test_baseline_marks_and_fixed(demo: RunResult) -> None:
    result = apply_baseline(demo, read(str(DATA / "report-old.json")), "old.json")
    text = render(result).decode()
    assert "Compared with old.json: 1 new, 6 still present, 1 fixed" in text
    rows = table_rows(text, "| subject | rule |")
    assert rows[0][2].endswith("(🆕 new)") and rows[1][2].endswith("(still present)")
    assert "### Fixed since the baseline (1)" in text
    assert f"- [`page-unreachable`]({DOCS}#page-unreachable) CX101 landing page /go/h500" in text


def test_a_clean_run_says_so() -> None:
    clean = RunResult(
        tool={"name": "cxlint", "version": "0"},
        campaign={"name": "Quiet"},
        started="2026-01-01T00:00:00+00:00",
        finished="",
        origin="https://example.com",
    )
    text = render(clean).decode()
    assert text.startswith("## ✅ Ready: every check passed")
    assert "### Errors" not in text

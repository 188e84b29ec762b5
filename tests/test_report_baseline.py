"""Baselines: each finding new or still present (matched by rule and subject, never by count
or wording), the fixed ones listed, and `--fail-on new` failing only on new errors."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxlint.cli import main
from cxlint.demo.store import DemoStore
from cxlint.model import Check, RunResult, Subject
from cxlint.report.json_report import read
from cxlint.results.baseline import apply_baseline

DATA = Path(__file__).parent / "data"
# the demo campaign where it is installed, beside the creatives it names
MANIFEST = str(files("cxlint.demo").joinpath("campaign.yaml"))


@pytest.fixture
def demo() -> RunResult:
    return read(str(DATA / "report-demo.json"))


@pytest.fixture
def old() -> RunResult:
    return read(str(DATA / "report-old.json"))


def marks(result: RunResult) -> dict[str, str | None]:
    return {f.key: f.baseline for f in result.findings}


def test_new_present_and_fixed(demo: RunResult, old: RunResult) -> None:
    result = apply_baseline(demo, old, "old.json")
    assert result.baseline == "old.json"
    new = [f.rule for f in result.findings if f.baseline == "new"]
    assert new == ["redirect-to-generic"]
    assert all(f.baseline == "present" for f in result.findings if f.rule != new[0])
    assert [(f.rule, f.subject.url) for f in result.fixed] == [
        (
            "page-unreachable",
            "/go/h500?utm_source=facebook&utm_medium=social&utm_campaign=v710-launch",
        )
    ]
    assert demo.baseline is None and all(f.baseline is None for f in demo.findings)


def test_a_subject_this_run_did_not_check_is_not_fixed(demo: RunResult, old: RunResult) -> None:
    """/old-promo is in the baseline but not in this run (another shard, or removed from the
    manifest): its 404 proves nothing about today."""
    result = apply_baseline(demo, old, "old.json")
    assert all("old-promo" not in (f.subject.url or "") for f in result.fixed)


def test_a_skipped_check_does_not_count_as_fixed(demo: RunResult, old: RunResult) -> None:
    for subject in demo.subjects:
        if (subject.subject.url or "").startswith("/go/h500"):
            subject.checks = [
                Check(c.rule, "skipped", "robots.txt forbids it") for c in subject.checks
            ]
    assert apply_baseline(demo, old, "old.json").fixed == []


def test_matched_by_rule_and_subject_not_by_wording_or_count(
    demo: RunResult, old: RunResult
) -> None:
    """A redirect that now drops one parameter instead of three is the same problem."""
    spring = next(f for f in demo.findings if f.rule == "tracking-dropped")
    spring.message = "A redirect loses the campaign's tracking parameter utm_source."
    spring.evidence["lost"] = spring.evidence["lost"][:1]
    result = apply_baseline(demo, old, "old.json")
    assert marks(result)[spring.key] == "present"


def test_the_same_rule_on_another_subject_is_new(demo: RunResult, old: RunResult) -> None:
    for f in old.findings:
        if f.rule == "tracking-dropped":
            f.subject = Subject("landing_page", url="/go/another?utm_source=newsletter")
    result = apply_baseline(demo, old, "old.json")
    assert next(f for f in result.findings if f.rule == "tracking-dropped").baseline == "new"


def test_a_run_compared_with_itself_has_nothing_new(demo: RunResult) -> None:
    result = apply_baseline(demo, demo, "same.json")
    assert {f.baseline for f in result.findings} == {"present"}
    assert result.fixed == []


# --- end to end: the command line on the demo store --------------------------------------------


@pytest.fixture(scope="module")
def store() -> Iterator[DemoStore]:
    with DemoStore() as running:
        yield running


@dataclass
class Ran:
    returncode: int
    stderr: str


def check(store: DemoStore, tmp_path: Path, *args: str) -> Ran:
    """`cxlint check` on the demo campaign, through the real command line in this process
    (a run takes a second; a new interpreter for each would double it)."""
    argv = ["check", MANIFEST, "--base-url", store.url, "--quiet", *args]
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, argv, catch_exceptions=False)
    finally:
        os.chdir(here)
    return Ran(result.exit_code, result.stderr)


@pytest.fixture(scope="module")
def first_run(store: DemoStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSON report of the demo, to serve as the baseline of later runs."""
    folder = tmp_path_factory.mktemp("baseline")
    run = check(store, folder, "--format", "json", "--output", "old.json")
    assert run.returncode == 1, run.stderr  # the demo has errors
    return folder / "old.json"


def test_fail_on_new_end_to_end(store: DemoStore, tmp_path: Path, first_run: Path) -> None:
    baseline = str(first_run)
    # the same site again: every error is still present, nothing new → exit 0
    same = check(store, tmp_path, "--baseline", baseline, "--fail-on", "new",
                 "--format", "json", "-o", "a.json")  # fmt: skip
    assert same.returncode == 0, same.stderr
    report = json.loads((tmp_path / "a.json").read_text())
    assert report["summary"]["new"] == 0 and report["summary"]["present"] > 0
    assert report["baseline"] == {"file": "old.json"}
    # forget one error in the baseline: it is new now → exit 1, and only it is new
    data = json.loads(first_run.read_text())
    dropped = next(f for f in data["findings"] if f["severity"] == "error")
    data["findings"].remove(dropped)
    (tmp_path / "older.json").write_text(json.dumps(data))
    new = check(store, tmp_path, "--baseline", "older.json", "--fail-on", "new",
                "--format", "json", "-o", "b.json")  # fmt: skip
    assert new.returncode == 1
    report = json.loads((tmp_path / "b.json").read_text())
    assert [(f["rule"], f["subject"]) for f in report["findings"] if f["baseline"] == "new"] == [
        (dropped["rule"], dropped["subject"])
    ]
    # and the default gate still fails on every error, old or new
    assert check(store, tmp_path, "--baseline", "older.json").returncode == 1


def test_every_format_shows_the_baseline(store: DemoStore, tmp_path: Path, first_run: Path) -> None:
    reports = {fmt: f"r.{fmt}" for fmt in ("text", "json", "junit", "sarif", "markdown", "html")}
    args = [a for fmt, path in reports.items() for a in ("--report", f"{fmt}:{path}")]
    check(store, tmp_path, "--baseline", str(first_run), *args)
    words = {
        "text": "still present",
        "json": '"baseline": "present"',
        "junit": "[still present]",
        "sarif": '"baselineState": "unchanged"',
        "markdown": "(still present)",
        "html": "still present",
    }
    for fmt, path in reports.items():
        assert words[fmt] in (tmp_path / path).read_text(encoding="utf-8"), fmt


def test_fail_on_new_without_a_baseline_is_a_usage_error(store: DemoStore, tmp_path: Path) -> None:
    run = check(store, tmp_path, "--fail-on", "new")
    assert run.returncode == 2
    assert "--fail-on new needs --baseline" in run.stderr


def test_a_baseline_that_is_not_a_report_fails_before_the_run(
    store: DemoStore, tmp_path: Path
) -> None:
    (tmp_path / "old.json").write_text('{"runs": []}')
    run = check(store, tmp_path, "--baseline", "old.json")
    assert run.returncode == 2
    assert "old.json: not a cxlint JSON report" in run.stderr
    assert "Traceback" not in run.stderr


def test_report_compares_a_saved_run_with_a_baseline(tmp_path: Path) -> None:
    demo, old = str(DATA / "report-demo.json"), str(DATA / "report-old.json")
    runner = CliRunner()
    gate = ["report", demo, "--format", "markdown", "--fail-on", "new"]
    # redirect-to-generic is an error the old run did not have
    result = runner.invoke(main, [*gate, "--baseline", old])
    assert result.exit_code == 1
    assert "(🆕 new)" in result.stdout
    assert runner.invoke(main, [*gate, "--baseline", demo]).exit_code == 0
    without = runner.invoke(main, gate)
    assert without.exit_code == 2
    assert "--fail-on new needs --baseline" in without.stderr

"""The terminal report (issue 17, item 6): the verdict and what to fix first, then the
findings; passing subjects and skipped checks only with -v; paths relative to where the user
stands, never the installed package's."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from cxlint.report import summary
from cxlint.report.json_report import read
from cxlint.report.paths import shown_path
from cxlint.report.text import render

DATA = Path(__file__).parent / "data"
PACKAGE = Path(__import__("cxlint").__file__).resolve().parent


def _text(verbose: bool) -> str:
    return render(read(str(DATA / "report-demo.json")), verbose=verbose).decode()


def test_skipped_checks_and_passing_subjects_only_with_verbose() -> None:
    quiet, loud = _text(False), _text(True)
    assert "skipped  " not in quiet and "skipped  " in loud
    assert "✔ 3 subjects passed: -v lists them" in quiet
    assert "passed   " not in quiet and "passed   " in loud  # the checks each subject passed
    # every finding shows either way, and the counts of skipped checks stay in the last line
    assert quiet.count("fix: ") == loud.count("fix: ") > 0
    assert ", 3 skipped" in quiet.splitlines()[-1]


def test_the_failing_count_is_one_definition_in_every_format() -> None:
    result = read(str(DATA / "report-demo.json"))
    counts = summary(result)
    with_errors = {
        s.subject.key
        for s in result.subjects
        if any(f.severity == "error" and not f.acknowledged for f in s.findings)
    }
    assert counts["subjects_failing"] == len(with_errors) == 4
    assert f"on {len(with_errors)} of {counts['subjects']} subjects" in counts["verdict"]
    assert counts["subjects_with_warnings"] == 1  # product h500: a warning only


def test_paths_are_shown_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "campaigns").mkdir()
    monkeypatch.chdir(tmp_path)
    assert shown_path(str(tmp_path / "campaigns" / "spring.yaml")) == "campaigns/spring.yaml"
    assert shown_path("campaigns/../campaigns/spring.yaml") == "campaigns/spring.yaml"
    # the demo's own campaign: by its place in the package, never its site-packages path
    demo = PACKAGE / "demo" / "campaign.yaml"
    assert shown_path(str(demo)) == "cxlint/demo/campaign.yaml"
    assert shown_path("/elsewhere/x.yaml") == "/elsewhere/x.yaml"  # as the user typed it
    result = read(str(DATA / "report-demo.json"))
    moved = replace(
        result,
        subjects=[
            replace(s, location=replace(s.location, file=str(demo))) if s.location else s
            for s in result.subjects
        ],
    )
    text = render(moved).decode()
    assert "cxlint/demo/campaign.yaml:" in text and str(PACKAGE) not in text
    assert os.sep + "site-packages" not in text

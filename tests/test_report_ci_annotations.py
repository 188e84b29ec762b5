"""`--format github` read back by a parser of GitHub's workflow-command syntax, and
`--format gitlab` validated by the Code Quality report format (issue 18, item 1)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cxlint.model import Finding, RunResult, Subject
from cxlint.report.github import render as github
from cxlint.report.gitlab import render as gitlab
from cxlint.report.json_report import read
from cxlint.report.paths import find_repo_root, located

DATA = Path(__file__).parent / "data"

# --- a parser of workflow commands, from GitHub's documentation ("Workflow commands for
# GitHub Actions") and its toolkit (core/src/command.ts): `::name key=value,key=value::data`.
# Data escapes %, CR, LF as %25, %0D, %0A; property values also : and , as %3A, %2C.
COMMAND = re.compile(r"::(?P<name>[a-z-]+)(?: (?P<props>[^:]*))?::(?P<data>.*)")
ANNOTATION_PROPERTIES = {"file", "line", "endLine", "col", "endColumn", "title"}


def unescape(text: str, prop: bool) -> str:
    codes = {"%0D": "\r", "%0A": "\n", "%25": "%"}
    if prop:
        codes.update({"%3A": ":", "%2C": ","})
    return re.sub("|".join(codes), lambda m: codes[m.group(0)], text)


def parse_commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    """Every command line of the output; raises on a line that looks like a command but is
    not a valid annotation."""
    found = []
    for line in output.split("\n"):
        if not line.startswith("::"):
            continue
        match = COMMAND.fullmatch(line)
        assert match, f"not a workflow command: {line!r}"
        props: dict[str, str] = {}
        for item in filter(None, (match["props"] or "").split(",")):
            key, sep, value = item.partition("=")
            assert sep and key in ANNOTATION_PROPERTIES, f"bad property {item!r} in {line!r}"
            assert not re.search(r"[:,\r\n]", value), f"unescaped property {item!r}"
            props[key] = unescape(value, prop=True)
        for number in ("line", "col", "endLine", "endColumn"):
            if number in props:
                assert props[number].isdigit() and int(props[number]) >= 1, line
        assert "\r" not in match["data"]
        found.append((match["name"], props, unescape(match["data"], prop=False)))
    return found


def test_the_parser_can_fail() -> None:
    with pytest.raises(AssertionError):
        parse_commands("::error file=a,b,line=1::x")  # a raw comma in a property
    with pytest.raises(AssertionError):
        parse_commands("::error line=x::message")


@pytest.fixture
def demo() -> RunResult:
    return read(str(DATA / "report-demo.json"))


def test_github_annotates_each_finding_on_its_manifest_line(demo: RunResult) -> None:
    commands = parse_commands(github(demo, repo_root=".").decode())
    live = [f for f in demo.findings if not f.acknowledged]
    assert len(commands) == len(live) > 3
    levels = {"error": "error", "warning": "warning", "info": "notice"}
    for (name, props, message), f in zip(commands, live, strict=True):
        assert name == levels[f.severity]
        assert props["file"] == "cxlint-demo.yaml"
        assert props["line"] == str(f.line) and props["col"] == str(f.column)
        assert props["title"] == f"{f.code} {f.rule}"
        assert message.startswith(f"{f.subject.label}: {f.message}\nFix: ")
        assert message.endswith(f"\nDocs: {f.help_uri}")


def test_github_escapes_what_would_break_or_inject_a_command(demo: RunResult) -> None:
    """A message from a hostile site (a page title) cannot end the annotation, start a new
    command (`::stop-commands::`, `::add-mask::`) or smuggle properties."""
    first = demo.subjects[1]
    hostile = "100% off,\r\n::stop-commands::token\n::error file=x::pwned"
    first.findings[0] = dataclasses.replace(
        first.findings[0], message=hostile, file="a,b:c%.yaml", what=None
    )
    out = github(demo, repo_root="/").decode()
    commands = parse_commands(out)
    assert [c for c in commands if c[0] not in ("error", "warning", "notice")] == []
    ((_, props, message),) = [c for c in commands if "pwned" in c[2]]
    assert props["file"].endswith("a,b:c%.yaml")
    assert hostile.replace("\r", "").replace("\n", " ") in message
    assert out.count("\n") == len(commands) + 1  # one line each, and the verdict


def test_github_leaves_out_acknowledged_findings_and_ends_with_the_verdict(
    demo: RunResult,
) -> None:
    out = github(demo).decode()
    assert sum(1 for f in demo.findings if f.acknowledged) >= 1
    assert "the CDN is switched on at launch" not in out
    assert out.splitlines()[-1].startswith("cxlint: Not ready: 6 errors")


def codequality_schema() -> dict[str, Any]:
    return json.loads((DATA / "gitlab-codequality.schema.json").read_text())


def validate_codequality(issues: Any) -> None:
    jsonschema.Draft202012Validator.check_schema(codequality_schema())
    jsonschema.validate(issues, codequality_schema(), cls=jsonschema.Draft202012Validator)


def test_the_code_quality_schema_can_fail() -> None:
    issue = {"description": "x", "check_name": "y", "fingerprint": "z", "severity": "minor",
             "location": {"path": "a", "lines": {"begin": 1}}}  # fmt: skip
    validate_codequality([issue])
    for bad in ({"severity": "error"}, {"location": {"path": "/abs/a", "lines": {"begin": 1}}},
                {"location": {"path": "a"}}):  # fmt: skip
        with pytest.raises(jsonschema.ValidationError):
            validate_codequality([{**issue, **bad}])


def test_gitlab_code_quality_matches_the_documented_format(demo: RunResult) -> None:
    issues = json.loads(gitlab(demo, repo_root="."))
    validate_codequality(issues)
    live = [f for f in demo.findings if not f.acknowledged]
    assert [i["fingerprint"] for i in issues] == [f.fingerprint for f in live]
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    by_rule = {i["check_name"]: i for i in issues}
    spring = by_rule["tracking-dropped"]
    assert spring["severity"] == "critical"
    assert spring["location"] == {"path": "cxlint-demo.yaml", "lines": {"begin": 76}}
    assert spring["description"].startswith("CX104 tracking-dropped: landing page /go/spring")
    assert {i["severity"] for i in issues} >= {"critical", "minor"}


def test_a_finding_without_a_line_points_at_the_manifest_start(demo: RunResult) -> None:
    site = Finding("search-not-found", "warning", Subject("site"), "No search.", {}, "Add one.",
                   file="cxlint-demo.yaml")  # fmt: skip
    demo.subjects[-1].findings.append(site)
    issues = json.loads(gitlab(demo, repo_root="."))
    validate_codequality(issues)
    assert issues[-1]["check_name"] == "search-not-found"
    assert issues[-1]["location"]["lines"] == {"begin": 1}
    (_, props, _) = parse_commands(github(demo, repo_root=".").decode())[-1]
    assert props == {"file": "cxlint-demo.yaml", "title": "search-not-found"}


# --- paths relative to the repository root ---------------------------------------------------


def test_the_repo_root_is_the_git_top_level_above_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    campaigns = tmp_path / "repo" / "campaigns" / "spring"
    campaigns.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(campaigns)
    assert find_repo_root("campaign.yaml") == (tmp_path / "repo").resolve()
    assert located("campaign.yaml", find_repo_root("campaign.yaml")) == (
        "campaigns/spring/campaign.yaml"
    )
    monkeypatch.chdir(elsewhere)  # no .git above: the current folder
    assert find_repo_root("x.yaml") == elsewhere.resolve()
    outside = str(tmp_path / "repo" / "campaigns" / "spring" / "campaign.yaml")
    assert located(outside, elsewhere) == outside  # outside the root: as given


def cxlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxlint", *args], capture_output=True, text=True, cwd=cwd,
        timeout=60, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip


def test_report_command_writes_both_formats_relative_to_repo_root(tmp_path: Path) -> None:
    """`cxlint report` from a subfolder: paths are relative to --repo-root."""
    repo = tmp_path / "repo"
    (repo / "ci").mkdir(parents=True)
    data = json.loads((DATA / "report-demo.json").read_text())
    for f in data["findings"]:
        f["file"] = "../campaigns/v710.yaml"  # as given when cxlint ran in repo/ci
    run_json = repo / "ci" / "run.json"
    run_json.write_text(json.dumps(data))
    out = repo / "ci" / "gl.json"
    run = cxlint("report", "run.json", "--format", "gitlab", "--repo-root", str(repo),
                 "--output", str(out), cwd=repo / "ci")  # fmt: skip
    assert run.returncode == 0, run.stderr
    issues = json.loads(out.read_text())
    validate_codequality(issues)
    assert {i["location"]["path"] for i in issues} == {"campaigns/v710.yaml"}
    run = cxlint("report", "run.json", "--format", "github", "--repo-root", str(repo),
                 cwd=repo / "ci")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert {p["file"] for _, p, _ in parse_commands(run.stdout)} == {"campaigns/v710.yaml"}

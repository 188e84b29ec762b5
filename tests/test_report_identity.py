"""Findings people can link to (issue 18, item 5): every finding carries its rule's `code`, a
stable `fingerprint` and a `help_uri`, and every format shows them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from cxlint import PROJECT_URL
from cxlint.catalogue import load_catalogue
from cxlint.demo import campaign_path
from cxlint.demo.store import DemoStore
from cxlint.model import Finding, Subject
from cxlint.report import FORMATS, reporter
from cxlint.report.json_report import read, to_dict
from cxlint.results.baseline import apply_baseline
from tests.rulecase import run_case
from tests.test_report_json import validate

DATA = Path(__file__).parent / "data"
DOCS = Path(__file__).parent.parent / "docs" / "rules.md"


def finding(**changes: object) -> Finding:
    base: dict[str, object] = {
        "rule": "tracking-missing",
        "severity": "error",
        "subject": Subject("landing_page", url="/lp?utm_source=a"),
        "message": "The campaign link has no utm_medium.",
        "evidence": {"missing": ["utm_medium"]},
        "fix": "Add utm_medium.",
    }
    return Finding(**{**base, **changes})  # type: ignore[arg-type]


def test_the_fingerprint_ignores_wording_evidence_severity_and_place() -> None:
    same = finding(
        message="other words",
        evidence={"missing": ["utm_medium", "utm_campaign"]},
        severity="warning",
        url="http://127.0.0.1:1234/lp",
        file="/abs/path/campaign.yaml",
        line=99,
    )
    assert same.fingerprint == finding().fingerprint
    assert re.fullmatch(r"[0-9a-f]{32}", finding().fingerprint)


@pytest.mark.parametrize(
    "other",
    [
        {"rule": "tracking-dropped"},
        {"subject": Subject("landing_page", url="/lp?utm_source=b")},
        {"subject": Subject("product", id="x1")},
        {"what": "space"},
    ],
)
def test_the_fingerprint_tells_rule_subject_and_what_apart(other: dict[str, object]) -> None:
    assert finding(**other).fingerprint != finding().fingerprint


def test_a_baseline_matches_by_the_fingerprint() -> None:
    demo = read(str(DATA / "report-demo.json"))
    marked = apply_baseline(demo, demo, "same.json")
    assert {f.baseline for f in marked.findings} == {"present"}
    # one rule, one subject, another of the rule's problems: a new finding
    first = next(s for s in demo.subjects if s.findings)
    first.findings.append(finding(rule=first.findings[0].rule, subject=first.subject, what="x"))
    marked = apply_baseline(demo, read(str(DATA / "report-demo.json")), "old.json")
    assert [f.baseline for f in marked.findings if f.what == "x"] == ["new"]


def test_json_findings_carry_code_fingerprint_and_help_uri() -> None:
    catalogue = load_catalogue()
    anchors = set(re.findall(r"^## ([a-z0-9-]+)$", DOCS.read_text(encoding="utf-8"), re.M))
    report = to_dict(read(str(DATA / "report-demo.json")))
    assert report["findings"]
    for f in report["findings"]:
        assert f["code"] == catalogue[f["rule"]].code
        assert re.fullmatch(r"CX\d{3}", f["code"])
        assert f["help_uri"] == f"{PROJECT_URL}/blob/main/docs/rules.md#{f['rule']}"
        assert f["help_uri"].startswith("https://")
        assert f["rule"] in anchors, f"docs/rules.md has no heading for {f['rule']}"
    fingerprints = [f["fingerprint"] for f in report["findings"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_a_report_read_back_keeps_code_and_what(tmp_path: Path) -> None:
    demo = read(str(DATA / "report-demo.json"))
    demo.findings[0].what = "space"
    demo.findings[0].code = "CX999"
    path = tmp_path / "r.json"
    path.write_bytes(reporter("json")(demo))
    again = read(str(path)).findings[0]
    assert (again.what, again.code) == ("space", "CX999")
    assert again.fingerprint == demo.findings[0].fingerprint


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_shows_code_and_link(fmt: str) -> None:
    demo = read(str(DATA / "report-demo.json"))
    text = reporter(fmt)(demo, color=False).decode()
    # the Markdown summary counts acknowledged findings without listing them; annotations
    # and Code Quality leave them out (the team accepts them)
    brief = fmt in ("markdown", "github", "gitlab")
    for f in [f for f in demo.findings if not (brief and f.acknowledged)]:
        assert f.code and f.code in text, (fmt, f.rule)
        assert f.help_uri in text, (fmt, f.rule)


def _check(store: DemoStore, out: Path) -> list[dict[str, object]]:
    run = subprocess.run(
        [sys.executable, "-m", "cxlint", "check", campaign_path(), "--base-url", store.url,
         "--format", "json", "--output", str(out)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    report = json.loads(out.read_text())
    validate(report)  # the published report schema, with the new fields
    # each subject's time is measured (JUnit shows it per test case)
    assert all(isinstance(s["seconds"], float) for s in report["subjects"])
    return report["findings"]


def test_fingerprints_are_the_same_on_another_server_and_run(tmp_path: Path) -> None:
    """Two demo stores on two ports, two runs: the same findings, the same fingerprints."""
    with DemoStore() as one, DemoStore() as two:
        assert one.port != two.port
        first = _check(one, tmp_path / "one.json")
        second = _check(two, tmp_path / "two.json")
    key = [(f["rule"], json.dumps(f["subject"], sort_keys=True)) for f in first]
    assert key == [(f["rule"], json.dumps(f["subject"], sort_keys=True)) for f in second]
    assert [f["fingerprint"] for f in first] == [f["fingerprint"] for f in second]
    fingerprints = [f["fingerprint"] for f in first]
    assert len(set(fingerprints)) == len(fingerprints) > 5
    assert all(f["code"] and f["help_uri"].startswith("https://") for f in first)


def test_a_rules_several_problems_on_one_subject_have_their_own_fingerprints(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """tracking-missing finds a space, a misspelt name and a missing one on one link: three
    findings, three fingerprints (GitLab and code scanning merge findings that share one)."""
    case = {
        "name": "three problems",
        "rule": "tracking-missing",
        "site": {"/lp": {"page": {"h1": "Spring"}}},
        "manifest": {"landing_pages": [{"url": "/lp?UTM_Source=a b"}]},
    }
    result = run_case(httpserver, case, tmp_path)
    found = [f for f in result.findings if f.rule == "tracking-missing"]
    assert len(found) == 3, [f.message for f in found]
    assert {f.what for f in found} == {"space", "misspelt", None}
    assert len({f.fingerprint for f in found}) == 3

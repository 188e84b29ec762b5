"""Every rule's cases from tests/rule_cases/<rule>.yaml, against a real local server: each rule
fires where it should and stays silent on the near-misses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from cxlint.checks import registry
from tests.rulecase import load_cases, run_case, subject_name

CASES = load_cases()
SPECS = registry()


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[name for name, _ in CASES])
def test_rule_case(httpserver: HTTPServer, case: dict[str, Any], tmp_path: Path) -> None:
    result = run_case(httpserver, case, tmp_path)
    rule = case["rule"]
    got = [f for f in result.findings if f.rule == rule]
    expected = case.get("expect", [])
    summary = [(subject_name(f.subject), f.message) for f in got]
    assert len(got) == len(expected), f"expected {len(expected)} finding(s), got {summary}"
    for finding, want in zip(got, expected, strict=True):
        if "subject" in want:
            assert subject_name(finding.subject) == want["subject"], summary
        for text in (
            [want["message"]] if isinstance(want.get("message"), str) else want.get("message", [])
        ):
            assert text in finding.message, f"{text!r} not in {finding.message!r}"
        for key, value in want.get("evidence", {}).items():
            assert finding.evidence.get(key) == value, (key, finding.evidence.get(key))
        if "severity" in want:
            assert finding.severity == want["severity"], (finding.severity, finding.message)
        assert finding.fix, "every finding says how to fix it"
    for finding in result.findings:  # each rule's evidence holds only the keys its type declares
        declared = SPECS[finding.rule].evidence
        keys = declared.__required_keys__ | declared.__optional_keys__
        assert set(finding.evidence) <= keys, (finding.rule, set(finding.evidence) - keys)
    if "skipped" in case:
        reasons = [
            c.reason or ""
            for s in result.subjects
            for c in s.checks
            if c.rule == rule and c.status == "skipped"
        ]
        assert any(case["skipped"] in r for r in reasons), reasons
    else:
        statuses = {c.status for s in result.subjects for c in s.checks if c.rule == rule}
        assert statuses, f"rule {rule} never ran"
        assert "skipped" not in statuses or expected, "a near-miss must be checked, not skipped"

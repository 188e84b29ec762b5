"""SARIF 2.1.0, validated against the official OASIS schema (tests/data), with results at the
manifest lines that declared their subjects, as GitHub code scanning needs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cxlint.catalogue import load_catalogue
from cxlint.model import RunResult
from cxlint.report.json_report import read
from cxlint.report.sarif import FINGERPRINT, one_line, render
from cxlint.results.baseline import apply_baseline

DATA = Path(__file__).parent / "data"


@pytest.fixture
def demo() -> RunResult:
    return read(str(DATA / "report-demo.json"))


def sarif(result: RunResult, **kw: Any) -> dict[str, Any]:
    return json.loads(render(result, **kw))


def validate(document: dict[str, Any]) -> None:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = list(validator.iter_errors(document))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
    )


def test_valid_against_the_official_schema(demo: RunResult) -> None:
    validate(sarif(demo))


def test_the_schema_check_can_fail(demo: RunResult) -> None:
    document = sarif(demo)
    document["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError, match="fatal"):
        validate(document)


def test_one_run_with_the_catalogue_as_rules(demo: RunResult) -> None:
    document = sarif(demo)
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    catalogue = load_catalogue()
    assert set(catalogue) <= set(rules)
    rule = rules["tracking-dropped"]
    doc = catalogue["tracking-dropped"]
    assert rule["name"] == "TrackingDropped"
    # one line, as viewers show it for the rule's title; the whole summary is in help
    assert rule["shortDescription"]["text"] == one_line(doc.summary)
    assert doc.summary in rule["help"]["text"]
    for descriptor in rules.values():
        short = descriptor.get("shortDescription", {"text": "x."})["text"]
        assert "\n" not in short and short.endswith(".")
    assert rule["fullDescription"]["text"] == doc.why
    assert doc.fix in rule["help"]["text"] and doc.fix in rule["help"]["markdown"]
    assert rule["defaultConfiguration"]["level"] == "error"
    assert rule["helpUri"].endswith("/docs/rules.md#tracking-dropped")
    assert rule["properties"]["code"] == doc.code


def test_a_rule_unknown_to_this_catalogue_still_gets_a_descriptor(demo: RunResult) -> None:
    """slow-page in the saved run may come from a newer cxlint: its result must stay valid."""
    run = sarif(demo)["runs"][0]
    result = next(r for r in run["results"] if r["ruleId"] == "slow-page")
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "slow-page"


def test_results_sit_at_the_manifest_line_of_their_subject(demo: RunResult) -> None:
    run = sarif(demo)["runs"][0]
    assert len(run["results"]) == len(demo.findings)
    rules = run["tool"]["driver"]["rules"]
    for result, finding in zip(run["results"], demo.findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": "cxlint-demo.yaml", "uriBaseId": "SRCROOT"}
        assert physical["region"] == {"startLine": finding.line, "startColumn": finding.column}
    spring = next(r for r in run["results"] if r["ruleId"] == "tracking-dropped")
    assert spring["locations"][0]["physicalLocation"]["region"]["startLine"] == 76
    assert spring["level"] == "error"
    assert "dropped at hop 1" in spring["message"]["text"]
    partial = next(r for r in run["results"] if r["ruleId"] == "search-partial-match")
    assert partial["level"] == "warning"


def test_the_manifest_uri_is_relative_to_the_repository_root(
    demo: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from a subfolder of a git checkout, with the manifest named relative to it: the
    URI is relative to the checkout's top level, with uriBaseId, as code scanning needs."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "ci").mkdir()
    demo.campaign["manifest"] = "../campaigns/spring sale.yaml"
    for finding in demo.findings:
        finding.file = "../campaigns/spring sale.yaml"
    monkeypatch.chdir(tmp_path / "ci")
    want = {"uri": "campaigns/spring%20sale.yaml", "uriBaseId": "SRCROOT"}
    for document in (sarif(demo), sarif(demo, repo_root=str(tmp_path))):
        run = document["runs"][0]
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
        assert uris == [want] * len(demo.findings)
        assert run["artifacts"] == [{"location": want, "roles": ["analysisTarget"]}]
        assert set(run["originalUriBaseIds"]) == {"SRCROOT"}
        assert str(tmp_path) not in json.dumps(document)  # no machine's folders
        validate(document)
    # --repo-root names another root: the path is relative to it
    run = sarif(demo, repo_root=str(tmp_path / "campaigns"))["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "spring%20sale.yaml", "uriBaseId": "SRCROOT"}
    # outside the root: as given, without a base
    run = sarif(demo, repo_root=str(tmp_path / "ci"))["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "../campaigns/spring%20sale.yaml"}


def test_fingerprints_survive_moved_lines_and_new_wording(demo: RunResult) -> None:
    before = {r["partialFingerprints"][FINGERPRINT] for r in sarif(demo)["runs"][0]["results"]}
    for finding in demo.findings:
        finding.line = (finding.line or 0) + 10
        finding.message += " (reworded)"
    after = {r["partialFingerprints"][FINGERPRINT] for r in sarif(demo)["runs"][0]["results"]}
    assert before == after
    assert len(before) == len({f.key for f in demo.findings})


def test_acknowledged_findings_are_suppressed_in_source(demo: RunResult) -> None:
    run = sarif(demo)["runs"][0]
    slow = next(r for r in run["results"] if r["ruleId"] == "slow-page")
    assert slow["level"] == "note"
    assert slow["suppressions"] == [
        {"kind": "inSource", "justification": "the CDN is switched on at launch"}
    ]
    assert all("suppressions" not in r for r in run["results"] if r["ruleId"] != "slow-page")


def test_baseline_states_and_fixed_findings(demo: RunResult) -> None:
    result = apply_baseline(demo, read(str(DATA / "report-old.json")), "old.json")
    document = sarif(result)
    validate(document)
    run = document["runs"][0]
    states = {(r["ruleId"], r["baselineState"]) for r in run["results"]}
    assert ("redirect-to-generic", "new") in states
    assert ("tracking-dropped", "unchanged") in states
    # fixed findings are not results: a viewer would raise them as alerts
    assert [f["ruleId"] for f in run["properties"]["fixed"]] == ["page-unreachable"]
    assert run["properties"]["baseline"] == "old.json"

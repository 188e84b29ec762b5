"""JUnit XML, read by junitparser (as CI plugins read it) and validated against the JUnit XSD
that Jenkins' xUnit plugin and GitLab accept (tests/data/junit-10.xsd)."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
from junitparser import Failure, JUnitXml, Skipped
from lxml import etree

from cxlint.model import Check, RunResult, SubjectType
from cxlint.report.json_report import read
from cxlint.report.junit import SUITES, render
from cxlint.results.baseline import apply_baseline

DATA = Path(__file__).parent / "data"


@pytest.fixture
def demo() -> RunResult:
    return read(str(DATA / "report-demo.json"))


def parse(result: RunResult, tmp_path: Path) -> JUnitXml:
    path = tmp_path / "junit.xml"
    path.write_bytes(render(result))
    return JUnitXml.fromfile(str(path))


def assert_valid(data: bytes) -> None:
    schema = etree.XMLSchema(etree.parse(str(DATA / "junit-10.xsd")))
    document = etree.fromstring(data)
    assert schema.validate(document), schema.error_log.last_error


def test_valid_against_the_junit_xsd(demo: RunResult) -> None:
    assert_valid(render(demo))


def test_the_xsd_check_can_fail() -> None:
    with pytest.raises(AssertionError):
        assert_valid(b'<testsuites><testsuite name="x"><testcase/></testsuite></testsuites>')


def test_a_suite_per_subject_type_and_a_case_per_subject(demo: RunResult, tmp_path: Path) -> None:
    xml = parse(demo, tmp_path)
    suites = {suite.name: suite for suite in xml}
    assert list(suites) == ["site", "landing pages", "products"]
    assert suites["landing pages"].tests == 5
    assert suites["products"].tests == 3
    assert sum(suite.tests for suite in xml) == len(demo.subjects)
    names = [case.name for case in suites["products"]]
    assert names == ["product v710", "product e815", "product h500"]
    assert all(case.classname == "cxlint.product" for case in suites["products"])


def test_a_failure_per_error_with_message_and_evidence(demo: RunResult, tmp_path: Path) -> None:
    xml = parse(demo, tmp_path)
    cases = {case.name: case for suite in xml for case in suite}
    spring = cases["/go/spring?utm_source=newsletter&utm_medium=email&utm_campaign=v710-launch"]
    (failure,) = [r for r in spring.result if isinstance(r, Failure)]
    assert failure.type == "tracking-dropped"
    assert failure.message.startswith("A redirect loses the campaign's tracking parameters")
    assert "dropped at hop 1" in failure.text
    assert "fix: Make the redirect at /go/spring keep the query string" in failure.text
    assert "manifest: cxlint-demo.yaml:76" in failure.text
    # one <failure> per failing case: the first error, the others in its text
    v710 = cases["product v710"]
    (failure,) = v710.result
    assert failure.type == "model-not-on-product-page"
    assert failure.message.endswith("never shows its model number V710. (and 1 more)")
    assert failure.text.startswith("1. model-not-on-product-page: The product page of")
    assert "\n\n2. search-misses-product: " in failure.text
    assert 'search "V710" (model): 0 results, product absent' in failure.text
    failing = {f.subject.key for f in demo.findings if f.severity == "error" and not f.acknowledged}
    assert [len(case.result) for case in cases.values() if case.result] == [1] * len(failing)


def test_failures_count_failing_subjects(demo: RunResult, tmp_path: Path) -> None:
    xml = parse(demo, tmp_path)
    suites = {suite.name: suite for suite in xml}
    assert suites["landing pages"].failures == 3
    assert suites["products"].failures == 1
    assert suites["site"].failures == 0


def test_warnings_and_acknowledged_findings_pass_with_their_text_in_system_out(
    demo: RunResult, tmp_path: Path
) -> None:
    cases = {case.name: case for suite in parse(demo, tmp_path) for case in suite}
    h500 = cases["product h500"]
    assert h500.is_passed
    assert "warning search-partial-match: Searching the site for" in h500.system_out
    e815 = cases["/lp/e815?utm_source=google&utm_medium=cpc&utm_campaign=v710-launch"]
    assert e815.is_passed
    assert "acknowledged info slow-page" in e815.system_out
    assert "acknowledged: the CDN is switched on at launch" in e815.system_out


def test_a_subject_nothing_could_judge_is_skipped(demo: RunResult, tmp_path: Path) -> None:
    subject = demo.subjects[0]
    subject.checks = [Check("search-not-found", "skipped", "search rules are not enabled")]
    cases = {case.name: case for suite in parse(demo, tmp_path) for case in suite}
    (skipped,) = cases["site"].result
    assert isinstance(skipped, Skipped)
    assert skipped.message == "search rules are not enabled"
    assert_valid(render(demo))


def test_site_text_cannot_break_the_xml(demo: RunResult, tmp_path: Path) -> None:
    finding = demo.findings[0]
    evil = 'ok]]></failure><x a="1"/>\x00\x1b[31m\ufffe & <b>'
    finding.message = evil
    finding.evidence = {"title": evil}
    data = render(demo)
    assert_valid(data)
    cases = [case for suite in parse(demo, tmp_path) for case in suite]
    failure = next(r for case in cases for r in case.result if r.type == finding.rule)
    assert failure.message == 'ok]]></failure><x a="1"/>[31m & <b> (and 1 more)'


def test_baseline_marks_failures_and_lists_fixed(demo: RunResult, tmp_path: Path) -> None:
    result = apply_baseline(demo, read(str(DATA / "report-old.json")), "old.json")
    data = render(result)
    assert_valid(data)
    cases = {case.name: case for suite in parse(result, tmp_path) for case in suite}
    v710 = cases["/v710?utm_source=vanityfair&utm_medium=print&utm_campaign=v710-launch"]
    (failure,) = v710.result
    assert failure.message.startswith("[new] ")
    assert "\n2. product-not-on-page: " in failure.text
    assert "which the campaign promises. [still present]" in failure.text
    h500 = cases["/go/h500?utm_source=facebook&utm_medium=social&utm_campaign=v710-launch"]
    assert "fixed since old.json: page-unreachable" in h500.system_out


def test_an_empty_run_is_still_valid() -> None:
    empty = RunResult(
        tool={"name": "cxlint", "version": "0"}, campaign={}, started="", finished="", origin=""
    )
    assert_valid(render(empty))


def test_every_subject_type_has_a_suite() -> None:
    """A subject type without a suite would drop its findings from the test tab."""
    assert set(SUITES) == set(get_args(SubjectType))


def test_times_are_real(demo: RunResult, tmp_path: Path) -> None:
    """Each case the seconds its subject took, each suite their sum, the whole the run's."""
    for number, subject in enumerate(demo.subjects, 1):
        subject.seconds = number / 4
    data = render(demo)
    assert_valid(data)
    xml = parse(demo, tmp_path)
    times = {case.name: case.time for suite in xml for case in suite}
    assert times["product v710"] == next(s.seconds for s in demo.subjects if s.subject.id == "v710")
    for suite in xml:
        assert suite.time == pytest.approx(sum(case.time for case in suite))
    assert float(etree.fromstring(data).get("time")) == demo.stats["seconds"] > 0

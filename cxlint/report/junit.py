"""JUnit XML for the test tabs of Jenkins, GitLab and friends.

One <testsuite> per subject type, one <testcase> per subject. A failing testcase has one
<failure> (CI tools and the JUnit XSD expect at most one): its first error's rule and message,
and in its text every error of the subject with its evidence, fix, docs and manifest line.
Times are real: each testcase the seconds its subject took (wall time, waits for the shared
rate limits included), each suite the sum of its cases, the whole the run's duration.

Warnings and info do not fail a testcase: they are listed in its <system-out>. CI test tabs
show every failure as a red, broken test, and cxlint's default gate (`--fail-on error`) lets
warnings pass, so the test tab and the exit code tell the same story. Acknowledged errors
(a manifest `ignore:`) are listed there too, with their reason. A subject none of whose checks
could be judged is <skipped>, with the reasons.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from cxlint.model import Finding, RunResult, SubjectResult
from cxlint.report import summary
from cxlint.report.evidence import lines

SUITES = {
    "site": "site",
    "landing_page": "landing pages",
    "product": "products",
    "creative_link": "creative links",
}
_MARKS = {"new": "new", "present": "still present"}
# characters XML 1.0 cannot carry at all, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: Any) -> str:
    return _NOT_XML.sub("", str(text))


def _seconds(value: Any) -> str:
    return f"{float(value or 0):.3f}"


def render(result: RunResult, **_: Any) -> bytes:
    counts = summary(result)
    root = ET.Element(
        "testsuites",
        name=_x(f"cxlint: {result.campaign.get('name') or 'campaign'}"),
        tests=str(len(result.subjects)),
        failures=str(sum(1 for s in result.subjects if _errors(s))),
        errors="0",
        time=_seconds(counts["seconds"]),
    )
    fixed_by_subject: dict[str, list[Finding]] = {}
    for f in result.fixed:
        fixed_by_subject.setdefault(f.subject.key, []).append(f)
    for kind, title in SUITES.items():
        subjects = [s for s in result.subjects if s.subject.type == kind]
        if subjects:
            root.append(_suite(result, kind, title, subjects, fixed_by_subject))
    ET.indent(root, space="  ")
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written + b"\n"


def _suite(
    result: RunResult,
    kind: str,
    title: str,
    subjects: list[SubjectResult],
    fixed: dict[str, list[Finding]],
) -> ET.Element:
    suite = ET.Element(
        "testsuite",
        name=title,
        tests=str(len(subjects)),
        failures=str(sum(1 for s in subjects if _errors(s))),
        errors="0",
        skipped=str(sum(1 for s in subjects if _all_skipped(s))),
        time=_seconds(sum(s.seconds or 0 for s in subjects)),
        timestamp=_x(result.started),
        package=f"cxlint.{kind}",
        file=_x(result.campaign.get("manifest") or ""),
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("campaign", result.campaign.get("name")),
        ("campaign.id", result.campaign.get("id")),
        ("origin", result.origin),
        ("cxlint.version", result.tool.get("version")),
        ("baseline", result.baseline),
    ):
        if value:
            ET.SubElement(properties, "property", name=name, value=_x(value))
    for subject in subjects:
        suite.append(_case(result, kind, subject, fixed.get(subject.subject.key, [])))
    return suite


def _case(result: RunResult, kind: str, subject: SubjectResult, fixed: list[Finding]) -> ET.Element:
    case = ET.Element(
        "testcase",
        name=_x(_name(subject)),
        classname=f"cxlint.{kind}",
        time=_seconds(subject.seconds),
    )
    errors = _errors(subject)
    if errors:
        first = errors[0]
        mark = f"[{_MARKS[first.baseline]}] " if first.baseline else ""
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        failure = ET.SubElement(
            case, "failure", type=first.rule, message=_x(mark + first.message + more)
        )
        text: list[str] = []
        for number, f in enumerate(errors, 1):
            if len(errors) > 1:  # each error headed by its number, rule and message
                if number > 1:
                    text.append("")
                mark = f" [{_MARKS[f.baseline]}]" if f.baseline else ""
                text.append(f"{number}. {f.rule}: {f.message}{mark}")
            text += _details(result, f)
        failure.text = _x("\n".join(text))
    if _all_skipped(subject):
        reasons = sorted({c.reason or "" for c in subject.checks})
        ET.SubElement(case, "skipped", message=_x("; ".join(reasons)))
    out = _system_out(result, subject, fixed)
    if out:
        ET.SubElement(case, "system-out").text = _x(out)
    return case


def _name(subject: SubjectResult) -> str:
    s = subject.subject
    if s.type == "product":
        return f"product {s.id}"
    if s.type == "creative_link":
        return f"{s.url} in {s.file}"
    return s.url or s.type


def _errors(subject: SubjectResult) -> list[Finding]:
    return [f for f in subject.findings if f.severity == "error" and not f.acknowledged]


def _all_skipped(subject: SubjectResult) -> bool:
    return bool(subject.checks) and all(c.status == "skipped" for c in subject.checks)


def _details(result: RunResult, f: Finding) -> list[str]:
    """Evidence, fix, manifest line and baseline mark: what a failure's text holds."""
    out = lines(f.evidence, result.origin)
    out.append(f"fix: {f.fix}")
    out.append(f"rule: {f.rule}{f' ({f.code})' if f.code else ''} {f.help_uri}")
    out.append(f"fingerprint: {f.fingerprint}")
    if f.line is not None:
        out.append(f"manifest: {f.file}:{f.line}")
    if f.baseline:
        out.append(f"baseline: {_MARKS[f.baseline]} since {result.baseline}")
    if f.acknowledged:
        out.append(f"acknowledged: {f.acknowledged}")
    return out


def _system_out(result: RunResult, subject: SubjectResult, fixed: list[Finding]) -> str:
    out: list[str] = []
    for f in subject.findings:
        if f.severity == "error" and not f.acknowledged:
            continue
        label = f"acknowledged {f.severity}" if f.acknowledged else f.severity
        out.append(f"{label} {f.rule}: {f.message}")
        out += [f"    {line}" for line in _details(result, f)]
    for c in subject.checks:
        if c.status == "skipped" and not _all_skipped(subject):
            out.append(f"skipped {c.rule}: {c.reason}")
    passed = [c.rule for c in subject.checks if c.status == "passed"]
    if passed:
        out.append("passed: " + ", ".join(passed))
    for f in fixed:
        out.append(f"fixed since {result.baseline}: {f.rule} ({f.message})")
    return "\n".join(out)

"""Applying the rules to one subject: facts in, checks and findings out. Pure: no fetching,
no state; each finding's severity is stamped from the catalogue and the manifest, and a
minor issue one level milder.
"""

from __future__ import annotations

from typing import Any

from cxlint.checks import CheckSpec, Skip
from cxlint.engine.plan import ActiveRule
from cxlint.model import Check, Finding, Ignore, Issue, Location, SubjectResult, verdict
from cxlint.page import Page


def apply_rules(
    rules: dict[str, ActiveRule],
    specs: dict[str, CheckSpec],
    result: SubjectResult,
    ctx: Any,
    page: Page | None,
    ignores: list[Ignore],
    manifest: str,
) -> None:
    """Run every active rule for this kind of subject on `ctx`, recording how each went."""
    kind = result.subject.type
    acknowledged = {i.rule: i.reason for i in ignores}
    for name, active in rules.items():
        if kind not in active.rule.subjects:
            continue
        spec = specs.get(name)
        if spec is None:
            result.checks.append(Check(name, "skipped", "not implemented in this version"))
            continue
        if spec.needs_page and page is None:
            result.checks.append(Check(name, "skipped", "the page could not be opened"))
            continue
        try:
            issues = list(spec.fn(ctx, active.options))
        except Skip as skip:
            result.checks.append(Check(name, "skipped", skip.reason))
            continue
        except Exception as exc:  # noqa: BLE001 - one broken rule must not stop the run
            reason = f"cxlint failed inside this rule ({exc.__class__.__name__})"
            result.checks.append(Check(name, "skipped", reason))
            continue
        result.checks.append(verdict(name, bool(issues)))
        seen: set[str | None] = set()
        for number, issue in enumerate(issues, 1):
            if page is not None and page.partial:  # judged on part of the page: say so
                issue.evidence.setdefault("partial_page", page.partial)
            if issue.what in seen:  # fingerprints stay unique within a run
                issue.what = f"{issue.what or ''}#{number}"
            seen.add(issue.what)
            result.findings.append(finding(active, result, issue, acknowledged.get(name), manifest))


def skipped_all(rules: dict[str, ActiveRule], kind: str, reason: str) -> list[Check]:
    """Every active rule of a kind of subject, skipped for one reason."""
    return [
        Check(name, "skipped", reason)
        for name, active in rules.items()
        if kind in active.rule.subjects
    ]


def finding(
    active: ActiveRule,
    result: SubjectResult,
    issue: Issue,
    acknowledged: str | None,
    manifest: str,
) -> Finding:
    location: Location | None = result.location
    severity = _milder(active.severity) if issue.minor else active.severity
    return Finding(
        rule=active.rule.name,
        severity=severity,  # type: ignore[arg-type]
        subject=result.subject,
        message=issue.message,
        evidence=issue.evidence,
        fix=issue.fix or active.rule.fix,
        url=issue.url or result.url,
        file=location.file if location else manifest,
        line=location.line if location else None,
        column=location.column if location else None,
        acknowledged=acknowledged,
        code=active.rule.code,
        what=issue.what,
    )


def _milder(severity: str) -> str:
    """One level below `severity`, for an Issue marked minor (info stays info)."""
    return {"error": "warning", "warning": "info"}.get(severity, "info")

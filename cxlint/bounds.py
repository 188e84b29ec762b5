"""Bounds what one finding can put in a report, the same for every format.

Findings quote the site: a page's title, its headings, the URL it redirected to, a form's
action. A hostile or broken page can make any of these megabytes long (a 5 MB <title>, a
hundred thousand <h1>s), and every format repeats them. So, once a run is done and its
secrets are masked (cutting first could leave half a secret for the mask to miss), each
finding's text is cut with "…" and its lists are shortened, here and nowhere else; the
reporters draw what they are given.

Subjects are left whole: they are what the manifest wrote, bounded there, and they identify
a subject across runs (baselines, shards).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from cxlint.model import Check, Finding, RunResult, SubjectResult
from cxlint.redact import MASK

T = TypeVar("T")

# Far above anything a reader needs from one value (a long tracking URL is a few hundred
# characters), and small enough that a finding stays a few kilobytes in every format.
MAX_TEXT = 2000
MAX_ITEMS = 50  # items of one list in the evidence (headings, forms, numbers on the page)
ELLIPSIS = "…"


def cut(text: str, limit: int = MAX_TEXT) -> str:
    """`text` itself when it fits in `limit` characters, else its start and "…". A redaction
    mask is kept whole or left out, never cut: "**…" would read as a shortened value."""
    if len(text) <= limit:
        return text
    end = limit - len(ELLIPSIS)
    moved = True
    while moved:  # back off masks that straddle the cut (masks can stand side by side)
        moved = False
        for inside in range(1, len(MASK)):
            if end - inside >= 0 and text.startswith(MASK, end - inside):
                end -= inside
                moved = True
                break
    return text[:end] + ELLIPSIS


def bounded(value: T) -> T:
    """`value` (strings, lists, tuples, dicts of them) with every string cut and every list
    shortened; a list of strings says how many were left out. Unchanged parts are shared."""
    if isinstance(value, str):
        return cut(value)  # type: ignore[return-value]
    if isinstance(value, dict):
        items = [(k, bounded(v)) for k, v in value.items()]
        if all(v is old for (_, v), old in zip(items, value.values(), strict=True)):
            return value
        return dict(items)  # type: ignore[return-value]
    if isinstance(value, list | tuple):
        kept: list[Any] = list(value[:MAX_ITEMS])
        if len(value) > MAX_ITEMS and all(isinstance(v, str) for v in kept):
            kept[-1] = f"{ELLIPSIS} and {len(value) - MAX_ITEMS + 1:,} more"
        new = [bounded(v) for v in kept]
        if len(value) <= MAX_ITEMS and all(n is o for n, o in zip(new, value, strict=True)):
            return value
        return type(value)(new)  # type: ignore[return-value]
    return value


def bound_result(result: RunResult) -> RunResult:
    """`result` with each finding's message, fix, URL and evidence, each skipped check's
    reason and the site search's description within bounds (see the module's docstring)."""
    subjects = [_subject(s) for s in result.subjects]
    changes: dict[str, Any] = {}
    if any(new is not old for new, old in zip(subjects, result.subjects, strict=True)):
        changes["subjects"] = subjects
    search = bounded(result.search)
    if search is not result.search:
        changes["search"] = search
    fixed = [_finding(f) for f in result.fixed]
    if any(new is not old for new, old in zip(fixed, result.fixed, strict=True)):
        changes["fixed"] = fixed
    return dataclasses.replace(result, **changes) if changes else result


def _subject(subject: SubjectResult) -> SubjectResult:
    if not subject.findings and not any(
        c.reason and len(c.reason) > MAX_TEXT for c in subject.checks
    ):
        return subject  # most subjects of a big run: nothing to walk
    findings = [_finding(f) for f in subject.findings]
    checks = [
        Check(c.rule, c.status, cut(c.reason)) if c.reason and len(c.reason) > MAX_TEXT else c
        for c in subject.checks
    ]
    if all(n is o for n, o in zip(findings, subject.findings, strict=True)) and all(
        n is o for n, o in zip(checks, subject.checks, strict=True)
    ):
        return subject
    return dataclasses.replace(subject, findings=findings, checks=checks)


def _finding(finding: Finding) -> Finding:
    changes = {
        name: new
        for name in ("message", "fix", "url", "evidence")
        if (new := bounded(old := getattr(finding, name))) is not old
    }
    return dataclasses.replace(finding, **changes) if changes else finding

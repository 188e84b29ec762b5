"""Baselines: compare a run with an earlier one, so a team can adopt cxlint on a site that
already has problems and fail only on what is new.

A finding is matched by its identity (Finding.identity, hashed as its `fingerprint` in every
report): its rule, its subject and which of the rule's problems, never its wording or a
count: a redirect that now drops two parameters instead of three is the same problem, still
present. A baseline finding is *fixed* only when this run checked the same subject with the
same rule and it passed; a subject outside this shard, or a rule that was skipped or not
selected, proves nothing either way.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from cxlint.model import Finding, RunResult


def apply_baseline(result: RunResult, old: RunResult, name: str) -> RunResult:
    """A copy of `result` with each finding marked new or present and the fixed ones listed.

    `name` is how reports refer to the baseline (its file name).
    """
    known = {f.identity for f in old.findings}
    subjects = []
    for subject in result.subjects:
        findings = [
            dataclasses.replace(f, baseline="present" if f.identity in known else "new")
            for f in subject.findings
        ]
        subjects.append(dataclasses.replace(subject, findings=findings))
    passed = {
        f"{check.rule}|{subject.subject.key}"
        for subject in result.subjects
        for check in subject.checks
        if check.status == "passed"
    }
    still = {f.identity for f in result.findings}
    fixed = [
        dataclasses.replace(f, baseline=None)
        for f in old.findings
        if f.key in passed and f.identity not in still
    ]
    return dataclasses.replace(result, subjects=subjects, baseline=name, fixed=_unique(fixed))


def baseline_name(path: str) -> str:
    """The baseline as reports name it: its file name, never a full local path."""
    return Path(path).name


def _unique(findings: list[Finding]) -> list[Finding]:
    """One fixed entry per identity, even when the baseline had several."""
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.identity not in seen:
            seen.add(f.identity)
            out.append(f)
    return out

"""GitLab Code Quality: the JSON array GitLab reads from `artifacts:reports:codequality` and
shows in merge requests and pipelines (docs.gitlab.com/ci/testing/code_quality, "Code
Quality report format"), one issue per finding not acknowledged.

GitLab compares a merge request's report with its target branch's by `fingerprint`, so it is
the finding's stable fingerprint (the same as in the JSON and SARIF reports). Severities:
error → critical (cxlint's default gate fails on it), warning → minor, info → info.
"""

from __future__ import annotations

import json
from typing import Any

from cxlint.model import Finding, RunResult
from cxlint.report.paths import located, root_for

SEVERITIES = {"error": "critical", "warning": "minor", "info": "info"}


def render(result: RunResult, *, repo_root: str | None = None, **_: Any) -> bytes:
    root = root_for(result.campaign.get("manifest"), repo_root)
    issues = [_issue(f, located(f.file, root)) for f in result.findings if not f.acknowledged]
    return (json.dumps(issues, indent=2, ensure_ascii=False) + "\n").encode()


def _issue(f: Finding, path: str) -> dict[str, Any]:
    name = f"{f.code} {f.rule}" if f.code else f.rule
    return {
        "type": "issue",  # Code Climate's spec, which GitLab's format derives from
        "check_name": f.rule,
        "description": f"{name}: {f.subject.label}: {f.message}",
        "content": {"body": f"{f.fix}\n\n[{name}]({f.help_uri})"},
        "categories": ["Bug Risk"],
        "fingerprint": f.fingerprint,
        "severity": SEVERITIES.get(f.severity, "minor"),
        "location": {"path": path, "lines": {"begin": f.line or 1}},
    }

"""SARIF 2.1.0, so GitHub code scanning (and other SARIF viewers) annotate the manifest.

One run. `tool.driver.rules` is the whole catalogue with its documentation (a one-line
`shortDescription`, as viewers show it as the rule's title); each result is located at the
manifest line that declared its subject, by a URI relative to the repository root
(`uriBaseId` SRCROOT: --repo-root, else the git top level above the manifest) as GitHub code
scanning needs it. `partialFingerprints` carry the finding's fingerprint (its rule, subject
and what), so an alert keeps its identity when the manifest's lines move. Acknowledged
findings carry an in-source suppression (the manifest's `ignore:`). With a baseline, results
carry `baselineState` (new / unchanged); fixed findings are listed in the run's properties,
not as results, so viewers never raise them as alerts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cxlint.catalogue import Rule
from cxlint.model import Finding, RunResult, help_uri
from cxlint.report import rules_of
from cxlint.report.evidence import lines
from cxlint.report.paths import located, repo_path, root_for

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "cxlintFinding/v1"
SRCROOT = "SRCROOT"  # GitHub code scanning reads URIs relative to the repository root
_BASELINE_STATES = {"new": "new", "present": "unchanged"}


def render(
    result: RunResult,
    *,
    catalogue: dict[str, Rule] | None = None,
    repo_root: str | None = None,
    **_: Any,
) -> bytes:
    root = root_for(result.campaign.get("manifest"), repo_root)
    rules = rules_of(catalogue)
    used = sorted({f.rule for f in result.findings} - set(rules))
    descriptors = [_rule(r, result) for r in rules.values()] + [{"id": name} for name in used]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "cxlint",
                "version": result.tool.get("version", ""),
                "semanticVersion": result.tool.get("version", ""),
                "informationUri": result.tool.get("url", ""),
                "rules": descriptors,
            }
        },
        "automationDetails": {"id": f"cxlint/{result.campaign.get('id') or 'campaign'}/"},
        "invocations": [_invocation(result)],
        "results": [_result(f, result, index, root) for f in result.findings],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "campaign": result.campaign,
            "origin": result.origin,
        },
    }
    artifacts = {json.dumps(_artifact(f.file, root)) for f in result.findings if f.file}
    if artifacts:
        run["artifacts"] = [
            {"location": json.loads(item), "roles": ["analysisTarget"]}
            for item in sorted(artifacts)
        ]
    if any('"uriBaseId"' in item for item in artifacts):
        # no "uri": the root's absolute path is the runner's business, not the report's
        run["originalUriBaseIds"] = {
            SRCROOT: {"description": {"text": "The root of the repository holding the manifest."}}
        }
    if result.baseline is not None:
        run["properties"]["baseline"] = result.baseline
        run["properties"]["fixed"] = [
            {
                "ruleId": f.rule,
                "subject": f.subject.as_dict(),
                "message": f.message,
                "fingerprint": f.fingerprint,
            }
            for f in result.fixed
        ]
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return (json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n").encode()


def _rule(rule: Rule, result: RunResult) -> dict[str, Any]:
    help_text = (
        f"{rule.summary}\n\nWhy it matters: {rule.why}\n\nHow to fix: {rule.fix}\n\n"
        f"Example:\n{rule.example}"
    )
    help_markdown = (
        f"{rule.summary}\n\n**Why it matters.** {rule.why}\n\n**How to fix.** {rule.fix}\n\n"
        f"**Example**\n\n```\n{rule.example}\n```\n\n"
        f"Run `cxlint explain {rule.name}` for the rule's options."
    )
    descriptor: dict[str, Any] = {
        "id": rule.name,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": one_line(rule.summary)},
        "fullDescription": {"text": rule.why},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "helpUri": help_uri(rule.name),
        "properties": {"tags": ["cxlint", *rule.subjects], "subject": list(rule.subjects)},
    }
    if rule.code:
        descriptor["properties"]["code"] = rule.code
    return descriptor


def _invocation(result: RunResult) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    for key, value in (("startTimeUtc", result.started), ("endTimeUtc", result.finished)):
        if value:
            invocation[key] = value.replace("+00:00", "Z")
    return invocation


def _result(f: Finding, result: RunResult, index: dict[str, int], root: Path) -> dict[str, Any]:
    evidence = lines(f.evidence, result.origin)
    text = f.message
    if evidence:
        text += "\n\nEvidence:\n" + "\n".join(f"- {line}" for line in evidence)
    text += f"\n\nFix: {f.fix}"
    item: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": LEVELS.get(f.severity, "warning"),
        "message": {"text": text},
        "locations": [_location(f, root)],
        "partialFingerprints": {FINGERPRINT: f.fingerprint},
        "properties": {
            "code": f.code,
            "helpUri": f.help_uri,
            "subject": f.subject.as_dict(),
            "url": f.url,
            "evidence": f.evidence,
            "fix": f.fix,
        },
    }
    if f.acknowledged:
        item["suppressions"] = [{"kind": "inSource", "justification": f.acknowledged}]
    if f.baseline:
        item["baselineState"] = _BASELINE_STATES[f.baseline]
    return item


def _location(f: Finding, root: Path) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact(f.file or "", root)}
    if f.line is not None:
        region: dict[str, Any] = {"startLine": f.line}
        if f.column is not None:
            region["startColumn"] = f.column
        physical["region"] = region
    return {
        "physicalLocation": physical,
        "message": {"text": f"declared here: {f.subject.label}"},
    }


def _artifact(file: str, root: Path) -> dict[str, str]:
    """The manifest as a URI relative to the repository root (uriBaseId SRCROOT); outside the
    root, as cxlint was given it."""
    inside = repo_path(file, root) if file else None
    if inside is not None:
        return {"uri": quote(inside, safe="/-._~"), "uriBaseId": SRCROOT}
    return {"uri": quote(located(file, root), safe="/-._~")}


def one_line(text: str) -> str:
    """The first sentence of a rule's summary, on one line: a full stop inside brackets does
    not end it, and a long one loses its bracketed asides."""
    depth, cut = 0, len(text)
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif char == "." and depth == 0 and text[i + 1 : i + 2] in (" ", "\n"):
            cut = i
            break
    sentence = " ".join(text[:cut].split())
    if len(sentence) > 120:
        sentence = re.sub(r" \([^()]*\)", "", sentence)
    return sentence.rstrip(".") + "."

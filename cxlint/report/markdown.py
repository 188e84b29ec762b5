"""Markdown for a pull-request comment or GitHub's job summary ($GITHUB_STEP_SUMMARY).

Compact: the verdict, the counts, a table of the errors with their fixes, their evidence
folded away, then the other findings one line each. Every piece of site-controlled text is
escaped, so a page title cannot break the table, start a code block or inject HTML.
"""

from __future__ import annotations

import re
from typing import Any

from cxlint.model import Finding, RunResult
from cxlint.report import baseline_line, summary, when
from cxlint.report.evidence import lines, safe, short_url

MAX_ERRORS = 50  # a job summary holds 1 MiB; the HTML report holds the rest
# inline Markdown syntax; the text never starts a line, so list and heading marks are inert
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MARKS = {"new": "🆕 new", "present": "still present"}


def md(text: Any) -> str:
    """Text for a Markdown table cell or line: no HTML, no Markdown syntax, one line."""
    value = safe(text).replace("\r", " ").replace("\n", " ")
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", value)


def render(result: RunResult, *, max_errors: int = MAX_ERRORS, **_: Any) -> bytes:
    s = summary(result)
    icon = "❌" if s["errors"] or result.unreachable else "⚠️" if s["warnings"] else "✅"
    name = md(result.campaign.get("name") or "campaign")
    out = [
        f"## {icon} {md(s['verdict'])}",
        "",
        f"**{name}** · checked {md(result.origin)} · {md(when(result.started))}"
        + (f" · shard {md(result.stats['shard'])}" if result.stats.get("shard") else ""),
        "",
        "| errors | warnings | info | subjects failing | checks passed | skipped |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {s['errors']} | {s['warnings']} | {s['info']} | "
        f"{s['subjects_failing']} of {s['subjects']} | {s['checks_passed']} | "
        f"{s['checks_skipped']} |",
    ]
    compared = baseline_line(result)
    if compared:
        out += ["", md(compared)]
    live = [f for f in result.findings if not f.acknowledged]
    errors = [f for f in live if f.severity == "error"]
    if errors:
        out += ["", f"### Errors ({len(errors)})", ""]
        out += _table(result, errors[:max_errors])
        out += _evidence(result, errors[:max_errors])
        if len(errors) > max_errors:
            out += ["", f"… and {len(errors) - max_errors} more errors: see the HTML report."]
    others = [f for f in live if f.severity != "error"]
    if others:
        out += ["", f"### Warnings and notes ({len(others)})", ""]
        out += [
            f"- **{f.severity}** {_rule(f)} {md(_subject(result, f))}: {md(f.message)}" + _mark(f)
            for f in others[:max_errors]
        ]
        if len(others) > max_errors:
            out.append(f"- … and {len(others) - max_errors} more")
    if result.fixed:
        out += ["", f"### Fixed since the baseline ({len(result.fixed)})", ""]
        out += [
            f"- {_rule(f)} {md(_subject(result, f))}: {md(f.message)}"
            for f in result.fixed[:max_errors]
        ]
    acknowledged = [f for f in result.findings if f.acknowledged]
    if acknowledged:
        out += ["", f"{len(acknowledged)} acknowledged in the manifest (ignore:)."]
    out += ["", f"<sub>cxlint {md(result.tool.get('version', ''))}</sub>"]
    return ("\n".join(out) + "\n").encode()


def _rule(f: Finding) -> str:
    """The rule linked to its docs, with its code: [`soft-404`](…) CX103."""
    return f"[`{f.rule}`]({f.help_uri})" + (f" {f.code}" if f.code else "")


def _table(result: RunResult, errors: list[Finding]) -> list[str]:
    header = "| subject | rule | what is wrong | fix | manifest |"
    rows = [header, "|---|---|---|---|---|"]
    for f in errors:
        where = f"{md(f.file)}:{f.line}" if f.line is not None else ""
        rows.append(
            f"| {md(_subject(result, f))} | {_rule(f)} | {md(f.message)}{_mark(f)} | "
            f"{md(f.fix)} | {where} |"
        )
    return rows


def _evidence(result: RunResult, errors: list[Finding]) -> list[str]:
    out = ["", "<details><summary>Evidence</summary>", ""]
    for f in errors:
        out.append(f"- **{md(_subject(result, f))}** · {_rule(f)}")
        out += [f"  - {md(line)}" for line in lines(f.evidence, result.origin)]
    out += ["", "</details>"]
    return out


def _subject(result: RunResult, f: Finding) -> str:
    s = f.subject
    if s.type == "landing_page":
        return f"landing page {short_url(s.url or '', result.origin)}"
    return s.label


def _mark(f: Finding) -> str:
    return f" ({_MARKS[f.baseline]})" if f.baseline else ""

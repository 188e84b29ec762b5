"""The terminal report, grouped by subject, for a marketer reading it after a run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from cxlint.catalogue import Rule
from cxlint.model import RunResult, Subject, SubjectResult
from cxlint.report import baseline_line, rules_of, summary
from cxlint.report.evidence import lines, safe, short_url
from cxlint.report.paths import shown_path
from cxlint.report.priorities import fix_first

_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan", "passed": "green"}
_BASELINE = {"new": "new", "present": "still present"}
_MARKS = {"error": "✖", "warning": "▲", "info": "•", "passed": "✔"}


def render(
    result: RunResult,
    *,
    color: bool = False,
    verbose: bool = False,
    catalogue: Mapping[str, Rule] | None = None,
    **_: Any,
) -> bytes:
    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if color else text

    origin = result.origin
    out = [
        style(safe(result.campaign.get("name") or "campaign"), bold=True) + f" — checked {origin}"
    ]
    if result.search:
        if result.search.get("template"):
            out.append(
                f"site search: {result.search['template']} (found by {result.search.get('method')})"
            )
        else:
            out.append(f"site search: none ({result.search.get('reason')})")
    out.append("")
    out.extend(_fix_first(result, style, rules_of(catalogue)))
    for subject in result.subjects:
        status = _status(subject)
        if status == "passed" and not verbose and not subject.findings:
            continue  # acknowledged findings still show: acknowledged is not silence
        mark = style(_MARKS[status], fg=_COLOURS[status], bold=True)
        where = (
            f"  {shown_path(subject.location.file)}:{subject.location.line}"
            if subject.location
            else ""
        )
        out.append(
            f"{mark} {style(safe(subject.subject.label), bold=True)}{style(where, dim=True)}"
        )
        for f in subject.findings:
            level = style(f"{f.severity:<8}", fg=_COLOURS[f.severity])
            ack = (
                style(f" (acknowledged: {safe(f.acknowledged)})", dim=True)
                if f.acknowledged
                else ""
            )
            mark = style(f" ({_BASELINE[f.baseline]})", fg="magenta") if f.baseline else ""
            code = f" {f.code}" if f.code else ""
            out.append(f"    {level}{style(f.rule, bold=True)}{code}  {safe(f.message)}{mark}{ack}")
            for line in lines(f.evidence, origin):
                out.append(style(f"             {line}", dim=True))
            out.append(f"             fix: {safe(f.fix)}")
            out.append(style(f"             docs: {f.help_uri}", dim=True))
        if verbose:  # skipped checks are counted at the end; -v says which and why
            out.extend(style(line, dim=True) for line in _skipped_lines(subject))
            passed = [c.rule for c in subject.checks if c.status == "passed"]
            if passed:
                out.append(style("    passed   " + ", ".join(passed), fg="green"))
    passing = [s for s in result.subjects if _status(s) == "passed" and not s.findings]
    # Subjects with nothing wrong are one line (-v lists them, with what was skipped and why);
    # those with nothing checked at all (every subject of a site that cannot be reached) did
    # not pass: they are listed together by why.
    unchecked: dict[str, list[SubjectResult]] = {}
    checked = []
    for subject in passing:
        if subject.checks and all(c.status == "skipped" for c in subject.checks):
            why = "; ".join(sorted({safe(c.reason or "no reason given") for c in subject.checks}))
            unchecked.setdefault(why, []).append(subject)
        else:
            checked.append(subject)
    if checked and not verbose:
        partly = sum(1 for subject in checked if _skipped_lines(subject))
        out.append(
            style(
                f"✔ {_count(len(checked), 'subject')} passed"
                + (f" ({partly} with checks that could not run)" if partly else "")
                + ": -v lists them, and every skipped check with its reason",
                fg="green",
            )
        )
    for why, subjects in unchecked.items() if not verbose else []:
        names = ", ".join(_brief(s, origin) for s in subjects)
        out.append(
            style(f"– {_count(len(subjects), 'subject')} not checked ({why}): {names}", dim=True)
        )
    s = summary(result)
    out.append("")
    colour = "red" if s["errors"] or result.unreachable else "yellow" if s["warnings"] else "green"
    if result.fixed:
        out.append(style(f"fixed since {safe(result.baseline)}:", fg="green"))
        for f in result.fixed:
            out.append(style(f"    {f.rule}  {safe(f.subject.label)}", fg="green"))
        out.append("")
    out.append(style(s["verdict"], fg=colour, bold=True))
    compared = baseline_line(result)
    if compared:
        out.append(safe(compared))
    out.append(
        f"{_count(s['errors'], 'error')} · {_count(s['warnings'], 'warning')} · {s['info']} info"
        + (f" · {s['acknowledged']} acknowledged" if s["acknowledged"] else "")
        + f" · {s['checks_passed']} checks passed, {s['checks_skipped']} skipped"
        + f" · {s['landing_pages']} landing pages, {s['products']} products"
        + f", {s['searches']} searches"
        + (f" · {s['seconds']:.1f} s" if s.get("seconds") is not None else "")
    )
    return ("\n".join(out) + "\n").encode()


def _fix_first(result: RunResult, style: Any, catalogue: Mapping[str, Rule]) -> list[str]:
    """The short list a reader acts on before the details (cxlint.report.priorities)."""
    first = fix_first(result, catalogue)
    if first.empty:
        return []
    counts = [_count(n, w) for n, w in ((first.errors, "error"), (first.warnings, "warning")) if n]
    out = [style(f"Fix these first ({', '.join(counts)}):", bold=True)]
    for group in first.groups:
        out.append(f"  {group.owner}")
        for item in group.items:
            mark = style(_MARKS[item.severity], fg=_COLOURS[item.severity], bold=True)
            about = _brief_subject(item.subject, result.origin)
            if len(about) > 40 and "?" in about:  # the link's path names it; details show all
                about = about.split("?", 1)[0] + "?…"
            out.append(f"    {mark} {safe(about)}: {safe(item.message)} ({item.rule})")
    if first.more:
        out.append(style(f"  … and {first.more} more in the details below", dim=True))
    out.append("")
    return out


def _brief(subject: SubjectResult, origin: str) -> str:
    return _brief_subject(subject.subject, origin)


def _brief_subject(subject: Subject, origin: str) -> str:
    if subject.type == "product":
        return f"product {subject.id}"
    if subject.type == "site":
        return "site"
    return short_url(safe(subject.url or ""), origin)


def _status(subject: SubjectResult) -> str:
    live = [f for f in subject.findings if not f.acknowledged]
    for level in ("error", "warning", "info"):
        if any(f.severity == level for f in live):
            return level
    return "passed"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _skipped_lines(subject: SubjectResult) -> list[str]:
    """One line per reason: "skipped  rule-a, rule-b: the landing page promises no product"."""
    by_reason: dict[str, list[str]] = {}
    for check in subject.checks:
        if check.status == "skipped":
            by_reason.setdefault(safe(check.reason or "no reason given"), []).append(check.rule)
    return [f"    skipped  {', '.join(rules)}: {reason}" for reason, rules in by_reason.items()]

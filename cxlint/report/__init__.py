"""Reporters: plain functions from a run's result to bytes, one module per format.

The CLI looks formats up in this table; it never branches on a format itself.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cxlint.catalogue import Rule
from cxlint.model import SEVERITIES, RunResult, SubjectResult

Reporter = Callable[..., bytes]

# format name → module in cxlint.report; imported only when used (fast start-up)
FORMATS: dict[str, str] = {
    "text": "text",
    "json": "json_report",
    "junit": "junit",
    "sarif": "sarif",
    "markdown": "markdown",
    "html": "html",
    "github": "github",  # workflow commands: annotations on the manifest's lines
    "gitlab": "gitlab",  # GitLab Code Quality JSON
}
# the file name extension each format is usually saved with (cxlint demo, examples)
EXTENSIONS: dict[str, str] = {
    "text": "txt",
    "json": "json",
    "junit": "xml",
    "sarif": "sarif",
    "markdown": "md",
    "html": "html",
    "github": "github",
    "gitlab": "codequality.json",
}


def reporter(fmt: str) -> Reporter:
    render: Reporter = importlib.import_module(f"cxlint.report.{FORMATS[fmt]}").render
    return render


def streamer(fmt: str) -> Callable[..., Iterable[bytes]]:
    """The format's writer in pieces, where its module offers one (`stream`), else its
    whole rendering as one piece: what the CLI writes a report with."""
    module = importlib.import_module(f"cxlint.report.{FORMATS[fmt]}")
    stream = getattr(module, "stream", None)
    return stream if stream is not None else lambda *args, **kw: [module.render(*args, **kw)]


def summary(result: RunResult) -> dict[str, Any]:
    """Counts every format shows the same way. Acknowledged findings are counted apart."""
    live = [f for f in result.findings if not f.acknowledged]
    by_severity = Counter(f.severity for f in live)
    checks = Counter(c.status for s in result.subjects for c in s.checks)
    types = Counter(s.subject.type for s in result.subjects)
    errors = by_severity.get("error", 0)
    # One definition of a failing subject in every format: an error not acknowledged (what
    # fails its JUnit testcase, the verdict and, by default, the exit code). Subjects with
    # warnings only are counted apart.
    failing = {
        s.subject.key
        for s in result.subjects
        if any(f.severity == "error" and not f.acknowledged for f in s.findings)
    }
    warned = {
        s.subject.key
        for s in result.subjects
        if s.subject.key not in failing and any(not f.acknowledged for f in s.findings)
    }
    subjects_with_errors = len(failing)
    down = result.unreachable
    if down:  # nothing on the site was checked: neither "ready" nor a count of errors
        what = "refuses cxlint" if down.get("kind") == "refused" else "cannot be reached"
        verdict = f"Not checked: the site {down.get('origin')} {what} ({down.get('cause')})"
    elif errors:
        verdict = (
            f"Not ready: {errors} error{'s' if errors != 1 else ''} on {subjects_with_errors} "
            f"of {len(result.subjects)} subjects"
        )
    elif by_severity.get("warning"):
        warnings = by_severity["warning"]
        verdict = f"Ready with {warnings} warning{'s' if warnings != 1 else ''}"
    else:
        verdict = "Ready: every check passed"
    counts = {
        "verdict": verdict,
        "errors": errors,
        "warnings": by_severity.get("warning", 0),
        "info": by_severity.get("info", 0),
        "acknowledged": sum(1 for f in result.findings if f.acknowledged),
        "subjects": len(result.subjects),
        "subjects_failing": len(failing),
        "subjects_with_warnings": len(warned),
        "landing_pages": types.get("landing_page", 0),
        "products": types.get("product", 0),
        "creative_links": types.get("creative_link", 0),
        "pages": result.stats.get("pages", 0),
        "searches": result.stats.get("searches", 0),
        "requests": result.stats.get("requests", 0),
        "checks_passed": checks.get("passed", 0),
        "checks_failed": checks.get("failed", 0),
        "checks_skipped": checks.get("skipped", 0),
        "seconds": result.stats.get("seconds"),
    }
    if result.baseline is not None:
        counts.update(
            new=sum(1 for f in live if f.baseline == "new"),
            new_errors=sum(1 for f in live if f.baseline == "new" and f.severity == "error"),
            present=sum(1 for f in live if f.baseline == "present"),
            fixed=len(result.fixed),
        )
    return counts


def subject_status(subject: SubjectResult) -> str:
    """error, warning, info or passed: the worst finding not acknowledged."""
    live = {f.severity for f in subject.findings if not f.acknowledged}
    return next((level for level in SEVERITIES if level in live), "passed")


def baseline_line(result: RunResult) -> str | None:
    """ "Compared with old.json: 1 new, 3 still present, 2 fixed", or None without a baseline."""
    if result.baseline is None:
        return None
    s = summary(result)
    return (
        f"Compared with {result.baseline}: {s['new']} new, {s['present']} still present, "
        f"{s['fixed']} fixed"
    )


def when(stamp: str) -> str:
    """An ISO time as people read it: 2026-11-23T17:31:34+00:00 → 2026-11-23 17:31 UTC."""
    if len(stamp) >= 16 and stamp.endswith("+00:00"):
        return f"{stamp[:10]} {stamp[11:16]} UTC"
    return stamp


def rules_of(catalogue: Mapping[str, Rule] | None) -> Mapping[str, Rule]:
    """The catalogue a reporter was given (the command line passes it); the installed one for
    a caller that gives none. Explanations are a help: a broken rules/ folder costs them, not
    the report."""
    if catalogue is not None:
        return catalogue
    from cxlint.catalogue import load_catalogue
    from cxlint.errors import UsageError

    try:
        return load_catalogue()
    except UsageError:
        return {}

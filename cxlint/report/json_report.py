"""The JSON report: the complete record of a run. Every other format can be rendered from it
(`cxlint report RUN.json --format FMT`), so `load` must read back exactly what `render` wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import orjson

from cxlint.model import Check, Finding, Location, RunResult, Subject, SubjectResult
from cxlint.report import summary

SCHEMA_VERSION = 1


def _finding(f: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule": f.rule,
        "code": f.code,
        "fingerprint": f.fingerprint,
        "help_uri": f.help_uri,
        "severity": f.severity,
        "subject": f.subject.as_dict(),
        "url": f.url,
        "message": f.message,
        "evidence": f.evidence,
        "fix": f.fix,
        "file": f.file,
        "line": f.line,
        "column": f.column,
    }
    if f.what:
        data["what"] = f.what
    if f.acknowledged:
        data["acknowledged"] = f.acknowledged
    if f.baseline:
        data["baseline"] = f.baseline
    return data


def to_dict(result: RunResult, subjects: bool = True) -> dict[str, Any]:
    """The report as JSON data; without `subjects`, their list is left empty (stream)."""
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": result.tool,
        "campaign": result.campaign,
        "run": {
            "started": result.started,
            "finished": result.finished,
            "origin": result.origin,
            "stats": result.stats,
            # only when the site could not be reached at all: older readers never see it
            **({"unreachable": result.unreachable} if result.unreachable else {}),
        },
        "summary": summary(result),
        "search": result.search,
        "findings": [_finding(f) for f in result.findings],
        "subjects": [_subject(s) for s in result.subjects] if subjects else [],
    }
    if result.baseline is not None:
        data["baseline"] = {"file": result.baseline}
        data["fixed"] = [_finding(f) for f in result.fixed]
    return data


def _subject(s: SubjectResult) -> dict[str, Any]:
    return {
        "subject": s.subject.as_dict(),
        "url": s.url,
        "channel": s.channel,
        "file": s.location.file if s.location else None,
        "line": s.location.line if s.location else None,
        "column": s.location.column if s.location else None,
        "status": _status(s),
        "checks": [
            {"rule": c.rule, "status": c.status, **({"reason": c.reason} if c.reason else {})}
            for c in s.checks
        ],
        # only when measured: reports of older runs read back unchanged
        **({"seconds": s.seconds} if s.seconds is not None else {}),
    }


def _status(s: SubjectResult) -> str:
    live = [f for f in s.findings if not f.acknowledged]
    if any(f.severity == "error" for f in live):
        return "error"
    if any(f.severity == "warning" for f in live):
        return "warning"
    return "passed"


def render(result: RunResult, **_: Any) -> bytes:
    return b"".join(stream(result))


# Values orjson would write its own way are handed to `default`, as json.dumps(default=str)
# did: a dataclass or a datetime in evidence reads as its str(), not as an object.
_OPTIONS = (
    orjson.OPT_INDENT_2
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
)


def dumps(data: Any) -> bytes:
    """`data` as indented JSON, UTF-8: json.dumps(indent=2, ensure_ascii=False, default=str)'s
    text, but for floats under 1e-4 ("0.00001", not "1e-05"), written in C (orjson) about
    ten times faster: at 20,000 subjects the report cost a second of CPU at the run's end."""
    return orjson.dumps(data, default=str, option=_OPTIONS)


def stream(result: RunResult, **_: Any) -> Iterator[bytes]:
    """The report in pieces, the same bytes as one dumps() of it: a subject at a time, so that
    20,000 subjects never exist as one tree of dicts and one string at once (that doubled a
    run's peak memory at its very end)."""
    text = dumps(to_dict(result, subjects=False))
    head, tail = text.split(b'"subjects": []', 1)
    if not result.subjects:
        yield text + b"\n"
        return
    yield head + b'"subjects": [\n'
    last = len(result.subjects) - 1
    for index, subject in enumerate(result.subjects):
        # JSON strings hold no raw newlines: re-indenting line by line is safe
        item = b"    " + dumps(_subject(subject)).replace(b"\n", b"\n    ")
        yield item + (b",\n" if index < last else b"\n")
    yield b"  ]" + tail + b"\n"


def from_dict(data: dict[str, Any]) -> RunResult:
    """Rebuild a RunResult from a JSON report (for re-rendering, merging and baselines)."""
    subjects: dict[str, SubjectResult] = {}
    for item in data["subjects"]:
        subject = Subject(**item["subject"])
        location = (
            Location(item["file"], item["line"], item["column"])
            if item.get("line") is not None
            else None
        )
        subjects[subject.key] = SubjectResult(
            subject,
            item.get("url"),
            location,
            item.get("channel"),
            [Check(c["rule"], c["status"], c.get("reason")) for c in item["checks"]],
            seconds=item.get("seconds"),
        )
    for f in data["findings"]:
        finding = _read_finding(f)
        holder = subjects.setdefault(
            finding.subject.key, SubjectResult(finding.subject, f.get("url"), None)
        )
        holder.findings.append(finding)
    run = data.get("run", {})
    baseline = data.get("baseline")
    return RunResult(
        tool=data["tool"],
        campaign=data["campaign"],
        started=run.get("started", ""),
        finished=run.get("finished", ""),
        origin=run.get("origin", ""),
        subjects=list(subjects.values()),
        search=data.get("search"),
        stats=run.get("stats", {}),
        baseline=baseline["file"] if baseline else None,
        fixed=[_read_finding(f) for f in data.get("fixed", [])],
        unreachable=run.get("unreachable"),
    )


def _read_finding(f: dict[str, Any]) -> Finding:
    return Finding(
        rule=f["rule"],
        severity=f["severity"],
        subject=Subject(**f["subject"]),
        message=f["message"],
        evidence=f.get("evidence") or {},
        fix=f.get("fix", ""),
        url=f.get("url"),
        file=f.get("file"),
        line=f.get("line"),
        column=f.get("column"),
        acknowledged=f.get("acknowledged"),
        baseline=f.get("baseline"),
        code=f["code"] if "code" in f else _code(f["rule"]),
        what=f.get("what"),
    )


def _code(rule: str) -> str | None:
    """The rule's code for a report written before findings carried it."""
    from cxlint.report import rules_of

    known = rules_of(None).get(rule)
    return known.code if known else None


def read(path: str) -> RunResult:
    """Load a saved JSON report; a file that is not one is a clear usage error."""
    from cxlint.errors import UsageError

    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        version = data.get("schema_version", SCHEMA_VERSION) if isinstance(data, dict) else None
        if isinstance(version, int) and version > SCHEMA_VERSION:
            raise UsageError(
                f"{path} was written by a newer cxlint (report schema {version}); "
                "upgrade cxlint to read it"
            )
        return from_dict(data)
    except FileNotFoundError:
        raise UsageError(f"report not found: {path}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except (OSError, UnicodeDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(
            f"{path}: not a cxlint JSON report ({exc.__class__.__name__}: {exc})"
        ) from None

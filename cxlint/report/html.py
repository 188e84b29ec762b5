"""The HTML report: one self-contained file a marketer can e-mail or attach to a ticket.

Inline CSS and a little inline JS, no request to any other host (a Content-Security-Policy
forbids them), no web fonts. Jinja2 autoescapes everything, so site-controlled text (a page
title, a search result, a Location header) is shown as text, never run. This module turns a
RunResult into plain view data; templates/report.html.j2 lays it out.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePath
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jinja2

from cxlint.catalogue import Rule, load_catalogue
from cxlint.errors import UsageError
from cxlint.model import SEVERITIES, Finding, RunResult, SubjectResult
from cxlint.report import baseline_line, subject_status, summary, when
from cxlint.report.evidence import lines, safe, short_url
from cxlint.report.priorities import fix_first

TYPE_TITLES = {
    "site": "Site",
    "landing_page": "Landing page",
    "product": "Product",
    "creative_link": "Creative link",
}
# a subject without a channel of its own is filed under its kind
TYPE_CHANNELS = {
    "site": "site",
    "product": "products",
    "landing_page": "no channel",
    "creative_link": "no channel",
}
BASELINE_MARKS = {"new": "new", "present": "still present"}
# evidence keys drawn specially, or not at all (they only serve other keys)
_DRAWN = {"chain", "lost", "queries", "looked_for"}
_HIDDEN = {"top", "product_urls"}


@dataclass
class Param:
    name: str
    value: str
    lost: str | None = None  # what happened to it at the next hop (dropped, changed ...)


@dataclass
class HopView:
    status: int | None
    status_class: str
    url: str
    href: str | None
    base: str  # the URL without its query, shortened on the checked origin
    params: list[Param]


@dataclass
class FindingView:
    rule: str
    code: str | None
    help_uri: str
    fingerprint: str
    severity: str
    message: str
    fix: str
    baseline: str | None
    acknowledged: str | None
    hops: list[HopView]
    lost: list[str]
    queries: list[dict[str, Any]]
    missing: list[str]
    facts: list[tuple[str, list[tuple[str, str | None]]]]  # label → [(text, href)]
    rule_doc: Rule | None


@dataclass
class SubjectView:
    id: str
    kind: str
    title: str
    name: str
    href: str | None
    status: str
    channel: str
    where: str | None
    findings: list[FindingView] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)


def render(result: RunResult, *, catalogue: dict[str, Rule] | None = None, **_: Any) -> bytes:
    rules = catalogue if catalogue is not None else _catalogue()
    fixed: dict[str, list[Finding]] = {}
    for f in result.fixed:
        fixed.setdefault(f.subject.key, []).append(f)
    subjects = [_subject(result, s, rules, fixed.get(s.subject.key, [])) for s in result.subjects]
    counts = summary(result)
    severities = _severity_counts(result)
    channels = _channel_counts(subjects)
    passing = [v for v in subjects if v.status == "passed"]
    alarm = counts["errors"] or result.unreachable  # a site not checked is no green verdict
    views = {r.subject: v for r, v in zip(result.subjects, subjects, strict=True)}
    html = _template().render(
        first=fix_first(result),
        view_of=views.get,
        file_name=_file_name,
        result=result,
        s=counts,
        level="error" if alarm else "warning" if counts["warnings"] else "passed",
        when=when(result.started),
        failing=[v for v in subjects if v.status != "passed"],
        passing=passing,
        passing_title=_passing_title(passing),
        severities=severities,
        severity_top=max([n for _, n in severities] + [1]),
        channels=channels,
        channel_top=max([r["error"] + r["warning"] + r["info"] for r in channels] + [1]),
        channel_names=sorted({v.channel for v in subjects}),
        compared=baseline_line(result),
        fixed=result.fixed,
        search=result.search or {},
        marks=BASELINE_MARKS,
        label=lambda f: f.subject.label,
    )
    return html.encode()


def _file_name(path: str | None) -> str:
    return PurePath(path).name if path else ""


def _passing_title(passing: list[SubjectView]) -> str:
    """The heading of the subjects without findings. When none of their checks could run
    (every subject of a site that cannot be reached) they did not pass: they were not checked."""
    n = len(passing)
    subjects = f"{n} subject{'s' if n != 1 else ''}"
    if passing and not any(v.passed for v in passing):
        return f"{subjects} not checked"
    return f"✔ {subjects} passed every check"


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cxlint.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("report.html.j2")


def _catalogue() -> dict[str, Rule]:
    try:
        return load_catalogue()
    except UsageError:  # explanations are a help; a broken rules/ must not cost the report
        return {}


# --- subjects and findings ------------------------------------------------------------------


def subject_id(subject: SubjectResult) -> str:
    """A stable, readable anchor for deep links: product-v710, landing-page-go-spring-3fa2b1."""
    s = subject.subject
    if s.type == "site":
        return "site"
    readable = s.id if s.type == "product" else urlsplit(s.url or "").path
    slug = re.sub(r"[^a-z0-9]+", "-", (readable or "").lower()).strip("-")[:40]
    digest = hashlib.sha1(s.key.encode()).hexdigest()[:6]
    kind = s.type.replace("_", "-")
    if s.type == "product" and slug == (s.id or "").lower():
        return f"{kind}-{slug}"
    return f"{kind}-{slug}-{digest}" if slug else f"{kind}-{digest}"


def _subject(
    result: RunResult, subject: SubjectResult, rules: dict[str, Rule], fixed: list[Finding]
) -> SubjectView:
    s = subject.subject
    name = s.id if s.type == "product" else s.url or s.type
    if s.type == "creative_link":
        name = f"{s.url} in {s.file}"
    # the file's name only: a report is shared, and an absolute path says where it ran (a
    # home folder, the demo's site-packages), not where the reader's copy of the file is
    location = subject.location
    where = f"{_file_name(location.file)}:{location.line}" if location else None
    return SubjectView(
        id=subject_id(subject),
        kind=s.type,
        title=TYPE_TITLES.get(s.type, s.type),
        name=safe(name or ""),
        href=_href(subject.url),
        status=subject_status(subject),
        channel=subject.channel or TYPE_CHANNELS.get(s.type, "no channel"),
        where=where,
        findings=[_finding(result, f, rules.get(f.rule)) for f in subject.findings],
        passed=[c.rule for c in subject.checks if c.status == "passed"],
        skipped=[(c.rule, safe(c.reason or "")) for c in subject.checks if c.status == "skipped"],
        fixed=fixed,
    )


def _finding(result: RunResult, f: Finding, rule: Rule | None) -> FindingView:
    evidence = f.evidence or {}
    return FindingView(
        rule=f.rule,
        code=f.code,
        help_uri=f.help_uri,
        fingerprint=f.fingerprint,
        severity=f.severity,
        message=safe(f.message),
        fix=safe(f.fix),
        baseline=f.baseline,
        acknowledged=f.acknowledged,
        hops=_hops(evidence.get("chain") or [], evidence.get("lost") or [], result.origin),
        lost=lines({"lost": evidence["lost"]}, result.origin) if evidence.get("lost") else [],
        queries=[_query(q) for q in evidence.get("queries") or []],
        missing=_texts(evidence.get("looked_for")),
        facts=_facts(evidence, result.origin),
        rule_doc=rule,
    )


def _hops(chain: list[dict[str, Any]], lost: list[dict[str, Any]], origin: str) -> list[HopView]:
    """The redirect chain as hops; a parameter lost on the way is marked on the hop before."""
    lost_at: dict[tuple[int, str], str] = {}
    for item in lost:
        hop = item.get("hop")
        if isinstance(hop, int) and hop >= 1:
            lost_at[(hop - 1, item.get("parameter", ""))] = str(item.get("what", "dropped"))
    hops = []
    for index, hop in enumerate(chain):
        url = safe(hop.get("url", ""))
        parts = urlsplit(url)
        base = short_url(url.split("?", 1)[0].split("#", 1)[0], origin)
        params = [
            Param(safe(name), safe(value), lost_at.get((index, name)))
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
        ]
        status = hop.get("status")
        hops.append(
            HopView(
                status=status,
                status_class=_status_class(status),
                url=url,
                href=_href(url),
                base=base,
                params=params,
            )
        )
    return hops


def _status_class(status: Any) -> str:
    if not isinstance(status, int):
        return "none"
    return {2: "ok", 3: "redirect"}.get(status // 100, "bad")


def _query(q: dict[str, Any]) -> dict[str, Any]:
    rank = q.get("rank")
    return {
        "query": safe(q.get("query", "")),
        "kind": safe(q.get("kind", "")),
        "results": q.get("results"),
        "rank": rank if isinstance(rank, int) else None,
        "href": _href(q.get("url")),
        "error": safe(q["error"]) if q.get("error") else None,
    }


def _texts(value: Any) -> list[str]:
    if value in (None, "", []):
        return []
    return [safe(v) for v in value] if isinstance(value, list) else [safe(value)]


def _facts(evidence: dict[str, Any], origin: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every other piece of evidence as label → values, URLs made into links."""
    facts = []
    for key, value in evidence.items():
        if key in _DRAWN or key in _HIDDEN or value in (None, "", [], {}):
            continue
        items = value if isinstance(value, list) else [value]
        shown = []
        for item in items:
            if isinstance(item, dict):
                text = " · ".join(f"{k}: {v}" for k, v in item.items())
                shown.append((safe(text), None))
            elif isinstance(item, bool):
                shown.append(("yes" if item else "no", None))
            else:
                text = safe(item)
                shown.append((short_url(text, origin), _href(text)))
        facts.append((key.replace("_", " "), shown))
    return facts


def _href(url: Any) -> str | None:
    """A link only to a web page: never javascript:, data: or anything a site could plant."""
    if not isinstance(url, str) or any(c.isspace() for c in url):
        return None  # not a bare URL: "http://… → HTTP 404" is a sentence about one
    return url if urlsplit(url).scheme in ("http", "https") else None


# --- the charts -----------------------------------------------------------------------------


def _severity_counts(result: RunResult) -> list[tuple[str, int]]:
    live = Counter(f.severity for f in result.findings if not f.acknowledged)
    return [(level, live.get(level, 0)) for level in SEVERITIES]


def _channel_counts(subjects: list[SubjectView]) -> list[dict[str, Any]]:
    """Per channel: subjects, and live findings by severity (stacked bars)."""
    rows: dict[str, dict[str, Any]] = {}
    for view in subjects:
        row = rows.setdefault(
            view.channel, {"channel": view.channel, "subjects": 0, **dict.fromkeys(SEVERITIES, 0)}
        )
        row["subjects"] += 1
        for f in view.findings:
            if not f.acknowledged:
                row[f.severity] += 1
    return sorted(rows.values(), key=lambda r: (-r["error"], -r["warning"], r["channel"]))

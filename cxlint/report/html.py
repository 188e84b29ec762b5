"""The HTML report: one self-contained file a marketer can e-mail or attach to a ticket.

Inline CSS and a little inline JS, no request to any other host (a Content-Security-Policy
forbids them), no web fonts. Jinja2 autoescapes everything, so site-controlled text (a page
title, a search result, a Location header) is shown as text, never run. This module turns a
RunResult into plain view data; templates/report.html.j2 lays it out.

It stays usable at 50,000 products (issue 18): each rule's texts are written once, in the
glossary at the end, and findings link to them; subjects with findings are cards grouped by
who usually fixes them (as "Fix these first" groups them); passing subjects are one table row
each, their checks shown by a numbered set in a shared legend. The table's first PAGE_ROWS
rows are in the HTML (the whole table for a small report, so it reads without JavaScript);
every row is also in a compact JSON block that the page's script draws a page at a time.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePath
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

import jinja2

from cxlint.catalogue import Rule
from cxlint.checks.evidence import FOR_MACHINES, Drawn, HopEvidence, LostParameter, SearchQuery
from cxlint.model import SEVERITIES, Finding, RunResult, Subject, SubjectResult, help_uri
from cxlint.report import baseline_line, rules_of, subject_status, summary, when
from cxlint.report.evidence import lost_lines, safe, short_url
from cxlint.report.priorities import GROUP_ORDER, OTHER, Catalogue, fix_first, owner, owners

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
# evidence keys drawn in their own way (the rules' contract, checks.evidence.Drawn), or not
# at all (they serve other keys); every other key is a fact, label → values
_DRAWN = frozenset(Drawn.__annotations__) - FOR_MACHINES
# passing subjects drawn in the HTML, and per page of their table in the browser
PAGE_ROWS = 500
# JSON inside <script>: no "<" (no "</script>", no "<!--"), no ">" or "&" either
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


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
    owner: str = OTHER  # who usually fixes its worst live finding (the first such)


@dataclass
class OwnerGroup:
    """The cards of the subjects whose worst finding one team usually fixes."""

    owner: str
    id: str
    subjects: list[SubjectView] = field(default_factory=list)


@dataclass
class CheckSet:
    """The checks a passing subject ran: numbered once in the legend, shared by the rows."""

    number: int
    passed: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]


@dataclass
class Row:
    """A passing subject without anything more to say than its checks: one table row."""

    id: str
    kind: str
    title: str
    name: str
    href: str | None
    channel: str
    where: str | None
    checks: CheckSet


@dataclass
class RuleEntry:
    """A rule in the glossary: its texts, once, and how often it ran and found something."""

    name: str
    doc: Rule | None
    code: str | None
    help_uri: str
    owner: str
    ran: int = 0  # subjects it was checked on (passed or failed)
    skipped: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    acknowledged: int = 0

    @property
    def findings(self) -> int:
        return sum(self.counts.values())


def render(result: RunResult, *, catalogue: Catalogue | None = None, **_: Any) -> bytes:
    rules = rules_of(catalogue)
    fixed: dict[str, list[Finding]] = {}
    for f in result.fixed:
        fixed.setdefault(f.subject.key, []).append(f)
    sets: dict[tuple[Any, ...], CheckSet] = {}
    subjects: list[SubjectView] = []  # with something to show beyond their checks: cards
    rows: list[Row] = []  # passing, nothing else to say: table rows
    channel_names: set[str] = set()
    for s in result.subjects:
        notes = fixed.get(s.subject.key, [])
        if not s.findings and not notes:
            row = _row(s, sets)
            rows.append(row)
            channel_names.add(row.channel)
            continue
        view = _subject(result, s, notes, rules)
        subjects.append(view)
        channel_names.add(view.channel)
    counts = summary(result)
    severities = _severity_counts(result)
    channels = _channel_counts(subjects, rows)
    failing = [v for v in subjects if v.status != "passed"]
    passing_cards = [v for v in subjects if v.status == "passed"]
    n_passing = len(passing_cards) + len(rows)
    alarm = counts["errors"] or result.unreachable  # a site not checked is no green verdict
    views = {v.id: v for v in subjects}
    glossary = _glossary(result, rules)
    html = _template().render(
        first=fix_first(result, rules),
        view_of=lambda subject: views.get(_id(subject)) or _light_view(subject),
        file_name=_file_name,
        result=result,
        s=counts,
        level="error" if alarm else "warning" if counts["warnings"] else "passed",
        when=when(result.started),
        groups=_owner_groups(failing),
        failing=failing,
        passing_cards=passing_cards,
        n_passing=n_passing,
        rows=rows[:PAGE_ROWS],
        n_rows=len(rows),
        page_rows=PAGE_ROWS,
        check_sets=list(sets.values()),
        passing_title=_passing_title(n_passing, bool(sets) or passing_cards, sets, passing_cards),
        glossary=glossary,
        glossary_groups=_glossary_groups(glossary),
        live_rules=[e for e in glossary if e.findings],
        severities=severities,
        severity_top=max([n for _, n in severities] + [1]),
        channels=channels,
        channel_top=max([r["error"] + r["warning"] + r["info"] for r in channels] + [1]),
        channel_names=sorted(channel_names),
        compared=baseline_line(result),
        fixed=result.fixed,
        search=result.search or {},
        marks=BASELINE_MARKS,
        label=lambda f: f.subject.label,
        data=_data(result, rows, sets),
    )
    return html.encode()


def _file_name(path: str | None) -> str:
    return PurePath(path).name if path else ""


def _passing_title(
    n: int, any_passing: Any, sets: dict[tuple[Any, ...], CheckSet], cards: list[SubjectView]
) -> str:
    """The heading of the subjects without findings. When none of their checks could run
    (every subject of a site that cannot be reached) they did not pass: they were not checked."""
    subjects = f"{n} subject{'s' if n != 1 else ''}"
    ran = any(c.passed for c in sets.values()) or any(v.passed for v in cards)
    if any_passing and not ran:
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


# --- subjects and findings ------------------------------------------------------------------


def subject_id(subject: SubjectResult) -> str:
    """A stable, readable anchor for deep links: product-v710, landing-page-go-spring-3fa2b1."""
    return _id(subject.subject)


def _id(s: Subject) -> str:
    if s.type == "site":
        return "site"
    readable = s.id if s.type == "product" else urlsplit(s.url or "").path
    slug = re.sub(r"[^a-z0-9]+", "-", (readable or "").lower()).strip("-")[:40]
    digest = hashlib.sha1(s.key.encode()).hexdigest()[:6]
    kind = s.type.replace("_", "-")
    if s.type == "product" and slug == (s.id or "").lower():
        return f"{kind}-{slug}"
    return f"{kind}-{slug}-{digest}" if slug else f"{kind}-{digest}"


def _name(s: Subject) -> str:
    name = s.id if s.type == "product" else s.url or s.type
    if s.type == "creative_link":
        name = f"{s.url} in {s.file}"
    return safe(name or "")


def _where(subject: SubjectResult) -> str | None:
    # the file's name only: a report is shared, and an absolute path says where it ran (a
    # home folder, the demo's site-packages), not where the reader's copy of the file is
    location = subject.location
    return f"{_file_name(location.file)}:{location.line}" if location else None


def _channel(subject: SubjectResult) -> str:
    return subject.channel or TYPE_CHANNELS.get(subject.subject.type, "no channel")


def _subject(
    result: RunResult, subject: SubjectResult, fixed: list[Finding], rules: Catalogue
) -> SubjectView:
    s = subject.subject
    live = [f for f in subject.findings if not f.acknowledged]
    worst = min(live, key=lambda f: SEVERITIES.index(f.severity), default=None)
    passed, skipped = _checks_of(subject)
    return SubjectView(
        id=subject_id(subject),
        kind=s.type,
        title=TYPE_TITLES.get(s.type, s.type),
        name=_name(s),
        href=_href(subject.url),
        status=subject_status(subject),
        channel=_channel(subject),
        where=_where(subject),
        findings=[_finding(result, f) for f in subject.findings],
        passed=list(passed),
        skipped=list(skipped),
        fixed=fixed,
        owner=owner(worst.rule, rules) if worst else OTHER,
    )


def _light_view(s: Subject) -> SubjectView:
    """The title, name and anchor of a subject drawn as a row (for "Fix these first")."""
    title = TYPE_TITLES.get(s.type, s.type)
    return SubjectView(_id(s), s.type, title, _name(s), None, "", "", None)


def _checks_of(subject: SubjectResult) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The rules a subject passed, and those skipped with why (made safe to show)."""
    passed = tuple(c.rule for c in subject.checks if c.status == "passed")
    skipped = tuple((c.rule, safe(c.reason or "")) for c in subject.checks if c.status == "skipped")
    return passed, skipped


def _row(subject: SubjectResult, sets: dict[tuple[Any, ...], CheckSet]) -> Row:
    passed, skipped = _checks_of(subject)
    checks = sets.get((passed, skipped))
    if checks is None:
        checks = sets[passed, skipped] = CheckSet(len(sets) + 1, passed, skipped)
    s = subject.subject
    return Row(
        id=subject_id(subject),
        kind=s.type,
        title=TYPE_TITLES.get(s.type, s.type),
        name=_name(s),
        href=_href(subject.url),
        channel=_channel(subject),
        where=_where(subject),
        checks=checks,
    )


def _owner_groups(failing: list[SubjectView]) -> list[OwnerGroup]:
    """Cards grouped as "Fix these first" groups its lines: by who usually fixes the worst
    finding; groups with an error first, then in their order; errors first in a group."""
    groups: dict[str, OwnerGroup] = {}
    for view in failing:
        name = view.owner
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        groups.setdefault(name, OwnerGroup(name, f"owner-{slug}")).subjects.append(view)
    for group in groups.values():
        group.subjects.sort(key=lambda v: SEVERITIES.index(v.status))
    return sorted(
        groups.values(),
        key=lambda g: (SEVERITIES.index(g.subjects[0].status), GROUP_ORDER.index(g.owner)),
    )


def _glossary(result: RunResult, rules: Catalogue) -> list[RuleEntry]:
    """Every rule the run checked or reported, once, in its group's order (then by name)."""
    entries: dict[str, RuleEntry] = {}

    def entry(name: str) -> RuleEntry:
        found = entries.get(name)
        if found is None:
            doc = rules.get(name)
            found = entries[name] = RuleEntry(
                name, doc, doc.code if doc else None, help_uri(name), owner(name, rules)
            )
        return found

    for subject in result.subjects:
        for check in subject.checks:
            e = entry(check.rule)
            if check.status == "skipped":
                e.skipped += 1
            else:
                e.ran += 1
        for f in subject.findings:
            e = entry(f.rule)
            if f.code and not e.code:
                e.code = f.code
            if f.acknowledged:
                e.acknowledged += 1
            else:
                e.counts[f.severity] = e.counts.get(f.severity, 0) + 1
    for f in result.fixed:
        entry(f.rule)
    place = {rule: i for i, rule in enumerate(r for rs in owners(rules).values() for r in rs)}
    return sorted(
        entries.values(),
        key=lambda e: (GROUP_ORDER.index(e.owner), place.get(e.name, len(place)), e.name),
    )


def _glossary_groups(glossary: list[RuleEntry]) -> list[tuple[str, list[RuleEntry]]]:
    groups: dict[str, list[RuleEntry]] = {}
    for e in glossary:
        groups.setdefault(e.owner, []).append(e)
    return list(groups.items())


def _data(result: RunResult, rows: list[Row], sets: dict[tuple[Any, ...], CheckSet]) -> str:
    """Every passing row, compact, for the page's script: JSON safe inside <script>.

    A row is [kind, name, id, channel, file, line, href, checks]: kind, channel and file are
    indexes into their lists; id is 0 when it is "product-" + the name in lower case; line is
    0 without a place in the manifest; href is a path on the origin when it starts with "/",
    else a whole URL or 0; checks is a check set's number.
    """
    kinds: dict[str, int] = {}
    channels: dict[str, int] = {}
    files: dict[str, int] = {}
    origin = result.origin.rstrip("/")
    compact = urlsplit(origin).scheme in ("http", "https") and urlsplit(origin).path == ""
    out = []
    for row in rows:
        kind = kinds.setdefault(row.kind, len(kinds))
        channel = channels.setdefault(row.channel, len(channels))
        file, line = (row.where or ":0").rsplit(":", 1)
        file_index = files.setdefault(file, len(files))
        rid: str | int = 0 if row.id == f"product-{row.name.lower()}" else row.id
        href: str | int = row.href or 0
        if compact and row.href and row.href.startswith(origin + "/"):
            href = row.href[len(origin) :]
        out.append([kind, row.name, rid, channel, file_index, int(line), href, row.checks.number])
    data = {
        "page": PAGE_ROWS,
        "origin": origin,
        "kinds": [[TYPE_TITLES.get(k, k), k] for k in kinds],
        "channels": list(channels),
        "files": list(files),
        "sets": [
            [c.number, len(c.passed), len(c.skipped), " ".join(c.passed)] for c in sets.values()
        ],
        "rows": out,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_JSON_ESCAPES)


def _finding(result: RunResult, f: Finding) -> FindingView:
    evidence = f.evidence or {}
    drawn = cast(Drawn, evidence)  # its keys of the contract have the contract's types
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
        hops=_hops(drawn.get("chain") or [], drawn.get("lost") or [], result.origin),
        lost=[safe(line) for line in lost_lines(drawn.get("lost") or [])],
        queries=[_query(q) for q in drawn.get("queries") or []],
        missing=_texts(drawn.get("looked_for")),
        facts=_facts(evidence, result.origin),
    )


def _hops(chain: list[HopEvidence], lost: list[LostParameter], origin: str) -> list[HopView]:
    """The redirect chain as hops; a parameter lost on the way is marked on the hop before."""
    lost_at: dict[tuple[int, str], str] = {}
    for item in lost:
        at = item.get("hop")
        if isinstance(at, int) and at >= 1:
            lost_at[(at - 1, item.get("parameter", ""))] = str(item.get("what", "dropped"))
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


def _query(q: SearchQuery) -> dict[str, Any]:
    rank = q.get("rank")
    return {
        "query": safe(q.get("query", "")),
        "kind": safe(q.get("kind", "")),
        "results": q.get("results"),
        "rank": rank if isinstance(rank, int) else None,
        "href": _href(q.get("url")),
        "error": safe(q["error"]) if q.get("error") else None,
    }


def _texts(value: str | list[str] | None) -> list[str]:
    if value in (None, "", []):
        return []
    return [safe(v) for v in value] if isinstance(value, list) else [safe(value)]


def _facts(evidence: dict[str, Any], origin: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every other piece of evidence as label → values, URLs made into links."""
    facts = []
    for key, value in evidence.items():
        if key in _DRAWN or key in FOR_MACHINES or value in (None, "", [], {}):
            continue
        items = value if isinstance(value, list) else [value]
        shown: list[tuple[str, str | None]] = []
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
    live: Counter[str] = Counter(f.severity for f in result.findings if not f.acknowledged)
    return [(level, live.get(level, 0)) for level in SEVERITIES]


def _channel_counts(subjects: list[SubjectView], passing: list[Row]) -> list[dict[str, Any]]:
    """Per channel: subjects, and live findings by severity (stacked bars)."""
    rows: dict[str, dict[str, Any]] = {}

    def row_of(channel: str) -> dict[str, Any]:
        return rows.setdefault(
            channel, {"channel": channel, "subjects": 0, **dict.fromkeys(SEVERITIES, 0)}
        )

    for view in subjects:
        row = row_of(view.channel)
        row["subjects"] += 1
        for f in view.findings:
            if not f.acknowledged:
                row[f.severity] += 1
    for passed in passing:
        row_of(passed.channel)["subjects"] += 1
    return sorted(rows.values(), key=lambda r: (-r["error"], -r["warning"], r["channel"]))

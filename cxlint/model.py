"""The data that flows through a run: campaign → responses → findings → result.

Plain dataclasses with no behaviour beyond small derived properties, so every stage
(manifest, fetcher, page, rules, reporters) can depend on this module and on nothing else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypedDict

from cxlint import PROJECT_URL

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
SubjectType = Literal["landing_page", "product", "creative_link", "site"]


# --- The campaign, as the manifest declares it -------------------------------------------


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was written in the manifest (1-based line and column)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Ignore:
    """A finding a team has acknowledged for one subject; it must say why."""

    rule: str
    reason: str


@dataclass
class SearchConfig:
    """How to query the site's own search. `template` holds `{query}`."""

    template: str
    kind: Literal["html", "json"] = "html"
    results: str | None = None  # JMESPath to the result list (json only)
    url_field: str | None = None  # field of a result item holding its URL (json only)
    method: str = "manifest"  # how it was found: manifest, opensearch, schema.org, form, probe


@dataclass
class Site:
    url: str  # origin, e.g. https://www.example.com
    search: SearchConfig | None = None
    phone: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # for site.url's origin only
    headers_for: dict[str, dict[str, str]] = field(default_factory=dict)  # origin -> headers
    # site.url as the manifest writes it, before --base-url moved `url`: creatives carry
    # production links, which are moved the same way
    declared_url: str | None = None
    # site.staging's url and the ${VAR}s its credentials use, to say which to set when
    # staging refuses them (cxlint.staging)
    staging: str | None = None
    staging_env: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Product:
    id: str
    name: str
    model: str | None = None
    aliases: list[str] = field(default_factory=list)
    url: str | None = None  # absolute, resolved against site.url (and --base-url)
    url_as_written: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    location: Location | None = None
    ignore: list[Ignore] = field(default_factory=list)


@dataclass(slots=True)
class LandingPage:
    url: str  # absolute
    url_as_written: str
    channel: str | None = None
    products: list[str] = field(default_factory=list)
    location: Location | None = None
    ignore: list[Ignore] = field(default_factory=list)


@dataclass
class Creative:
    file: str  # as written in the manifest
    path: Path  # resolved against the manifest's folder
    channel: str | None = None
    location: Location | None = None


@dataclass
class RuleSetting:
    """The manifest's `rules:` entry for one rule."""

    severity: str | None = None  # error|warning|info|off; None keeps the default
    options: dict[str, Any] = field(default_factory=dict)
    location: Location | None = None


@dataclass
class Campaign:
    name: str
    id: str | None
    launch: str | None
    site: Site
    products: list[Product] = field(default_factory=list)
    landing_pages: list[LandingPage] = field(default_factory=list)
    creatives: list[Creative] = field(default_factory=list)
    rules: dict[str, RuleSetting] = field(default_factory=dict)
    path: str = "<manifest>"
    location: Location | None = None
    # Values that must never reach a report: header values, ${VAR} expansions.
    secrets: list[str] = field(default_factory=list)

    def product(self, product_id: str) -> Product | None:
        return next((p for p in self.products if p.id == product_id), None)


# --- What the fetcher returns ---------------------------------------------------------------


@dataclass(slots=True)
class Hop:
    """One request of a redirect chain."""

    url: str
    status: int | None
    location: str | None = None  # the Location header as sent, for redirects
    elapsed: float = 0.0


@dataclass(frozen=True)
class Conditional:
    """Validators to send with the request for one hop: "only if it changed since"."""

    url: str  # the hop they belong to (where the earlier run's redirects ended)
    headers: dict[str, str]  # If-None-Match and/or If-Modified-Since

    @property
    def key(self) -> tuple[str, ...]:
        return (self.url, *sorted(f"{k}: {v}" for k, v in self.headers.items()))


@dataclass
class Response:
    """A URL's outcome after following redirects one hop at a time.

    `error` is set when no final response was had (timeout, refused, too many hops, ...);
    `status` is then the last status seen, if any.
    """

    url: str
    final_url: str
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    body: bytes = b""
    chain: list[Hop] = field(default_factory=list)
    elapsed: float = 0.0  # seconds, whole chain
    error: str | None = None  # plain-words description
    error_kind: str | None = (
        None  # timeout|connect|dns|too-many-redirects|robots|body-too-large|...
    )
    truncated: bool = False
    attempts: int = 1
    # --cache: the site said "not modified" (304); the body was not sent again, the page's
    # facts come from the cache, and `known_size` is the size of the body read before.
    revalidated: bool = False
    known_size: int | None = None

    @property
    def size(self) -> int:
        """Bytes of the body as read (before any was let go, for a revalidated page)."""
        return self.known_size if self.known_size is not None else len(self.body)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def redirected(self) -> bool:
        return len(self.chain) > 1


# --- What rules produce and the run reports -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subject:
    type: SubjectType
    id: str | None = None  # product id
    url: str | None = None  # landing page / creative link, as written
    file: str | None = None  # creative file

    def as_dict(self) -> dict[str, str]:
        d: dict[str, str] = {"type": self.type}
        for key in ("id", "file", "url"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        return d

    @property
    def key(self) -> str:
        """Stable identity for matching across runs (baselines, shards)."""
        return "|".join(f"{k}={v}" for k, v in self.as_dict().items())

    @property
    def label(self) -> str:
        if self.type == "product":
            return f"product {self.id}"
        if self.type == "landing_page":
            return f"landing page {self.url}"
        if self.type == "creative_link":
            return f"link {self.url} in {self.file}"
        return "site"


@dataclass
class Issue:
    """What a rule reports: the engine adds rule name, severity, subject and location."""

    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    fix: str | None = None  # None: the catalogue's fix applies
    url: str | None = None
    # A milder case of the rule's problem (4 redirects where 11 is the real failure): the
    # engine reports it one level below the rule's severity. Rules still never see levels.
    minor: bool = False
    # Which of its problems a rule reports, when one rule can report several on one subject
    # (a space, a second '?'): a short stable token, part of the finding's fingerprint.
    what: str | None = None


def help_uri(rule: str) -> str:
    """The rule's documentation on the project's site (docs/rules.md has a heading per rule)."""
    return f"{PROJECT_URL}/blob/main/docs/rules.md#{rule}"


@dataclass(slots=True)
class Finding:
    rule: str
    severity: Severity
    subject: Subject
    message: str
    evidence: dict[str, Any]
    fix: str
    url: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    acknowledged: str | None = None  # the reason, when a manifest `ignore:` covers it
    baseline: Literal["new", "present"] | None = None  # set when compared with a baseline run
    code: str | None = None  # the rule's short code (CX101), when the catalogue gives one
    what: str | None = None  # see Issue.what

    @property
    def key(self) -> str:
        """The rule and the subject: what a check passed or failed on."""
        return f"{self.rule}|{self.subject.key}"

    @property
    def identity(self) -> str:
        """Identity across runs and machines (baselines, SARIF, GitLab): the rule, the subject
        as the manifest writes it and which of the rule's problems, never the wording, a count,
        a time or the origin checked (--base-url moves the origin, not the subject)."""
        return f"{self.key}|{self.what}" if self.what else self.key

    @property
    def fingerprint(self) -> str:
        """The identity hashed: 32 hex digits, the same in every format."""
        return hashlib.sha256(self.identity.encode()).hexdigest()[:32]

    @property
    def help_uri(self) -> str:
        return help_uri(self.rule)


@dataclass(frozen=True, slots=True)
class Check:
    """One rule applied to one subject: passed, failed or skipped (with why)."""

    rule: str
    status: Literal["passed", "failed", "skipped"]
    reason: str | None = None


_VERDICTS: dict[tuple[str, bool], Check] = {}


def verdict(rule: str, failed: bool) -> Check:
    """The passed (or failed) check of `rule`: one shared, immutable object for every subject,
    not one per subject (a 20,000-product run holds a quarter of a million of them)."""
    check = _VERDICTS.get((rule, failed))
    if check is None:
        check = _VERDICTS[rule, failed] = Check(rule, "failed" if failed else "passed")
    return check


@dataclass(slots=True)
class SubjectResult:
    subject: Subject
    url: str | None
    location: Location | None
    channel: str | None = None
    checks: list[Check] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    seconds: float | None = None  # how long checking it took (None in older reports)


# The counters of a run that add up across shards (cxlint.results.merge sums them).
CounterName = Literal[
    "requests", "retries", "robots_blocked", "errors", "cache_hits", "not_modified",
    "cache_stored", "pages", "searches",
]  # fmt: skip
COUNTERS: tuple[CounterName, ...] = (
    "requests", "retries", "robots_blocked", "errors", "cache_hits", "not_modified",
    "cache_stored", "pages", "searches",
)  # fmt: skip


class ShardStats(TypedDict, total=False):
    """One shard of a merged run."""

    report: str
    shard: str | None
    subjects: int
    requests: int | None
    seconds: float | None


class RunStats(TypedDict, total=False):
    """What a run counted: the fetcher's requests, the pages parsed and searches sent, its
    time; a shard's K/N, a merged run's shards and process count."""

    requests: int  # HTTP requests sent, retries and redirect hops included
    retries: int
    robots_blocked: int
    errors: int
    cache_hits: int  # answers shared within the run
    not_modified: int  # 304s with --cache
    cache_stored: int
    pages: int  # parsed
    searches: int  # site searches sent
    seconds: float  # wall time (the slowest shard's, merged)
    seconds_total: float  # all shards' time, merged
    shard: str  # "2/4"
    shards: list[ShardStats]
    jobs: int


@dataclass
class RunResult:
    tool: dict[str, str]
    campaign: dict[str, Any]
    started: str
    finished: str
    origin: str
    subjects: list[SubjectResult] = field(default_factory=list)
    search: dict[str, Any] | None = None  # how site search was found, or why not
    stats: RunStats = field(default_factory=lambda: RunStats())
    baseline: str | None = None  # the baseline report this run was compared with, if any
    fixed: list[Finding] = field(default_factory=list)  # in the baseline, gone from this run
    # Set when the site's origin could not be reached at all (origin, kind, cause): nothing
    # on it was checked, whichever rules are on, and `cxlint check` exits 3.
    unreachable: dict[str, Any] | None = None

    @property
    def findings(self) -> list[Finding]:
        return [f for s in self.subjects for f in s.findings]


# --- an HTTP status in words, for messages and evidence ------------------------------------

HTTP_REASONS = {
    400: "bad request",
    401: "login required",
    403: "forbidden",
    404: "not found",
    410: "gone",
    429: "too many requests",
    500: "server error",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
}


def status_words(status: int | None) -> str:
    if status is None:
        return "no answer"
    reason = HTTP_REASONS.get(status)
    return f"HTTP {status} ({reason})" if reason else f"HTTP {status}"

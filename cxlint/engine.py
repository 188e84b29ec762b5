"""The run: campaign → requests → pages → rules → findings.

The engine is the only place that knows all the stages. It fetches what each subject needs
(the fetcher deduplicates), parses each page once, applies the enabled rules, stamps
severities from the catalogue and the manifest, and returns a RunResult for the reporters.
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cxlint import PROJECT_URL, __version__, urls
from cxlint.catalogue import Rule
from cxlint.checks import CheckSpec, Skip, registry
from cxlint.checks.context import LandingContext, ProductContext, SiteContext
from cxlint.errors import UsageError
from cxlint.fetch import Fetcher, FetchOptions
from cxlint.model import (
    Campaign,
    Check,
    Finding,
    Ignore,
    Issue,
    Location,
    Response,
    RunResult,
    Subject,
    SubjectResult,
)
from cxlint.page import Page, parse_page
from cxlint.redact import scrub
from cxlint.search import SiteSearch, search_product

SEARCH_RULES = ("search-misses-product", "search-partial-match")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ActiveRule:
    rule: Rule
    severity: str
    options: dict[str, Any]


@dataclass
class RunOptions:
    fetch: FetchOptions = field(default_factory=FetchOptions)
    shard: tuple[int, int] | None = None  # (k, n), 1-based k
    origin: str | None = None  # the origin checked, when --base-url moved it


def active_rules(
    catalogue: dict[str, Rule],
    campaign: Campaign,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> dict[str, ActiveRule]:
    """The rules this run applies, each with its severity and options, in catalogue order."""
    by_code = {r.code: name for name, r in catalogue.items() if r.code}

    def resolve(names: list[str] | None, flag: str) -> set[str] | None:
        if names is None:
            return None
        resolved = set()
        for name in names:
            name = by_code.get(name, name)
            if name not in catalogue:
                close = difflib.get_close_matches(name, catalogue, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise UsageError(f"unknown rule '{name}' in {flag}{hint}")
            resolved.add(name)
        return resolved

    selected, ignored = resolve(select, "--select"), resolve(ignore, "--ignore") or set()
    active: dict[str, ActiveRule] = {}
    for name, rule in sorted(catalogue.items(), key=lambda kv: (kv[1].code or "", kv[0])):
        setting = campaign.rules.get(name)
        severity = (setting.severity if setting and setting.severity else None) or rule.severity
        if severity == "off" or name in ignored or (selected is not None and name not in selected):
            continue
        options = rule.defaults()
        for key, value in (setting.options if setting else {}).items():
            problem = (
                rule.check_option(key, value)
                if key in rule.options
                else (f"rule {name} has no option '{key}'")
            )
            if problem:
                raise UsageError(problem, setting.location if setting else None)
            options[key] = value
        active[name] = ActiveRule(rule, severity, options)
    return active


def in_shard(subject: Subject, shard: tuple[int, int] | None) -> bool:
    """Deterministic split by a hash of the subject's identity, stable across machines."""
    if shard is None:
        return True
    k, n = shard
    if subject.type == "site":
        return k == 1
    digest = hashlib.sha1(subject.key.encode()).digest()
    return int.from_bytes(digest[:4], "big") % n == k - 1


class Engine:
    def __init__(
        self,
        campaign: Campaign,
        rules: dict[str, ActiveRule],
        options: RunOptions | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.campaign = campaign
        self.rules = rules
        self.options = options or RunOptions()
        self.progress = progress
        self.specs: dict[str, CheckSpec] = registry()
        self._pages: dict[str, Page] = {}
        self._search: SiteSearch | None = None
        self._search_info: dict[str, Any] = {}
        self._home: Page | None = None

    def run(self) -> RunResult:
        return asyncio.run(self.run_async())

    async def run_async(self) -> RunResult:
        started = datetime.now(UTC)
        clock = time.perf_counter()
        campaign = self.campaign
        async with Fetcher(self.options.fetch) as fetcher:
            self.fetcher = fetcher
            await self._prepare()
            jobs = self._jobs()
            total, done = len(jobs), 0
            if self.progress:
                self.progress(0, total)

            async def tracked(job: Any) -> SubjectResult:
                nonlocal done
                result = await job
                done += 1
                if self.progress:
                    self.progress(done, total)
                return result

            subjects = await asyncio.gather(*(tracked(job) for job in jobs))
            stats = dict(fetcher.stats)
        stats.update(
            pages=len(self._pages),
            searches=len(self._search.sent) if self._search else 0,
            seconds=round(time.perf_counter() - clock, 3),
        )
        result = RunResult(
            tool={"name": "cxlint", "version": __version__, "url": PROJECT_URL},
            campaign={
                "name": campaign.name,
                "id": campaign.id,
                "launch": campaign.launch,
                "manifest": campaign.path,
                "site": campaign.site.url,
            },
            started=started.isoformat(timespec="seconds"),
            finished=datetime.now(UTC).isoformat(timespec="seconds"),
            origin=self.options.origin or urls.origin(campaign.site.url),
            subjects=list(subjects),
            search=self._search_info,
            stats=stats,
        )
        if self.options.shard:
            result.stats["shard"] = "{}/{}".format(*self.options.shard)
        return scrub(result, campaign.secrets)

    # --- preparation: the site's home page and its search -----------------------------------

    async def _prepare(self) -> None:
        home_response = await self.fetcher.get(self.campaign.site.url)
        self._home = self._page(home_response)
        if not any(name in self.rules for name in (*SEARCH_RULES, "search-not-found")):
            return
        config = self.campaign.site.search
        if config is None:
            self._search_info = {"reason": "the manifest has no site.search"}
            return
        search = SiteSearch(config, self.fetcher)
        probe = await search.probe()
        self._search_info = {"method": config.method, "template": config.template}
        if probe.error:
            self._search_info = {
                "method": config.method,
                "tried": config.template,
                "reason": f"the search does not work: {probe.error}",
            }
            return
        self._search = search

    def _page(self, response: Response) -> Page | None:
        """The parsed page of a response that has one; each URL is parsed once."""
        if response.error or response.status is None or response.status >= 400:
            return None
        page = self._pages.get(response.url)
        if page is None:
            page = self._pages[response.url] = parse_page(response)
        return page

    # --- one job per subject ----------------------------------------------------------------

    def _jobs(self) -> list[Any]:
        campaign, shard = self.campaign, self.options.shard
        jobs: list[Any] = []
        site = Subject("site")
        if in_shard(site, shard) and any("site" in r.rule.subjects for r in self.rules.values()):
            jobs.append(self._site(site))
        for landing in campaign.landing_pages:
            subject = Subject("landing_page", url=landing.url_as_written)
            if in_shard(subject, shard):
                jobs.append(self._landing(subject, landing))
        for product in campaign.products:
            subject = Subject("product", id=product.id)
            if in_shard(subject, shard):
                jobs.append(self._product(subject, product))
        return jobs

    async def _site(self, subject: Subject) -> SubjectResult:
        result = SubjectResult(subject, self.campaign.site.url, self.campaign.location)
        self._apply(result, SiteContext(self.campaign, self._search_info), "site", None, [])
        return result

    async def _landing(self, subject: Subject, landing: Any) -> SubjectResult:
        response = await self.fetcher.get(landing.url)
        page = self._page(response)
        products = [p for pid in landing.products if (p := self.campaign.product(pid))]
        ctx = LandingContext(self.campaign, landing, response, page, products, self._home)
        result = SubjectResult(subject, landing.url, landing.location, landing.channel)
        self._apply(result, ctx, "landing_page", page, landing.ignore)
        return result

    async def _product(self, subject: Subject, product: Any) -> SubjectResult:
        response = await self.fetcher.get(product.url) if product.url else None
        page = self._page(response) if response else None
        search, skipped = None, None
        wanted = [r for r in SEARCH_RULES if r in self.rules]
        if not wanted:
            skipped = "search rules are not enabled"
        elif self._search is None:
            skipped = "no site search: " + self._search_info.get("reason", "none configured")
        else:
            top = max(self.rules[r].options.get("top", 10) for r in wanted)
            search = await search_product(self._search, product, page, top)
        ctx = ProductContext(self.campaign, product, response, page, search, skipped)
        result = SubjectResult(subject, product.url, product.location)
        self._apply(result, ctx, "product", page, product.ignore)
        return result

    def _apply(
        self, result: SubjectResult, ctx: Any, kind: str, page: Page | None, ignores: list[Ignore]
    ) -> None:
        """Run every enabled rule for this kind of subject and record how each went."""
        acknowledged = {i.rule: i.reason for i in ignores}
        for name, active in self.rules.items():
            if kind not in active.rule.subjects:
                continue
            spec = self.specs.get(name)
            if spec is None:
                result.checks.append(Check(name, "skipped", "not implemented in this version"))
                continue
            if spec.needs_page and page is None:
                result.checks.append(Check(name, "skipped", "the page could not be opened"))
                continue
            try:
                issues = list(spec.fn(ctx, active.options))
            except Skip as skip:
                result.checks.append(Check(name, "skipped", skip.reason))
                continue
            except Exception as exc:  # noqa: BLE001 - one broken rule must not stop the run
                result.checks.append(
                    Check(
                        name,
                        "skipped",
                        f"cxlint failed inside this rule ({exc.__class__.__name__})",
                    )
                )
                continue
            result.checks.append(Check(name, "failed" if issues else "passed"))
            for issue in issues:
                result.findings.append(self._finding(active, result, issue, acknowledged.get(name)))

    def _finding(
        self, active: ActiveRule, result: SubjectResult, issue: Issue, acknowledged: str | None
    ) -> Finding:
        location: Location | None = result.location
        return Finding(
            rule=active.rule.name,
            severity=active.severity,  # type: ignore[arg-type]
            subject=result.subject,
            message=issue.message,
            evidence=issue.evidence,
            fix=issue.fix or active.rule.fix,
            url=issue.url or result.url,
            file=location.file if location else self.campaign.path,
            line=location.line if location else None,
            column=location.column if location else None,
            acknowledged=acknowledged,
        )

"""cxlint as a library: what `cxlint check` runs, for people who script it.

    import cxlint

    result = cxlint.check("campaign.yaml", base_url="https://staging.shop.example")
    for finding in result.findings:
        print(finding.severity, finding.rule, finding.message)

`check` reads the manifest (raising cxlint.errors.UsageError, with the file, line and column,
for a bad one), checks the campaign against its site, and returns the RunResult the reporters
render (`cxlint.report.reporter("json")`...). Secrets are masked in it, as in every report.
The command line is this plus its options, progress line and report files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from cxlint import urls
from cxlint.catalogue import load_catalogue
from cxlint.engine import Engine, RunOptions, active_rules
from cxlint.fetch import FetchOptions
from cxlint.manifest import load_manifest, require_subjects
from cxlint.model import Campaign, RunResult

Progress = Callable[[int, int], None]


def check(
    manifest: str | os.PathLike[str],
    *,
    base_url: str | None = None,
    staging: bool = False,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    headers: Mapping[str, str] | None = None,
    fetch: FetchOptions | None = None,
    shard: tuple[int, int] | None = None,
    cache: str | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
) -> RunResult:
    """Check the campaign of `manifest` against its site (or `base_url`'s, or its
    `site.staging` with `staging=True`). `select`/`ignore` take rule names or codes;
    `headers` go to the site's own origin only; `fetch` sets politeness and timeouts;
    `jobs` > 1 checks with that many processes, merged into one result."""
    campaign = load(manifest, base_url=base_url, staging=staging, headers=headers)
    return run(
        campaign,
        options(campaign, fetch, headers, shard=shard, cache=cache),
        select=select,
        ignore=ignore,
        jobs=jobs,
        progress=progress,
    )


def load(
    manifest: str | os.PathLike[str],
    *,
    base_url: str | None = None,
    staging: bool = False,
    headers: Mapping[str, str] | None = None,
) -> Campaign:
    """The campaign of a manifest, checked against the catalogue, with something to check."""
    campaign = load_manifest(
        os.fspath(manifest), base_url=base_url, rules=load_catalogue(), staging=staging
    )
    require_subjects(campaign)
    campaign.secrets.extend((headers or {}).values())
    return campaign


def options(
    campaign: Campaign,
    fetch: FetchOptions | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    shard: tuple[int, int] | None = None,
    cache: str | None = None,
) -> RunOptions:
    """A run's options: `fetch` with the campaign's credentials scoped to their origins."""
    fetch = fetch or FetchOptions()
    fetch.origin_headers = origin_headers(campaign, dict(headers or {}))
    return RunOptions(fetch=fetch, shard=shard, origin=urls.origin(campaign.site.url), cache=cache)


def origin_headers(campaign: Campaign, extra: dict[str, str]) -> dict[str, dict[str, str]]:
    """Which headers go to which origin: `site.headers` and the extra ones (`-H`) to the
    site's own origin (and --base-url's), `site.headers_for` to the origins it names; nothing
    anywhere else."""
    own = {**campaign.site.headers, **extra}
    scoped = {
        urls.origin(url): dict(own)
        for url in (campaign.site.declared_url, campaign.site.url)
        if url
    }
    for origin, more in campaign.site.headers_for.items():
        scoped[origin] = {**scoped.get(origin, {}), **more}
    return {origin: sent for origin, sent in scoped.items() if origin and sent}


def run(
    campaign: Campaign,
    options: RunOptions,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    started: Callable[[object], None] | None = None,
) -> RunResult:
    """Check a loaded campaign. `started` is given the running engine (or the processes'
    progress with `jobs` > 1), for a caller that reports how far an interrupted run got."""
    rules = active_rules(load_catalogue(), campaign, select, ignore)
    if jobs > 1 and options.shard is None:
        from cxlint.jobs import Progress as Shared
        from cxlint.jobs import context, run_split

        shared = Shared(context())
        if started:
            started(shared)
        return run_split(campaign, rules, options, jobs, shared)
    engine = Engine(campaign, rules, options, progress=progress)
    if started:
        started(engine)
    return engine.run()

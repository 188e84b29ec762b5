"""Joins the JSON reports of shards (`cxlint check --shard K/N`) into one report.

Each shard checks a disjoint part of the campaign's subjects, so merging is a union of
subjects; anything that would make the union lie (another campaign, another origin, the same
shard or subject twice) is a usage error rather than a silently wrong report.
"""

from __future__ import annotations

from cxlint.errors import UsageError
from cxlint.model import COUNTERS, RunResult, RunStats, ShardStats, SubjectResult

# the order a whole run lists its subjects in (engine._jobs), then manifest order
_TYPE_ORDER = {"site": 0, "landing_page": 1, "product": 2, "creative_link": 3}


def merge(runs: list[tuple[str, RunResult]]) -> RunResult:
    """One RunResult from (name, shard result) pairs, as if one machine had run them all."""
    if not runs:
        raise UsageError("cxlint merge needs at least one report")
    first_name, first = runs[0]
    seen: dict[str, str] = {}
    shards: dict[str, str] = {}
    subjects: list[SubjectResult] = []
    for name, run in runs:
        for field in ("campaign", "origin"):
            if getattr(run, field) != getattr(first, field):
                raise UsageError(
                    f"{name} is a report of another {field} than {first_name}; "
                    "only shards of one run can be merged"
                )
        shard = run.stats.get("shard")
        if shard:
            if shard in shards:
                raise UsageError(f"{name} and {shards[shard]} are both shard {shard}")
            shards[shard] = name
        for subject in run.subjects:
            key = subject.subject.key
            if key in seen:
                raise UsageError(f"{name} and {seen[key]} both checked {subject.subject.label}")
            seen[key] = name
            subjects.append(subject)
    totals = {shard.split("/")[1] for shard in shards}
    if len(totals) > 1:
        raise UsageError(f"the reports are shards of different splits ({', '.join(shards)})")
    subjects.sort(key=_order)
    baselines = {run.baseline for _, run in runs if run.baseline is not None}
    return RunResult(
        tool=first.tool,
        campaign=first.campaign,
        started=min(run.started for _, run in runs),
        finished=max(run.finished for _, run in runs),
        origin=first.origin,
        subjects=subjects,
        search=next((run.search for _, run in runs if run.search), first.search),
        stats=_stats(runs),
        baseline=min(baselines) if baselines else None,
        fixed=[f for _, run in runs for f in run.fixed],
        # every shard tried the same pages, so any one that found the site down speaks for all
        unreachable=next((run.unreachable for _, run in runs if run.unreachable), None),
    )


def missing_shards(result: RunResult) -> list[str]:
    """The shards of the split that a merged report lacks, e.g. ['3/4']."""
    shards = [k for s in result.stats.get("shards", []) if (k := s.get("shard"))]
    if not shards:
        return []
    total = int(shards[0].split("/")[1])
    return [f"{k}/{total}" for k in range(1, total + 1) if f"{k}/{total}" not in shards]


def _order(subject: SubjectResult) -> tuple[int, str, int, int, str]:
    """Manifest order; a creative's links by their place in its file."""
    location = subject.location
    return (
        _TYPE_ORDER.get(subject.subject.type, len(_TYPE_ORDER)),
        subject.subject.file or "",
        location.line if location else 0,
        location.column if location else 0,
        subject.subject.key,
    )


def _stats(runs: list[tuple[str, RunResult]]) -> RunStats:
    """Counters summed; `seconds` is the slowest shard (they run side by side)."""
    stats = RunStats()
    for key in COUNTERS:
        values = [v for _, run in runs if isinstance(v := run.stats.get(key), int)]
        if values:
            stats[key] = sum(values)
    seconds = [s for _, run in runs if (s := run.stats.get("seconds")) is not None]
    if seconds:
        stats["seconds"] = max(seconds)
        stats["seconds_total"] = round(sum(seconds), 3)
    stats["shards"] = [
        ShardStats(
            report=name,
            shard=run.stats.get("shard"),
            subjects=len(run.subjects),
            requests=run.stats.get("requests"),
            seconds=run.stats.get("seconds"),
        )
        for name, run in runs
    ]
    return stats

"""`--jobs N`: one run split over N processes, to use every core.

cxlint's own work (parsing pages, applying rules) holds Python's GIL, so one process checks
at most one core's worth of pages. This process and N-1 forked ones take the campaign's
subjects a few groups at a time from one shared counter (subjects that read a page in
common are one group: engine/subjects.py), so that none waits idle at the end while another
still has half its share to check: a fixed split as `--shard K/N`'s left one process
working alone for up to 3.9 s of a 34 s run (docs/performance.md, "Round 2, fourth pass").
The processes' results are merged as `cxlint merge` does (tests/test_report_merge.py holds
the merge of a split run to a whole run).

Politeness stays the run's: each process gets 1/N of --concurrency, --per-host and --rate,
and what every process needs before its first subject (the home page, the search and its
empty-results probe, robots.txt, the sitemaps) is read once, here, before they start
(engine/run.py: SiteStart), not once per process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cxlint.errors import UsageError
from cxlint.model import Campaign, RunResult

if TYPE_CHECKING:
    from cxlint.engine.run import SiteStart

# What the forked processes run: inherited through fork, not pickled (a 20,000-product
# campaign would otherwise be copied through a pipe to each).
_WORK: tuple[Campaign, dict[str, Any], Any, Progress, Claims, SiteStart | None] | None = None


class Claims:
    """The shared counter the processes take groups of subjects from."""

    def __init__(self, context: Any) -> None:
        self._next = context.Value("i", 0)

    def __call__(self, count: int) -> int:
        """Takes the next `count` groups: the index of the first."""
        with self._next.get_lock():
            first = int(self._next.value)
            self._next.value = first + count
        return first


class Progress:
    """Subjects checked so far, summed over the processes, of how many (shared memory): what
    an interrupted run says of how far it got. Each process plans every subject and takes
    its own as it goes, so each says the same total."""

    def __init__(self, context: Any) -> None:
        self._done = context.Value("i", 0)
        self._total = context.Value("i", 0)

    @property
    def done(self) -> int:
        return int(self._done.value)

    @property
    def total(self) -> int:
        return int(self._total.value)

    def __call__(self, done: int, total: int) -> None:  # an Engine's progress callback
        with (self._total if done == 0 else self._done).get_lock():
            if done == 0:
                self._total.value = max(self._total.value, total)
            else:
                self._done.value += 1


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_split(
    campaign: Campaign, rules: dict[str, Any], options: Any, jobs: int, progress: Progress
) -> RunResult:
    """The run of `campaign` done by `jobs` processes, merged into one result."""
    from cxlint.results.merge import merge

    global _WORK
    fetch = options.fetch
    shared = replace(
        fetch,
        concurrency=max(1, fetch.concurrency // jobs),
        per_host=max(1, fetch.per_host // jobs),
        rate=fetch.rate / jobs if fetch.rate else fetch.rate,
    )
    start = _read_start(campaign, rules, options)
    _WORK = (campaign, rules, replace(options, fetch=shared), progress, Claims(context()), start)
    _build_tables()
    # Forked processes share the parent's memory until they write to it, and a garbage
    # collection writes to every object it visits: frozen objects are never visited, so the
    # campaign and the imported modules stay shared instead of being copied into each process.
    gc.collect()
    gc.freeze()
    try:
        # fork: the campaign and rules are already in memory, and nothing runs yet (no event
        # loop) that a fork could copy half-way. Leaving the `with` terminates the processes.
        # This process takes its share itself rather than wait idle: an idle parent
        # still holds the campaign and the imports, memory no forked process can share once
        # it writes to it.
        with context().Pool(jobs - 1, initializer=_quiet_signals) as pool:
            others = pool.map_async(_run_share, range(2, jobs + 1), chunksize=1)
            results = [_run_share(1), *others.get()]
    finally:
        _WORK = None
        gc.unfreeze()
    merged = merge([(f"process {k}", result) for k, result in enumerate(results, start=1)])
    merged.stats["jobs"] = jobs
    merged.stats.pop("shards", None)  # one run, not shard reports: nothing to list
    if start is not None:  # the requests sent for every process, once
        for key, count in start.stats.items():
            merged.stats[key] = merged.stats.get(key, 0) + count  # type: ignore[literal-required]
    return merged


def _read_start(campaign: Campaign, rules: dict[str, Any], options: Any) -> SiteStart | None:
    """The site's start, read here once rather than by every process: N home pages, search
    probes and sitemaps were N times the requests to the site (and the parse of a sitemap of
    20,000 URLs, 0.15 s, in each). None when reading it fails unexpectedly: then each process
    reads it itself, as it would alone."""
    from cxlint.engine import Engine

    try:
        return Engine(campaign, rules, options).read_start()
    except UsageError:  # --cache unusable: said once, now, not by every process
        raise
    except Exception:  # noqa: BLE001 - the processes still read it, and report what broke
        return None


def _build_tables() -> None:
    """Build here, before the fork, the tables each process would otherwise build for itself
    on its first page: the stock words' compiled patterns of 18 languages and the currency
    codes (0.2 s of CPU a process, mostly compiling regexes)."""
    from cxlint import currency, stock_words

    stock_words.matcher()
    currency.canonical("USD")


def context() -> Any:
    """The fork start method: the processes inherit the loaded campaign instead of a copy."""
    if "fork" not in multiprocessing.get_all_start_methods():
        raise UsageError("--jobs needs a system that can fork processes (Linux, macOS)")
    return multiprocessing.get_context("fork")


def _quiet_signals() -> None:
    """Ctrl-C and SIGTERM are the parent's to handle: it stops the processes itself, and a
    process stopped so must not print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_share(_process: int) -> RunResult:
    """The subjects this process claims (forked process 2, 3… or this one, 1), checked."""
    from cxlint.engine import Engine

    assert _WORK is not None
    campaign, rules, options, progress, claims, start = _WORK
    return Engine(campaign, rules, options, progress=progress, claims=claims, start=start).run()

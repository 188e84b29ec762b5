"""The run: campaign → plan → pages and facts → rules → findings → RunResult.

`Engine(campaign, rules, options).run()` checks a campaign; `active_rules` picks the rules a
run applies. The parts, one job each: plan.py (rules, the facts they need, shards), pages.py
(fetch or revalidate, parse once, release: all memory policy), facts.py (what rules need
beyond a page: search, probes, sitemaps, robots, the campaign's pages), subjects.py (one job
per subject), apply.py (rules → findings, severity stamped), run.py (the whole).
"""

from cxlint.engine.plan import ActiveRule, RunOptions, active_rules, in_shard
from cxlint.engine.run import Engine

__all__ = ["ActiveRule", "Engine", "RunOptions", "active_rules", "in_shard"]

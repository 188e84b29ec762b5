"""The plan of a run: which rules apply (with their severity and options), which facts they
need (and with which parameters), and which subjects this process checks (its shard).

Nothing here fetches: it reads the catalogue, the manifest and the rules' declarations.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from typing import Any

from cxlint.catalogue import Rule
from cxlint.checks import CheckSpec
from cxlint.engine.facts import JOIN
from cxlint.errors import UsageError
from cxlint.fetch import FetchOptions
from cxlint.model import Campaign, Subject


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
    cache: str | None = None  # --cache DIR: validators and page facts kept between runs


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
        given = setting.options if setting else {}
        # the manifest loader reports these at their place; a campaign built without the
        # catalogue (option names only) is checked here, by the same rule
        problems = rule.option_problems(given)
        if problems:
            raise UsageError(problems[0].message, setting.location if setting else None)
        active[name] = ActiveRule(rule, severity, {**rule.defaults(), **given})
    return active


# fact → its parameters, joined across the rules that need it
Needs = dict[str, dict[str, Any]]


def needs_of(rules: dict[str, ActiveRule], specs: dict[str, CheckSpec]) -> Needs:
    """The facts the active, implemented rules read (from their declarations), each with its
    parameters joined across the rules as the providers say (facts.JOIN)."""
    values: dict[str, dict[str, list[Any]]] = {}
    for name, active in rules.items():
        spec = specs.get(name)
        for need in spec.needs if spec else ():
            fact = values.setdefault(need.fact, {})
            for param, option in need.options.items():
                fact.setdefault(param, []).append(active.options[option])
    return {
        fact: {param: JOIN[fact][param](found) for param, found in params.items()}
        for fact, params in values.items()
    }


def in_shard(subject: Subject, shard: tuple[int, int] | None) -> bool:
    """Deterministic split by a hash of the subject's identity, stable across machines."""
    if shard is None:
        return True
    k, n = shard
    if subject.type == "site":
        return k == 1
    digest = hashlib.sha1(subject.key.encode()).digest()
    return int.from_bytes(digest[:4], "big") % n == k - 1

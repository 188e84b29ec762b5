""" "Fix these first": the run's errors, then warnings, grouped by who usually fixes them.

A report opens with this short list so that whoever reads it knows what to do and whom to
send it to before reading the details. Acknowledged findings and info are left out; the
list is cut at a few lines, saying how many more the details hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cxlint.catalogue import OWNERS as OWNER_TITLES
from cxlint.catalogue import Rule
from cxlint.model import Finding, RunResult, Subject

Catalogue = Mapping[str, Rule]
OTHER = "other"


def owners(catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    """Each group's title and its rules (a rule file's `owner:`), in the order of their codes:
    the order reports show the groups and their rules in."""
    rules = sorted(catalogue.values(), key=lambda r: (r.code or "", r.name))
    return {
        title: tuple(rule.name for rule in rules if rule.owner == key)
        for key, title in OWNER_TITLES.items()
    }


# The groups' titles in their order, "other" last (a rule no catalogue knows: an old report's)
GROUP_ORDER = [*OWNER_TITLES.values(), OTHER]
_ORDER = {"error": 0, "warning": 1}
LIMIT = 12


@dataclass
class Item:
    severity: str
    rule: str
    subject: Subject
    message: str


@dataclass
class Group:
    owner: str
    items: list[Item] = field(default_factory=list)


@dataclass
class FixFirst:
    groups: list[Group]
    errors: int
    warnings: int
    more: int  # live errors and warnings left out of the list

    @property
    def empty(self) -> bool:
        return not self.groups


def owner(rule: str, catalogue: Catalogue) -> str:
    """The title of the group that usually fixes what `rule` finds."""
    known = catalogue.get(rule)
    return OWNER_TITLES[known.owner] if known is not None else OTHER


def fix_first(result: RunResult, catalogue: Catalogue, limit: int = LIMIT) -> FixFirst:
    """Errors before warnings; groups in their order, those with an error first."""
    live: list[tuple[Finding, Subject]] = [
        (f, subject.subject)
        for subject in result.subjects
        for f in subject.findings
        if not f.acknowledged and f.severity in _ORDER
    ]
    live.sort(key=lambda pair: _ORDER[pair[0].severity])  # stable: the report's own order
    shown, more = live[:limit], len(live) - min(len(live), limit)
    groups: dict[str, Group] = {}
    for f, about in shown:
        name = owner(f.rule, catalogue)
        groups.setdefault(name, Group(name)).items.append(
            Item(f.severity, f.rule, about, f.message)
        )
    ordered = sorted(
        groups.values(),
        key=lambda g: (min(_ORDER[i.severity] for i in g.items), GROUP_ORDER.index(g.owner)),
    )
    errors = sum(1 for f, _ in live if f.severity == "error")
    return FixFirst(ordered, errors, len(live) - errors, more)

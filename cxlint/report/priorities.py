""" "Fix these first": the run's errors, then warnings, grouped by who usually fixes them.

A report opens with this short list so that whoever reads it knows what to do and whom to
send it to before reading the details. Acknowledged findings and info are left out; the
list is cut at a few lines, saying how many more the details hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cxlint.model import Finding, RunResult, Subject

# Who usually fixes what each rule finds, in the order the groups are shown
OWNERS: dict[str, tuple[str, ...]] = {
    "the campaign (its manifest, links and creatives)": (
        "tracking-missing",
        "creative-link-untracked",
        "creative-link-off-campaign",
    ),
    "redirects and links": (
        "site-unreachable",
        "page-unreachable",
        "soft-404",
        "redirect-to-generic",
        "redirect-chain",
        "tracking-dropped",
        "creative-link-broken",
        "insecure-url",
    ),
    "site content": (
        "product-not-on-page",
        "wrong-product-on-page",
        "model-not-on-product-page",
        "price-mismatch",
        "product-unavailable",
        "phone-missing",
    ),
    "site search": ("search-not-found", "search-misses-product", "search-partial-match"),
    "SEO and feeds": (
        "structured-data-missing",
        "product-page-noindex",
        "canonical-mismatch",
        "not-in-sitemap",
        "social-preview-missing",
        "slow-page",
    ),
}
OTHER = "other"
_OWNER_OF = {rule: owner for owner, rules in OWNERS.items() for rule in rules}
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


def owner(rule: str) -> str:
    return _OWNER_OF.get(rule, OTHER)


def fix_first(result: RunResult, limit: int = LIMIT) -> FixFirst:
    """Errors before warnings; groups in OWNERS' order, those with an error first."""
    live: list[tuple[Finding, Subject]] = [
        (f, subject.subject)
        for subject in result.subjects
        for f in subject.findings
        if not f.acknowledged and f.severity in _ORDER
    ]
    live.sort(key=lambda pair: _ORDER[pair[0].severity])  # stable: the report's own order
    shown, more = live[:limit], len(live) - min(len(live), limit)
    owners = [*OWNERS, OTHER]
    groups: dict[str, Group] = {}
    for f, about in shown:
        name = owner(f.rule)
        groups.setdefault(name, Group(name)).items.append(
            Item(f.severity, f.rule, about, f.message)
        )
    ordered = sorted(
        groups.values(),
        key=lambda g: (min(_ORDER[i.severity] for i in g.items), owners.index(g.owner)),
    )
    errors = sum(1 for f, _ in live if f.severity == "error")
    return FixFirst(ordered, errors, len(live) - errors, more)

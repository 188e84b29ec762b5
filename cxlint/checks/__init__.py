"""Rule implementations, grouped by subject. A rule is a function from a subject's context
and its options to zero or more Issues; it never fetches, parses, or knows its severity.

A rule declares the facts it reads beyond the manifest (`needs`): its subject's parsed page,
and facts that cost requests of their own, gathered only when an active rule needs them —
the site's search and each product's searches, a made-up address's answer (the soft-404
probe), the campaign link asked again with ad click ids, the origin's sitemaps and
robots.txt, the campaign's own pages. A fact may take parameters from the rule's options
(`Need("sitemaps", files="max_files")`: the provider's `files` is the rule's option
`max_files`). The engine gathers what the active rules need and never names a rule.

A rule's contract is typed, beside it: its options a TypedDict (`SlowPageOptions`, the keys
its rule file declares) and its evidence a TypedDict (`SlowPageEvidence`), named in its
declaration (`@rule(name, evidence=..., options=...)`). mypy --strict holds the function to
them: it yields `Found[SlowPageEvidence]`, so it cannot emit a key its type does not declare,
nor read an option its type does not have.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypedDict, TypeVar, cast, overload

from cxlint.model import Issue

# the engine's view of a rule: context and options in, issues out
CheckFn = Callable[[Any, Any], Iterable[Issue]]
E = TypeVar("E", bound=Mapping[str, object])  # a rule's evidence TypedDict
Opts = TypeVar("Opts", bound=Mapping[str, object])  # a rule's options TypedDict
C = TypeVar("C")  # the context it reads (checks/context.py)


class NoOptions(TypedDict):
    """The options of a rule that takes none (only `severity` in the manifest)."""


class Found(Issue, Generic[E]):
    """An Issue whose evidence has the rule's own type (the engine and reporters see an
    Issue, its evidence the plain dict it is at run time)."""

    def __init__(
        self,
        message: str,
        evidence: E,
        fix: str | None = None,
        url: str | None = None,
        minor: bool = False,
        what: str | None = None,
    ) -> None:
        super().__init__(message, cast("dict[str, Any]", evidence), fix, url, minor, what)


# The facts a rule can need; the engine's providers (cxlint/engine/facts.py) gather each.
PAGE = "page"  # the subject's page, parsed: the rule is skipped when it could not be opened
FACTS = frozenset(
    {
        PAGE,
        "site_search",  # how the site's search was found, or why none was
        "product_search",  # the product's searches (params: depth, by_text)
        "not_found_probe",  # what the site answers for a made-up address beside the page
        "click_ids_probe",  # the link asked again with gclid/fbclid (params: quiet_channels)
        "sitemaps",  # the sitemaps of the page's origin (params: files, the most read)
        "robots",  # the robots.txt of the page's origin
        "campaign_pages",  # the campaign's own pages and where they end (creatives' links)
    }
)


@dataclass(frozen=True)
class Need:
    """A fact a rule reads, with the provider's parameters taken from the rule's options
    (parameter name → option name)."""

    fact: str
    options: Mapping[str, str] = field(default_factory=dict)

    def __init__(self, fact: str, **options: str) -> None:
        if fact not in FACTS:
            raise ValueError(f"unknown fact {fact!r}: one of {', '.join(sorted(FACTS))}")
        object.__setattr__(self, "fact", fact)
        object.__setattr__(self, "options", dict(options))


class Skip(Exception):  # noqa: N818 - reads as `raise Skip("no site search")`
    """Raised by a rule that cannot judge this subject; the reason is reported, never a pass."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CheckSpec:
    name: str
    fn: CheckFn
    needs: tuple[Need, ...]
    evidence: type[Mapping[str, object]]  # its evidence TypedDict
    options: type[Mapping[str, object]] = NoOptions  # its options TypedDict

    @property
    def needs_page(self) -> bool:
        """Skipped when the subject's page could not be fetched."""
        return any(need.fact == PAGE for need in self.needs)


_REGISTRY: dict[str, CheckSpec] = {}


RuleFn = Callable[[C, Opts], Iterable[Found[E]]]


@overload
def rule(
    name: str, *, needs: Iterable[Need | str] = ..., evidence: type[E]
) -> Callable[[RuleFn[C, NoOptions, E]], RuleFn[C, NoOptions, E]]: ...
@overload
def rule(
    name: str, *, needs: Iterable[Need | str] = ..., evidence: type[E], options: type[Opts]
) -> Callable[[RuleFn[C, Opts, E]], RuleFn[C, Opts, E]]: ...
def rule(
    name: str,
    *,
    needs: Iterable[Need | str] = (PAGE,),
    evidence: type[Any],
    options: type[Any] = NoOptions,
) -> Callable[[RuleFn[Any, Any, Any]], RuleFn[Any, Any, Any]]:
    """Register a rule implementation with the facts it reads (by default its page only;
    `needs=()` for a rule that reads the manifest and the fetch alone), the type of its
    evidence and, when it takes options, the type of its options."""
    declared = tuple(n if isinstance(n, Need) else Need(n) for n in needs)

    def register(fn: RuleFn[Any, Any, Any]) -> RuleFn[Any, Any, Any]:
        _REGISTRY[name] = CheckSpec(name, fn, declared, evidence, options)
        return fn

    return register


def registry() -> dict[str, CheckSpec]:
    """Every implemented rule by name: importing each module of this package registers its
    rules (a new rule's module is found without being listed anywhere)."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return dict(_REGISTRY)

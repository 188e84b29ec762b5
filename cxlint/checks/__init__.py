"""Rule implementations, grouped by subject. A rule is a function from a subject's context
and its options to zero or more Issues; it never fetches, parses, or knows its severity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cxlint.model import Issue

CheckFn = Callable[[Any, dict[str, Any]], Iterable[Issue]]


class Skip(Exception):  # noqa: N818 - reads as `raise Skip("no site search")`
    """Raised by a rule that cannot judge this subject; the reason is reported, never a pass."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CheckSpec:
    name: str
    fn: CheckFn
    needs_page: bool  # skipped when the subject's page could not be fetched


_REGISTRY: dict[str, CheckSpec] = {}


def rule(name: str, *, needs_page: bool = True) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        _REGISTRY[name] = CheckSpec(name, fn, needs_page)
        return fn

    return register


def registry() -> dict[str, CheckSpec]:
    """Every implemented rule by name (importing the modules registers them)."""
    from cxlint.checks import (  # noqa: F401
        creative,
        landing,
        metadata,
        price,
        product,
        product_page,
        site,
        stock,
        tracking,
        transport,
    )

    return dict(_REGISTRY)

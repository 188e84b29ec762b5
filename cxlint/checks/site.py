"""Rules about the site as a whole."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cxlint.checks import rule
from cxlint.checks.context import SiteContext
from cxlint.model import Issue


@rule("search-not-found", needs_page=False)
def search_not_found(ctx: SiteContext, options: dict[str, Any]) -> Iterator[Issue]:
    if ctx.search.get("template"):
        return
    reason = ctx.search.get("reason", "the manifest has no site.search")
    yield Issue(
        f"No working site search was found ({reason}), so no product's search could be checked.",
        dict(ctx.search),
    )

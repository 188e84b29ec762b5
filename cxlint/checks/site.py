"""Rules about the site as a whole."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from cxlint.checks import rule
from cxlint.checks.context import SiteContext
from cxlint.model import Issue


@rule("search-not-found", needs_page=False)
def search_not_found(ctx: SiteContext, options: dict[str, Any]) -> Iterator[Issue]:
    if ctx.search.get("template"):
        return
    reason = ctx.search.get("reason", "the manifest has no site.search")
    evidence = {k: v for k, v in ctx.search.items() if k not in ("tried", "reason")}
    evidence["tried"] = _tried(ctx.search.get("tried", []))
    yield Issue(
        f"No working site search was found ({reason}), so no product's search could be checked.",
        evidence,
    )


def _tried(steps: list[dict[str, Any]]) -> list[str]:
    """Each discovery step as a line a person can read; the common paths probed in one."""
    lines = [f"{s['method']}: {s['outcome']}" for s in steps if s["method"] != "probe"]
    probed = [s for s in steps if s["method"] == "probe"]
    if probed and all("template" in s for s in probed):
        paths = ", ".join(_path(s["template"]) for s in probed)
        lines.append(f"common search paths ({paths}): none is a search that finds a product")
    elif probed:
        lines.append(f"common search paths: {probed[0]['outcome']}")
    return lines


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")

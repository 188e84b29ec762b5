"""The house has floors, and imports go down only (issue 16): a module never imports one
from a floor above its own. A new module must be given its floor here, which is the moment
to think about where it belongs (docs/architecture.md has the picture)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cxlint"

# Each top-level module or package of cxlint and its floor; within a floor, anything goes.
FLOORS: dict[str, int] = {
    # 0: words, addresses and the data model, knowing nothing of the web or the campaign
    **dict.fromkeys(
        [
            "errors",
            "model",
            "text",
            "textscan",
            "urls",
            "tree",
            "redact",
            "bounds",
            "memory",
            "nesting",
            "currency",
            "stock_words",
            "schema",
        ],
        0,
    ),  # fmt: skip
    # 1: the web: fetching, reading a page, a site's files, what a run keeps between runs
    **dict.fromkeys(
        [
            "fetch",
            "page",
            "prices",
            "regions",
            "results_region",
            "microdata",
            "robots",
            "sitemap",
            "cache",
            "probes",
            "outage",
            "creative",
            "staging",
            "spelling",
        ],
        1,
    ),  # fmt: skip
    # 2: the campaign (its manifest and spreadsheets), the catalogue, and the site's search
    **dict.fromkeys(["catalogue", "manifest", "sheets", "search", "discover"], 2),
    "checks": 3,  # the rules
    "engine": 4,  # the run
    "results": 5,  # runs joined and compared
    "report": 6,  # formats
    # 7: what people run: the command line and its helpers
    **dict.fromkeys(
        [
            "api",
            "jobs",
            "cli",
            "__main__",
            "__init__",
            "authoring",
            "site_draft",
            "validate",
            "config",
            "terminal",
            "output",
            "demo",
            "docs",
            "dev",
        ],
        7,
    ),  # fmt: skip
}


def _top(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "cxlint" and len(parts) > 1 else None


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {t for name in found if (t := _top(name)) is not None}


def _owner(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_module_has_a_floor() -> None:
    assert {_owner(p) for p in MODULES} <= set(FLOORS), {_owner(p) for p in MODULES} - set(FLOORS)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_down(path: Path) -> None:
    mine = _owner(path)
    above = {name for name in _imports(path) if name in FLOORS and FLOORS[name] > FLOORS[mine]}
    assert not above, f"{mine} (floor {FLOORS[mine]}) imports {sorted(above)} from above"

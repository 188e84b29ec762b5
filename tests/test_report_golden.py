"""Golden files: every reporter renders two saved runs exactly as tests/golden/ records.

The runs are tests/data/report-demo.json (the demo campaign, with search evidence and a page
whose title is an attack) and the same compared with tests/data/report-old.json. After an
intended change, regenerate with CXLINT_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cxlint import __version__
from cxlint.catalogue import load_catalogue
from cxlint.report import EXTENSIONS, FORMATS, reporter
from cxlint.report.json_report import read
from cxlint.results.baseline import apply_baseline

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CXLINT_UPDATE_GOLDEN") == "1"
# the rules the goldens document: a rule added to the catalogue later must not change them,
# and slow-page stays out on purpose (a report from a newer cxlint names unknown rules)
RULES = (
    "page-unreachable",
    "redirect-to-generic",
    "tracking-dropped",
    "product-not-on-page",
    "model-not-on-product-page",
    "search-misses-product",
    "search-partial-match",
    "search-not-found",
)


def runs() -> dict[str, object]:
    demo = read(str(DATA / "report-demo.json"))
    old = read(str(DATA / "report-old.json"))
    return {"demo": demo, "baseline": apply_baseline(demo, old, "report-old.json")}


def normalise(data: bytes) -> str:
    return data.decode().replace(__version__, "VERSION")


@pytest.mark.parametrize("name", ["demo", "baseline"])
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_golden(fmt: str, name: str) -> None:
    catalogue = {n: r for n, r in load_catalogue().items() if n in RULES}
    result = runs()[name]
    got = normalise(reporter(fmt)(result, color=False, catalogue=catalogue))
    path = GOLDEN / f"{name}.{EXTENSIONS[fmt]}"
    if UPDATE or not path.exists():
        if not UPDATE and os.environ.get("CI"):
            pytest.fail(f"{path} is missing: run CXLINT_UPDATE_GOLDEN=1 pytest and commit it")
        path.parent.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    want = path.read_text(encoding="utf-8")
    assert got == want, (
        f"{fmt} output differs from {path.name}; if the change is intended, "
        "regenerate with CXLINT_UPDATE_GOLDEN=1 and review the diff"
    )


def test_goldens_render_the_same_run_differently() -> None:
    """A reporter that ignored its input would still match its own golden; this would not."""
    texts = {p.name.removeprefix("demo."): p.read_text() for p in GOLDEN.glob("demo.*")}
    assert set(texts) == set(EXTENSIONS.values())
    for text in texts.values():
        assert "tracking-dropped" in text
        assert "redirect-to-generic" in text

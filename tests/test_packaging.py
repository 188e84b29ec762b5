"""The wheel carries what an installed cxlint needs: the rule catalogue, schemas, the demo, the
stock words of every language."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from cxlint.demo import CREATIVES

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_rules_schema_and_demo(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("cxlint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    rules = {f"cxlint/rules/{p.name}" for p in (ROOT / "rules").glob("*.yaml")}
    assert rules and rules <= names, sorted(rules - names)
    assert "cxlint/schema/manifest.schema.json" in names
    assert "cxlint/demo/campaign.yaml" in names
    words = {f"cxlint/stock_words/{p.name}" for p in (ROOT / "cxlint/stock_words").glob("*.yaml")}
    assert len(words) >= 14 and words <= names, sorted(words - names)  # one file a language
    assert {f"cxlint/demo/{name}" for name in CREATIVES} <= names  # its e-mail, print URLs
    assert not [n for n in names if n.startswith("tests/")]

"""Resource bounds (issue 14, item 4): what one value of a manifest, or one hostile page, can
cost.

- Manifest values have maximum lengths (the schema's maxLength): a 10 MB product name is one
  located line and exit 2, in modest memory, and the value is never echoed.
- Reports are bounded per finding: a page with a multi-megabyte title and tens of thousands of
  headings, against a manifest at its length limits, makes every format small; text is cut
  after secrets are masked, so a cut never leaves part of a secret or of its mask.
- Deep nesting: text after 100,000 nested elements is read, as a browser shows it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cxlint.cli import main
from cxlint.manifest import load_manifest_text
from tests.faultserver import closed_port_url

ROOT = Path(__file__).parent.parent  # where `python -m tests.load.peakrss` is found
ONE_LINE = re.compile(r"^cxlint: error: [^\n]+:\d+:\d+: [^\n]+\n$")
OFFLINE = ["--retries", "0", "--timeout", "1", "--no-robots"]


def manifest(**product: Any) -> dict[str, Any]:
    return {
        "version": 1,
        "campaign": {"name": "Bounds", "id": "b"},
        "site": {"url": closed_port_url().rstrip("/")},
        "products": [{"id": "v710", "name": "RAZR V710", "model": "V710", **product}],
    }


def check(path: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, ["check", str(path), *OFFLINE, *args], env=env)


# --- 1. manifest values have maximum lengths ----------------------------------------------


def test_a_10_mb_product_name_is_one_located_line_in_modest_memory(tmp_path: Path) -> None:
    path = tmp_path / "campaign.yaml"
    text = yaml.safe_dump(manifest(), sort_keys=False, width=1000)
    path.write_text(text.replace("name: RAZR V710", "name: " + "N" * 10_000_000))
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "RAZR V710" in t)
    peak_file = tmp_path / "peak.txt"
    run = subprocess.run(
        [sys.executable, "-m", "tests.load.peakrss", str(peak_file), "cxlint", "check",
         str(path), *OFFLINE, "-o", str(tmp_path / "report.txt")],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr[:500]
    assert ONE_LINE.match(run.stderr), run.stderr[:500]
    assert f"{path}:{line}:" in run.stderr
    assert "'name' is 10,000,000 characters long; at most 300 are allowed" in run.stderr
    assert len(run.stderr) < 300  # the value is not echoed
    assert not (tmp_path / "report.txt").exists()
    peak_mb = float(peak_file.read_text())
    print(f"peak memory refusing a 10 MB product name: {peak_mb:.0f} MB")
    assert peak_mb < 400


LONG = {
    # what is too long, where (a product field, or a path into the manifest), its limit
    "name": ("name", 300),
    "model": ("model", 300),
    "id": ("id", 300),
    "an alias": ("aliases", 300),
    "the product URL": ("url", 8192),
    "the price as text": ("price", 50),
}


@pytest.mark.parametrize("what", list(LONG))
def test_each_text_field_has_a_limit_just_above_real_use(what: str) -> None:
    key, limit = LONG[what]

    def value(length: int) -> Any:
        text = {"url": "/" + "u" * (length - 1), "price": "9" * length}.get(key, "x" * length)
        return [text] if key == "aliases" else text

    load_manifest_text(yaml.safe_dump(manifest(**{key: value(limit)})), "m.yaml")  # fits
    with pytest.raises(Exception) as error:
        load_manifest_text(yaml.safe_dump(manifest(**{key: value(limit + 1)})), "m.yaml")
    said = str(error.value)
    assert f"is {limit + 1:,} characters long; at most {limit:,} are allowed" in said
    assert re.match(r"m\.yaml:\d+:\d+: ", said), said
    assert "x" * 61 not in said and "u" * 61 not in said and "9" * 61 not in said


@pytest.mark.parametrize("where", ["headers", "headers_for"])
def test_a_long_header_value_is_refused_without_showing_it(where: str, tmp_path: Path) -> None:
    data = manifest()
    headers = {"Authorization": "Bearer " + "s3cr3t" * 2000}
    data["site"][where] = headers if where == "headers" else {"https://api.example": headers}
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, width=100_000))
    result = check(path)
    assert result.exit_code == 2
    assert "header 'Authorization' is 12,007 characters long; at most 8,192" in result.output
    assert "s3cr3t" not in result.output


def test_a_value_made_long_by_a_variable_is_refused_without_showing_it(tmp_path: Path) -> None:
    data = manifest(name="${BIG}${BIG}")
    data["site"]["headers"] = {"X-Key": "${KEY}"}
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    written = path.read_text().splitlines()
    line = next(i for i, t in enumerate(written, 1) if "${BIG}" in t)
    header_line = next(i for i, t in enumerate(written, 1) if "${KEY}" in t)
    result = check(path, env={"BIG": "b" * 5000, "KEY": "k" * 9000})
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 1 and f":{header_line}:" in lines[0], lines  # the first in the file
    assert "header 'X-Key' is 9,000 characters long once its ${VAR}s are filled in" in lines[0]
    assert "kkkk" not in result.output
    result = check(path, env={"BIG": "b" * 5000, "KEY": "k"})
    assert result.exit_code == 2
    assert f":{line}:" in result.output
    assert "the product's 'name' is 10,000 characters long once its ${VAR}s" in result.output
    assert "bbbb" not in result.output


def test_a_long_header_name_is_refused(tmp_path: Path) -> None:
    data = manifest()
    data["site"]["headers"] = {"X-" + "a" * 300: "v"}
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, width=1000))
    result = check(path)
    assert result.exit_code == 2
    assert "is not a valid HTTP header name" in result.output
    assert len(result.output) < 200

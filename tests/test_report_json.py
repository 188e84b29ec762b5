"""The JSON report against its published schema (cxlint/schema/report.schema.json), and
`cxlint report RUN.json --format FMT --output PATH` for every format."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cxlint.errors import UsageError
from cxlint.report import EXTENSIONS, FORMATS
from cxlint.report.json_report import SCHEMA_VERSION, from_dict, read, render, stream, to_dict
from cxlint.results.baseline import apply_baseline

DATA = Path(__file__).parent / "data"


def schema() -> dict[str, Any]:
    text = files("cxlint").joinpath("schema", "report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def validate(report: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
    )


def cxlint(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cxlint", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        env=env,
    )


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


def test_the_schema_ships_inside_the_package() -> None:
    assert files("cxlint").joinpath("schema", "report.schema.json").is_file()


@pytest.mark.parametrize("name", ["report-demo.json", "report-old.json"])
def test_saved_reports_match_the_schema(name: str) -> None:
    validate(json.loads((DATA / name).read_text()))


def test_a_report_with_a_baseline_matches_the_schema() -> None:
    result = apply_baseline(
        read(str(DATA / "report-demo.json")), read(str(DATA / "report-old.json")), "old.json"
    )
    report = to_dict(result)
    validate(report)
    assert report["baseline"] == {"file": "old.json"}
    assert report["summary"]["fixed"] == len(report["fixed"]) == 1
    assert {f["baseline"] for f in report["findings"]} == {"new", "present"}


def test_the_schema_rejects_what_the_contract_forbids() -> None:
    """The schema is a real check: a report missing a finding's fix or with an unknown
    severity does not pass."""
    report = json.loads((DATA / "report-demo.json").read_text())
    del report["findings"][0]["fix"]
    with pytest.raises(AssertionError, match="fix"):
        validate(report)
    report = json.loads((DATA / "report-demo.json").read_text())
    report["findings"][0]["severity"] = "fatal"
    with pytest.raises(AssertionError, match="fatal"):
        validate(report)


def test_reading_a_report_gives_back_what_was_written() -> None:
    data = json.loads((DATA / "report-demo.json").read_text())
    written = to_dict(from_dict(data))
    assert to_dict(from_dict(written)) == written
    # a report from before findings carried code, fingerprint and help_uri: only those added
    for old, new in zip(data["findings"], written["findings"], strict=True):
        assert {k: v for k, v in new.items() if k in old} == old
        assert set(new) - set(old) == {"code", "fingerprint", "help_uri"}
    assert {k: v for k, v in written.items() if k != "findings"} == {
        k: v for k, v in data.items() if k != "findings"
    }
    result = apply_baseline(from_dict(data), read(str(DATA / "report-old.json")), "old.json")
    again = json.loads(render(result))
    assert to_dict(from_dict(again)) == again


def test_the_demo_writes_a_json_and_an_html_report(tmp_path: Path) -> None:
    """`cxlint demo` with no options: the live run's JSON matches the schema, and the HTML
    report is written beside it with its path printed, ready to open."""
    run = cxlint("demo", "--quiet", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    validate(json.loads((tmp_path / "cxlint-report.json").read_text()))
    html = tmp_path / "cxlint-report.html"
    assert "tracking-dropped" in html.read_text(encoding="utf-8")
    assert f"open the HTML report: {html.resolve().as_uri()}" in run.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ('{"version": "2.1.0", "runs": []}', "not a cxlint JSON report"),
        ("[1, 2]", "not a cxlint JSON report"),
        (json.dumps({"schema_version": SCHEMA_VERSION + 1}), "newer cxlint"),
    ],
)
def test_reading_something_else_is_a_usage_error(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "run.json"
    path.write_text(content)
    with pytest.raises(UsageError, match=message):
        read(str(path))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_report_renders_every_format_to_a_file(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{EXTENSIONS[fmt]}"
    run = cxlint("report", str(DATA / "report-demo.json"), "--format", fmt, "--output", str(out))
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    assert f"wrote {fmt} report to {out}" in run.stderr
    assert "tracking-dropped" in out.read_text(encoding="utf-8")


def test_report_fails_on_errors_when_asked() -> None:
    demo = str(DATA / "report-demo.json")
    assert cxlint("report", demo, "--format", "json").returncode == 0  # default: never
    assert cxlint("report", demo, "--format", "json", "--fail-on", "error").returncode == 1


def test_report_of_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    run = cxlint("report", str(tmp_path / "nope.json"), "--format", "html")
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0
    assert "nope.json" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("name", ["report-demo.json", "report-old.json"])
def test_the_streamed_report_is_byte_for_byte_one_json_dump(name: str) -> None:
    result = read(str(DATA / name))
    whole = (json.dumps(to_dict(result), indent=2, ensure_ascii=False, default=str) + "\n").encode()
    pieces = list(stream(result))
    assert len(pieces) == len(result.subjects) + 2  # head, one per subject, tail
    assert b"".join(pieces) == whole
    result.subjects = []
    empty = (json.dumps(to_dict(result), indent=2, ensure_ascii=False, default=str) + "\n").encode()
    assert b"".join(stream(result)) == empty

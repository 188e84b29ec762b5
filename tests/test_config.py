"""Configuration once (issue 18, item 3): cxlint.toml or [tool.cxlint], CXLINT_* variables,
and flags, in that rising order, shown by `cxlint check --show-config`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.rulecase import serve

MANIFEST = "version: 1\ncampaign: {name: T, id: t}\nsite: {url: '%s'}\n"
SITE = {"/p/x1": {"page": {"title": "Phone X1", "h1": "Phone X1", "text": "Model X1"}}}


def cxlint(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CXLINT_")}
    return subprocess.run(
        [sys.executable, "-m", "cxlint", *args], capture_output=True, text=True, cwd=cwd,
        timeout=60, env={**base, "NO_COLOR": "1", **env},
    )  # fmt: skip


def shown(run: subprocess.CompletedProcess[str]) -> dict[str, tuple[str, str]]:
    """--show-config's lines as key → (value, source)."""
    assert run.returncode == 0, run.stderr
    out = {}
    for line in run.stdout.splitlines():
        setting, _, source = line.partition("  # ")
        key, _, value = setting.partition(" = ")
        out[key] = (value, source)
    return out


def manifest(folder: Path, url: str = "http://127.0.0.1:9") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "campaign.yaml"
    path.write_text(
        MANIFEST % url + "products: [{id: x1, name: Phone X1, model: X1, url: /p/x1}]\n"
    )
    return path


def test_flags_beat_variables_beat_the_file(tmp_path: Path) -> None:
    manifest(tmp_path)
    (tmp_path / "cxlint.toml").write_text(
        'rate = 2\ntimeout = 7\nretries = 5\nfail-on = "warning"\n'
        'select = ["soft-404", "tracking-dropped"]\nreports = ["junit:out/c.xml"]\n'
    )
    run = cxlint("check", "campaign.yaml", "--retries", "1", "--show-config", cwd=tmp_path,
                 CXLINT_TIMEOUT="3", CXLINT_CONCURRENCY="8")  # fmt: skip
    got = shown(run)
    assert got["rate"] == ("2.0", "cxlint.toml")
    assert got["timeout"] == ("3.0", "CXLINT_TIMEOUT")  # the variable beats the file
    assert got["retries"] == ("1", "command line")  # the flag beats the file
    assert got["concurrency"] == ("8", "CXLINT_CONCURRENCY")
    assert got["fail-on"] == ('"warning"', "cxlint.toml")
    assert got["select"] == ('["soft-404,tracking-dropped"]', "cxlint.toml")
    # a report path in the file is relative to the file's folder
    assert got["reports"] == (f'["junit:{tmp_path.resolve()}/out/c.xml"]', "cxlint.toml")
    assert got["per-host"] == ("4", "default")
    run = cxlint("check", "campaign.yaml", "--show-config", "--timeout", "9", cwd=tmp_path,
                 CXLINT_TIMEOUT="3")  # fmt: skip
    assert shown(run)["timeout"] == ("9.0", "command line")


def test_pyproject_table_above_the_manifest_and_the_nearest_file_wins(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.cxlint]\nrate = 1.5\n')
    manifest(tmp_path / "campaigns" / "spring")
    spring = tmp_path / "campaigns" / "spring"
    got = shown(cxlint("check", "campaigns/spring/campaign.yaml", "--show-config", cwd=tmp_path))
    assert got["rate"] == ("1.5", "pyproject.toml")
    (spring / "cxlint.toml").write_text("jobs = 2\n")  # nearer: used whole, not merged
    got = shown(cxlint("check", "campaign.yaml", "--show-config", cwd=spring))
    assert got["jobs"] == ("2", "cxlint.toml")
    assert got["rate"] == ("(not set)", "default")


def test_a_file_above_the_repository_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "cxlint.toml").write_text("rate = 9\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    manifest(tmp_path / "repo")
    got = shown(cxlint("check", "campaign.yaml", "--show-config", cwd=tmp_path / "repo"))
    assert got["rate"] == ("(not set)", "default")


@pytest.mark.parametrize(
    ("toml", "env", "message"),
    [
        ("rat = 2\n", {}, "cxlint.toml: unknown key 'rat'; did you mean 'rate'?"),
        ("rate = -1\n", {}, "cxlint.toml: rate: -1.0 is not in the range x>=0.01."),
        ('fail-on = "loud"\n', {}, "cxlint.toml: fail-on: 'loud' is not one of"),
        ("select = 3\n", {}, "cxlint.toml: select must be a list of strings"),
        ("rate = [\n", {}, "cxlint.toml: not valid TOML: "),
        ("", {"CXLINT_RETRIES": "many"}, "CXLINT_RETRIES: 'many' is not a valid integer"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(
    tmp_path: Path, toml: str, env: dict[str, str], message: str
) -> None:
    manifest(tmp_path)
    (tmp_path / "cxlint.toml").write_text(toml)
    run = cxlint("check", "campaign.yaml", cwd=tmp_path, **env)
    assert run.returncode == 2
    assert run.stderr.startswith(f"cxlint: error: {message}"), run.stderr
    assert len(run.stderr.splitlines()) == 1


def test_a_run_follows_the_file_and_a_flag_overrides_it(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """Warnings only (no site search): fail-on = "warning" in the file fails the run."""
    serve(httpserver, SITE)
    manifest(tmp_path, httpserver.url_for("/").rstrip("/"))
    (tmp_path / "cxlint.toml").write_text(
        'fail-on = "warning"\nretries = 0\nreports = ["json:out.json"]\n'
    )
    run = cxlint("check", "campaign.yaml", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    report = json.loads((tmp_path / "out.json").read_text())
    assert "search-not-found" in {f["rule"] for f in report["findings"]}
    assert report["summary"]["errors"] == 0 < report["summary"]["warnings"]
    run = cxlint("check", "campaign.yaml", "--fail-on", "error", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    run = cxlint("check", "campaign.yaml", cwd=tmp_path, CXLINT_FAIL_ON="never")
    assert run.returncode == 0, run.stderr

"""The CI examples in examples/ are files teams copy: their shell steps are run here, as the
CI would run them, against the demo store (the GitHub-only steps — checkout, artifacts, the
SARIF upload, `gh` — are left out; the files they pass between jobs are simply kept)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from lxml import etree

from cxlint.demo.store import DemoStore

EXAMPLES = Path(__file__).parent.parent / "examples"
DATA = Path(__file__).parent / "data"
MANIFEST = str(files("cxlint.demo").joinpath("campaign.yaml"))


@pytest.fixture(scope="module")
def store() -> Iterator[DemoStore]:
    with DemoStore() as running:
        yield running


def shell(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A step's script in bash -e, as both CIs run it, with this venv's cxlint on PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        env={**os.environ, "PATH": path, "NO_COLOR": "1", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def ci_env(store: DemoStore, variables: dict[str, Any]) -> dict[str, str]:
    env = {k: str(v) for k, v in variables.items() if isinstance(v, str)}
    env.update(MANIFEST=MANIFEST, BASE_URL=store.url, CXLINT_VERSION="")
    return env


# --- GitLab CI ------------------------------------------------------------------------------


def test_gitlab_ci_example(store: DemoStore, tmp_path: Path) -> None:
    config = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text())
    env = ci_env(store, config["variables"])
    shard_job = config["campaign readiness"]
    total = shard_job["parallel"]
    assert shard_job["artifacts"]["reports"]["junit"] == "cxlint-*.xml"
    codes = []
    for index in range(1, total + 1):
        node = {**env, "CI_NODE_INDEX": str(index), "CI_NODE_TOTAL": str(total)}
        run = shell("\n".join(shard_job["script"]), tmp_path, node)
        assert run.returncode in (0, 1), run.stderr
        codes.append(run.returncode)
    assert 1 in codes, "the demo's errors fail a shard job"

    schema = etree.XMLSchema(etree.parse(str(DATA / "junit-10.xsd")))
    reports = sorted(tmp_path.glob("cxlint-*.xml"))
    assert len(reports) == total
    for report in reports:
        assert schema.validate(etree.parse(str(report))), schema.error_log.last_error

    merge_job = config["campaign readiness report"]
    run = shell("\n".join(merge_job["script"]), tmp_path, env)
    assert run.returncode == 0, run.stderr
    assert "Not ready" in run.stdout  # the Markdown summary in the job log
    for path in merge_job["artifacts"]["paths"]:
        assert (tmp_path / path).stat().st_size > 0, path
    merged = json.loads((tmp_path / "cxlint-report.json").read_text())
    assert len(merged["run"]["stats"]["shards"]) == total
    # the merge request's Code Quality widget: GitLab's documented format
    quality = merge_job["artifacts"]["reports"]["codequality"]
    issues = json.loads((tmp_path / quality).read_text())
    schema = json.loads((DATA / "gitlab-codequality.schema.json").read_text())
    jsonschema.validate(issues, schema, cls=jsonschema.Draft202012Validator)
    assert len(issues) == sum(1 for f in merged["findings"] if not f.get("acknowledged")) > 0


# --- GitHub Actions -------------------------------------------------------------------------


def steps(job: dict[str, Any]) -> dict[str, str]:
    """The job's shell steps by name; installs and steps that need GitHub itself left out."""
    return {
        step["name"]: step["run"]
        for step in job["steps"]
        if "run" in step
        and not step["run"].startswith("pip install")
        and "gh run" not in step["run"]
    }


def expand(script: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        script = script.replace("${{ " + name + " }}", value)
    assert "${{" not in script, f"unexpanded expression in {script!r}"
    return script


def test_github_actions_example(store: DemoStore, tmp_path: Path) -> None:
    workflow = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text())
    env = ci_env(store, workflow["env"])
    env["GITHUB_STEP_SUMMARY"] = str(tmp_path / "summary.md")
    check, report = workflow["jobs"]["check"], workflow["jobs"]["report"]
    shards = check["strategy"]["matrix"]["shard"]
    (script,) = steps(check).values()
    for shard in shards:
        values = {"matrix.shard": str(shard), "strategy.job-total": str(len(shards))}
        run = shell(expand(script, values), tmp_path, env)
        assert run.returncode == 0, run.stderr  # --fail-on never: the gate is in the report job
    assert len(list(tmp_path.glob("cxlint-shard-*.json"))) == len(shards)

    report_steps = steps(report)
    assert list(report_steps) == ["Merge the shards", "Gate"]
    # the first run has no baseline: the gate fails on every error
    merge = shell(report_steps["Merge the shards"], tmp_path, env)
    assert merge.returncode == 0, merge.stderr
    for name in ("cxlint.sarif", "cxlint-report.html", "cxlint-report.json"):
        assert (tmp_path / name).stat().st_size > 0, name
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("## ❌ Not ready")
    gate = shell(report_steps["Gate"], tmp_path, env)
    assert gate.returncode == 1
    # the next run: the last report from main is the baseline, nothing is new, the gate passes
    (tmp_path / "baseline").mkdir()
    (tmp_path / "cxlint-report.json").rename(tmp_path / "baseline" / "cxlint-report.json")
    merge = shell(report_steps["Merge the shards"], tmp_path, env)
    assert merge.returncode == 0, merge.stderr
    latest = (tmp_path / "summary.md").read_text()[len(summary) :]  # the step appends
    assert re.search(r"Compared with cxlint-report\.json: 0 new, \d+ still present", latest)
    gate = shell(report_steps["Gate"], tmp_path, env)
    assert gate.returncode == 0, gate.stdout + gate.stderr
    sarif = json.loads((tmp_path / "cxlint.sarif").read_text())
    assert {r["baselineState"] for r in sarif["runs"][0]["results"]} == {"unchanged"}

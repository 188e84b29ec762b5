"""The GitHub Action (action.yml, composite; issue 18, item 2): its shell steps are run here as
the runner runs them, against the demo store, with `${{ … }}` expressions filled in from the
inputs and the earlier steps' outputs. The `uses:` steps (setup-python, upload-artifact,
upload-sarif) are GitHub's; the install step is left out (this venv's cxlint is on PATH)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

from cxlint.demo.store import DemoStore
from tests.test_report_ci_annotations import parse_commands

ACTION = yaml.safe_load((Path(__file__).parent.parent / "action.yml").read_text())
MANIFEST = str(files("cxlint.demo").joinpath("campaign.yaml"))
EXPRESSION = re.compile(r"\$\{\{\s*(inputs|steps\.(\w+)\.outputs)\.([\w-]+)\s*\}\}")


@pytest.fixture(scope="module")
def store() -> Iterator[DemoStore]:
    with DemoStore() as running:
        yield running


def test_the_action_is_composite_and_names_only_its_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    inputs, outputs = set(ACTION["inputs"]), set(ACTION["outputs"])
    assert {"manifest", "args", "fail-on", "baseline", "job-summary", "html-artifact",
            "sarif-upload"} <= inputs  # fmt: skip
    assert {"errors", "warnings", "info", "new-errors", "exit-code", "report"} <= outputs
    text = yaml.safe_dump(ACTION)
    named = {m.group(3) for m in EXPRESSION.finditer(text) if m.group(1) == "inputs"}
    assert named <= inputs, named - inputs
    for step in ACTION["runs"]["steps"]:
        assert ("uses" in step) != ("run" in step)
        if "run" in step:
            assert step["shell"] == "bash"  # composite steps must say their shell


def expand(text: str, inputs: dict[str, str], outputs: dict[str, dict[str, str]]) -> str:
    def value(match: re.Match[str]) -> str:
        if match.group(1) == "inputs":
            return inputs[match.group(3)]
        return outputs.get(match.group(2), {}).get(match.group(3), "")

    return EXPRESSION.sub(value, text)


def run_action(
    tmp_path: Path, given: dict[str, str]
) -> tuple[dict[str, dict[str, str]], dict[str, subprocess.CompletedProcess[str]]]:
    """The action's shell steps in order, as a runner would: bash -e, GITHUB_OUTPUT per step."""
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs.update(given)
    outputs: dict[str, dict[str, str]] = {}
    runs: dict[str, subprocess.CompletedProcess[str]] = {}
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    for number, step in enumerate(ACTION["runs"]["steps"]):
        if "run" not in step or step["name"] == "Install cxlint":
            continue
        output_file = tmp_path / f"output-{number}"
        output_file.write_text("")
        env = {k: expand(str(v), inputs, outputs) for k, v in step.get("env", {}).items()}
        env.update(
            PATH=path, NO_COLOR="1", RUNNER_TEMP=str(tmp_path / "runner"),
            GITHUB_OUTPUT=str(output_file), GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        )  # fmt: skip
        (tmp_path / "runner").mkdir(exist_ok=True)
        runs[step["name"]] = subprocess.run(
            ["bash", "-e", "-c", expand(step["run"], inputs, outputs)],
            cwd=tmp_path, env={**os.environ, **env}, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        if "id" in step:
            lines = output_file.read_text().splitlines()
            outputs[step["id"]] = dict(line.split("=", 1) for line in lines)
    return outputs, runs


def action_outputs(outputs: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {name: expand(spec["value"], {}, outputs) for name, spec in ACTION["outputs"].items()}


def test_the_action_annotates_summarises_and_gates(store: DemoStore, tmp_path: Path) -> None:
    outputs, runs = run_action(tmp_path, {"manifest": MANIFEST, "args": f"--base-url {store.url}"})
    check = runs["Check the campaign"]
    assert check.returncode == 0, check.stderr  # the gate is the last step, not this one
    annotations = parse_commands(check.stdout)
    assert annotations and {name for name, _, _ in annotations} <= {"error", "warning", "notice"}
    assert {props["title"] for _, props, _ in annotations} >= {"CX104 tracking-dropped"}
    got = action_outputs(outputs)
    assert int(got["errors"]) == sum(1 for name, _, _ in annotations if name == "error") > 0
    assert got["exit-code"] == "1" and got["new-errors"] == ""
    assert Path(got["report"]).is_file()
    assert (Path(outputs["check"]["dir"]) / "cxlint-report.html").stat().st_size > 0
    assert (tmp_path / "summary.md").read_text().startswith("## ❌ Not ready")
    assert runs["Gate"].returncode == 1

    # the next run, with that report as its baseline: nothing new, fail-on new passes
    baseline = tmp_path / "baseline.json"
    Path(got["report"]).rename(baseline)
    outputs, runs = run_action(
        tmp_path,
        {"manifest": MANIFEST, "args": f"--base-url {store.url}", "fail-on": "new",
         "baseline": str(baseline), "html-artifact": "", "job-summary": "false"},
    )  # fmt: skip
    got = action_outputs(outputs)
    assert got["new-errors"] == "0" and int(got["errors"]) > 0
    assert got["exit-code"] == "0" and runs["Gate"].returncode == 0
    assert not (Path(outputs["check"]["dir"]) / "cxlint-report.html").exists()


def test_fail_on_new_without_a_baseline_fails_on_every_error(
    store: DemoStore, tmp_path: Path
) -> None:
    """The first run of a workflow has no baseline yet: every error is new."""
    outputs, runs = run_action(
        tmp_path,
        {"manifest": MANIFEST, "args": f"--base-url {store.url} --select tracking-dropped",
         "fail-on": "new", "baseline": str(tmp_path / "none.json")},
    )  # fmt: skip
    got = action_outputs(outputs)
    assert got["exit-code"] == "1" and runs["Gate"].returncode == 1
    titles = {props["title"] for _, props, _ in parse_commands(runs["Check the campaign"].stdout)}
    assert titles == {"CX104 tracking-dropped"}  # args reached cxlint


def test_a_bad_manifest_fails_the_gate_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "campaign.yaml").write_text("version: 1\ncampaign: {name: A}\nsite: {url: 5}\n")
    outputs, runs = run_action(tmp_path, {"manifest": "campaign.yaml"})
    assert outputs["check"]["exit-code"] == "2" and "report" not in outputs["check"]
    assert "campaign.yaml:3:" in runs["Check the campaign"].stderr
    assert runs["Gate"].returncode == 2

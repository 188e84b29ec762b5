"""Runs that outgrow one machine: `--shard K/N` splits the subjects deterministically, and
`cxlint merge` joins the shard reports into exactly the report of one whole run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from cxlint.cli import main
from cxlint.demo.store import DemoStore
from cxlint.engine import in_shard
from cxlint.errors import UsageError
from cxlint.model import Subject
from cxlint.report.json_report import read
from cxlint.results.merge import merge, missing_shards

DATA = Path(__file__).parent / "data"
# the demo campaign where it is installed, beside the creatives it names
MANIFEST = str(files("cxlint.demo").joinpath("campaign.yaml"))


# --- the split ----------------------------------------------------------------------------------


def subjects(count: int) -> list[Subject]:
    made = [Subject("site")]
    made += [Subject("landing_page", url=f"/lp/{i}?utm_source=x") for i in range(count)]
    made += [Subject("product", id=f"sku-{i}") for i in range(count)]
    return made


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_every_subject_is_in_exactly_one_shard(n: int) -> None:
    for subject in subjects(200):
        owners = [k for k in range(1, n + 1) if in_shard(subject, (k, n))]
        assert len(owners) == 1, (subject, owners)


def test_the_split_is_balanced_and_the_site_goes_to_shard_1() -> None:
    everything = subjects(2000)
    sizes = [sum(in_shard(s, (k, 4)) for s in everything) for k in range(1, 5)]
    assert all(abs(size - len(everything) / 4) < len(everything) * 0.05 for size in sizes), sizes
    assert in_shard(Subject("site"), (1, 4))
    assert not any(in_shard(Subject("site"), (k, 4)) for k in (2, 3, 4))


def test_the_split_is_stable_across_processes() -> None:
    """A hash seeded per process (Python's hash()) would put subjects in different shards on
    different CI machines; the split must be the same everywhere."""
    code = (
        "from cxlint.engine import in_shard; from cxlint.model import Subject;"
        "print([k for i in range(50) for k in (1, 2, 3)"
        " if in_shard(Subject('product', id=f'sku-{i}'), (k, 3))])"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1
    here = [
        k
        for i in range(50)
        for k in (1, 2, 3)
        if in_shard(Subject("product", id=f"sku-{i}"), (k, 3))
    ]
    assert runs == {f"{here}\n"}


# --- shard + merge on the demo store equals one whole run -----------------------------------


@pytest.fixture(scope="module")
def store() -> Iterator[DemoStore]:
    with DemoStore() as running:
        yield running


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shards")
    return folder


def cxlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxlint", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )


class Checks:
    """Demo runs, each made once per module (a run takes a second or two) and kept by name.

    They go through the real command line in this process (click's runner), so the option
    parsing, the engine and the JSON writer are the ones a user runs."""

    def __init__(self, store: DemoStore, folder: Path) -> None:
        self.store, self.folder = store, folder
        self.made: dict[str, dict[str, Any]] = {}

    def __call__(self, name: str, *args: str) -> dict[str, Any]:
        if name not in self.made:
            out = self.folder / name
            argv = ["check", MANIFEST, "--base-url", self.store.url, "--quiet",
                    "--format", "json", "--output", str(out), *args]  # fmt: skip
            result = CliRunner().invoke(main, argv, catch_exceptions=False)
            assert result.exit_code in (0, 1), result.output
            self.made[name] = json.loads(out.read_text())
        return self.made[name]


@pytest.fixture(scope="module")
def checks(store: DemoStore, workdir: Path) -> Checks:
    return Checks(store, workdir)


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """What must be identical between a whole run and merged shards: findings, passes, and
    the counts of them (request and page counts differ: each shard fetches the home page)."""
    counts = ("verdict", "errors", "warnings", "info", "acknowledged", "subjects",
              "subjects_failing", "landing_pages", "products", "creative_links",
              "checks_passed", "checks_failed", "checks_skipped")  # fmt: skip
    return {
        "findings": report["findings"],
        # a subject's time is a measurement, not a result (two runs may even agree on it)
        "subjects": [{k: v for k, v in s.items() if k != "seconds"} for s in report["subjects"]],
        "summary": {k: report["summary"][k] for k in counts},
        "campaign": report["campaign"],
        "origin": report["run"]["origin"],
    }


def volatile(a: Any, b: Any) -> Any:
    """`a` with every value that differs in `b` (another whole run) replaced by a marker: what
    changes from run to run anyway (a random probe URL, say) cannot tell shards apart."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return {k: volatile(a[k], b[k]) for k in a}
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [volatile(x, y) for x, y in zip(a, b, strict=True)]
    return a if a == b else "<differs between whole runs>"


@pytest.mark.parametrize("n", [2, 3])
def test_shards_merged_equal_one_whole_run(checks: Checks, workdir: Path, n: int) -> None:
    whole, again = comparable(checks("whole.json")), comparable(checks("again.json"))
    names = [f"shard-{k}-of-{n}.json" for k in range(1, n + 1)]
    shards = [checks(name, "--shard", f"{k}/{n}") for k, name in enumerate(names, 1)]
    assert all(s["subjects"] for s in shards), "every shard of the demo has work"
    assert sum(len(s["subjects"]) for s in shards) == len(whole["subjects"])
    assert sum(len(s["findings"]) for s in shards) == len(whole["findings"])
    assert [s["run"]["stats"]["shard"] for s in shards] == [f"{k}/{n}" for k in range(1, n + 1)]

    out = f"merged-{n}.json"
    run = cxlint("merge", *reversed(names), "--output", out, cwd=workdir)  # order must not matter
    assert run.returncode == 0, run.stderr
    merged = json.loads((workdir / out).read_text())
    assert volatile(comparable(merged), again) == volatile(whole, again)
    assert merged["findings"], "the demo has findings to compare"

    stats = merged["run"]["stats"]
    assert [s["shard"] for s in stats["shards"]] == [f"{k}/{n}" for k in range(n, 0, -1)]
    assert stats["requests"] == sum(s["run"]["stats"]["requests"] for s in shards)
    assert stats["seconds"] == max(s["run"]["stats"]["seconds"] for s in shards)
    assert merged["run"]["started"] == min(s["run"]["started"] for s in shards)
    assert "shard" not in stats


def test_jobs_split_one_run_over_processes_and_equal_one_process(checks: Checks) -> None:
    whole, again = comparable(checks("whole.json")), comparable(checks("again.json"))
    split = checks("jobs-2.json", "--jobs", "2")
    assert volatile(comparable(split), again) == volatile(whole, again)
    stats = split["run"]["stats"]
    assert stats["jobs"] == 2 and "shards" not in stats and "shard" not in stats
    assert stats["pages"] >= checks("whole.json")["run"]["stats"]["pages"]


def test_the_merged_report_renders_in_every_format(checks: Checks, workdir: Path) -> None:
    for k in (1, 2):
        checks(f"shard-{k}-of-2.json", "--shard", f"{k}/2")
    run = cxlint(
        "merge", "shard-1-of-2.json", "shard-2-of-2.json", "-o", "all.json",
        "--report", "html:all.html", "--report", "sarif:all.sarif", "--fail-on", "error",
        cwd=workdir,
    )  # fmt: skip
    assert run.returncode == 1  # the demo has errors, and merge can gate like check
    schema = json.loads(files("cxlint").joinpath("schema", "report.schema.json").read_text())
    jsonschema.validate(json.loads((workdir / "all.json").read_text()), schema)
    assert "merged from 2 shard reports" in (workdir / "all.html").read_text()
    assert json.loads((workdir / "all.sarif").read_text())["runs"][0]["results"]


def test_a_missing_shard_is_warned_about(checks: Checks, workdir: Path) -> None:
    checks("shard-1-of-3.json", "--shard", "1/3")
    run = cxlint("merge", "shard-1-of-3.json", "-o", "partial.json", cwd=workdir)
    assert run.returncode == 0
    assert "warning: shard 2/3, 3/3 not merged" in run.stderr


# --- merging what must not be merged ---------------------------------------------------------


def test_the_same_report_twice_is_refused() -> None:
    demo = read(str(DATA / "report-demo.json"))
    with pytest.raises(UsageError, match="both checked"):
        merge([("a.json", demo), ("b.json", demo)])


def test_the_same_shard_twice_is_refused() -> None:
    a, b = read(str(DATA / "report-demo.json")), read(str(DATA / "report-demo.json"))
    a.stats["shard"] = b.stats["shard"] = "1/2"
    b.subjects = []
    with pytest.raises(UsageError, match="both shard 1/2"):
        merge([("a.json", a), ("b.json", b)])


def test_shards_of_different_splits_are_refused() -> None:
    a, b = read(str(DATA / "report-demo.json")), read(str(DATA / "report-demo.json"))
    a.stats["shard"], b.stats["shard"] = "1/2", "2/3"
    b.subjects = []
    with pytest.raises(UsageError, match="different splits"):
        merge([("a.json", a), ("b.json", b)])


def test_reports_of_another_campaign_are_refused() -> None:
    a, b = read(str(DATA / "report-demo.json")), read(str(DATA / "report-demo.json"))
    b.campaign = {**b.campaign, "id": "summer"}
    b.subjects = []
    with pytest.raises(UsageError, match="another campaign"):
        merge([("a.json", a), ("b.json", b)])


def test_missing_shards_are_named() -> None:
    a = read(str(DATA / "report-demo.json"))
    a.stats["shard"] = "2/4"
    assert missing_shards(merge([("a.json", a)])) == ["1/4", "3/4", "4/4"]


def test_merge_of_no_report_is_a_usage_error(tmp_path: Path) -> None:
    run = cxlint("merge", cwd=tmp_path)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr

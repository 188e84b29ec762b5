"""`--jobs` defaults to auto (issue 19, item 1): one process per CPU, but one for a small
campaign and never more than --concurrency, --per-host and --rate can keep busy."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from cxlint import cli
from cxlint.engine import RunOptions
from cxlint.fetch.options import FetchOptions
from cxlint.model import Campaign, LandingPage, Product, Site
from tests.test_cli import cxlint, site, write_manifest  # noqa: F401 (site: a fixture)


def campaign(products: int, landing: int = 0) -> Campaign:
    return Campaign(
        name="T",
        id="t",
        launch=None,
        site=Site(url="https://shop.example"),
        products=[Product(id=f"p{i}", name=f"P{i}") for i in range(products)],
        landing_pages=[
            LandingPage(url=f"https://shop.example/lp/{i}", url_as_written=f"/lp/{i}")
            for i in range(landing)
        ],
    )


def options(**fetch: object) -> RunOptions:
    return RunOptions(fetch=FetchOptions(**fetch))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cpus", "products", "landing", "fetch", "jobs"),
    [
        (2, 1, 1, {}, 1),  # a tiny campaign: one process
        (2, 199, 0, {}, 1),  # below 2 × AUTO_SUBJECTS_PER_PROCESS
        (2, 180, 20, {}, 2),  # landing pages are subjects too
        (2, 20_000, 2_000, {}, 2),  # one per CPU
        (8, 20_000, 0, {}, 4),  # no more than --per-host (default 4)
        (8, 20_000, 0, {"per_host": 32, "concurrency": 3}, 3),  # nor --concurrency
        (8, 20_000, 0, {"per_host": 32, "rate": 100.0}, 1),  # a rate one process keeps up with
        (8, 20_000, 0, {"per_host": 32, "rate": 1000.0}, 5),
        (1, 20_000, 0, {"per_host": 32}, 1),  # one CPU
    ],
)
def test_auto_is_one_process_per_cpu_within_the_campaign_and_politeness(
    monkeypatch: pytest.MonkeyPatch,
    cpus: int,
    products: int,
    landing: int,
    fetch: dict[str, object],
    jobs: int,
) -> None:
    monkeypatch.setattr(cli, "_cpu_count", lambda: cpus)
    assert cli._auto_jobs(campaign(products, landing), options(**fetch)) == jobs


def test_the_option_defaults_to_auto_and_takes_numbers() -> None:
    param = next(p for p in cli.main.commands["check"].params if p.name == "jobs")
    assert param.default == "auto"
    assert [param.type.convert(v, param, None) for v in ("auto", "AUTO", "0", "3", 5)] == [
        "auto", "auto", 0, 3, 5,
    ]  # fmt: skip
    for bad in ("-1", "65", "many"):
        with pytest.raises(click.BadParameter):
            param.type.convert(bad, param, None)


@pytest.mark.parametrize("args", [[], ["--jobs", "auto"]], ids=["default", "auto"])
def test_a_tiny_campaign_checks_in_one_process(
    site: str,  # noqa: F811 (the fixture)
    tmp_path: Path,
    args: list[str],
) -> None:
    path = write_manifest(tmp_path, site, rules={"search-not-found": "off"})
    out = tmp_path / "r.json"
    run = cxlint("check", str(path), "--format", "json", "--output", str(out), *args)
    assert run.returncode == 0, run.stderr
    stats = json.loads(out.read_text())["run"]["stats"]
    assert "jobs" not in stats  # set only by a run split over processes
    assert json.loads(out.read_text())["summary"]["products"] == 1

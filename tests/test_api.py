"""cxlint as a library (issue 16, item 6): `cxlint.check(manifest, ...)` is what `cxlint
check` runs, returning the RunResult the reporters render."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import cxlint
from cxlint.demo import campaign_path
from cxlint.demo.store import DemoStore
from cxlint.errors import UsageError
from cxlint.fetch import FetchOptions
from cxlint.report import reporter


def test_check_gives_the_run_the_command_line_reports(tmp_path: Path) -> None:
    with DemoStore() as store:
        result = cxlint.check(
            campaign_path(),
            base_url=store.url,
            select=["redirect-to-generic", "CX201"],
            fetch=FetchOptions(retries=0),
            headers={"X-Preview": "s3cr3t-preview-token"},
        )
        out = tmp_path / "run.json"
        cli = subprocess.run(
            [sys.executable, "-m", "cxlint", "check", campaign_path(), "--base-url", store.url,
             "--select", "redirect-to-generic,CX201", "--format", "json", "-o", str(out),
             "--retries", "0", "--quiet"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert cli.returncode == 1, cli.stderr
    by_cli = {
        (f["rule"], f["subject"].get("id") or f["subject"].get("url"))
        for f in json.loads(out.read_text())["findings"]
    }
    by_api = {(f.rule, f.subject.id or f.subject.url) for f in result.findings}  # fmt: skip
    assert by_api == by_cli and {rule for rule, _ in by_api} == {
        "redirect-to-generic",
        "model-not-on-product-page",
    }
    rendered = reporter("json")(result)
    assert b"s3cr3t-preview-token" not in rendered


def test_a_bad_manifest_is_a_usage_error_naming_its_place(tmp_path: Path) -> None:
    path = tmp_path / "campaign.yaml"
    path.write_text(
        "version: 1\ncampaign: {name: x}\nsite: {url: https://shop.example}\nprodcuts: []\n"
    )
    with pytest.raises(UsageError, match="campaign.yaml:4:1"):
        cxlint.check(path)


def test_importing_cxlint_stays_light() -> None:
    code = "import sys, cxlint; print(sorted(m for m in sys.modules if m.startswith('cxlint')))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "['cxlint']", run.stdout

"""The command line end to end: exit codes, reports, bad input, and `cxlint demo`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer

from tests.rulecase import serve

HEALTHY = {
    "/p/x1": {"page": {"title": "Phone X1", "h1": "Phone X1", "text": "Model X1"}},
    "/lp/x1": {"page": {"h1": "Spring", "text": "Meet the Phone X1"}},
}


def cxlint(*args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cxlint", *args],
        capture_output=True, text=True, cwd=cwd, timeout=timeout, env=env,
    )


def write_manifest(tmp_path: Path, base: str, **extra: object) -> Path:
    manifest = {
        "version": 1,
        "campaign": {"name": "Test", "id": "t"},
        "site": {"url": base},
        "products": [{"id": "x1", "name": "Phone X1", "model": "X1", "url": "/p/x1"}],
        "landing_pages": [{"url": "/lp/x1?utm_source=a&utm_medium=b&utm_campaign=t",
                           "products": ["x1"]}],
        **extra,
    }
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=False))
    return path


@pytest.fixture
def site(httpserver: HTTPServer) -> str:
    serve(httpserver, HEALTHY)
    return httpserver.url_for("/").rstrip("/")


def test_healthy_campaign_exits_0_and_writes_json(site: str, tmp_path: Path) -> None:
    path = write_manifest(tmp_path, site, rules={"search-not-found": "off"})
    out = tmp_path / "r.json"
    run = cxlint("check", str(path), "--format", "json", "--output", str(out))
    assert run.returncode == 0, run.stderr
    report = json.loads(out.read_text())
    assert report["tool"]["name"] == "cxlint"
    assert report["campaign"]["name"] == "Test"
    assert report["summary"]["errors"] == 0
    # the site itself is a subject too: site-unreachable passed (it answered)
    assert {s["subject"]["type"] for s in report["subjects"]} == {"site", "product", "landing_page"}
    passed = [c for s in report["subjects"] for c in s["checks"] if c["status"] == "passed"]
    assert passed, "a report shows passes as well as failures"


def test_findings_exit_1_and_fail_on_levels(site: str, tmp_path: Path) -> None:
    # No site search: search-not-found is a warning.
    path = write_manifest(tmp_path, site)
    assert cxlint("check", str(path)).returncode == 0
    assert cxlint("check", str(path), "--fail-on", "warning").returncode == 1
    broken = write_manifest(tmp_path, site, products=[
        {"id": "x1", "name": "Phone X1", "model": "X1", "url": "/p/gone"}])
    run = cxlint("check", str(broken))
    assert run.returncode == 1
    assert "page-unreachable" in run.stdout and "HTTP 404" in run.stdout
    assert cxlint("check", str(broken), "--fail-on", "never").returncode == 0


def test_several_reports_in_one_run(site: str, tmp_path: Path) -> None:
    path = write_manifest(tmp_path, site)
    run = cxlint("check", str(path), "--report", f"json:{tmp_path / 'a.json'}",
                 "--report", f"text:{tmp_path / 'a.txt'}")
    assert run.returncode == 0, run.stderr
    assert "Ready" in run.stdout  # the terminal summary still shows
    assert json.loads((tmp_path / "a.json").read_text())["summary"]["subjects"] == 3
    assert "Ready" in (tmp_path / "a.txt").read_text()


def test_report_rerenders_a_saved_run(site: str, tmp_path: Path) -> None:
    path = write_manifest(tmp_path, site)
    cxlint("check", str(path), "--format", "json", "-o", str(tmp_path / "run.json"))
    run = cxlint("report", str(tmp_path / "run.json"), "--format", "text")
    assert run.returncode == 0 and "search-not-found" in run.stdout


@pytest.mark.parametrize(
    "text, where",
    [
        ("version: 1\ncampaign: {name: x}\nsite: {url: http://x.test}\nprodcuts: []\n", ":4:1:"),
        ("version: 1\ncampaign: {name: x\n", ":3:1:"),
        ("version: 1\ncampaign: {name: x}\nsite: {url: ftp://x.test}\n", ":3:13:"),
    ],
)
def test_bad_manifest_is_one_line_exit_2(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    run = cxlint("check", str(path))
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{path}{where}" in lines[0], run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    "args, says",
    [
        (["--select", "no-such-rule"], "unknown rule 'no-such-rule'"),
        (["--shard", "3/2"], "--shard"),
        (["--report", "pdf:x.pdf"], "--report"),
        (["--header", "no-colon"], "--header"),
    ],
)
def test_bad_options_exit_2(site: str, tmp_path: Path, args: list[str], says: str) -> None:
    path = write_manifest(tmp_path, site)
    run = cxlint("check", str(path), *args)
    assert run.returncode == 2 and says in run.stderr and "Traceback" not in run.stderr


def test_missing_manifest_and_unknown_rule_to_explain(tmp_path: Path) -> None:
    run = cxlint("check", str(tmp_path / "nope.yaml"))
    assert run.returncode == 2 and "not found" in run.stderr
    run = cxlint("explain", "tracking-droped")
    assert run.returncode == 2 and "did you mean 'tracking-dropped'" in run.stderr


def test_rules_and_explain() -> None:
    rules = json.loads(cxlint("rules", "--format", "json").stdout)
    names = {r["name"] for r in rules}
    assert {"page-unreachable", "search-misses-product", "tracking-dropped"} <= names
    run = cxlint("explain", "CX202")
    assert run.returncode == 0 and "Why it matters" in run.stdout and "V710" in run.stdout


def test_demo_end_to_end(tmp_path: Path) -> None:
    started = time.monotonic()
    run = cxlint("demo", cwd=tmp_path)
    elapsed = time.monotonic() - started
    assert run.returncode == 1, run.stderr
    report = json.loads((tmp_path / "cxlint-report.json").read_text())
    found = {(f["rule"], f["subject"].get("id") or f["subject"].get("url", "").split("?")[0])
             for f in report["findings"] if f["severity"] == "error"}
    assert ("model-not-on-product-page", "v710") in found
    assert ("tracking-dropped", "/go/spring") in found
    assert {("redirect-to-generic", "/v710"), ("product-not-on-page", "/v710")} & found
    healthy = {"e815", "h500", "/lp/e815", "/go/h500"}
    assert not [f for f in found if f[1] in healthy], found
    assert "cxlint-report.json" in run.stderr
    assert elapsed < 60
    # Every rule fires where the demo plants it; search-not-found cannot (the store has a
    # search, which the other search rules need), nor site-unreachable (the store answers);
    # both have their own cases.
    catalogue = {r["name"] for r in json.loads(cxlint("rules", "--format", "json").stdout)}
    fired = {f["rule"] for f in report["findings"]}
    assert catalogue - fired == {"search-not-found", "site-unreachable"}


def test_demo_serve_writes_a_manifest_that_checks(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "cxlint", "demo", "--serve", "--port", str(port)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        manifest = tmp_path / "cxlint-demo.yaml"
        deadline = time.monotonic() + 20
        while not manifest.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert f"127.0.0.1:{port}" in manifest.read_text()
        run = cxlint("check", str(manifest), "--format", "json", cwd=tmp_path)
        assert run.returncode == 1
        assert json.loads(run.stdout)["summary"]["errors"] >= 3
    finally:
        server.terminate()
        server.wait(timeout=10)

"""A whole site down is one finding and exit 3 (issue 15, item 5), against real sockets.

When every request to the site's origin ends without any HTTP answer (nothing listens on the
port, the host name does not resolve, its TLS certificate is refused, every connection times
out), the run reports one site-level `site-unreachable` finding with the cause and the fix,
every subject's checks are skipped with that reason (never one "publish the page" error per
subject), and `cxlint check` exits 3. A partial outage keeps per-subject findings and exit 1.
"""

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
import trustme
import yaml
from pytest_httpserver import HTTPServer

from tests.faultserver import Conn, FaultServer, closed_port_url

DNS_DEAD = "http://cxlint-down.invalid"  # RFC 2606: .invalid never resolves
FAST = ["--retries", "0", "--timeout", "2", "--no-robots"]


def cxlint(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cxlint", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def write_campaign(tmp_path: Path, site: str, *, products: int = 2, **extra: Any) -> Path:
    """Products and landing pages on the site, a product with no page (search only) and an
    e-mail whose link points at the site."""
    (tmp_path / "email.html").write_text(
        f'<html><body><a href="{site}/lp/x1?utm_source=mail&utm_medium=email'
        '&utm_campaign=t">Shop now</a></body></html>'
    )
    manifest: dict[str, Any] = {
        "version": 1,
        "campaign": {"name": "Down", "id": "down"},
        "site": {"url": site},
        "products": [
            {"id": f"x{i}", "name": f"Phone X{i}", "model": f"X{i}", "url": f"/p/x{i}"}
            for i in range(1, products + 1)
        ]
        + [{"id": "nopage", "name": "Phone Z", "model": "Z9"}],
        "landing_pages": [
            {"url": "/lp/x1?utm_source=a&utm_medium=print&utm_campaign=t", "products": ["x1"]},
            {"url": "/lp/x2?utm_source=a&utm_medium=print&utm_campaign=t", "products": ["x2"]},
        ],
        "creatives": [{"file": "email.html", "channel": "email"}],
        **extra,
    }
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=False))
    return path


def check(path: Path, out: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    run = cxlint("check", str(path), "--format", "json", "-o", str(out), *args)
    assert "Traceback" not in run.stderr, run.stderr
    return run, json.loads(out.read_text()) if out.exists() else {}


def schema_errors(report: dict[str, Any]) -> list[str]:
    text = files("cxlint").joinpath("schema", "report.schema.json").read_text(encoding="utf-8")
    validator = jsonschema.Draft202012Validator(json.loads(text))
    return [error.message for error in validator.iter_errors(report)]


def site_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["rule"] == "site-unreachable"]


def assert_site_down(report: dict[str, Any], origin: str, cause: str) -> dict[str, Any]:
    """One site finding naming the origin and the cause; every other subject skipped with
    that reason; no per-subject finding at all."""
    assert schema_errors(report) == []
    (finding,) = site_findings(report)
    assert finding["subject"] == {"type": "site"}
    assert finding["severity"] == "error"
    assert f"The site {origin} cannot be reached" in finding["message"], finding["message"]
    assert cause in finding["message"], finding["message"]
    assert "--base-url" in finding["fix"], finding["fix"]
    assert finding["evidence"]["tried"], "the evidence lists each address tried and its error"
    assert all(cause in line for line in finding["evidence"]["tried"]), finding["evidence"]
    assert report["findings"] == [finding], [f["rule"] for f in report["findings"]]
    assert report["run"]["unreachable"]["origin"] == origin
    assert cause in report["run"]["unreachable"]["cause"]
    assert report["summary"]["verdict"].startswith(f"Not checked: the site {origin} cannot")
    others = [s for s in report["subjects"] if s["subject"]["type"] != "site"]
    assert others, "the campaign's subjects are all still in the report"
    for subject in others:
        assert subject["checks"], subject["subject"]
        for c in subject["checks"]:
            assert c["status"] == "skipped", (subject["subject"], c)
            assert c["reason"].startswith(f"the site {origin} cannot be reached"), c
    return finding


# --- the site cannot be reached at all: exit 3, one finding ---------------------------------


def test_nothing_listening_is_one_site_finding_and_exit_3(tmp_path: Path) -> None:
    origin = closed_port_url().rstrip("/")
    path = write_campaign(tmp_path, origin)
    run, report = check(path, tmp_path / "r.json", *FAST)
    assert run.returncode == 3, run.stderr
    finding = assert_site_down(report, origin, "connection refused")
    assert "page-unreachable" not in json.dumps(report["findings"])
    tried = finding["evidence"]["tried"]
    assert f"GET {origin} → connection refused" in tried, tried  # the home page
    assert any("/p/x1" in line or "/lp/x1" in line for line in tried), "a page of the campaign"
    types = {s["subject"]["type"] for s in report["subjects"]}
    assert types == {"site", "landing_page", "product", "creative_link"}


def test_the_text_summary_says_what_to_do(tmp_path: Path) -> None:
    origin = closed_port_url().rstrip("/")
    path = write_campaign(tmp_path, origin)
    run = cxlint("check", str(path), *FAST)
    assert run.returncode == 3, run.stderr
    assert f"The site {origin} cannot be reached: connection refused" in run.stdout
    assert "Check --base-url" in run.stdout
    assert f"Not checked: the site {origin} cannot be reached" in run.stdout
    assert "publish" not in run.stdout.lower()


def test_a_dead_site_costs_a_few_requests_not_one_per_subject(tmp_path: Path) -> None:
    """Established cheaply: the home page and two of the campaign's own pages, with their
    retries (the CLI's defaults), however many subjects the campaign has."""
    origin = closed_port_url().rstrip("/")
    path = write_campaign(tmp_path, origin, products=40)
    run, report = check(path, tmp_path / "r.json", "--no-robots")
    assert run.returncode == 3, run.stderr
    assert_site_down(report, origin, "connection refused")
    assert report["run"]["stats"]["requests"] <= 3 * 3, report["run"]["stats"]
    assert report["summary"]["products"] == 41


def test_an_unresolvable_host_is_exit_3_with_the_dns_cause(tmp_path: Path) -> None:
    path = write_campaign(tmp_path, DNS_DEAD)
    run, report = check(path, tmp_path / "r.json", *FAST)
    assert run.returncode == 3, run.stderr
    finding = assert_site_down(report, DNS_DEAD, "host name could not be resolved")
    assert "cxlint-down.invalid" in finding["message"]
    assert report["run"]["unreachable"]["kind"] == "dns"


@pytest.fixture(scope="module")
def tls_site() -> Iterator[FaultServer]:
    with FaultServer(tls=trustme.CA()) as server:  # a CA the client does not trust
        yield server


def test_a_refused_certificate_is_exit_3_with_the_tls_cause(
    tls_site: FaultServer, tmp_path: Path
) -> None:
    path = write_campaign(tmp_path, tls_site.origin)
    run, report = check(path, tmp_path / "r.json", *FAST)
    assert run.returncode == 3, run.stderr
    finding = assert_site_down(report, tls_site.origin, "TLS certificate is not valid")
    assert "--insecure" in finding["fix"]
    # the same site with verification off answers: no outage (its pages' own findings)
    run, report = check(path, tmp_path / "insecure.json", *FAST, "--insecure")
    assert run.returncode in (0, 1), run.stderr
    assert not site_findings(report) and "unreachable" not in report["run"]


def test_every_connection_timing_out_is_exit_3(tmp_path: Path) -> None:
    with FaultServer() as server:
        origin = server.blackhole_url().rstrip("/")
        path = write_campaign(tmp_path, origin)
        run, report = check(
            path, tmp_path / "r.json", "--retries", "0", "--timeout", "0.5", "--no-robots"
        )
    assert run.returncode == 3, run.stderr
    assert_site_down(report, origin, "could not connect within 0.5 s")


# --- the site answers, if only in part: per-subject findings as before ------------------------


def _reset_before_answering(conn: Conn) -> None:
    conn.reset()


@pytest.fixture(scope="module")
def partly_down() -> Iterator[FaultServer]:
    """A live site whose product page x2 resets the connection before any answer."""
    routes = {"/p/x2": _reset_before_answering}
    for path in ("/p/x1", "/lp/x1", "/lp/x2"):
        routes[path] = lambda c: c.respond(body=b"<h1>Phone X1 Phone X2</h1><p>Model X1 X2</p>")
    with FaultServer(routes=routes) as server:
        yield server


def test_a_partial_outage_keeps_per_subject_findings(
    partly_down: FaultServer, tmp_path: Path
) -> None:
    dead = closed_port_url().rstrip("/")
    path = write_campaign(
        tmp_path,
        partly_down.origin,
        landing_pages=[
            {"url": "/lp/x1?utm_source=a&utm_medium=print&utm_campaign=t", "products": ["x1"]},
            {"url": f"{dead}/lp?utm_source=a&utm_medium=print&utm_campaign=t"},  # another origin
        ],
    )
    run, report = check(path, tmp_path / "r.json", *FAST)
    assert run.returncode == 1, run.stderr
    assert schema_errors(report) == []
    assert not site_findings(report) and "unreachable" not in report["run"]
    unreachable = {
        f["subject"].get("id") or f["subject"].get("url")
        for f in report["findings"]
        if f["rule"] == "page-unreachable"
    }
    assert unreachable == {"x2", f"{dead}/lp?utm_source=a&utm_medium=print&utm_campaign=t"}
    site = next(s for s in report["subjects"] if s["subject"]["type"] == "site")
    assert {c["rule"]: c["status"] for c in site["checks"]}["site-unreachable"] == "passed"
    assert not report["summary"]["verdict"].startswith("Not checked")


def test_a_home_page_that_fails_alone_is_not_an_outage(tmp_path: Path) -> None:
    """The home page resets the connection, the campaign's own pages answer: confirmed by
    those fetches, the site is up."""
    page = b"<h1>Phone X1 Phone X2</h1><p>Model X1 X2</p>"
    routes = {"/": _reset_before_answering}
    for name in ("/p/x1", "/p/x2", "/lp/x1", "/lp/x2"):
        routes[name] = lambda c: c.respond(body=page)
    with FaultServer(routes=routes) as server:
        path = write_campaign(tmp_path, server.origin)
        run, report = check(path, tmp_path / "r.json", *FAST)
    assert run.returncode in (0, 1), run.stderr
    assert not site_findings(report) and "unreachable" not in report["run"]
    assert not [f for f in report["findings"] if f["rule"] == "page-unreachable"]


def test_http_503_on_every_page_is_the_site_answering(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A 503 is an answer (the address, network and credentials are right): each page keeps
    its own finding with its status, as before."""
    httpserver.no_handler_status_code = 503
    origin = httpserver.url_for("/").rstrip("/")
    path = write_campaign(tmp_path, origin)
    run, report = check(path, tmp_path / "r.json", *FAST)
    assert run.returncode == 1, run.stderr
    assert not site_findings(report) and "unreachable" not in report["run"]
    pages = [f for f in report["findings"] if f["rule"] == "page-unreachable"]
    assert len(pages) == 4 and all("HTTP 503" in f["message"] for f in pages)


# --- processes, shards, saved reports: the same outcome ---------------------------------------


def _outcome(report: dict[str, Any]) -> tuple[Any, ...]:
    findings = sorted(
        (f["rule"], json.dumps(f["subject"]), f["message"]) for f in report["findings"]
    )
    checks = sorted(
        (json.dumps(s["subject"]), c["rule"], c["status"], c.get("reason"))
        for s in report["subjects"]
        for c in s["checks"]
    )
    return findings, checks, report["run"].get("unreachable"), report["summary"]["verdict"]


def test_jobs_2_gives_the_outcome_of_jobs_1(tmp_path: Path) -> None:
    origin = closed_port_url().rstrip("/")
    path = write_campaign(tmp_path, origin, products=6)
    one, report_one = check(path, tmp_path / "one.json", *FAST, "--jobs", "1")
    two, report_two = check(path, tmp_path / "two.json", *FAST, "--jobs", "2")
    assert one.returncode == two.returncode == 3, (one.stderr, two.stderr)
    assert _outcome(report_one) == _outcome(report_two)
    assert len(site_findings(report_two)) == 1


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int], str]:
    """Both shards of a run against a dead site, each with its exit code."""
    folder = tmp_path_factory.mktemp("shards")
    origin = closed_port_url().rstrip("/")
    path = write_campaign(folder, origin, products=6)
    codes = []
    for k in (1, 2):
        run, _ = check(path, folder / f"shard-{k}.json", *FAST, "--shard", f"{k}/2")
        codes.append(run.returncode)
    return folder, codes, origin


def test_every_shard_of_a_dead_site_exits_3(shards: tuple[Path, list[int], str]) -> None:
    folder, codes, origin = shards
    assert codes == [3, 3]  # shard 2 holds no site subject, yet nothing in it was checked
    second = json.loads((folder / "shard-2.json").read_text())
    assert not site_findings(second)
    assert second["run"]["unreachable"]["origin"] == origin
    assert second["summary"]["verdict"].startswith("Not checked")


def test_merged_shards_are_one_site_finding_and_exit_3_when_gated(
    shards: tuple[Path, list[int], str],
) -> None:
    folder, _, origin = shards
    parts = [str(folder / "shard-1.json"), str(folder / "shard-2.json")]
    merged = folder / "all.json"
    run = cxlint("merge", *parts, "-o", str(merged))
    assert run.returncode == 0, run.stderr  # merge's default --fail-on never: it only joins
    report = json.loads(merged.read_text())
    assert_site_down(report, origin, "connection refused")
    run = cxlint("merge", *parts, "-o", str(folder / "gated.json"), "--fail-on", "error")
    assert run.returncode == 3, run.stderr


FORMAT_SIGNS = {
    # each format shows the site finding with its cause, and the run's verdict
    "text": ["site-unreachable", "connection refused", "Not checked: the site"],
    "markdown": ["`site-unreachable`", "connection refused", "Not checked: the site"],
    "html": ["site-unreachable", "connection refused", "Not checked: the site"],
    "junit": ['type="site-unreachable"', "connection refused", "<skipped"],
    "sarif": ['"ruleId": "site-unreachable"', "connection refused"],
    "json": ['"rule": "site-unreachable"', '"unreachable"'],
}


@pytest.mark.parametrize("fmt", list(FORMAT_SIGNS))
def test_a_saved_report_renders_the_outage_in_every_format(
    fmt: str, shards: tuple[Path, list[int], str]
) -> None:
    folder, _, _ = shards
    saved = str(folder / "shard-1.json")
    out = folder / f"again.{fmt}"
    run = cxlint("report", saved, "--format", fmt, "-o", str(out))
    assert run.returncode == 0, run.stderr  # report's default --fail-on never: a rendering
    text = out.read_text()
    for sign in FORMAT_SIGNS[fmt]:
        assert sign in text, f"{sign!r} not in the {fmt} report"
    if fmt == "text":
        assert "publish" not in text.lower()


@pytest.mark.parametrize(("fail_on", "code"), [("error", 3), ("warning", 3), ("never", 0)])
def test_a_saved_report_of_a_dead_site_exits_as_the_check_did(
    fail_on: str, code: int, shards: tuple[Path, list[int], str]
) -> None:
    folder, _, _ = shards
    run = cxlint(
        "report", str(folder / "shard-1.json"), "-o", str(folder / f"r-{fail_on}.txt"),
        "--fail-on", fail_on,
    )  # fmt: skip
    assert run.returncode == code, run.stderr


def test_fail_on_never_is_exit_0_even_for_a_dead_site(tmp_path: Path) -> None:
    path = write_campaign(tmp_path, DNS_DEAD)
    run, report = check(path, tmp_path / "r.json", *FAST, "--fail-on", "never")
    assert run.returncode == 0, run.stderr
    assert len(site_findings(report)) == 1


def test_with_the_rule_off_the_outage_still_exits_3(tmp_path: Path) -> None:
    """Turning the rule off drops the finding, not the fact: nothing could be checked."""
    path = write_campaign(tmp_path, DNS_DEAD, rules={"site-unreachable": "off"})
    run, report = check(path, tmp_path / "r.json", *FAST)
    assert run.returncode == 3, run.stderr
    assert report["findings"] == []
    assert report["summary"]["verdict"].startswith("Not checked")
    products = [s for s in report["subjects"] if s["subject"]["type"] == "product"]
    assert all(c["status"] == "skipped" for s in products for c in s["checks"])


def test_check_help_lists_the_exit_codes() -> None:
    run = cxlint("check", "--help")
    assert run.returncode == 0
    assert "3  the site could not be reached at all" in run.stdout


def test_a_link_elsewhere_that_leads_into_the_dead_site_is_skipped_too(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A vanity domain that redirects to the site which cannot be reached: its check could not
    run either, so it is skipped with the cause, not a page-unreachable error of its own."""
    origin = closed_port_url().rstrip("/")
    httpserver.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": f"{origin}/lp/x1"}
    )
    vanity = httpserver.url_for("/go")
    path = write_campaign(
        tmp_path,
        origin,
        landing_pages=[{"url": vanity, "channel": "print", "products": ["x1"]}],
    )
    run, report = check(path, tmp_path / "r.json", *FAST)
    assert run.returncode == 3, run.stderr
    assert_site_down(report, origin, "connection refused")

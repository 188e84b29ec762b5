"""site.staging and `cxlint check --staging` (issue 17, item 4): one manifest knows both
origins; staging's credentials go to staging only and never into a report."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from cxlint.cli import main
from cxlint.errors import UsageError
from cxlint.manifest import load_manifest_text

PASSWORD = "s3cret-Pa55"
TOKEN = "tok-9f8e7d"
BASIC = "Basic " + base64.b64encode(f"preview:{PASSWORD}".encode()).decode()
PAGE = (
    "<html><head><title>Phone X1</title></head><body><h1>Phone X1</h1><p>Model X1</p></body></html>"
)


def manifest(staging: str, site: str = "https://www.shop.example") -> str:
    return f"""\
version: 1
campaign: {{name: Spring, id: spring}}
site:
  url: {site}
  staging:
    url: {staging}
    basic_auth: {{user: preview, password: "${{STAGING_PASSWORD}}"}}
    cookies: {{preview: "${{STAGING_TOKEN}}"}}
products:
  - {{name: Phone X1, model: X1, url: /p/x1}}
"""


def guarded(server: HTTPServer, seen: list[dict[str, str]]) -> None:
    """Every path answers 401 unless the request carries staging's credentials."""

    def handler(request: Request) -> Response:
        seen.append(dict(request.headers))
        if request.headers.get("Authorization") != BASIC:
            return Response("who are you?", status=401, headers={"WWW-Authenticate": "Basic"})
        if request.headers.get("Cookie") != f"preview={TOKEN}":
            return Response("no preview cookie", status=403)
        if request.path == "/p/x1":
            return Response(PAGE, content_type="text/html")
        return Response("not found", status=404)

    server.expect_request("").respond_with_handler(handler)


RULES = "page-unreachable,model-not-on-product-page"
ENV = {"STAGING_PASSWORD": PASSWORD, "STAGING_TOKEN": TOKEN, "NO_COLOR": "1"}


def test_staging_gets_its_credentials_and_reports_never_show_them(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    seen: list[dict[str, str]] = []
    guarded(httpserver, seen)
    path = tmp_path / "campaign.yaml"
    path.write_text(manifest(httpserver.url_for("/").rstrip("/")))
    result = CliRunner().invoke(
        main,
        ["check", str(path), "--staging", "--format", "json", "-q", "--select", RULES],
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["summary"]["products"] == 1
    assert seen and all(h.get("Authorization") == BASIC for h in seen)
    for secret in (PASSWORD, TOKEN, BASIC.split()[1]):
        assert secret not in result.output


def test_without_staging_the_credentials_stay_home(tmp_path: Path, httpserver: HTTPServer) -> None:
    seen: list[dict[str, str]] = []
    guarded(httpserver, seen)
    production = httpserver.url_for("/").rstrip("/")
    path = tmp_path / "campaign.yaml"
    path.write_text(manifest("https://staging.shop.example", site=production))
    result = CliRunner().invoke(
        main, ["check", str(path), "-q", "--select", "page-unreachable"], env=ENV
    )
    # production refuses every page (the site's own finding, exit 3): no credentials went there
    assert result.exit_code == 3
    assert seen and not any("Authorization" in h or "Cookie" in h for h in seen)


def test_staging_and_base_url_are_one_or_the_other(tmp_path: Path) -> None:
    path = tmp_path / "campaign.yaml"
    path.write_text(manifest("https://staging.shop.example"))
    args = ["check", str(path), "--staging", "--base-url", "https://other.example"]
    result = CliRunner().invoke(main, args, env=ENV)
    assert result.exit_code == 2
    assert result.output == "cxlint: error: give --staging or --base-url, not both\n"


def test_staging_without_a_block(tmp_path: Path) -> None:
    path = tmp_path / "campaign.yaml"
    path.write_text(
        "version: 1\ncampaign: {name: x}\nsite: {url: 'https://shop.example'}\n"
        "products:\n  - {name: Phone X1}\n"
    )
    result = CliRunner().invoke(main, ["check", str(path), "--staging"], env=ENV)
    assert result.exit_code == 2
    assert "--staging: the manifest has no 'staging' under 'site'" in result.output


@pytest.mark.parametrize(
    ("staging", "message"),
    [
        ("    url: staging.shop.example\n", "'site.staging.url' must be an absolute http(s)"),
        (
            '    url: https://s.example\n    cookies: {a: "x;y=1"}\n',
            "'a' in 'site.staging' must be on a single line and without ;",
        ),
        ("    url: https://s.example\n    headers: {X-Key: 12345}\n", "'X-Key' must be text"),
    ],
)
def test_staging_mistakes_never_echo_a_credential(staging: str, message: str) -> None:
    text = (
        "version: 1\ncampaign: {name: x}\nsite:\n  url: https://shop.example\n  staging:\n"
        + staging
        + "products:\n  - {name: a}\n"
    )
    with pytest.raises(UsageError) as caught:
        load_manifest_text(text, "c.yaml", env={}, staging=True)
    assert message in str(caught.value)
    assert "x;y" not in str(caught.value) and "12345" not in str(caught.value)


def test_an_unset_variable_is_named(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_manifest_text(manifest("https://s.example"), "c.yaml", env={}, staging=True)
    assert str(caught.value) == "c.yaml:7:43: environment variable STAGING_PASSWORD is not set"


@pytest.mark.parametrize(
    ("block", "env", "message"),
    [
        (
            "",
            {},
            "The site needs credentials: add them to the manifest as ${VAR}s, under site.staging",
        ),
        (
            '    basic_auth: {user: preview, password: "${STAGING_PASSWORD}"}\n',
            {"STAGING_PASSWORD": "old-pass-42"},
            "turned down the credentials it was given: check STAGING_PASSWORD (wrong or expired?)",
        ),
        (
            f"    basic_auth: {{user: preview, password: {PASSWORD}}}\n",
            {},
            "turned down the credentials it was given: check the credentials in the manifest",
        ),
    ],
)
def test_staging_that_refuses_is_one_clear_finding(
    tmp_path: Path, httpserver: HTTPServer, block: str, env: dict[str, str], message: str
) -> None:
    """Staging that turns cxlint away: one site-level finding naming what to set (never a
    credential's value), every subject skipped with that reason, exit 3; not a 401 per page."""
    seen: list[dict[str, str]] = []
    guarded(httpserver, seen)
    path = tmp_path / "campaign.yaml"
    path.write_text(
        "version: 1\ncampaign: {name: x}\nsite:\n  url: https://www.shop.example\n  staging:\n"
        f"    url: {httpserver.url_for('/').rstrip('/')}\n{block}"
        "products:\n  - {name: Phone X1, url: /p/x1}\n  - {name: Phone X2, url: /p/x2}\n"
        "landing_pages:\n  - {url: /lp/spring, channel: email}\n"
    )
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        main, ["check", str(path), "--staging", "--format", "json", "-o", str(out)], env=env
    )
    assert result.exit_code == 3, result.output
    report = json.loads(out.read_text())
    (finding,) = report["findings"]
    assert finding["rule"] == "site-unreachable" and finding["subject"]["type"] == "site"
    assert "refuses cxlint: it answers" in finding["message"]
    assert message in finding["fix"]
    text = json.dumps(report) + result.output
    assert PASSWORD not in text and "old-pass-42" not in text
    skipped = [c for s in report["subjects"] if s["subject"]["type"] != "site" for c in s["checks"]]
    assert skipped and all(c["status"] == "skipped" for c in skipped)
    assert all("refuses cxlint" in c["reason"] for c in skipped)
    assert report["summary"]["verdict"].startswith("Not checked: the site http://")
    assert len(seen) <= 4  # robots.txt, the home page and two pages to confirm: not one a page

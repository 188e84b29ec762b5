"""No secret in any report, log or error message.

A campaign carries every kind of secret cxlint knows — header values from the manifest and
from --header, `${VAR}` values in headers and URL credentials, `user:password@` in URLs,
query parameters named like token/key/sig/password/auth — against a site that echoes what it
receives back into its pages, titles and redirects (as debug pages and misconfigured proxies
do). Every secret contains the marker SECRET; the marker must appear in no output of any
format registered in cxlint.report.FORMATS, nor on stdout or stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from cxlint.manifest import load_manifest_text
from cxlint.redact import scrub
from cxlint.report import FORMATS
from tests.faultserver import Conn, FaultServer, healthy_page

MARKER = "SECRET"
ENV = {
    "CXLINT_TEST_TOKEN": "tok-SECRET-1",
    "CXLINT_TEST_PASS": "pass-SECRET-2",
    "CXLINT_TEST_SESSION": "sess-SECRET-3",
    "CXLINT_TEST_PRODUCT": "Phone X1",  # not a secret: it must stay readable
}


def _echo(conn: Conn) -> None:
    """A page that shows every request header it was sent (a debug page left on)."""
    shown = " ".join(f"{k}={v}" for k, v in conn.headers.items())
    extra = f"<p>You sent: {shown}</p><a href='/x?token={quote(shown)}'>again</a>"
    conn.respond(body=healthy_page(f"Debug {shown}", extra).replace(b"Motorola", b"Other"))


def _bounce(conn: Conn) -> None:
    """Redirects with the credentials it received in the path and the query."""
    auth = quote(conn.headers.get("authorization", ""))
    key = quote(conn.headers.get("x-api-key", ""))
    conn.redirect(f"/echo/{key}?token={auth}&password={key}&next=/echo")


@pytest.fixture(scope="module")
def site() -> Iterator[FaultServer]:
    routes = {"/echo": _echo, "/bounce": _bounce}
    with FaultServer(routes=routes) as server:
        server.routes.update({f"/echo/{v}": _echo for v in ("plainkey-SECRET-4",)})
        yield server


def _manifest(origin: str) -> dict[str, object]:
    host = origin.removeprefix("http://")
    return {
        "version": 1,
        "campaign": {"name": "Secrets", "id": "s"},
        "site": {
            "url": "${CXLINT_TEST_SITE}",
            "headers": {
                "Authorization": "Bearer ${CXLINT_TEST_TOKEN}",
                "X-Api-Key": "plainkey-SECRET-4",
            },
        },
        "products": [
            {
                "id": "x1",
                "name": "${CXLINT_TEST_PRODUCT}",
                "model": "X1",
                "url": "/echo?session_token=${CXLINT_TEST_SESSION}",
            }
        ],
        "landing_pages": [
            {"url": "/bounce?utm_source=a&utm_medium=b&utm_campaign=s", "products": ["x1"]},
            {
                "url": f"http://qa:${{CXLINT_TEST_PASS}}@{host}/echo"
                "?api_key=key-SECRET-5&sig=sig-SECRET-6",
                "products": ["x1"],
            },
            {
                "url": "/echo?password=pw-SECRET-7&auth=auth-SECRET-8&access_token=at-SECRET-9"
                "&X-Amz-Signature=amz-SECRET-10",
                "products": ["x1"],
            },
        ],
    }


@pytest.fixture(scope="module")
def outputs(site: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every report format, stdout and stderr of one real `cxlint check` run."""
    folder = tmp_path_factory.mktemp("secrets")
    manifest = folder / "campaign.yaml"
    manifest.write_text(yaml.safe_dump(_manifest(site.origin), sort_keys=False))
    reports = {fmt: folder / f"report.{fmt}" for fmt in FORMATS}
    args = [
        sys.executable,
        "-m",
        "cxlint",
        "check",
        str(manifest),
        "--retries",
        "0",
        "--no-robots",
        "--header",
        "X-Cli-Token: cli-SECRET-11",
        "--format",
        "text",
        "-v",
    ]
    for fmt, path in reports.items():
        args += ["--report", f"{fmt}:{path}"]
    env = {**os.environ, **ENV, "CXLINT_TEST_SITE": site.origin, "NO_COLOR": "1"}
    run = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    found = {f"report.{fmt}": path.read_text(errors="replace") for fmt, path in reports.items()}
    found["stdout"], found["stderr"] = run.stdout, run.stderr
    # and a saved run re-rendered in every format: what was saved stays clean
    for fmt in FORMATS:
        again = subprocess.run(
            [sys.executable, "-m", "cxlint", "report", str(reports["json"]), "--format", fmt],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        found[f"report {fmt}"] = again.stdout + again.stderr
    return found


def test_the_site_did_receive_the_secrets(site: FaultServer, outputs: dict[str, str]) -> None:
    """The test is only worth something if the secrets were sent and echoed back."""
    sent = [h for h in site.headers.values() if h.get("x-api-key") == "plainkey-SECRET-4"]
    assert sent and sent[0]["authorization"] == "Bearer tok-SECRET-1"
    assert sent[0]["x-cli-token"] == "cli-SECRET-11"


@pytest.mark.parametrize("name", [f"report.{f}" for f in FORMATS] + ["stdout", "stderr"])
def test_no_secret_in_any_output(name: str, outputs: dict[str, str]) -> None:
    text = outputs[name]
    assert text.strip(), f"{name} is empty"
    for line in text.splitlines():
        assert MARKER not in line, f"{name}: {line[:300]}"
    assert quote(MARKER) == MARKER  # so the percent-encoded forms are covered too


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_no_secret_in_re_rendered_reports(fmt: str, outputs: dict[str, str]) -> None:
    assert MARKER not in outputs[f"report {fmt}"]


def test_harmless_expansions_stay_readable(site: FaultServer, outputs: dict[str, str]) -> None:
    """${CXLINT_TEST_SITE} and ${CXLINT_TEST_PRODUCT} are not secrets: masking them would
    blank out every URL and product name in the report."""
    report = outputs["report.json"]
    assert site.origin in report
    assert "Phone X1" in report


def test_only_secret_expansions_are_secrets() -> None:
    text = yaml.safe_dump(
        {
            "version": 1,
            "campaign": {"name": "${NAME}"},
            "site": {
                "url": "${SITE}",
                "headers": {"Cookie": "s=${COOKIE}"},
            },
            "products": [
                {"id": "a", "name": "A", "url": "https://u:${PASS}@x.com/a?q=${QUERY}"},
                {"id": "b", "name": "B", "url": "/b?api_key=${PLAIN}&page=${PAGE}"},
                {"id": "c", "name": "C", "url": "/c?id=${API_TOKEN}"},
            ],
        }
    )
    env = {
        "NAME": "Launch",
        "SITE": "https://shop.example.com",
        "COOKIE": "c00kie",
        "PASS": "hunter2",
        "QUERY": "red-phone",
        "PLAIN": "k3y",
        "PAGE": "page-two",
        "API_TOKEN": "t0ken",
    }
    campaign = load_manifest_text(text, "m.yaml", env=env)
    # headers; URL passwords; values of secret-named parameters; variables named like one
    assert sorted(campaign.secrets) == sorted(["c00kie", "s=c00kie", "hunter2", "k3y", "t0ken"])


def test_scrub_masks_relative_urls_and_keeps_unchanged_parts_shared() -> None:
    evidence = {"chain": [{"url": "/lp?token=abc&utm_source=x"}], "title": "Hello"}
    clean = scrub(evidence, [])
    assert clean["chain"][0]["url"] == "/lp?token=REDACTED&utm_source=x"
    untouched = {"title": "Hello", "list": ["a", "b"]}
    assert scrub(untouched, ["zzz"]) is untouched


def test_secret_header_value_is_not_echoed_in_a_manifest_error(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "version: 1\ncampaign: {name: X}\n"
        "site: {url: 'http://127.0.0.1:9', headers: {X-Api-Key: 98765432101}}\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "cxlint", "check", str(path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2
    assert "98765432101" not in run.stderr and f"{path}:3:" in run.stderr


def test_credentials_in_bad_options_are_not_echoed(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("version: 1\ncampaign: {name: X}\nsite: {url: 'http://127.0.0.1:9'}\n")
    run = subprocess.run(
        [sys.executable, "-m", "cxlint", "check", str(path),
         "--base-url", "ftp://qa:pw-SECRET-12@staging.example.com/?token=t-SECRET-13"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2
    assert MARKER not in run.stderr, run.stderr

"""Credentials stay with the origin they were given for.

Two real servers on different ports, reached by two host names (127.0.0.1 and localhost), so
that "another origin" is tried three ways: another port, another host name on the same port,
and both. Each server records the headers of every request it gets, robots.txt included.
The site's own requests must carry the credentials (or the test would prove nothing); no
request to any other origin may carry any of them, after a redirect or not.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.faultserver import Conn, FaultServer, healthy_page

SITE_TOKEN = "site-token-SECRET-1"
CLI_TOKEN = "cli-token-SECRET-2"
COOKIE = "sid=cookie-SECRET-3"
API_KEY = "api-key-SECRET-4"
CREDENTIAL_HEADERS = ("authorization", "x-cli-token", "cookie", "x-api-key")


class Recorder:
    """Both servers' requests: (Host header, path, headers)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []

    def routes(self, other: dict[str, str]) -> dict[str, object]:
        def record(conn: Conn) -> None:
            self.requests.append((conn.headers.get("host", ""), conn.path, dict(conn.headers)))
            target = other.get(conn.path)
            if target:
                conn.redirect(target)
            elif conn.path == "/robots.txt":
                conn.respond("404 Not Found", b"no robots here")
            else:
                conn.respond(body=healthy_page("Motorola RAZR V710"))

        paths = ["/", "/robots.txt", "/landing", "/declared", "/v710", *other]
        return {path: record for path in paths}

    def to(self, host: str) -> list[tuple[str, dict[str, str]]]:
        return [(path, headers) for h, path, headers in self.requests if h == host]


@pytest.fixture()
def servers() -> Iterator[tuple[FaultServer, FaultServer, Recorder]]:
    recorder = Recorder()
    with FaultServer() as site, FaultServer() as other:
        redirects = {
            "/to-other-port": f"http://127.0.0.1:{other.port}/landing",
            "/to-other-host": f"http://localhost:{site.port}/landing",
            "/to-other-both": f"http://localhost:{other.port}/landing",
        }
        site.routes.update(recorder.routes(redirects))
        other.routes.update(recorder.routes({}))
        yield site, other, recorder


def _check(tmp_path: Path, site_cfg: dict[str, object], *args: str) -> subprocess.CompletedProcess:
    manifest = {
        "version": 1,
        "campaign": {"name": "Credentials", "id": "creds"},
        "site": site_cfg,
        "products": [{"id": "v710", "name": "Motorola RAZR V710", "model": "V710", "url": "/v710"}],
        "landing_pages": [
            {"url": path, "products": ["v710"]}
            for path in ("/to-other-port", "/to-other-host", "/to-other-both")
        ],
    }
    extra = site_cfg.pop("extra_landing", None)
    if extra:
        manifest["landing_pages"].append({"url": extra, "products": ["v710"]})  # type: ignore[union-attr]
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=False))
    command = [sys.executable, "-m", "cxlint", "check", str(path), "--retries", "0", *args]
    command += ["--report", f"json:{tmp_path / 'report.json'}"]
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    return run


def _credentials(headers: dict[str, str]) -> dict[str, str]:
    return {name: headers[name] for name in CREDENTIAL_HEADERS if name in headers}


@pytest.mark.parametrize("jobs", ["1", "2"])  # the processes of --jobs get the same rule
def test_site_credentials_never_leave_the_site_origin(tmp_path: Path, servers, jobs: str) -> None:
    site, other, recorder = servers
    extra_landing = f"http://localhost:{other.port}/declared"
    _check(
        tmp_path,
        {
            "url": site.origin,
            "headers": {"Authorization": f"Bearer {SITE_TOKEN}"},
            "extra_landing": extra_landing,
        },
        "-H", f"X-Cli-Token: {CLI_TOKEN}",
        "-H", f"Cookie: {COOKIE}",
        "--jobs", jobs,
    )  # fmt: skip
    own = recorder.to(f"127.0.0.1:{site.port}")
    assert own, "the site was never asked"
    for path, headers in own:
        assert headers.get("authorization") == f"Bearer {SITE_TOKEN}", path
        assert headers.get("x-cli-token") == CLI_TOKEN, path
        assert headers.get("cookie") == COOKIE, path

    elsewhere = {
        "another port": recorder.to(f"127.0.0.1:{other.port}"),
        "another host name": recorder.to(f"localhost:{site.port}"),
        "another host and port": recorder.to(f"localhost:{other.port}"),
    }
    for what, requests in elsewhere.items():
        paths = {path for path, _ in requests}
        assert "/landing" in paths, f"the redirect to {what} was not followed: {paths}"
        assert "/robots.txt" in paths, f"robots.txt of {what} was not asked: {paths}"
        for path, headers in requests:
            assert not _credentials(headers), f"{what} {path} got {_credentials(headers)}"
    declared = {path for path, _ in elsewhere["another host and port"]}
    assert "/declared" in declared  # a landing page the manifest puts on another origin


def test_headers_for_sends_each_origin_only_its_own(tmp_path: Path, servers) -> None:
    site, other, recorder = servers
    api = f"http://localhost:{other.port}"
    _check(
        tmp_path,
        {
            "url": site.origin,
            "headers": {"Authorization": f"Bearer {SITE_TOKEN}"},
            "headers_for": {api: {"X-Api-Key": API_KEY}},
        },
    )
    for path, headers in recorder.to(f"localhost:{other.port}"):
        assert _credentials(headers) == {"x-api-key": API_KEY}, path
    for path, headers in recorder.to(f"127.0.0.1:{site.port}"):
        assert _credentials(headers) == {"authorization": f"Bearer {SITE_TOKEN}"}, path
    for host in (f"127.0.0.1:{other.port}", f"localhost:{site.port}"):
        requests = recorder.to(host)
        assert requests
        for path, headers in requests:
            assert not _credentials(headers), f"{host}{path} got {_credentials(headers)}"


def test_base_url_origin_gets_the_site_credentials(tmp_path: Path, servers) -> None:
    """--base-url names the staging origin: the manifest's credentials are meant for it."""
    site, other, recorder = servers
    _check(
        tmp_path,
        {
            "url": "https://shop.example.invalid",
            "headers": {"Authorization": "Bearer " + SITE_TOKEN},
        },
        "--base-url",
        site.origin,
    )
    own = recorder.to(f"127.0.0.1:{site.port}")
    assert own and all(h.get("authorization") == f"Bearer {SITE_TOKEN}" for _, h in own)
    assert all(not _credentials(h) for _, h in recorder.to(f"127.0.0.1:{other.port}"))


def test_headers_for_names_an_origin_not_a_page(tmp_path: Path) -> None:
    manifest = tmp_path / "campaign.yaml"
    manifest.write_text(
        "version: 1\ncampaign: {name: C}\nsite:\n  url: https://shop.example.com\n"
        "  headers_for:\n    https://api.example.com/v1/items: {X-Api-Key: abc}\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "cxlint", "check", str(manifest)],
        capture_output=True, text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert run.returncode == 2
    assert (
        f"{manifest}:6:5: 'https://api.example.com/v1/items' in 'headers_for' must be an origin"
        in run.stderr
    )
    assert "Traceback" not in run.stderr

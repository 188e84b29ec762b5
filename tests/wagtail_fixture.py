"""A real Wagtail site (tests/wagtail_site/) on 127.0.0.1, for the `wagtail` tests.

Session-scoped: one subprocess migrates a throwaway sqlite database, creates the product
pages and serves them; the fixture waits until the site answers and stops it afterwards.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

SITE_DIR = Path(__file__).parent / "wagtail_site"
STARTUP_TIMEOUT = 120.0  # seconds; migrate takes ~10 s on the project's machines


def _read_ready_line(process: subprocess.Popen[str], deadline: float) -> str | None:
    """The server's `READY http://...` line, or None when it died or took too long."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=0.5):
                if process.poll() is not None:
                    return None
                continue
            line = process.stdout.readline()
            if not line:
                return None
            if line.startswith("READY "):
                return line.split()[1]
    return None


@pytest.fixture(scope="session")
def wagtail_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the running Wagtail site, e.g. http://127.0.0.1:41234."""
    pytest.importorskip("wagtail", reason="the test extra installs Wagtail")
    folder = tmp_path_factory.mktemp("wagtail")
    log = folder / "server.log"
    env = {
        **os.environ,
        "CXLINT_WAGTAIL_DB": str(folder / "db.sqlite3"),
        "CXLINT_WAGTAIL_MEDIA": str(folder / "media"),
        "PYTHONDONTWRITEBYTECODE": "1",  # keep tests/wagtail_site/ free of __pycache__
    }
    with open(log, "w") as errors:
        process = subprocess.Popen(
            [sys.executable, str(SITE_DIR / "serve.py")],
            stdout=subprocess.PIPE,
            stderr=errors,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=folder,
        )
    try:
        url = _read_ready_line(process, time.monotonic() + STARTUP_TIMEOUT)
        if url is None:
            pytest.fail(f"the Wagtail site did not start:\n{log.read_text()[-3000:]}")
        response = httpx.get(url + "/", timeout=10)
        assert response.status_code == 200, response.text[:500]
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()

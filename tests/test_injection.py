"""Site-controlled text is escaped in every report format.

A hostile site puts markup, XML breakouts and terminal escape sequences in its titles,
headings and redirect addresses; cxlint quotes them as evidence. For every format registered
in cxlint.report.FORMATS the payload must stay inert: data in JSON and SARIF, escaped in
XML, HTML and Markdown, and without control characters on a terminal. A format added later
is checked by what its output is (JSON, XML, HTML or plain text). The HTML report is also
opened in headless Chromium, where no payload may run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cxlint.cli import main
from cxlint.report import FORMATS
from tests.faultserver import Conn, FaultServer

SCRIPT = "<script>alert(1)</script>"
ESCAPE = "\x1b[31m"  # a terminal colour change; \x1b]0; would retitle the window
PAYLOAD = f'{SCRIPT}{ESCAPE}]]></testcase><img src=x onerror=alert(2)>"\x07\x1b]0;pwned\x07'


def _page(conn: Conn) -> None:
    body = (
        f"<html><head><title>{PAYLOAD}</title></head>"
        f"<body><h1>{PAYLOAD}</h1><p>Nothing to see</p></body></html>"
    )
    # the payload arrives as text (escaped in the HTML source), as a browser would show it
    escaped = body.replace("<script>", "&lt;script&gt;").replace("</script>", "&lt;/script&gt;")
    escaped = escaped.replace("<img", "&lt;img").replace("></testcase>", "&gt;&lt;/testcase&gt;")
    conn.respond(body=escaped.encode("utf-8", "surrogateescape"))


ROUTES = {
    "/evil": _page,
    # an address that cannot be parsed, quoted in the error message
    "/evil-redirect": lambda c: c.redirect("http://[<script>alert(3)</script>"),
    "/js-redirect": lambda c: c.redirect("javascript:alert(4)"),
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, bytes]]:
    folder = tmp_path_factory.mktemp("injection")
    with FaultServer(routes=ROUTES) as site:
        manifest = {
            "version": 1,
            "campaign": {"name": "Injection", "id": "i"},
            "site": {"url": site.origin},
            "products": [{"id": "x1", "name": "Phone X1", "model": "X1", "url": "/evil"}],
            "landing_pages": [
                {"url": "/evil?utm_source=a&utm_medium=b&utm_campaign=i", "products": ["x1"]},
                {"url": "/evil-redirect", "products": ["x1"]},
                {"url": "/js-redirect", "products": ["x1"]},
            ],
        }
        path = folder / "campaign.yaml"
        path.write_text(yaml.safe_dump(manifest, sort_keys=False))
        args = ["check", str(path), "--retries", "0", "--no-robots", "-o", str(folder / "t.txt")]
        for fmt in FORMATS:
            args += ["--report", f"{fmt}:{folder / ('r.' + fmt)}"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        colour = CliRunner().invoke(
            main, ["check", str(path), "--retries", "0", "--no-robots", "--color", "-v"]
        )
        outputs = {fmt: (folder / f"r.{fmt}").read_bytes() for fmt in FORMATS}
        outputs["text, coloured"] = colour.stdout_bytes
        # what the site could reach: only http(s) was ever requested
        assert all(target.startswith("/") for target in site.hits)
        yield outputs


def test_the_payload_reached_the_report(reports: dict[str, bytes]) -> None:
    """Otherwise the other tests prove nothing."""
    data = json.loads(reports["json"])
    titles = [f["evidence"].get("title") for f in data["findings"] if "title" in f["evidence"]]
    assert any(t and SCRIPT in t for t in titles), titles
    messages = " ".join(f["message"] for f in data["findings"])
    assert "alert(3)" in messages  # the malformed redirect is quoted in a message


def kind_of(fmt: str, output: bytes) -> str:
    """What a format's output is, for formats this test does not know by name."""
    known = {"json": "json", "sarif": "json", "junit": "xml", "html": "html"}
    if fmt in known:
        return known[fmt]
    text = output.decode("utf-8", "replace").lstrip()
    if text.startswith(("{", "[")):
        return "json"
    if text.startswith("<?xml"):
        return "xml"
    if text[:200].lower().startswith(("<!doctype html", "<html")):
        return "html"
    return "text"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_payload_is_inert_in_every_format(fmt: str, reports: dict[str, bytes]) -> None:
    output = reports[fmt]
    text = output.decode("utf-8")
    kind = kind_of(fmt, output)
    if kind == "json":
        json.loads(text)  # still valid JSON: the payload is a string in it
        assert "\x1b" not in text and "\x07" not in text  # control characters are escaped
    elif kind == "xml":
        root = ET.fromstring(output)  # well-formed: nothing broke out of its element
        assert all(el.tag != "script" and el.tag != "img" for el in root.iter())
        assert "\x1b" not in text
    elif kind == "html":
        assert SCRIPT not in text and "<img src=x" not in text
        assert "alert(1)" not in "".join(_scripts(text))
        assert "\x1b" not in text
    else:  # Markdown renders raw HTML; a terminal runs escape sequences
        assert "\x1b" not in text and "\x07" not in text
        if fmt != "text":
            assert SCRIPT not in text and "<img src=x" not in text


def test_coloured_terminal_output_has_only_cxlint_own_escapes(reports: dict[str, bytes]) -> None:
    text = reports["text, coloured"].decode()
    assert "\x1b[" in text  # colours are on
    assert "\x1b]" not in text and "\x07" not in text  # no window-title or bell sequences
    assert "</script>\x1b" not in text  # the site's own colour change is gone


class _ScriptText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.inside = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(value or "")

    def handle_endtag(self, tag: str) -> None:
        self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.found.append(data)


def _scripts(html: str) -> list[str]:
    parser = _ScriptText()
    parser.feed(html)
    return parser.found


CHROMIUM = os.environ.get("CXLINT_CHROMIUM", "/usr/bin/chromium")


@pytest.mark.browser
def test_html_report_runs_no_payload_in_a_browser(reports: dict[str, bytes], tmp_path: Path):
    if "html" not in FORMATS:
        pytest.skip("no HTML reporter registered")
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "report.html"
    page_file.write_bytes(reports["html"])
    dialogs: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(page_file.as_uri())
            page.wait_for_timeout(300)
            # cards off screen are laid out only when scrolled near (content-visibility:
            # auto), and innerText leaves out what is not laid out: print media lays all out
            page.emulate_media(media="print")
            shown = page.inner_text("body")
            images = page.eval_on_selector_all("img[src=x]", "els => els.length")
        finally:
            browser.close()
    assert dialogs == [], dialogs
    assert images == 0
    assert re.search(r"<script>alert\(1\)</script>", shown), "the payload is shown as text"

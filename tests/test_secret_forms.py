"""A secret echoed back in another encoding is still a secret.

A real site echoes the credential it was sent: percent-encoded into a redirect's query (once
with '+' for a space, once with '%20', once encoded twice), base64-encoded into a page, and
HTML-escaped into a title. The secret holds every character those encodings treat specially
(+ / = & < > and a space), so no form of it is the same text as another. Every report format,
and the same run re-rendered from its JSON, must hold no form of it.
"""

from __future__ import annotations

import base64
import html
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import quote, quote_plus

import pytest
import yaml

from cxlint.redact import MASK, scrub_text
from cxlint.report import FORMATS
from tests.faultserver import Conn, FaultServer

SECRET = "Zq+7/Kx w=&<p>Yt9"
CREDENTIAL = f"Bearer {SECRET}"


def forms(secret: str) -> dict[str, str]:
    raw = secret.encode()
    return {
        "raw": secret,
        "percent (quote, '/' safe)": quote(secret),
        "percent (quote, nothing safe)": quote(secret, safe=""),
        "percent, lower-case hex": _lower_hex(quote(secret, safe="")),
        "percent with +": quote_plus(secret),
        "percent twice": quote(quote(secret, safe=""), safe=""),
        "base64": base64.b64encode(raw).decode(),
        "base64 url-safe": base64.urlsafe_b64encode(raw).decode(),
        "base64 inside a longer value": base64.b64encode(b"user=" + raw + b";").decode(),
        "html-escaped": html.escape(secret),
        "html numeric references": "".join(
            f"&#{ord(c)};" if not c.isalnum() else c for c in secret
        ),
    }


def _lower_hex(text: str) -> str:
    pieces = text.split("%")
    return pieces[0] + "".join("%" + p[:2].lower() + p[2:] for p in pieces[1:])


def _echo(conn: Conn) -> None:
    """Sends the credential it received back in every encoding, in a redirect and a page."""
    token = conn.headers.get("authorization", "").removeprefix("Bearer ")
    if conn.path == "/bounce":
        conn.redirect(
            f"/landing?next={quote_plus(token)}&again={quote(token)}"
            f"&twice={quote(quote(token, safe=''), safe='')}&utm_source=a"
        )
        return
    echoed = " ".join(f"<p>{html.escape(form)}</p>" for form in forms(token).values())
    page = (
        f"<!doctype html><html><head><title>Hello {html.escape(token)}</title></head>"
        f"<body><h1>Nothing to see</h1>{echoed}"
        f"<a href='/x?next={quote(token, safe='')}'>on</a></body></html>"
    )
    conn.respond(body=page.encode())


@pytest.fixture(scope="module")
def site() -> Iterator[FaultServer]:
    routes = {"/bounce": _echo, "/landing": _echo, "/product": _echo}
    with FaultServer(routes=routes) as server:
        yield server


@pytest.fixture(scope="module")
def outputs(site: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("forms")
    manifest = {
        "version": 1,
        "campaign": {"name": "Echo", "id": "echo"},
        "site": {"url": site.origin, "headers": {"Authorization": CREDENTIAL}},
        "products": [{"id": "p", "name": "Phone P1", "model": "P1", "url": "/product"}],
        "landing_pages": [{"url": "/bounce?utm_source=a", "products": ["p"]}],
    }
    path = folder / "campaign.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=False))
    reports = {fmt: folder / f"report.{fmt}" for fmt in FORMATS}
    args = [sys.executable, "-m", "cxlint", "check", str(path), "--retries", "0", "-v"]
    for fmt, report in reports.items():
        args += ["--report", f"{fmt}:{report}"]
    run = subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=folder)
    assert run.returncode in (0, 1), run.stderr
    found = {f"report.{fmt}": report.read_text() for fmt, report in reports.items()}
    found["stdout"], found["stderr"] = run.stdout, run.stderr
    for fmt in FORMATS:
        again = subprocess.run(
            [sys.executable, "-m", "cxlint", "report", str(reports["json"]), "--format", fmt],
            capture_output=True, text=True, timeout=60, cwd=folder,
        )  # fmt: skip
        found[f"re-rendered {fmt}"] = again.stdout + again.stderr
    return found


def test_the_site_echoed_the_secret(site: FaultServer, outputs: dict[str, str]) -> None:
    assert site.headers["/product"]["authorization"] == CREDENTIAL
    assert "/landing?next=" in " ".join(site.headers)  # the redirect was followed


@pytest.mark.parametrize("form", list(forms(SECRET)))
def test_no_form_of_the_secret_in_any_output(form: str, outputs: dict[str, str]) -> None:
    text = forms(SECRET)[form]
    leaks = [name for name, output in outputs.items() if text in output]
    assert not leaks, f"the {form} form ({text}) is in {leaks}"


def test_reports_still_show_where_the_redirect_went(outputs: dict[str, str]) -> None:
    """Masking is of the secret only: the rest of the URL stays readable."""
    assert "/landing?next=" in outputs["report.json"]
    assert "utm_source=a" in outputs["report.json"]


@pytest.mark.parametrize("form", list(forms(SECRET)))
def test_scrub_text_masks_each_form_in_a_sentence(form: str) -> None:
    text = f"The page said {forms(SECRET)[form]} to us."
    assert scrub_text(text, [CREDENTIAL]).startswith("The page said ")
    assert SECRET not in scrub_text(text, [CREDENTIAL])
    assert forms(SECRET)[form] not in scrub_text(text, [CREDENTIAL])


@pytest.mark.parametrize("before", range(6))
def test_base64_of_a_longer_value_loses_the_secret_at_every_alignment(before: int) -> None:
    encoded = base64.b64encode(b"u" * before + SECRET.encode() + b"!").decode()
    clean = scrub_text(encoded, [CREDENTIAL])
    assert MASK in clean
    # what is left beside the mask holds at most the bits the secret shares with its neighbours
    assert len(clean) - len(MASK) <= len(encoded) - 4 * len(SECRET) // 3 + 2


def test_tokens_inside_header_values_are_secrets_too() -> None:
    basic = "Basic " + base64.b64encode(b"qa-user:hunter2-long").decode()
    cookie = "sid=abc123xyz; theme=dark"
    said = "password hunter2-long, session abc123xyz, theme dark"
    clean = scrub_text(said, [basic, cookie])
    assert "hunter2-long" not in clean and "abc123xyz" not in clean
    assert "theme dark" in clean  # short cookie values would mask ordinary words
    assert clean.count(MASK) == 2


def test_ordinary_text_is_left_alone() -> None:
    text = "Motorola RAZR V710, 499.99 USD, https://shop.example.com/v710?utm_source=x"
    assert scrub_text(text, [CREDENTIAL, "tok"]) == text

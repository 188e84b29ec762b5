"""Creatives: which links an e-mail or a list of printed URLs holds, and how the engine checks
them — moved with --base-url like the manifest's URLs, reported at their line in the file."""

from __future__ import annotations

from pathlib import Path

import yaml
from pytest_httpserver import HTTPServer

import cxlint
from cxlint.catalogue import load_catalogue
from cxlint.creative import extract_links
from cxlint.engine import Engine, RunOptions, active_rules
from cxlint.fetch import FetchOptions
from cxlint.manifest import load_manifest
from cxlint.model import Creative
from cxlint.report import summary
from tests.rulecase import serve

EMAIL = """<html><body>
<p><a href="https://shop.example/lp/x?utm_source=n&amp;utm_medium=email">Spring sale</a></p>
<p><a href="https://shop.example/lp/x?utm_source=n&amp;utm_medium=email">
<img src="b.png" alt="Banner"></a></p>
<p><a href="mailto:help@shop.example">Write</a> <a href="tel:+18005550100">Call</a>
<a href="#top">Top</a> <a href="javascript:void(0)">JS</a>
<a href="*|UNSUB|*">Unsubscribe</a> <a href="{{ unsubscribe_url }}">Leave</a>
<a href="%%view_online%%">View</a>
<a href="/relative/page">Relative</a> <area href="https://shop.example/map" alt="Map"></p>
<a href="/only-an-image"><img src="x.png" alt="Shop  now"></a>
</body></html>
"""

PRINTED = """# printed in the magazine
https://shop.example/v710?utm_source=mag   # the QR code
  www.shop.example/spring

not a link at all
"""


def _creative(tmp_path: Path, name: str, text: str) -> Creative:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return Creative(file=name, path=path)


def test_an_email_yields_its_distinct_web_links_with_lines(tmp_path: Path) -> None:
    links = extract_links(_creative(tmp_path, "launch.html", EMAIL))
    assert [(link.written, link.line, link.text) for link in links] == [
        ("https://shop.example/lp/x?utm_source=n&utm_medium=email", 2, "Spring sale"),
        ("/relative/page", 9, "Relative"),
        ("https://shop.example/map", 9, ""),
        ("/only-an-image", 10, "Shop now"),  # an image link is named by its alt text
    ]
    first, relative, *_ = links
    assert first.lines == [2, 3]  # the banner links to the same address
    assert first.url == first.written and first.problem is None and first.column == 4
    assert relative.url is None
    assert relative.problem == "it is a relative address, which an e-mail client cannot open"


def test_a_text_file_yields_one_link_per_line(tmp_path: Path) -> None:
    links = extract_links(_creative(tmp_path, "print.txt", PRINTED))
    assert [(link.written, link.url, link.line, link.column) for link in links] == [
        (
            "https://shop.example/v710?utm_source=mag",
            "https://shop.example/v710?utm_source=mag",
            2,
            1,
        ),
        ("www.shop.example/spring", "https://www.shop.example/spring", 3, 3),
        ("not a link at all", None, 5, 1),
    ]
    assert links[2].problem == "it is not a web address a reader could type"


def test_creative_links_move_with_base_url_and_point_at_their_line(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    serve(httpserver, {"/lp/x": {"page": {"h1": "Spring"}}})
    base = httpserver.url_for("/").rstrip("/")
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "launch.html").write_text(
        '<p>Hello</p>\n<a href="https://www.shop.example/lp/x?utm_source=n&amp;utm_medium=email'
        '&amp;utm_campaign=c">Spring</a>\n'
        '<a href="https://www.shop.example/lp/gone?utm_source=n&amp;utm_medium=email'
        '&amp;utm_campaign=c">Gone</a>\n',
        encoding="utf-8",
    )
    manifest = {
        "version": 1,
        "campaign": {"name": "Spring", "id": "c"},
        "site": {"url": "https://www.shop.example"},  # production: never contacted
        "landing_pages": [{"url": "/lp/x?utm_source=n&utm_medium=email&utm_campaign=c"}],
        "creatives": [{"file": "mail/launch.html", "channel": "email"}],
    }
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    result = cxlint.check(
        path,
        base_url=base,
        select=["creative-link-broken", "CX302", "CX303"],
        fetch=FetchOptions(retries=0, timeout=5),
    )
    links = {s.subject.url: s for s in result.subjects if s.subject.type == "creative_link"}
    assert set(links) == {
        "https://www.shop.example/lp/x?utm_source=n&utm_medium=email&utm_campaign=c",
        "https://www.shop.example/lp/gone?utm_source=n&utm_medium=email&utm_campaign=c",
    }
    good = links["https://www.shop.example/lp/x?utm_source=n&utm_medium=email&utm_campaign=c"]
    assert good.url == f"{base}/lp/x?utm_source=n&utm_medium=email&utm_campaign=c"
    assert {c.rule: c.status for c in good.checks} == {
        "creative-link-broken": "passed",
        "creative-link-untracked": "passed",
        "creative-link-off-campaign": "passed",
    }
    assert good.channel == "email" and good.subject.file == "mail/launch.html"
    gone = links["https://www.shop.example/lp/gone?utm_source=n&utm_medium=email&utm_campaign=c"]
    (finding,) = gone.findings
    assert finding.rule == "creative-link-broken"
    assert finding.message == (
        'The link "Gone" (line 3) in mail/launch.html leads to a page that answers '
        "HTTP 404 (not found)."
    )
    assert (Path(finding.file or ""), finding.line, finding.column) == (
        tmp_path / "mail" / "launch.html",
        3,
        1,
    )
    assert finding.url == f"{base}/lp/gone?utm_source=n&utm_medium=email&utm_campaign=c"
    assert summary(result)["creative_links"] == 2


def test_no_creative_rule_means_no_creative_subjects(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    serve(httpserver, {})
    base = httpserver.url_for("/").rstrip("/")
    _creative(tmp_path, "e.html", f'<a href="{base}/x">X</a>')
    manifest = {
        "version": 1,
        "campaign": {"name": "C"},
        "site": {"url": base},
        "creatives": [{"file": "e.html"}],
    }
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(manifest), encoding="utf-8")
    campaign = load_manifest(path)
    rules = active_rules(load_catalogue(), campaign, ignore=["CX301", "CX302", "CX303"])
    result = Engine(campaign, rules, RunOptions(fetch=FetchOptions(retries=0))).run()
    assert all(s.subject.type != "creative_link" for s in result.subjects)

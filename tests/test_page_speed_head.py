"""The head's links are joined to the page's URL only when read (canonical, hreflang
alternates, OpenSearch); a link whose URL cannot be parsed still makes the page unreadable,
as when every link was joined."""

from __future__ import annotations

from cxlint.model import Response
from cxlint.page import parse_page


def _page(head: str) -> Response:
    body = f"<html><head>{head}</head><body><h1>Hi</h1></body></html>".encode()
    url = "https://shop.test/p/1"
    return Response(
        url=url, final_url=url, status=200, headers={"content-type": "text/html"}, body=body
    )


def test_links_read_are_joined() -> None:
    page = parse_page(
        _page(
            '<link rel="stylesheet" href="/a.css"><link rel="icon" href="i.png">'
            '<link rel="canonical" href=" /p/1?x=1 ">'
            '<link rel="alternate" hreflang="de" href="/de">'
            '<link rel="search" type="application/opensearchdescription+xml" href="os.xml">'
        )
    )
    assert page.is_html
    assert page.canonical == "https://shop.test/p/1?x=1"
    assert page.hreflangs == ["de"]
    assert page.opensearch == ["https://shop.test/p/os.xml"]


def test_an_unparsable_link_still_counts() -> None:
    for href in ("http://[bad/x.css", "//a]b/x.css", "http://ex\uff0fample.com/x.css"):
        page = parse_page(
            _page(f'<link rel="stylesheet" href="/a.css"><link rel="preload" href="{href}">')
        )
        assert not page.is_html, href

"""The links of a campaign's creatives: an HTML e-mail's `<a href>`s, or a text file of the
URLs printed in an ad or encoded in its QR codes (one per line, `#` starts a comment).

Each distinct link becomes one `creative_link` subject. Links no one follows to a web page
(mailto:, tel:, in-page anchors) and the e-mail platform's merge tags (`*|UNSUB|*`,
`{{unsubscribe_url}}`), which are only filled in when the e-mail is sent, are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cxlint import urls
from cxlint.errors import UsageError
from cxlint.model import Creative, Location

if TYPE_CHECKING:
    from bs4 import Tag

MAX_BYTES = 10 * 1024 * 1024
MAX_LINKS = 2_000
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_NOT_WEB = re.compile(r"^(mailto|tel|sms|callto|javascript|data|cid|file):", re.I)
_MERGE_TAG = re.compile(r"\*\|.*?\|\*|\{\{.*?\}\}|\{%.*?%\}|%%.*?%%|\[\[.*?\]\]|<%.*?%>|\$\{.*?\}")
_SCHEMELESS = re.compile(r"^(www\.|[\w-]+(\.[\w-]+)+/)", re.I)


@dataclass
class CreativeLink:
    written: str  # the link as written in the creative
    url: str | None  # the absolute http(s) URL to open; None when it cannot be opened
    problem: str | None  # why it cannot be opened, in plain words
    line: int
    column: int
    text: str = ""  # the link's words (or image alt text) in an e-mail
    lines: list[int] = field(default_factory=list)  # every line it appears on


def extract_links(creative: Creative) -> list[CreativeLink]:
    """The distinct links of one creative, in order of first appearance."""
    try:
        data = creative.path.read_bytes()[:MAX_BYTES]
    except OSError as exc:
        raise UsageError(
            f"cannot read creative {creative.file}: {exc.strerror or exc}", creative.location
        ) from None
    text = data.decode("utf-8", errors="replace")
    found = _html_links(text) if _is_html(creative.path, text) else _text_links(text)
    links: dict[str, CreativeLink] = {}
    for link in found:
        if link.written in links:
            links[link.written].lines.append(link.line)
        elif len(links) < MAX_LINKS:
            link.lines.append(link.line)
            links[link.written] = link
    return list(links.values())


def location(link: CreativeLink, display_file: str) -> Location:
    return Location(display_file, link.line, link.column)


def _is_html(path: Path, text: str) -> bool:
    if path.suffix.lower() in HTML_SUFFIXES:
        return True
    return path.suffix.lower() not in (".txt", ".csv") and "<a " in text.lower()


def _html_links(text: str) -> list[CreativeLink]:
    # html.parser, unlike lxml, records where each tag starts (line numbers for reports).
    # Imported here: Beautiful Soup (and soupsieve) cost 0.1 s at every start of a campaign
    # with no e-mail to read.
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    found = []
    for tag in soup.find_all(["a", "area"], href=True):
        href = str(tag["href"]).strip()
        link = _link(href, tag.sourceline or 1, (tag.sourcepos or 0) + 1, email=True)
        if link is not None:
            link.text = _words(tag)
            found.append(link)
    return found


def _text_links(text: str) -> list[CreativeLink]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        written = line.split(" #", 1)[0].strip()
        if not written or written.startswith("#"):
            continue
        link = _link(written, number, len(line) - len(line.lstrip()) + 1, email=False)
        if link is not None:
            found.append(link)
    return found


def _link(written: str, line: int, column: int, *, email: bool) -> CreativeLink | None:
    if not written or written.startswith("#") or _NOT_WEB.match(written):
        return None
    if _MERGE_TAG.search(written):
        return None
    if urls.is_http_url(written):
        return CreativeLink(written, written, None, line, column)
    if not email and _SCHEMELESS.match(written):
        # printed as "www.example.com/v710": people type it, browsers add https://
        return CreativeLink(written, "https://" + written, None, line, column)
    if email:
        problem = (
            "it is a relative address, which an e-mail client cannot open"
            if "://" not in written
            else "it is not a web address"
        )
    else:
        problem = "it is not a web address a reader could type"
    return CreativeLink(written, None, problem, line, column)


def _words(tag: Tag) -> str:
    from bs4 import Tag

    words = " ".join(tag.get_text(" ").split())
    if not words:
        image = tag.find("img", alt=True)
        words = " ".join(str(image["alt"]).split()) if isinstance(image, Tag) else ""
    return words[:120]

"""Evidence as short lines for people: the redirect chain as hops, searches as counts.
Shared by the text, Markdown and JUnit reporters so they say the same thing."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: Any) -> str:
    """Site-controlled text without control characters (terminal escape sequences)."""
    return _CONTROL.sub("", str(text))


def short_url(url: str, origin: str | None = None) -> str:
    """A URL without its origin when it is on the checked site: /v710?utm_source=…"""
    parts = urlsplit(url)
    if origin and url.startswith(origin):
        tail = parts.path or "/"
        return tail + (f"?{parts.query}" if parts.query else "")
    return url


def _path(url: str) -> str:
    """Just the path: the query is what a tracking line is about, shown apart."""
    return urlsplit(url).path or "/"


def chain_line(chain: list[dict[str, Any]], origin: str | None = None) -> str:
    steps = []
    for hop in chain:
        steps.append(short_url(hop["url"], origin))
        steps.append(str(hop["status"]) if hop.get("status") is not None else "no answer")
    return " → ".join(steps)


def lines(evidence: dict[str, Any], origin: str | None = None) -> list[str]:
    """One line per piece of evidence, most telling first."""
    out: list[str] = []
    for key, value in evidence.items():
        if key == "chain" and value:
            out.append("redirects: " + chain_line(value, origin))
        elif key == "lost":
            # one line per hop and fate: "utm_source, utm_medium dropped at hop 1 (/go → /lp)"
            groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
            for item in value:
                groups.setdefault((item["hop"], item["what"]), []).append(item)
            for (hop, what), items in groups.items():
                names = ", ".join(i["parameter"] for i in items)
                step = f"{_path(items[0]['from'])} → {_path(items[0]['to'])}"
                out.append(f"{names}: {what} at hop {hop} ({step})")
        elif key == "queries":
            for q in value:
                rank = q["rank"]
                where = f"rank {rank}" if rank != "absent" else "product absent"
                extra = f" — {q['error']}" if q.get("error") else ""
                count = f"{q['results']} result{'' if q['results'] == 1 else 's'}"
                out.append(f'search "{q["query"]}" ({q["kind"]}): {count}, {where}{extra}')
        elif key in ("top", "product_urls") or value in (None, "", [], {}):
            continue
        elif isinstance(value, list):
            out.append(f"{key.replace('_', ' ')}: " + ", ".join(safe(v) for v in value))
        elif isinstance(value, bool):
            out.append(f"{key.replace('_', ' ')}: {'yes' if value else 'no'}")
        else:
            out.append(f"{key.replace('_', ' ')}: {safe(value)}")
    return [safe(line) for line in out]

"""Evidence as short lines for people: the redirect chain as hops, searches as counts.
Shared by the text, Markdown and JUnit reporters so they say the same thing.

The keys drawn in their own way are those of the rules' contract, `checks.evidence.Drawn`,
each of one type in every rule (a test holds the rules to it); any other key of a rule's
evidence is drawn as "key: value", and those kept for machines (`FOR_MACHINES`) not at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import urlsplit

from cxlint.checks.evidence import FOR_MACHINES, Drawn, HopEvidence, LostParameter, SearchQuery

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


def chain_line(chain: list[HopEvidence], origin: str | None = None) -> str:
    steps = []
    for hop in chain:
        steps.append(short_url(hop["url"], origin))
        steps.append(str(hop["status"]) if hop.get("status") is not None else "no answer")
    return " → ".join(steps)


def lost_lines(lost: list[LostParameter]) -> list[str]:
    """One line per hop and fate: "utm_source, utm_medium: dropped at hop 1 (/go → /lp)"."""
    out = []
    groups: dict[tuple[int, str], list[LostParameter]] = {}
    for item in lost:
        groups.setdefault((item["hop"], item["what"]), []).append(item)
    for (hop, what), items in groups.items():
        names = ", ".join(i["parameter"] for i in items)
        step = f"{_path(items[0]['from'])} → {_path(items[0]['to'])}"
        out.append(f"{names}: {what} at hop {hop} ({step})")
    return out


def query_line(query: SearchQuery) -> str:
    """'search "V710" (model): 3 results, rank 2'."""
    rank = query["rank"]
    where = f"rank {rank}" if rank != "absent" else "product absent"
    extra = f" — {query['error']}" if query.get("error") else ""
    count = f"{query['results']} result{'' if query['results'] == 1 else 's'}"
    return f'search "{query["query"]}" ({query["kind"]}): {count}, {where}{extra}'


def lines(evidence: Mapping[str, Any], origin: str | None = None) -> list[str]:
    """One line per piece of evidence, most telling first."""
    drawn = cast(Drawn, evidence)  # its keys of the contract have the contract's types
    out: list[str] = []
    for key, value in evidence.items():
        if key == "chain" and value:
            out.append("redirects: " + chain_line(drawn["chain"], origin))
        elif key == "lost":
            out += lost_lines(drawn["lost"])
        elif key == "queries":
            out += [query_line(q) for q in drawn["queries"]]
        elif key in FOR_MACHINES or value in (None, "", [], {}):
            continue
        elif isinstance(value, list):
            out.append(f"{key.replace('_', ' ')}: " + ", ".join(safe(v) for v in value))
        elif isinstance(value, bool):
            out.append(f"{key.replace('_', ' ')}: {'yes' if value else 'no'}")
        else:
            out.append(f"{key.replace('_', ' ')}: {safe(value)}")
    return [safe(line) for line in out]

"""Evidence: what a rule shows of what it found, as plain values (the JSON report writes it
as is). Each rule declares its own evidence type beside it (a TypedDict extending `Evidence`);
the shapes here are those several rules share and reporters draw in their own way (`Drawn`):
a redirect chain hop by hop, the parameters a chain lost, a product's searches."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from cxlint.model import Response, status_words

__all__ = [
    "FOR_MACHINES",
    "Drawn",
    "Evidence",
    "HopEvidence",
    "LostParameter",
    "SearchQuery",
    "chain",
    "status_words",
]


class Evidence(TypedDict, total=False):
    """What any rule's evidence may hold besides its own keys."""

    partial_page: str  # set by the engine: the page was judged on part of it (why)


class HopEvidence(TypedDict):
    """One request of a redirect chain."""

    url: str
    status: int | None
    location: NotRequired[str]  # where it sends the visitor next


# A parameter a redirect chain lost or changed: at which hop, between which addresses.
LostParameter = TypedDict(
    "LostParameter", {"parameter": str, "hop": int, "from": str, "to": str, "what": str}
)


class SearchQuery(TypedDict):
    """One search sent for a product (cxlint.search.QueryOutcome.as_evidence)."""

    query: str
    kind: str  # model, name, alias, variant...
    url: str | None
    results: int | None
    rank: int | str  # its position, or "absent"
    found: bool
    signal: str
    error: NotRequired[str]
    suggests: NotRequired[str]


class Drawn(TypedDict, total=False):
    """The evidence keys reporters draw in their own way, whichever rule gives them, with the
    one type every rule gives them (a test holds the rules to it)."""

    chain: list[HopEvidence]  # the redirect chain, drawn hop by hop
    lost: list[LostParameter]  # drawn on the chain's hops, and as a line per hop and fate
    queries: list[SearchQuery]  # a line per search
    looked_for: str | list[str]  # what the page was searched for and does not show
    top: int  # for machines: how deep a search counts (each query's `found` says it)
    product_urls: list[str]  # for machines: the product's addresses a search result may be


# Kept in the JSON for machines, never drawn for people (they serve other keys).
FOR_MACHINES = frozenset({"top", "product_urls"})


def chain(response: Response) -> list[HopEvidence]:
    hops: list[HopEvidence] = []
    for hop in response.chain:
        shown: HopEvidence = {"url": hop.url, "status": hop.status}
        if hop.location:
            shown["location"] = hop.location
        hops.append(shown)
    return hops

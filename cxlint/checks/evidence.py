"""Evidence in the shape every reporter draws: plain dicts and lists of plain values."""

from __future__ import annotations

from typing import Any

from cxlint.model import Response, status_words

__all__ = ["chain", "status_words"]


def chain(response: Response) -> list[dict[str, Any]]:
    return [
        {
            "url": hop.url,
            "status": hop.status,
            **({"location": hop.location} if hop.location else {}),
        }
        for hop in response.chain
    ]

"""Evidence in the shape every reporter draws: plain dicts and lists of plain values."""

from __future__ import annotations

from typing import Any

from cxlint.model import Response

HTTP_REASONS = {
    400: "bad request",
    401: "login required",
    403: "forbidden",
    404: "not found",
    410: "gone",
    429: "too many requests",
    500: "server error",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
}


def chain(response: Response) -> list[dict[str, Any]]:
    return [
        {
            "url": hop.url,
            "status": hop.status,
            **({"location": hop.location} if hop.location else {}),
        }
        for hop in response.chain
    ]


def status_words(status: int | None) -> str:
    if status is None:
        return "no answer"
    reason = HTTP_REASONS.get(status)
    return f"HTTP {status} ({reason})" if reason else f"HTTP {status}"

"""Keeps secrets out of every report: header values, secret ${VAR} expansions (see manifest),
credentials in URLs and secret-looking query parameters."""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

from cxlint import urls

T = TypeVar("T")
# Absolute URLs, and relative ones with a query (a landing page as written: /lp?token=...).
# (A closing bracket or full stop right after a URL belongs to the sentence around it.)
_URL = re.compile(r"(?:https?://[^\s\"'<>]*|(?<![\w/.:])/[^\s\"'<>?]*\?[^\s\"'<>]*)[^\s\"'<>).,;]")
_PARAM = re.compile(r"(?<![\w%.\-\[\]])[\w%.\-\[\]]+=[^&\s,;\"'<>)]+")
MASK = "***"


def scrub_text(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 3:  # tiny values would mangle ordinary words
            text = text.replace(secret, MASK)
    if "://" in text or "?" in text:
        text = _URL.sub(lambda m: urls.redact(m.group(0)), text)
    if "=" in text:  # a parameter quoted apart from its URL: "api_key=abc" in evidence
        text = _PARAM.sub(_redact_param, text)
    return text


def _redact_param(match: re.Match[str]) -> str:
    pair = match.group(0)
    return urls.redact(f"?{pair}")[1:]  # the rule urls.redact applies to query parameters


def scrub(value: T, secrets: list[str]) -> T:
    """`value` (dataclasses, dicts, lists, strings) with every secret masked.

    Parts with nothing to mask are shared, not copied: a run of 100,000 subjects is scrubbed
    without holding two copies of it.
    """
    if isinstance(value, str):
        clean = scrub_text(value, secrets)
        return value if clean == value else clean  # type: ignore[return-value]
    if isinstance(value, dict):
        items = [(scrub(k, secrets), scrub(v, secrets)) for k, v in value.items()]
        if all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(items, value.items(), strict=True)):
            return value
        return dict(items)  # type: ignore[return-value]
    if isinstance(value, (list, tuple)):
        scrubbed = [scrub(v, secrets) for v in value]
        if all(new is old for new, old in zip(scrubbed, value, strict=True)):
            return value
        return type(value)(scrubbed)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            old = getattr(value, f.name)
            new = scrub(old, secrets)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value  # type: ignore[return-value]
    return value

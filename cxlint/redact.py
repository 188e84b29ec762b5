"""Keeps secrets out of every report: manifest header values, ${VAR} expansions,
credentials in URLs and secret-looking query parameters."""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

from cxlint import urls

T = TypeVar("T")
_URL = re.compile(r"https?://[^\s\"'<>]+")
MASK = "***"


def scrub_text(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 3:  # tiny values would mangle ordinary words
            text = text.replace(secret, MASK)
    return _URL.sub(lambda m: urls.redact(m.group(0)), text) if "://" in text else text


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

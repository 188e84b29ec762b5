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
    """A copy of `value` (dataclasses, dicts, lists, strings) with every secret masked."""
    if isinstance(value, str):
        return scrub_text(value, secrets)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {k: scrub(v, secrets) for k, v in value.items()}  # type: ignore[return-value]
    if isinstance(value, (list, tuple)):
        return type(value)(scrub(v, secrets) for v in value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: scrub(getattr(value, f.name), secrets) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)  # type: ignore[return-value]
    return value

"""Keeps secrets out of every report: header values, secret ${VAR} expansions (see manifest),
credentials in URLs and secret-looking query parameters, in every form a site may echo them
back in (percent-encoded, HTML-escaped, base64)."""

from __future__ import annotations

import base64
import dataclasses
import functools
import re
from typing import Any, TypeVar

from cxlint import urls

T = TypeVar("T")
# Absolute URLs, and relative ones with a query (a landing page as written: /lp?token=...).
# (A closing bracket or full stop right after a URL belongs to the sentence around it.)
_URL = re.compile(r"(?:https?://[^\s\"'<>]*|(?<![\w/.:])/[^\s\"'<>?]*\?[^\s\"'<>]*)[^\s\"'<>).,;]")
_PARAM = re.compile(r"(?<![\w%.\-\[\]])[\w%.\-\[\]]+=[^&\s,;\"'<>)]+")
MASK = "***"
# A URL `scrub_text` leaves as it is, unless a secret is in it or a parameter's name is one
# whose value it masks: an http(s) URL with one '?', no '@', '#', quotes, spaces or '<>', and a
# query of name=value pairs ('&' only between them), each name of characters a name can have
# in `_PARAM`, and no '=' in any value. Then `_URL` matches it whole (or but a last character)
# and `urls.redact` sees the same names as `_PARAM`, which finds no other '=' to read.
_PLAIN_QUERY_URL = re.compile(
    r"https?://[^\s\"'<>=@#?&]*\?[A-Za-z0-9_.\-]+=[^\s\"'<>=@#?&]*"
    r"(?:&[A-Za-z0-9_.\-]+=[^\s\"'<>=@#?&]*)*"
)
_QUERY_NAME = re.compile(r"[?&]([^=&]+)=")


def scrub_text(text: str, secrets: list[str]) -> str:
    plain = _PLAIN_QUERY_URL.fullmatch(text) and all(map(_plain_name, _QUERY_NAME.findall(text)))
    if plain and not holds_secret(text, secrets):
        # a URL of a plain shape (a search's, a tracked landing page's) the URL rules leave as
        # it is: their three urlsplits were most of storing a cache entry's key
        return text
    return _scrub_fully(text, secrets)


@functools.lru_cache(maxsize=1024)  # a run's URLs share a handful of parameter names
def _plain_name(name: str) -> bool:
    """Whether `urls.redact` leaves the value of a query parameter so named as it is."""
    probe = f"?{name}=1"
    return urls.redact(probe) == probe


def _scrub_fully(text: str, secrets: list[str]) -> str:
    """scrub_text without its short way for plain URLs (tests hold the two to each other)."""
    if holds_secret(text, secrets):
        text = _secrets_pattern(tuple(secrets))[0].sub(MASK, text)  # type: ignore[union-attr]
    # URL rules mask query values and `user:password@`: nothing to do without '=' or '@'
    if ("://" in text or "?" in text) and ("=" in text or "@" in text):
        text = _URL.sub(lambda m: urls.redact(m.group(0)), text)
    if "=" in text:  # a parameter quoted apart from its URL: "api_key=abc" in evidence
        text = _PARAM.sub(_redact_param, text)
    return text


def holds_secret(text: str, secrets: list[str]) -> bool:
    """Whether `text` holds one of `secrets` in any form `scrub_text` masks (not counting
    the URL rules). Most texts are settled by a length test and substring tests in C."""
    if not secrets:
        return False
    pattern, shortest, anchors = _secrets_pattern(tuple(secrets))
    if pattern is None or len(text) < shortest:
        return False
    if anchors is not None and not any(anchor in text for anchor in anchors):
        return False
    return pattern.search(text) is not None


# --- every form a secret can come back in ---------------------------------------------------
#
# A site echoes what it was sent in whatever encoding its own code uses: percent-encoded by
# one of many encoders (each with its own idea of which characters are safe, of hex case and of
# '+' or '%20' for a space), HTML-escaped into a page, base64-encoded into a token. One pattern
# per run matches them all: each character of a secret matches itself or any encoding of it.

_MIN_SECRET = 3  # shorter values would mangle ordinary words
_MIN_PART = 6  # a token taken out of a header value (Bearer xyz, a cookie's value)
_MIN_BASE64 = 8  # base64 pieces shorter than this are ordinary text too often
_URL_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")
_HTML_NAMES = {"&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos"}


def secret_values(secrets: list[str] | tuple[str, ...]) -> list[str]:
    """Each secret, and the tokens inside a header value that a site may echo on their own:
    the credentials of `Bearer TOKEN` and `Basic BASE64(user:password)`, and a cookie's values.
    """
    values: list[str] = []

    def add(value: str, least: int) -> None:
        value = value.strip()
        if len(value) >= least and value not in values:
            values.append(value)

    for secret in secrets:
        scheme, space, credentials = secret.strip().partition(" ")
        if space and scheme.isalpha() and len(credentials.strip()) >= _MIN_PART:
            # The scheme is no secret, and every form of the whole value holds the token's.
            add(credentials, _MIN_PART)
        else:
            add(secret, _MIN_SECRET)
        if space and scheme.lower() == "basic":
            try:
                plain = base64.b64decode(credentials, validate=True).decode()
            except (ValueError, UnicodeDecodeError):
                plain = ""
            add(plain, _MIN_PART)
            add(plain.partition(":")[2], _MIN_PART)
        if "=" in secret:  # a Cookie header: name=value; name2=value2
            for pair in secret.split(";"):
                add(pair.partition("=")[2], _MIN_PART)
    return values


def _char_forms(char: str) -> str:
    """A pattern for one character of a secret: itself, percent-encoded (any hex case, once or
    twice), as an HTML character reference, and a space as '+'."""
    if char in _URL_SAFE:
        return re.escape(char)
    forms = [re.escape(char)]
    forms.append(
        "".join(f"%(?:25)?{_hex(byte >> 4)}{_hex(byte & 15)}" for byte in char.encode("utf-8"))
    )
    code = ord(char)
    forms.append(f"&#(?:0*{code}|[xX]0*{code:x});?")
    if char in _HTML_NAMES:
        forms.append(f"&{_HTML_NAMES[char]};")
    if char == " ":
        forms.append(r"\+")
    return "(?:" + "|".join(forms) + ")"


def _hex(digit: int) -> str:
    return f"[{digit:X}{digit:x}]" if digit > 9 else str(digit)


def _base64_pieces(value: str) -> list[str]:
    """The base64 text of `value` wherever it sits in a longer encoded string: for each of the
    three alignments, the characters fully decided by the secret's own bits (standard and
    URL-safe alphabets)."""
    data = value.encode()
    pieces = []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + data).decode()
        start = -(-offset * 8 // 6)  # the first character holding no bit of the padding
        end = (offset + len(data)) * 8 // 6  # the last one holding only bits of the value
        piece = encoded[start:end]
        if len(piece) >= _MIN_BASE64:
            pieces.append(piece)
            pieces.append(piece.replace("+", "-").replace("/", "_"))
    return pieces


@functools.lru_cache(maxsize=8)
def _secrets_pattern(
    secrets: tuple[str, ...],
) -> tuple[re.Pattern[str] | None, int, tuple[str, ...] | None]:
    """One pattern for every form of every secret; the length of the shortest text it can
    match; and the anchors: text that every match contains one of (the longest run of
    characters no encoding changes, or a base64 piece). Most texts of a report (keys, words,
    URLs) are settled by those two tests, without the pattern; anchors are None when some
    secret has no such run (the pattern then reads every longer text)."""
    alternatives: list[str] = []
    anchors: list[str] | None = []
    values = secret_values(secrets)
    for value in values:
        alternatives.append("".join(_char_forms(char) for char in value))
        run = max(re.findall(r"[A-Za-z0-9._~-]+", value), key=len, default="")
        if anchors is not None and len(run) >= _MIN_SECRET:
            anchors.append(run)
        else:
            anchors = None
        pieces = _base64_pieces(value)
        alternatives.extend(re.escape(piece) for piece in pieces)
        if anchors is not None:
            anchors.extend(pieces)
    if not alternatives:
        return None, 0, None
    # Longest first, so a secret is masked whole rather than a token inside it.
    alternatives.sort(key=len, reverse=True)
    shortest = min(min(len(v) for v in values), _MIN_BASE64)
    unique = tuple(dict.fromkeys(anchors)) if anchors is not None else None
    return re.compile("|".join(alternatives)), shortest, unique


def _redact_param(match: re.Match[str]) -> str:
    pair = match.group(0)
    return urls.redact(f"?{pair}")[1:]  # the rule urls.redact applies to query parameters


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's field names, asked once per class: `dataclasses.fields` builds its
    answer anew at every call, and a run scrubs a finding's dataclasses one by one."""
    return tuple(f.name for f in dataclasses.fields(kind))


def scrub(value: T, secrets: list[str]) -> T:
    """`value` (dataclasses, dicts, lists, strings) with every secret masked.

    Parts with nothing to mask are shared, not copied: a run of 100,000 subjects is scrubbed
    without holding two copies of it.
    """
    return _scrub(value, secrets, {})


def _scrub(value: Any, secrets: list[str], done: dict[int, Any]) -> Any:
    # `done`: each dataclass object scrubbed once however often it is referenced (every
    # subject's checks are the same dozen shared `Check` objects: a quarter of the walk).
    if isinstance(value, str):
        clean = scrub_text(value, secrets)
        return value if clean == value else clean
    if isinstance(value, dict):
        items = [(_scrub(k, secrets, done), _scrub(v, secrets, done)) for k, v in value.items()]
        if all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(items, value.items(), strict=True)):
            return value
        return dict(items)
    if isinstance(value, (list, tuple)):
        scrubbed = [_scrub(v, secrets, done) for v in value]
        if all(new is old for new, old in zip(scrubbed, value, strict=True)):
            return value
        return type(value)(scrubbed)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        known = done.get(id(value))
        if known is not None:
            return known
        changes = {}
        for name in _field_names(type(value)):
            old = getattr(value, name)
            new = _scrub(old, secrets, done)
            if new is not old:
                changes[name] = new
        clean = dataclasses.replace(value, **changes) if changes else value
        done[id(value)] = clean  # `value` outlives the walk: its id is not reused meanwhile
        return clean
    return value

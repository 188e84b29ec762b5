"""Small, pure URL helpers shared by the manifest, the fetcher, the rules and the reporters.

They live in one place so that every stage agrees on what "the same origin", "the same page"
and "a secret in a URL" mean; none of them touches the network and none of them raises on a
malformed URL (a linter must describe bad input, not crash on it).
"""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, unquote_plus, urlencode, urljoin, urlsplit

__all__ = [
    "is_http_url",
    "normalize_for_compare",
    "origin",
    "query_params",
    "redact",
    "resolve",
    "rewrite_origin",
]

_DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameter names whose values are credentials, matched by word so that
# `X-Amz-Signature`, `apiKey` and `session_token` are caught but `keywords` (a search
# parameter customers type into) and `monkey` are not. Long words also match as a suffix of
# a run-together name (`accesstoken`).
_SECRET_WORDS = frozenset(
    {
        "key",
        "apikey",
        "sig",
        "auth",
        "pwd",
        "jwt",
        "token",
        "signature",
        "password",
        "passwd",
        "secret",
        "authorization",
        "credential",
        "credentials",
    }
)
_SECRET_SUFFIXES = ("token", "signature", "password", "passwd", "secret", "apikey")
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
REDACTED = "REDACTED"

# Click identifiers and campaign tags: they say how a visitor arrived, not which page it is.
_TRACKING_PARAMS = frozenset(
    {"gclid", "fbclid", "msclkid", "dclid", "mc_cid", "mc_eid", "_ga", "_gl", "gbraid", "wbraid"}
)

# Characters left unescaped when a path is re-encoded for comparison (RFC 3986 pchar + "/").
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def resolve(url: str, base: str) -> str:
    """`url` made absolute against `base`, as a browser would resolve a link on that page.

    Surrounding whitespace is dropped because browsers ignore it in `href`s and manifests
    often carry it by accident.
    """
    try:
        return urljoin(base, url.strip())
    except ValueError:  # e.g. a broken IPv6 literal: leave it for is_http_url to refuse
        return url.strip()


@functools.lru_cache(maxsize=2048)  # asked for every link of every results page
def origin(url: str) -> str:
    """`scheme://host[:port]`, lower-cased, default ports dropped; "" for a relative URL.

    Two URLs share an origin exactly when these strings are equal, which is what
    `--base-url` rewriting and "is this link on the site?" questions need.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if not scheme or not host:
        return ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return f"{scheme}://{host}"


def rewrite_origin(url: str, site_url: str, base_url: str) -> str:
    """`url` moved from `site_url`'s origin to `base_url`'s; other URLs unchanged.

    This is how one manifest checks both production and staging (`--base-url`): path, query
    and fragment are kept, and a path in `base_url` (a staging site served under a prefix,
    like `https://preview.example.net/shop`) is put in front of the path.
    """
    site_origin = origin(site_url)
    if not site_origin or origin(url) != site_origin:
        return url
    try:
        parts = urlsplit(url.strip())
        base = urlsplit(base_url.strip())
    except ValueError:
        return url
    path = base.path.rstrip("/") + parts.path
    rebuilt = f"{base.scheme}://{base.netloc}{path}"
    if parts.query:
        rebuilt += f"?{parts.query}"
    if parts.fragment:
        rebuilt += f"#{parts.fragment}"
    return rebuilt


def _is_secret_name(name: str) -> bool:
    plain = unquote_plus(name)
    words = {w.lower() for w in _WORD.findall(plain)}
    return bool(words & _SECRET_WORDS) or plain.lower().endswith(_SECRET_SUFFIXES)


def _redact_params(text: str) -> str:
    """Mask secret-looking values in an `a=1&b=2` string, leaving everything else as is."""
    pieces = []
    for piece in text.split("&"):
        name, sep, value = piece.partition("=")
        if sep and value and _is_secret_name(name):
            piece = f"{name}={REDACTED}"
        pieces.append(piece)
    return "&".join(pieces)


def redact(url: str) -> str:
    """`url` without `user:password@` and with secret-looking query values masked.

    Reports are shared with agencies and pasted into CI logs, so they must never show a
    credential. The URL is otherwise kept byte for byte (no re-encoding), so a reader still
    recognises it. Fragments in `a=b` form are treated like queries (OAuth puts tokens there).
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    query = _redact_params(parts.query) if parts.query else parts.query
    fragment = parts.fragment
    if "=" in fragment:
        fragment = _redact_params(fragment)
    if (netloc, query, fragment) == (parts.netloc, parts.query, parts.fragment):
        return url
    scheme = url[: len(parts.scheme)]  # as written (urlsplit lower-cases it)
    if scheme.lower() != parts.scheme:
        scheme = parts.scheme
    rebuilt = f"{scheme}:" if scheme else ""
    if parts.netloc or url[len(rebuilt) :].startswith("//"):
        rebuilt += f"//{netloc}"
    rebuilt += parts.path
    before_fragment, has_fragment, _ = url.partition("#")
    if "?" in before_fragment:
        rebuilt += f"?{query}"
    if has_fragment:
        rebuilt += f"#{fragment}"
    return rebuilt


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in _TRACKING_PARAMS


@functools.lru_cache(maxsize=4096)  # results pages repeat the same menu links by hundreds
def normalize_for_compare(url: str) -> str:
    """A canonical form of `url` for deciding whether two links reach the same page.

    A search result linking to `http://WWW.example.com:80/phones/v710/?utm_source=x#top`
    is the product page `https://www.example.com/phones/v710`: scheme and host case, default
    ports, `http` vs `https`, fragments, tracking parameters, parameter order, percent-encoding
    of the path and a trailing slash do not make a different page.
    """
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:
        _, host, port, path = plain.groups()
        if port is None or int(port) in (80, 443):
            port = ""
        elif int(port) > 65535:
            return _normalize_fully(url)  # a port urlsplit refuses: the URL stays as written
        else:
            port = f":{int(port)}"
        path = (path.rstrip("/") or "/") if path else "/"
        return f"https://{host}{port}{path}"
    return _normalize_fully(url)


# A URL that normalising changes only by its scheme, a default port or a trailing slash: http or
# https, a lower-case host name, a port, a path of characters quoting leaves as they are, no
# query or fragment. Most product and sitemap URLs are: normalised without urlsplit, quote and
# unquote (1.7 instead of 7.5–10 µs; a 22,000-URL sitemap is normalised by every run).
_PLAIN_URL = re.compile(r"(https?)://([a-z0-9.-]+)(?::([0-9]{1,5}))?(/[A-Za-z0-9/_.~-]*)?")


def _normalize_fully(url: str) -> str:
    """normalize_for_compare without its short way for plain URLs (tests hold the two alike)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port not in (80, 443):
        host = f"{host}:{port}"
    path = quote(unquote(parts.path), safe=_PATH_SAFE)
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    if host and not path:
        path = "/"
    params = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    )
    query = urlencode(params)
    prefix = f"{scheme}:" if scheme else ""
    if host or path.startswith("//"):
        # An empty authority is kept when the path starts with "//": without it, the path's
        # first segment would be read back as the host.
        prefix += f"//{host}"
    return prefix + path + (f"?{query}" if query else "")


def query_params(url: str) -> list[tuple[str, str]]:
    """The query's name/value pairs in order, blank values kept (`utm_content=` counts)."""
    try:
        query = urlsplit(url).query
    except ValueError:
        return []
    return parse_qsl(query, keep_blank_values=True)


@functools.lru_cache(maxsize=2048)
def is_http_url(url: str) -> bool:
    """True for an absolute `http:`/`https:` URL with a host: something cxlint can fetch."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def path_of(url: str) -> str:
    """The path of a URL ('' when it has none)."""
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


def fragment_params(url: str) -> list[tuple[str, str]]:
    """Parameters written after '#' (single-page apps), where analytics does not read them."""
    try:
        fragment = urlsplit(url).fragment
    except ValueError:
        return []
    _, _, query = fragment.partition("?")
    return parse_qsl(query or fragment, keep_blank_values=True)


_HOST_LIKE = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def missing_scheme(url: str) -> str | None:
    """`www.shop.example/lp` written without `https://`: the address meant, else None.

    Without a scheme it would resolve as a path on the site (and 404). A first segment is
    taken for a host when it starts with `www.` or ends in a top-level domain of the Public
    Suffix List, so relative paths like `razr-v710.html/` or `phones/v710` are left alone."""
    text = url.strip()
    if not text or text[0] in "/.?#" or ":" in text.split("/", 1)[0]:
        return None
    host = re.split(r"[/?#]", text, maxsplit=1)[0]
    if not _HOST_LIKE.fullmatch(host):
        return None
    if not host.lower().startswith("www.") and _suffixes().privatesuffix(host.lower()) is None:
        return None
    return "https://" + text


@functools.cache
def _suffixes() -> Any:
    from publicsuffixlist import PublicSuffixList  # the bundled list; no network

    return PublicSuffixList(accept_unknown=False)

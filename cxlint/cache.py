"""`--cache DIR`: re-runs that ask the site "changed since?" instead of reading every page again.

After a page is parsed, its validators (ETag, Last-Modified) and what was learnt from it are
kept in DIR: a page's extracted facts, or what a search results page answered. The next run
asks for the page conditionally (If-None-Match / If-Modified-Since); a 304 means the page is
what was read before, so what was learnt comes from the cache and the rules run on it as
before. Any other answer (a changed page, a new redirect, an error) is read and checked
afresh, and replaces the entry: nothing is ever served stale. Pages without validators are
never cached.

One SQLite file (the standard library's sqlite3; shards of one run can share it), facts as
compressed JSON (`pack_facts`), not pickle: a cache folder must not be a way to run code.
Entries made by another cxlint version are dropped, since what a parse extracts changes
between versions.

What a first run pays for keeping them is kept small (docs/performance.md, "Round 2: the
cache"): a page is stored as parsed for this run (a product page no rule reads the links of
is parsed without them, and its entry says so: a later run that wants them reads the page
afresh); its main and product text, parts of its whole text, are stored as where they stand
in it; and entries are written in batches, one transaction each, not one by one.

What the file is trusted with, and what it is never given:
- Nothing read from it is believed unchecked: every entry's types and shape are checked on
  read (`_valid`), and a bad entry is a miss (the page is fetched and read afresh), never a
  finding. A file that is not a cxlint cache (another program's database, our table names with
  other columns, not a database at all) is refused at once with exit 2 and never deleted; only
  a damaged file that says it is ours (its header's application id) is replaced.
- No secret is written to it (the run's `campaign.secrets`, in every form `redact.scrub_text`
  knows, and secret-looking query parameters). Of a response's headers only `KEPT_HEADERS`
  are stored: the validators, and the headers rules read from a response (content-type,
  x-robots-tag); never Set-Cookie, debug headers or any request header. Keys and final URLs
  are stored masked; a page's free text (title, headings, text) is stored masked. An entry
  whose validators, addresses or other facts would change under masking is not stored at all:
  those are compared with what this run fetches (a canonical with the page's own address, a
  link with a product's URL), and a masked copy would no longer be equal, so the page is read
  afresh each run instead.
"""

from __future__ import annotations

import json
import math
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import orjson
import zstandard

from cxlint import __version__
from cxlint.errors import UsageError
from cxlint.model import Conditional, Hop, Response
from cxlint.page import Form, Link, Page
from cxlint.prices import VisiblePrice
from cxlint.redact import holds_secret, scrub, scrub_text, secret_values

PAGE = "page"  # a page the engine parses in full: its facts
RESULTS = "results"  # a search results page: what the search read from it

FILE_NAME = "cxlint-cache.sqlite3"
# Response headers an entry keeps: the validators, and those read from a restored response
# (page.py: content-type, x-robots-tag; search.py: content-type). Nothing else, as any other
# header may carry a secret (Set-Cookie, a debug header echoing a key).
KEPT_HEADERS = ("etag", "last-modified", "content-type", "x-robots-tag")
_FROM_RESPONSE = {"url", "final_url", "status", "chain", "headers", "elapsed"}
_FORMAT = 6  # of the facts: entries of another format (or cxlint version) are dropped
_BATCH = 256  # entries written in one transaction
_KNOWN_TEXTS = 4096  # header names and values remembered as clean (or not) of secrets
_INSERT = "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)"
_OPEN_ATTEMPTS = 50  # opening a file other processes are setting up: about 25 s at most
# In the file's header (PRAGMA application_id): this database is a cxlint cache ("cxlc").
_APPLICATION_ID = 0x63786C63
_SQLITE_MAGIC = b"SQLite format 3\x00"
_TABLES = {
    "meta": "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "pages": "CREATE TABLE IF NOT EXISTS pages (kind TEXT, url TEXT, final_url TEXT,"
    " status INTEGER, headers TEXT, size INTEGER, facts BLOB, PRIMARY KEY (kind, url))",
}


@dataclass
class Entry:
    """What one earlier run learnt of a URL."""

    final_url: str  # the hop the validators belong to
    status: int
    headers: dict[str, str]
    size: int
    facts: dict[str, Any]

    @property
    def conditional(self) -> Conditional:
        validators = {}
        if etag := self.headers.get("etag"):
            validators["if-none-match"] = etag
        if modified := self.headers.get("last-modified"):
            validators["if-modified-since"] = modified
        return Conditional(self.final_url, validators)

    def restore(self, response: Response) -> Response:
        """The response of a 304 answer as the cached page's own: its status, headers and
        size, with this run's redirect chain and timings."""
        last = response.chain[-1] if response.chain else Hop(self.final_url, self.status)
        chain = [*response.chain[:-1], replace(last, status=self.status)]
        restored = replace(
            response,
            status=self.status,
            headers=dict(self.headers),
            chain=chain,
            body=b"",
            known_size=self.size,
            revalidated=True,
        )
        return restored

    @property
    def has_links(self) -> bool:
        """Whether a page entry holds the page's links (a page parsed without them has none)."""
        return self.facts.get("links") is not None

    def restore_page(self, response: Response) -> tuple[Response, Page]:
        """`restore`, and the page facts of an entry made by `page_facts`."""
        restored = self.restore(response)
        return restored, _page_from_facts(self.facts, restored)


class _NotOurs(Exception):
    """The cache file is not a cxlint cache: why, in a few words."""


class PageCache:
    def __init__(self, folder: str | Path, secrets: Sequence[str] = (), keep: bool = True) -> None:
        self.folder = Path(folder)
        self._secrets = list(secrets)
        self._keep = keep  # False: looked up, never written (engine/run.py: read_start)
        self._path = path = self.folder / FILE_NAME
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._db = self._open(path)
        except _NotOurs as exc:
            raise UsageError(
                f"--cache: {path} is not a cxlint cache ({exc}); remove it or choose another folder"
            ) from None
        except OSError as exc:
            raise UsageError(f"--cache: cannot use {folder}: {exc.strerror or exc}") from exc
        except sqlite3.Error as exc:  # still locked after every attempt, or unwritable
            raise UsageError(f"--cache: cannot use {folder}: {exc}") from exc
        self.stats = {"stored": 0}
        # A cache empty when this run opened it (a first run, or one after an upgrade): every
        # lookup would miss, but for what this run stores itself (a miss too, see _fresh) or
        # what another of its processes stores, which this process then reads as a plain run
        # does. Lookups are not made at all.
        try:
            self._empty = self._db.execute("SELECT 1 FROM pages LIMIT 1").fetchone() is None
        except sqlite3.Error:
            self._empty = False
        # Whether no form of a secret holds a character JSON escapes: then the facts' JSON is
        # searched for secrets as it is written (`_json_may_hold_secret`).
        self._json_scan = _json_scan_possible(self._secrets)
        self._clean_texts: dict[str, bool] = {}  # header texts masking leaves as they are
        # Entries this run wrote: the fetcher already holds their fresh answers, so asking
        # the site again with their validators would only cost a request.
        self._fresh: set[tuple[str, str]] = set()
        # Entries not yet written: a transaction per entry (a WAL frame and a lock each)
        # cost more than making the entry; a batch is written at once, and the rest on close.
        self._pending: dict[tuple[str, str], tuple[Any, ...]] = {}
        # Batches are written by one thread of their own, on a connection of its own (SQLite
        # lets the event loop go on while it writes): a run does not wait on the disk, nor
        # on another process's write lock. Started with the first batch, in the process that
        # writes it (never before a fork).
        self._writer: ThreadPoolExecutor | None = None
        self._writes: list[Future[None]] = []
        self._write_db: sqlite3.Connection | None = None

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        broken = False
        for attempt in range(1, _OPEN_ATTEMPTS + 1):
            _check_header(path)
            db = sqlite3.connect(path, timeout=30, isolation_level=None)
            try:
                _check_schema(db)  # before anything is written to a file that may not be ours
                # Deleted entries are overwritten, not only unlinked: an older version's
                # entries (response headers and all) must not linger in free pages.
                db.execute("PRAGMA secure_delete=ON")
                # WAL and one short transaction per entry: the processes of --jobs (and shards
                # on one machine) share the file without waiting on each other's writes;
                # synchronous=NORMAL makes a commit cheap (a cache may lose its last entries
                # in a power cut, never its consistency).
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                # One process at a time sets the file up: otherwise one could find no version
                # yet and empty the table after another had begun to fill it.
                db.execute("BEGIN IMMEDIATE")
                _check_schema(db)  # as it is now that no one else can change it
                for create in _TABLES.values():
                    db.execute(create)
                if db.execute("PRAGMA application_id").fetchone()[0] != _APPLICATION_ID:
                    db.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
                version = f"{__version__}/{_FORMAT}"
                row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
                if row is None or row[0] != version:
                    db.execute("DELETE FROM pages")
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (version,))
                db.execute("COMMIT")
                return db
            except _NotOurs:
                db.close()
                raise
            except sqlite3.OperationalError as exc:
                db.close()
                # "database is locked", at once, without the busy timeout: the other processes
                # of --jobs (or shards) opening a new file at the same moment. Wait and try
                # again; the file is theirs too, never to be deleted for this. Anything else
                # (unwritable, a disk error) will not pass by waiting.
                if exc.sqlite_errorcode & 0xFF not in _BUSY or attempt == _OPEN_ATTEMPTS:
                    raise
                time.sleep(0.02 * attempt)
            except sqlite3.DatabaseError as exc:
                db.close()
                # A broken database: a cache is disposable, so one that says it is ours is
                # started anew. Any other is someone's file, never ours to delete.
                if broken or not _says_ours(path):
                    raise _NotOurs(f"it cannot be read: {exc}") from None
                broken = True
                for stale in ("", "-wal", "-shm", "-journal"):
                    path.with_name(path.name + stale).unlink(missing_ok=True)
        raise AssertionError("unreachable")

    # --- entries ---------------------------------------------------------------------------

    def lookup(self, kind: str, url: str) -> Entry | None:
        """The entry of `url`, when there is one and it is sound (anything else is a miss)."""
        # Keys are stored masked, so a URL is looked up by its masked form: a secret in it
        # never reaches the file, and a URL differing from another only in a secret is taken
        # for the same page, which it is but for the secret. (A hash of the real URL would not
        # do: an unsalted hash of a URL holding a secret lets anyone holding the file confirm
        # a guessed secret; a salted one means keeping the salt beside it.)
        if self._empty:
            return None
        key = scrub_text(url, self._secrets)
        if (kind, key) in self._fresh:
            return None
        try:
            row = self._db.execute(
                "SELECT final_url, status, headers, size, facts FROM pages"
                " WHERE kind = ? AND url = ?",
                (kind, key),
            ).fetchone()
            if row is None:
                return None
            final_url, status, headers, size, blob = row
            headers = orjson.loads(headers)  # (written by orjson; json's text reads the same)
            facts = unpack_facts(blob)
        except (sqlite3.Error, ValueError, TypeError, zstandard.ZstdError):
            return None  # a damaged entry (or a locked file) is a miss, never a failed run
        if kind == PAGE and type(facts) is dict and not _unshare_text(facts):
            return None
        if not _valid(kind, final_url, status, headers, size, facts):
            return None
        # Stored masked too: when it is the requested URL's masked form, the earlier run ended
        # where this one starts, and the validators belong to this run's own (real) URL.
        if final_url == key:
            final_url = url
        return Entry(final_url, status, headers, size, facts)

    def store(self, kind: str, url: str, response: Response, facts: dict[str, Any]) -> None:
        """Keep what was learnt from a freshly read page, when the site gave it validators
        and nothing that would have to be masked is compared with what a later run fetches."""
        if not self._keep:
            return
        headers = {
            name: response.headers[name] for name in KEPT_HEADERS if name in response.headers
        }
        if not (headers.get("etag") or headers.get("last-modified")):
            return
        if response.revalidated or not response.ok or response.truncated:
            return
        if not self._headers_clean(headers):
            return  # a validator (or a header rules read) holds a secret: masked, it is useless
        final_url = response.final_url
        key = scrub_text(url, self._secrets)
        masked_final = key if final_url == url else scrub_text(final_url, self._secrets)
        if masked_final != final_url and final_url != url:
            return  # the validators belong to an address kept only masked: never asked again
        data = self._facts_json(kind, facts)
        if data is None:
            return
        row = (kind, key, masked_final, response.status, orjson.dumps(headers).decode())
        self._pending[kind, key] = (*row, response.size, data)  # compressed by the writer
        self._fresh.add((kind, key))
        if len(self._pending) >= _BATCH:
            self._flush()

    def _headers_clean(self, headers: dict[str, str]) -> bool:
        """Whether masking leaves the kept headers' names and values as they are. Remembered
        by text: a site sends a handful of content-types and names over and over."""
        known = self._clean_texts
        for pair in headers.items():
            for text in pair:
                clean = known.get(text)
                if clean is None:
                    clean = scrub_text(text, self._secrets) == text
                    if len(known) < _KNOWN_TEXTS:
                        known[text] = clean
                if not clean:
                    return False
        return True

    def _facts_json(self, kind: str, facts: dict[str, Any]) -> bytes | None:
        """The facts to store as JSON, secrets masked in their free text; None when masking
        would change anything else (see the module's docstring).

        Written once, and the written JSON searched for what masking could change
        (`_json_may_hold_secret`); only when it may are the facts masked and written again."""
        shared = _share_text(facts) if kind == PAGE else facts
        data = _facts_dumps(kind, shared)
        if data is not None and not self._json_may_hold_secret(data, facts, shared):
            return data
        masked = self._masked(kind, facts)
        if masked is None:
            return None
        if masked is not facts:
            shared = _share_text(masked) if kind == PAGE else masked
            data = _facts_dumps(kind, shared)
        return data if data is not None else _json_dumps(shared)

    def _json_may_hold_secret(
        self, data: bytes, facts: dict[str, Any], shared: dict[str, Any]
    ) -> bool:
        """`_may_hold_secret` read off the facts' JSON as orjson wrote it, for the price of a
        few searches of its bytes, not a walk of its strings.

        Every string of the facts (keys included) is one string literal of the JSON, written
        as it is but for `"`, `\\` and control characters. What the URL rules of `scrub_text`
        could change holds '=' or '@': each literal around one is read back and scrubbed as
        `_may_hold_secret` does. A secret in any form `scrub_text` masks is one run of
        characters JSON writes as they are, so the JSON holds it wherever a string does;
        for secrets with a character JSON escapes, the strings are walked instead."""
        if not self._json_scan:
            return self._may_hold_secret(facts)
        if shared is not facts:
            for name in shared["@text"]:
                # a text stored as a span of the whole text: checked as itself, since the URL
                # rules read a part of a text otherwise than in it (where a match may begin)
                text = facts[name]
                if ("=" in text or "@" in text) and _scrub_changes(text, self._secrets):
                    return True
        literals = _literals_around(data, (b"=", b"@"))
        if literals is None:
            return True
        for start, end in literals:
            text = orjson.loads(data[start:end])
            if type(text) is not str:  # never, but a wrong guess must not pass silently
                return True
            if ("=" in text or ("@" in text and "//" in text)) and _scrub_changes(
                text, self._secrets
            ):
                return True
        return holds_secret(data.decode(), self._secrets)

    def _flush(self) -> None:
        """Hand the pending entries to the writer thread."""
        rows, self._pending = list(self._pending.values()), {}
        if not rows:
            return
        if self._writer is None:
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="cxlint-cache")
        self._writes.append(self._writer.submit(self._write, rows))

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        """In the writer thread: the entries in one transaction. When the file cannot take
        them (full, locked past the busy timeout) they are not kept, and the next run reads
        those pages afresh."""
        # zstd lets go of the GIL while it compresses: here, beside the run's own thread,
        # rather than in it (a product page's facts take 0.13 ms)
        rows = [(*row[:-1], pack_json(row[-1])) for row in rows]
        try:
            if self._write_db is None:
                db = sqlite3.connect(self._path, timeout=30, isolation_level=None)
                self._write_db = db
                db.execute("PRAGMA secure_delete=ON")  # a connection's own settings, as _open's
                db.execute("PRAGMA synchronous=NORMAL")
            db = self._write_db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(_INSERT, rows)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            return
        self.stats["stored"] += len(rows)

    def _close_writer(self) -> None:
        if self._write_db is not None:
            self._write_db.close()

    def _masked(self, kind: str, facts: dict[str, Any]) -> dict[str, Any] | None:
        """`facts` with secrets masked in its free text, or None when masking would change
        anything else (see the module's docstring)."""
        if not self._may_hold_secret(facts):
            return facts
        masked = scrub(facts, self._secrets)
        if masked is facts or _only_text_masked(kind, facts, masked):
            return masked
        return None

    def _may_hold_secret(self, facts: dict[str, Any]) -> bool:
        """Whether `scrub` may change `facts`, for the price of one pass over its strings:
        `scrub` itself, string by string, took longer than the page's parse
        (docs/performance.md, "Measured choices").

        Without a '=' a string holds no query parameter to mask, and without '@' and '//' no
        `user:password@`; only a secret's own forms could change it, and those are searched
        for once, in all such strings joined. The few strings with '=' are scrubbed as they
        are."""
        strings: list[str] = []
        _strings_of(facts, strings)
        plain = []
        for text in strings:
            if "=" in text or ("@" in text and "//" in text):
                if scrub_text(text, self._secrets) != text:
                    return True
            else:
                plain.append(text)
        return holds_secret("\n".join(plain), self._secrets)

    def close(self) -> None:
        """Write what is pending (waiting for the writer thread), and close the file."""
        try:
            self._flush()
            if self._writer is not None:
                self._writes.append(self._writer.submit(self._close_writer))
                self._writer.shutdown(wait=True)
                for write in self._writes:
                    write.result()  # a bug in the writer is not swallowed
        finally:
            self._db.close()


# Facts are stored as JSON compressed by zstd at level 1: as fast to write as brotli at quality
# 0 (which stored them before), 7 % smaller, and read back in a third of its time, which a
# re-run spends on every entry (docs/performance.md, "Round 2, third pass"). The marker before
# the stream says what follows, and lets tests find every stream in the file's bytes
# (tests/test_cache_secrets.py). Facts of a few hundred bytes (a results page's) are stored as
# their JSON behind a marker of their own: compressing made them no smaller, for a twentieth
# of the time spent storing a run's entries.
FACTS_MARKER = b"cxlint-facts-zst:"
FACTS_JSON_MARKER = b"cxlint-facts-json:"
_ZSTD_LEVEL = 1
_COMPRESS_FROM = 1024  # bytes of JSON


def pack_facts(facts: Any, orjson_safe: bool | None = None) -> bytes:
    """Facts as a cache entry stores them: JSON written by orjson (a dependency, for the JSON
    report), five times json.dumps's speed on a page's facts. What orjson would write another
    way than json does (a NaN or an infinity from a page's JSON-LD: null; an integer past 64
    bits: refused) is written by json, so that a page's facts come back as its parse read them.
    `orjson_safe`: what `_orjson_writes_as_json` says of them, when the caller knows."""
    if orjson_safe is None:
        orjson_safe = _orjson_writes_as_json(facts)
    data = _orjson_dumps(facts) if orjson_safe else None
    return pack_json(data if data is not None else _json_dumps(facts))


def pack_json(data: bytes) -> bytes:
    """Facts already written as JSON (by `pack_facts`'s rules), as an entry stores them."""
    if len(data) < _COMPRESS_FROM:
        return FACTS_JSON_MARKER + data
    return FACTS_MARKER + _compressor().compress(data)


# One (de)compressor per thread: zstandard's objects are not to be shared between threads,
# and the cache's writer is one.
_ZSTD = threading.local()


def _compressor() -> zstandard.ZstdCompressor:
    found = getattr(_ZSTD, "compressor", None)
    if found is None:
        found = _ZSTD.compressor = zstandard.ZstdCompressor(level=_ZSTD_LEVEL)
    return found


def _decompressor() -> zstandard.ZstdDecompressor:
    found = getattr(_ZSTD, "decompressor", None)
    if found is None:
        found = _ZSTD.decompressor = zstandard.ZstdDecompressor()
    return found


def _orjson_dumps(facts: Any) -> bytes | None:
    try:
        return orjson.dumps(facts)
    except orjson.JSONEncodeError:
        return None


def _json_dumps(facts: Any) -> bytes:
    return json.dumps(facts, separators=(",", ":")).encode()


def _facts_dumps(kind: str, facts: dict[str, Any]) -> bytes | None:
    """An entry's facts as orjson writes them, or None when json must (see `pack_facts`)."""
    # Only a page's JSON-LD and microdata (fields of any JSON) can hold a float
    plain = [facts.get(name) for name in _ANY_JSON] if kind == PAGE else facts
    return _orjson_dumps(facts) if _orjson_writes_as_json(plain) else None


def unpack_facts(blob: Any) -> Any:
    """What `pack_facts` stored; ValueError (or zstandard.ZstdError) for anything else."""
    if type(blob) is not bytes:
        raise ValueError("not a facts blob")
    if blob.startswith(FACTS_MARKER):
        data = _decompressor().decompress(blob[len(FACTS_MARKER) :])
    elif blob.startswith(FACTS_JSON_MARKER):
        data = blob[len(FACTS_JSON_MARKER) :]
    else:
        raise ValueError("not a facts blob")
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)  # NaN or Infinity, as json wrote them (or a damaged entry)


def _json_scan_possible(secrets: Sequence[str]) -> bool:
    """Whether no form of a secret `holds_secret` looks for has a character JSON escapes."""
    values = secret_values(list(secrets))
    return not any(char in '"\\' or char < " " for value in values for char in value)


def _scrub_changes(text: str, secrets: list[str]) -> bool:
    return scrub_text(text, secrets) != text


def _literals_around(data: bytes, needles: tuple[bytes, ...]) -> list[tuple[int, int]] | None:
    """The string literals of JSON `data` (as [start, end) with their quotes) that hold any of
    `needles` (characters JSON never writes outside a string, nor escapes); None if `data`
    is not JSON as orjson writes it. Inside a literal every quote is escaped, so the nearest
    unescaped quotes on either side of a character of a literal are its own."""
    spans: dict[int, int] = {}
    for needle in needles:
        at = data.find(needle)
        while at >= 0:
            start = data.rfind(b'"', 0, at)
            while start > 0 and _escaped(data, start):
                start = data.rfind(b'"', 0, start)
            end = data.find(b'"', at)
            while end > 0 and _escaped(data, end):
                end = data.find(b'"', end + 1)
            if start < 0 or end < 0:
                return None
            spans[start] = end + 1
            at = data.find(needle, end + 1)
    return sorted(spans.items())


def _escaped(data: bytes, quote: int) -> bool:
    """Whether the quote at `quote` follows an odd number of backslashes."""
    before = quote
    while before > 0 and data[before - 1] == 0x5C:
        before -= 1
    return (quote - before) % 2 == 1


def _orjson_writes_as_json(value: Any) -> bool:
    """Whether `value` holds no float that is not finite (JSON-LD parsed by json.loads may)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is dict:
        return all(_orjson_writes_as_json(item) for item in value.values())
    if kind is list or kind is tuple:
        for item in value:
            if type(item) is not str and not _orjson_writes_as_json(item):
                return False
        return True
    return True  # a str subclass, or a type orjson refuses (then json decides)


def _strings_of(value: Any, into: list[str]) -> None:
    """Every string in facts, dict keys included (and in tuples: a form's inputs before JSON;
    and str subclasses, such as lxml's). Strings in a list are taken in the loop, not by a
    call each: a page's links are a thousand of them."""
    if isinstance(value, str):
        into.append(value)
    elif isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, str):
                into.append(item)
            elif item is not None and type(item) not in _NO_STRINGS:
                _strings_of(item, into)
    elif isinstance(value, dict):
        # keys and plain values taken here, not by a call each: a page's facts are a few
        # dozen of them, and a run stores thousands of pages
        for name, item in value.items():
            if isinstance(name, str):
                into.append(name)
            else:
                _strings_of(name, into)
            if isinstance(item, str):
                into.append(item)
            elif item is not None and type(item) not in _NO_STRINGS:
                _strings_of(item, into)


_NO_STRINGS = (bool, int, float)


_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _check_header(path: Path) -> None:
    """Raise _NotOurs for a file that is not an SQLite database at all (SQLite's own "file is
    not a database" cannot tell it from a damaged one of ours)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a folder, a pipe that would block a read
            raise _NotOurs("it is not a regular file")
        with path.open("rb") as file:
            head = file.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return  # a new cache
    if not _SQLITE_MAGIC.startswith(head):  # empty, or being written: SQLite decides
        raise _NotOurs("it is not an SQLite database")


def _says_ours(path: Path) -> bool:
    """Whether the file's header carries our application id (written by set-up)."""
    try:
        with path.open("rb") as file:
            head = file.read(72)
    except OSError:
        return False
    return head.startswith(_SQLITE_MAGIC) and int.from_bytes(head[68:72]) == _APPLICATION_ID


def _columns(db: sqlite3.Connection, table: str) -> list[tuple[Any, ...]]:
    """A table's columns as name, type, not-null, default and key position."""
    return [tuple(column[1:]) for column in db.execute(f"PRAGMA table_info({table})")]


def _expected_columns() -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(":memory:") as db:
        for create in _TABLES.values():
            db.execute(create)
        columns = {table: _columns(db, table) for table in _TABLES}
    db.close()
    return columns


_COLUMNS = _expected_columns()


def _check_schema(db: sqlite3.Connection) -> None:
    """Raise _NotOurs unless the database is empty or holds a cxlint cache (of any version:
    the tables have never changed, and older versions set no application id)."""
    (application_id,) = db.execute("PRAGMA application_id").fetchone()
    if application_id not in (0, _APPLICATION_ID):
        raise _NotOurs(f"it is another program's database, application id {application_id:#x}")
    for kind, name, table in db.execute("SELECT type, name, tbl_name FROM sqlite_master"):
        if kind == "index" and name.startswith("sqlite_autoindex_") and table in _TABLES:
            continue  # the primary keys' own
        if kind != "table" or name not in _TABLES:
            raise _NotOurs(f"it holds a {kind} {name[:60]!r} a cxlint cache does not have")
        if _columns(db, name) != _COLUMNS[name]:
            raise _NotOurs(f"its table {name!r} has other columns than a cxlint cache's")


def _only_text_masked(kind: str, facts: dict[str, Any], masked: dict[str, Any]) -> bool:
    """Whether masking changed only free text (what rules search for the campaign's words),
    not an address or a value a later run compares with what it fetches."""
    if kind == PAGE:
        return all(masked[name] is facts[name] for name in facts if name not in _PAGE_TEXT)
    if kind == RESULTS:  # search.SiteSearch._learnt: the results' texts are free text
        result, masked_result = facts["result"], masked["result"]
        return all(masked[k] is facts[k] for k in facts if k != "result") and all(
            masked_result[k] is result[k] for k in result if k != "texts"
        )
    return False


_PAGE_TEXT = frozenset({"title", "h1", "text", "main_text", "product_text"})

# A page's texts that are, as a rule, parts of its whole text: stored as where they stand in it
# ("@text": {name: [start, end]}), not as a second and third copy (two fifths of an entry).
_SHARED_TEXT = ("main_text", "product_text")


def _share_text(facts: dict[str, Any]) -> dict[str, Any]:
    text = facts.get("text")
    if type(text) is not str:
        return facts
    where: dict[str, list[int]] = {}
    found: dict[str, list[int]] = {}  # product_text is often main_text itself
    for name in _SHARED_TEXT:
        value = facts.get(name)
        if type(value) is not str or not value:
            continue
        span = found.get(value)
        if span is None:
            start = _find(text, value)
            if start < 0:
                continue
            span = found[value] = [start, start + len(value)]
        where[name] = span
    if not where:
        return facts
    return {**facts, **dict.fromkeys(where, ""), "@text": where}


def _find(text: str, value: str) -> int:
    """text.find(value), for a long value: where its first 64 characters are, checked for the
    rest (str.find readies itself for the whole 26 KB of a product page's main text first:
    eight times as long on the benchmark's pages). A value whose start recurs often in the
    text is left to str.find."""
    head = value[:64]
    start = text.find(head)
    for _ in range(8):
        if start < 0 or text.startswith(value, start):
            return start
        start = text.find(head, start + 1)
    return text.find(value, start) if start >= 0 else -1


def _unshare_text(facts: dict[str, Any]) -> bool:
    """Put back the texts `_share_text` stored as where they stand; False for an entry whose
    "@text" is not what it writes (a damaged entry: a miss)."""
    where = facts.pop("@text", None)
    if where is None:
        return True
    text = facts.get("text")
    if type(where) is not dict or type(text) is not str:
        return False
    for name, span in where.items():
        if name not in _SHARED_TEXT or facts.get(name) != "":
            return False
        if type(span) is not list or len(span) != 2:
            return False
        start, end = span
        if type(start) is not int or type(end) is not int or not 0 <= start <= end <= len(text):
            return False
        facts[name] = text[start:end]
    return True


def page_facts(page: Page, links: bool = True) -> dict[str, Any]:
    """A page's facts as plain JSON (what `Entry.restore_page` reads back). Written by hand,
    not by dataclasses.asdict, which took a millisecond a page for the links alone.

    links=False: the page was parsed without its links (parse_page(links=False)), and the
    entry says so with links None (`Entry.has_links`), not with a list that says "none"."""
    facts = {name: getattr(page, name) for name in _PLAIN_FIELDS}
    facts["links"] = (
        [[link.url, link.text, link.rel, link.item] for link in page.links] if links else None
    )
    # (by hand too: asdict's deep copy was a tenth of storing a product page)
    facts["forms"] = [{name: getattr(form, name) for name in _FORM_FIELDS} for form in page.forms]
    facts["prices"] = [[str(p.amount), p.currency, p.text, p.marked, p.old] for p in page.prices]
    return facts


def _page_from_facts(facts: dict[str, Any], response: Response) -> Page:
    plain = {name: facts[name] for name in _PLAIN_FIELDS}
    plain["search_actions"] = [tuple(action) for action in plain["search_actions"]]
    plain["stock"] = [tuple(signal) for signal in plain["stock"]]
    return Page(
        url=response.url,
        final_url=response.final_url,
        status=response.status,
        chain=response.chain,
        headers=response.headers,
        elapsed=response.elapsed,
        links=[Link(*link) for link in facts["links"] or ()],
        forms=[
            Form(
                **{
                    **form,
                    "inputs": [tuple(i) for i in form["inputs"]],
                    "hidden": [tuple(h) for h in form["hidden"]],
                }
            )
            for form in facts["forms"]
        ],
        prices=[
            VisiblePrice(Decimal(amount), currency, text, marked, old)
            for amount, currency, text, marked, old in facts["prices"]
        ],
        **plain,
    )


_FORM_FIELDS = tuple(f.name for f in fields(Form))

# Page fields of any JSON (JSON-LD, microdata): the only ones where a float can be.
_ANY_JSON = tuple(f.name for f in fields(Page) if "Any" in str(f.type))

# Page fields JSON holds as they are; links, forms and prices are written by page_facts.
_PLAIN_FIELDS = tuple(
    f.name
    for f in fields(Page)
    if f.name not in _FROM_RESPONSE and f.name not in ("links", "forms", "prices")
)


# --- checking an entry on read --------------------------------------------------------------
#
# By hand, in plain type() tests: it runs for every page of a re-run (20,000 products), and a
# compiled JSON Schema took longer than reading the entry itself (docs/performance.md).


def _is_str(value: Any) -> bool:
    return type(value) is str


def _is_strs(value: Any) -> bool:
    """A list of strings. (Types counted in C, not by all() on a generator: a re-run checks
    every entry, and each all() was a generator made and run.)"""
    return type(value) is list and list(map(type, value)).count(str) == len(value)


def _is_dicts(value: Any) -> bool:
    return type(value) is list and list(map(type, value)).count(dict) == len(value)


def _is_pairs(value: Any) -> bool:
    """A list of [str, str] (a form's inputs, a search action). Loops with unpacking: four
    times faster than nested all()s on a page's hundreds of links."""
    if type(value) is not list:
        return False
    for row in value:
        if type(row) is not list or len(row) != 2:
            return False
        first, second = row
        if type(first) is not str or type(second) is not str:
            return False
    return True


def _is_links(value: Any) -> bool:
    """A list of [url, text, rel, item] strings."""
    if type(value) is not list:
        return False
    for row in value:
        if type(row) is not list or len(row) != 4:
            return False
        url, text, rel, item = row
        if type(url) is not str or type(text) is not str:
            return False
        if type(rel) is not str or type(item) is not str:
            return False
    return True


def _is_count(value: Any) -> bool:
    return type(value) is int and value >= 0


# A checker per type a plain Page field is declared with: a new field of another type must
# say how it is checked here (the import fails until it does).
_CHECK_TYPE: dict[str, Callable[[Any], bool]] = {
    "bool": lambda value: type(value) is bool,
    "int": _is_count,
    "str": _is_str,
    "str | None": lambda value: value is None or type(value) is str,
    "list[str]": _is_strs,
    "dict[str, str]": lambda value: (
        type(value) is dict and list(map(type, value.values())).count(str) == len(value)
    ),
    "list[tuple[str, str]]": _is_pairs,
    "list[dict[str, Any]]": _is_dicts,
}
_PLAIN_CHECKS = tuple(
    (f.name, _CHECK_TYPE[str(f.type)]) for f in fields(Page) if f.name in _PLAIN_FIELDS
)
_FORM_KEYS = set(_FORM_FIELDS)


def _valid(kind: str, final_url: Any, status: Any, headers: Any, size: Any, facts: Any) -> bool:
    """Whether an entry read from the file has the types and shape a store gives it."""
    if not (_is_str(final_url) and type(status) is int and 200 <= status < 300):
        return False  # only successful answers are stored
    if not (_is_count(size) and type(headers) is dict and type(facts) is dict):
        return False
    if not (_is_strs(list(headers)) and _is_strs(list(headers.values()))):
        return False
    if kind == PAGE:
        return _valid_page(facts)
    if kind == RESULTS:
        return _valid_results(facts)
    return False


def _valid_page(facts: dict[str, Any]) -> bool:
    for name, check in _PLAIN_CHECKS:
        if name not in facts or not check(facts[name]):
            return False
    links = facts.get("links")
    if links is not None and not _is_links(links):  # None: the page was parsed without them
        return False
    forms = facts.get("forms")
    if type(forms) is not list:
        return False
    for form in forms:
        if type(form) is not dict or form.keys() != _FORM_KEYS:
            return False
        if type(form["action"]) is not str or type(form["method"]) is not str:
            return False
        if type(form["role"]) is not str:
            return False
        if not (_is_pairs(form["inputs"]) and _is_pairs(form["hidden"])):
            return False
    prices = facts.get("prices")
    return type(prices) is list and all(_is_price(price) for price in prices)


def _is_price(price: Any) -> bool:
    """[amount, currency, text, marked, old] of a VisiblePrice, the amount a finite number."""
    if type(price) is not list or len(price) != 5:
        return False
    amount, currency, text, marked, old = price
    if not (_is_str(amount) and (currency is None or _is_str(currency))):
        return False
    if not (_is_str(text) and type(marked) is bool and type(old) is bool):
        return False
    try:
        return Decimal(amount).is_finite()
    except InvalidOperation:
        return False


_RESULT_KEYS = {"status", "results", "texts", "error", "empty", "suggestion"}


def _valid_results(facts: dict[str, Any]) -> bool:
    """What search.SiteSearch._learnt keeps of a results page (and, for the probe, of the
    page a search that finds nothing shows)."""
    result = facts.get("result")
    if type(result) is not dict or result.keys() != _RESULT_KEYS:
        return False
    status, results, texts, error = (result[k] for k in ("status", "results", "texts", "error"))
    if not (status is None or type(status) is int) or not (error is None or _is_str(error)):
        return False
    empty, suggestion = result["empty"], result["suggestion"]
    if not (empty is None or type(empty) is str) or not (suggestion is None or _is_str(suggestion)):
        return False
    if not (_is_strs(results) and _is_strs(texts) and len(results) == len(texts)):
        return False
    if "chrome" in facts and not _is_strs(facts["chrome"]):
        return False
    printed, landing = facts.get("print"), facts.get("landing")
    return (printed is None or type(printed) is str) and (landing is None or type(landing) is str)

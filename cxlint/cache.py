"""`--cache DIR`: re-runs that ask the site "changed since?" instead of reading every page again.

After a page is parsed, its validators (ETag, Last-Modified) and what was learnt from it are
kept in DIR: a page's extracted facts, or what a search results page answered. The next run
asks for the page conditionally (If-None-Match / If-Modified-Since); a 304 means the page is
what was read before, so what was learnt comes from the cache and the rules run on it as
before. Any other answer (a changed page, a new redirect, an error) is read and checked
afresh, and replaces the entry: nothing is ever served stale. Pages without validators are
never cached.

One SQLite file (the standard library's sqlite3; shards of one run can share it), facts as
zlib-compressed JSON, not pickle: a cache folder must not be a way to run code. Entries made
by another cxlint version are dropped, since what a parse extracts changes between versions.
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from dataclasses import asdict, dataclass, fields, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from cxlint import __version__
from cxlint.errors import UsageError
from cxlint.model import Conditional, Hop, Response
from cxlint.page import Form, Link, Page
from cxlint.prices import VisiblePrice

PAGE = "page"  # a page the engine parses in full: its facts
RESULTS = "results"  # a search results page: what the search read from it

FILE_NAME = "cxlint-cache.sqlite3"
_FROM_RESPONSE = {"url", "final_url", "status", "chain", "headers", "elapsed"}
_FORMAT = 1  # of the facts: entries of another format (or cxlint version) are dropped
_OPEN_ATTEMPTS = 50  # opening a file other processes are setting up: about 25 s at most


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

    def restore_page(self, response: Response) -> tuple[Response, Page]:
        """`restore`, and the page facts of an entry made by `page_facts`."""
        restored = self.restore(response)
        return restored, _page_from_facts(self.facts, restored)


class PageCache:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._db = self._open(self.folder / FILE_NAME)
        except OSError as exc:
            raise UsageError(f"--cache: cannot use {folder}: {exc.strerror or exc}") from exc
        except sqlite3.Error as exc:  # still locked after every attempt, or unwritable
            raise UsageError(f"--cache: cannot use {folder}: {exc}") from exc
        self.stats = {"stored": 0}
        # Entries this run wrote: the fetcher already holds their fresh answers, so asking
        # the site again with their validators would only cost a request.
        self._fresh: set[tuple[str, str]] = set()

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        broken = False
        for attempt in range(1, _OPEN_ATTEMPTS + 1):
            db = sqlite3.connect(path, timeout=30, isolation_level=None)
            try:
                # WAL and one short transaction per entry: the processes of --jobs (and shards
                # on one machine) share the file without waiting on each other's writes;
                # synchronous=NORMAL makes a commit cheap (a cache may lose its last entries
                # in a power cut, never its consistency).
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                # One process at a time sets the file up: otherwise one could find no version
                # yet and empty the table after another had begun to fill it.
                db.execute("BEGIN IMMEDIATE")
                db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS pages (kind TEXT, url TEXT, final_url TEXT,"
                    " status INTEGER, headers TEXT, size INTEGER, facts BLOB,"
                    " PRIMARY KEY (kind, url))"
                )
                version = f"{__version__}/{_FORMAT}"
                row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
                if row is None or row[0] != version:
                    db.execute("DELETE FROM pages")
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (version,))
                db.execute("COMMIT")
                return db
            except sqlite3.OperationalError:
                # "database is locked", at once, without the busy timeout: the other processes
                # of --jobs (or shards) opening a new file at the same moment. Wait and try
                # again; the file is theirs too, never to be deleted for this.
                db.close()
                if attempt == _OPEN_ATTEMPTS:
                    raise
                time.sleep(0.02 * attempt)
            except sqlite3.DatabaseError:
                db.close()
                if broken:
                    raise
                # Not a database (or a broken one): a cache is disposable, start a new one.
                broken = True
                for stale in path.parent.glob(path.name + "*"):
                    stale.unlink()
        raise AssertionError("unreachable")

    def lookup(self, kind: str, url: str) -> Entry | None:
        if (kind, url) in self._fresh:
            return None
        try:
            row = self._db.execute(
                "SELECT final_url, status, headers, size, facts FROM pages"
                " WHERE kind = ? AND url = ?",
                (kind, url),
            ).fetchone()
            if row is None:
                return None
            facts = json.loads(zlib.decompress(row[4]))
            return Entry(row[0], row[1], json.loads(row[2]), row[3], facts)
        except (sqlite3.Error, ValueError, zlib.error):
            return None  # a damaged entry (or a locked file) is a miss, never a failed run

    def store(self, kind: str, url: str, response: Response, facts: dict[str, Any]) -> None:
        """Keep what was learnt from a freshly read page, when the site gave it validators."""
        headers = response.headers
        if not (headers.get("etag") or headers.get("last-modified")):
            return
        if response.revalidated or not response.ok or response.truncated:
            return
        blob = zlib.compress(json.dumps(facts).encode(), 1)
        row = (kind, url, response.final_url, response.status, json.dumps(headers))
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*row, response.size, blob),
            )
        except sqlite3.Error:
            return  # not kept: the next run reads the page again
        if (kind, url) not in self._fresh:
            self.stats["stored"] += 1
            self._fresh.add((kind, url))

    def close(self) -> None:
        self._db.close()


def page_facts(page: Page) -> dict[str, Any]:
    """A page's facts as plain JSON (what `Entry.restore_page` reads back). Written by hand,
    not by dataclasses.asdict, which took a millisecond a page for the links alone."""
    facts = {name: getattr(page, name) for name in _PLAIN_FIELDS}
    facts["links"] = [[link.url, link.text, link.rel, link.item] for link in page.links]
    facts["forms"] = [asdict(form) for form in page.forms]
    facts["prices"] = [[str(p.amount), p.currency, p.text, p.marked] for p in page.prices]
    return facts


def _page_from_facts(facts: dict[str, Any], response: Response) -> Page:
    plain = {name: facts[name] for name in _PLAIN_FIELDS}
    plain["search_actions"] = [tuple(action) for action in plain["search_actions"]]
    return Page(
        url=response.url,
        final_url=response.final_url,
        status=response.status,
        chain=response.chain,
        headers=response.headers,
        elapsed=response.elapsed,
        links=[Link(*link) for link in facts["links"]],
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
            VisiblePrice(Decimal(amount), currency, text, marked)
            for amount, currency, text, marked in facts["prices"]
        ],
        **plain,
    )


# Page fields JSON holds as they are; links, forms and prices are written by page_facts.
_PLAIN_FIELDS = tuple(
    f.name
    for f in fields(Page)
    if f.name not in _FROM_RESPONSE and f.name not in ("links", "forms", "prices")
)

"""The build cache's SQLite file: rendered descriptions, syllabi and parsed course files, each read when needed.

A description's HTML and a course's sections are the largest things a build knows of a course
(a few kilobytes each; hundreds of megabytes at 100,000 courses), and a course file's parsed
data the next. Kept in the pickled build cache, every build would hold, read and write all of
them; here a build reads only those it uses, and writes only the new ones.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from coursegen.issues import CacheDamaged
from coursegen.model import Rendered

if TYPE_CHECKING:
    import sqlite3

# A build that renders at most IN_MEMORY new descriptions keeps them all in memory, where its page
# workers find them (a cold build of up to 20,000 courses reads none back from disk); one that
# renders more writes them out BATCH at a time, so that they never hold more than a few megabytes.
IN_MEMORY = 20_000
BATCH = 2_000


class _Table:
    """One table of the store: a connection per process (it can be used after a fork), and its errors."""

    def __init__(self, path: Path | None, stamp: str):
        self.path, self.stamp = path, stamp
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def _db(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():  # never a connection across a fork
            self._pid = os.getpid()
            self._connection = _open(self.path, self.stamp)
        return self._connection

    def _query(self, sql: str, parameters: tuple | list = ()) -> list[tuple]:
        """Return the rows a read finds; a file SQLite cannot read is a damaged cache (CacheDamaged), not a traceback."""
        import sqlite3

        try:
            return self._db().execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise self._damaged(str(error)) from None

    def _write(self, sql: str, rows: Iterable[tuple]) -> None:
        """Run one statement for every row, in one transaction; a damaged file is CacheDamaged, as for reads."""
        import sqlite3

        try:
            with self._db() as db:
                db.executemany(sql, rows)
        except sqlite3.Error as error:
            raise self._damaged(str(error)) from None

    def _batches(self, select: str, keys: Sequence[str]) -> Iterator[tuple[Sequence[str], list[tuple]]]:
        """Yield each 500 of `keys` with the rows `select` finds for them; its "{}" is where the keys go (IN ({}))."""
        for start in range(0, len(keys), 500):
            batch = keys[start:start + 500]
            yield batch, [] if self.path is None else self._query(select.format(", ".join("?" * len(batch))), batch)

    def _damaged(self, problem: str) -> CacheDamaged:
        return CacheDamaged(f"the build cache {self.path} is damaged ({problem})")


class _ByDigest(_Table):
    """Values by the digest of what they are made from: the last builds' on disk, this build's new ones in memory.

    Reads and writes `key in store`, `store[key]` and `store[key] = value`, like the dict it
    replaces. With no path it keeps everything in memory (--no-cache). It can be used after
    a fork: each process opens its own connection. A subclass names its table and columns, and
    how a value becomes a row and back.
    """

    _TABLE = ""
    _COLUMNS: tuple[str, ...] = ()

    def __init__(self, path: Path | None, stamp: str):
        super().__init__(path, stamp)
        self.fresh: dict[str, object] = {}  # new in this build, not yet on disk
        self._stored: set[str] | None = None  # digests on disk, read once
        self._batch = IN_MEMORY
        columns = ", ".join(self._COLUMNS)
        self._select = f"SELECT key, {columns} FROM {self._TABLE} WHERE key IN ({{}})"
        self._insert = f"INSERT OR REPLACE INTO {self._TABLE} (key, {columns}) VALUES (?, {', '.join('?' * len(self._COLUMNS))})"

    @staticmethod
    def _row(value) -> tuple:
        raise NotImplementedError

    def _value(self, row: tuple):
        raise NotImplementedError

    def expect(self, count: int) -> None:
        """Be told how many values this build may add: past IN_MEMORY, they go to disk in batches."""
        self._batch = IN_MEMORY if count <= IN_MEMORY else BATCH

    def __contains__(self, key: str) -> bool:
        return key in self.fresh or key in self.stored

    def __setitem__(self, key: str, value) -> None:
        self.fresh[key] = value
        if self.path is not None and len(self.fresh) >= self._batch:
            self._write_fresh()

    def __getitem__(self, key: str):
        value = self.fresh.get(key)
        if value is not None:
            return value
        if self.path is None:
            raise KeyError(key)
        rows = self._query(self._select.format("?"), (key,))
        if not rows:  # it was there when the build began: someone changed the file meanwhile
            raise self._damaged(f"{self._TABLE} entry {key} is missing")
        return self._value(rows[0][1:])

    def many(self, keys: Collection[str]) -> dict[str, object]:
        """Return the values of `keys` that the store holds, 500 at a query."""
        found = {key: self.fresh[key] for key in keys if key in self.fresh}
        missing = [key for key in keys if key not in found]
        for _, rows in self._batches(self._select, missing):
            found.update((row[0], self._value(row[1:])) for row in rows)
        return found

    @property
    def stored(self) -> set[str]:
        if self._stored is None:
            self._stored = set() if self.path is None else {
                key for (key,) in self._query(f"SELECT key FROM {self._TABLE}")}
        return self._stored

    def save(self, used: set[str]) -> None:
        """Write this build's new values; drop those nothing uses once they are many."""
        if self.path is None:
            return
        self._write_fresh()
        stale = self.stored - used
        if len(stale) > 1_000 + len(used) // 4:  # an edit leaves one; clear them out now and then
            self._write(f"DELETE FROM {self._TABLE} WHERE key = ?", ((key,) for key in stale))
            self._stored = self.stored & used

    def _write_fresh(self) -> None:
        self._write(self._insert, ((key, *self._row(value)) for key, value in self.fresh.items()))
        self.stored.update(self.fresh)
        self.fresh.clear()


class DescriptionStore(_ByDigest):
    """Rendered descriptions (Rendered) by Markdown digest."""

    _TABLE, _COLUMNS = "descriptions", ("html", "excerpt")

    @staticmethod
    def _row(value: Rendered) -> tuple:
        return value.description_html, value.excerpt

    def _value(self, row: tuple) -> Rendered:
        if not all(type(text) is str for text in row):  # a file that was not written by a build
            raise self._damaged("a description that is not text")
        return Rendered(*row)


class SyllabusStore(_ByDigest):
    """Each course's sections as the JSON of their rows (model.Section), by its digest (model.Syllabus.key)."""

    _TABLE, _COLUMNS = "syllabi", ("data",)

    @staticmethod
    def _row(value: bytes) -> tuple:
        return (value,)

    def _value(self, row: tuple) -> bytes:
        return row[0]  # checked against its key where it is read (site.descriptions.CourseSyllabi)


class DocumentStore(_Table):
    """Each valid course file's parsed data, marshalled, by path, with its stat key and its description's and sections' digests.

    A build writes the files it parses BATCH at a time as they come (loading.py); a rebuild
    looks up which files are stored unchanged (index) and reads their data in batches (read).
    """

    def __init__(self, path: Path | None, stamp: str):
        super().__init__(path, stamp)
        # path -> (stat key marshalled, description key, syllabus key, data)
        self.fresh: dict[str, tuple[bytes, str, str, bytes]] = {}

    def index(self) -> dict[str, tuple[bytes, str, str]]:
        """Return (stat key marshalled, description key, syllabus key) of every stored file, by path."""
        stored = {} if self.path is None else {
            path: (stat, description, syllabus) for path, stat, description, syllabus in
            self._query("SELECT path, stat, description, syllabus FROM documents")}
        return stored | {path: fresh[:3] for path, fresh in self.fresh.items()}

    def read(self, paths: list[str]) -> Iterator[bytes]:
        """Yield the marshalled data of each of `paths` (files index() listed), in order, 500 at a query."""
        for batch, rows in self._batches("SELECT path, data FROM documents WHERE path IN ({})", paths):
            found = dict(rows)
            for path in batch:
                data = self.fresh[path][3] if path in self.fresh else found.get(path)
                if data is None:  # it was listed: someone changed the store meanwhile
                    raise self._damaged(f"the data of {path} is missing")
                yield data

    def put(self, path: str, key: tuple, description_key: str, syllabus_key: str, data: bytes) -> None:
        self.fresh[path] = (marshal.dumps(key), description_key, syllabus_key, data)
        if self.path is not None and len(self.fresh) >= BATCH:
            self._write_fresh()

    def keep_only(self, paths: Collection[str]) -> None:
        """Write the files put since the last batch, and drop those not in `paths` (deleted or now invalid)."""
        if self.path is None:
            self.fresh = {path: fresh for path, fresh in self.fresh.items() if path in paths}
            return
        self._write_fresh()
        gone = [(path,) for (path,) in self._query("SELECT path FROM documents") if path not in paths]
        self._write("DELETE FROM documents WHERE path = ?", gone)

    def _write_fresh(self) -> None:
        self._write("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?)",
                    ((path, *fresh) for path, fresh in self.fresh.items()))
        self.fresh.clear()


def _open(path: Path, stamp: str) -> sqlite3.Connection:
    """Open the store, emptied when another version of the generator wrote it or it is unreadable."""
    import sqlite3

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _connect(path, stamp)
    except sqlite3.DatabaseError:  # not a database (a half-written or foreign file): start afresh
        path.unlink(missing_ok=True)
        return _connect(path, stamp)


def _connect(path: Path, stamp: str) -> sqlite3.Connection:
    import sqlite3  # only builds that reuse a cache need it

    db = sqlite3.connect(path, timeout=30)
    db.execute("PRAGMA synchronous = OFF")  # a cache: losing the last writes to a crash costs a re-render
    with db:
        db.execute("CREATE TABLE IF NOT EXISTS stamp (value TEXT NOT NULL)")
        if db.execute("SELECT value FROM stamp").fetchall() != [(stamp,)]:  # another version's tables, if any
            db.execute("DELETE FROM stamp")
            db.execute("DROP TABLE IF EXISTS descriptions")
            db.execute("DROP TABLE IF EXISTS documents")
            db.execute("DROP TABLE IF EXISTS syllabi")
            db.execute("INSERT INTO stamp VALUES (?)", (stamp,))
        # A table with rowids: a description is 2 KB of HTML, and a WITHOUT ROWID table, made for
        # small rows, took 23 µs to find one rather than 8.5 (measured, 68,000 descriptions).
        db.execute("CREATE TABLE IF NOT EXISTS descriptions "
                   "(key TEXT PRIMARY KEY, excerpt TEXT NOT NULL, html TEXT NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS syllabi (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS documents (path TEXT PRIMARY KEY, stat BLOB NOT NULL, "
                   "description TEXT NOT NULL, syllabus TEXT NOT NULL, data BLOB NOT NULL) WITHOUT ROWID")
    return db

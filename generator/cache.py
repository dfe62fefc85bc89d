"""The build cache: what the last build parsed and rendered, so a rebuild redoes only what changed.

It lives in `.coursegen-cache/` beside the output folder. Everything in it is keyed by content
(file bytes, Markdown text, page values and templates), and the whole cache is dropped when the
generator's version changes, so a rebuild's output is always byte-identical to a cold build's.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import orjson

from generator import __version__

_FORMAT = 17
RACY_WINDOW_NS = 3_000_000_000
_STAMP = (_FORMAT, __version__, sys.version_info[:2])


@dataclass
class BuildCache:
    """Everything a rebuild may reuse; empty on a first build."""

    inputs: tuple = ()  # the signature of every input of this build (saved as its digest only)
    summary: dict = field(default_factory=dict)  # the last build's summary, for "up to date"
    # path -> parsed data, stat key and description digest of each valid course file (a DocumentStore)
    documents: object = field(default_factory=lambda: _stores(None)[0])
    # Markdown digest -> Rendered (a DescriptionStore)
    descriptions: object = field(default_factory=lambda: _stores(None)[1])
    pages: dict[str, str] = field(default_factory=dict)  # output path -> digest of its inputs (pages, feeds)
    search_entries: dict[int, tuple[bytes, bytes]] = field(default_factory=dict)  # course id -> (course key, entry)
    cards: dict[int, tuple[bytes, bytes]] = field(default_factory=dict)  # course id -> (course key, card values)
    template_references: dict[str, tuple[str, ...]] = field(default_factory=dict)  # source digest -> templates it uses
    saved_ns: int = 0  # when the cache was written, for the racy-file rule below

    def trusts(self, key: tuple | None) -> bool:
        """Return True when a stat key can vouch for a file's content.

        A file modified within a few seconds of the last build may have changed again within
        the file system's timestamp granularity without its size changing (git's "racy" files):
        such a file is always read again.
        """
        return key is not None and key[0] < self.saved_ns - RACY_WINDOW_NS


def cache_file(out: Path) -> Path:
    """Return where the cache of the output folder `out` lives."""
    out = out.absolute()
    name = hashlib.blake2b(str(out).encode(), digest_size=8).hexdigest()
    return out.parent / ".coursegen-cache" / f"{out.name}-{name}.pickle"


def records_dir(out: Path) -> Path:
    """Return where the records of what builds of `out` left in its two copies are kept (outputrecord)."""
    return cache_file(out).with_suffix(".trees")


def templates_dir(out: Path) -> Path:
    """Return where the templates of builds of `out`, compiled by Jinja2, are kept (made on first use)."""
    folder = cache_file(out).parent / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def load(out: Path) -> BuildCache:
    """Return the cache for `out`, or an empty one when there is none or it is from another version."""
    try:
        with open(cache_file(out), "rb") as handle:
            stamp, cache = pickle.load(handle)
            if stamp != _STAMP or not isinstance(cache, BuildCache):
                return empty(out)
            for name in _CHUNKED:
                setattr(cache, name, _load_chunks(handle))
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return empty(out)
    cache.documents, cache.descriptions = _stores(_store_file(out))
    return cache


def empty(out: Path) -> BuildCache:
    """Return an empty cache for `out` (a first build, or --no-cache), dropping what it had on disk."""
    _store_file(out).unlink(missing_ok=True)
    documents, descriptions = _stores(_store_file(out))
    return BuildCache(documents=documents, descriptions=descriptions)


def _store_file(out: Path) -> Path:
    return cache_file(out).with_suffix(".sqlite")


def _stores(path: Path | None) -> tuple:
    """Return the DocumentStore and DescriptionStore in the SQLite file `path` (None: in memory)."""
    from generator.store import DescriptionStore, DocumentStore  # SQLite only where a build keeps a cache

    return DocumentStore(path, repr(_STAMP)), DescriptionStore(path, repr(_STAMP))


def save(out: Path, cache: BuildCache) -> None:
    """Write the cache atomically (a half-written cache would be read as empty, never as wrong)."""
    path = cache_file(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    cache.saved_ns = time.time_ns()
    # The documents and descriptions are saved by their stores; the inputs only as the digest written below.
    stored = replace(cache, inputs=(), documents=None, descriptions=None, **{name: {} for name in _CHUNKED})
    with open(temporary, "wb") as handle:
        pickle.dump((_STAMP, stored), handle, protocol=pickle.HIGHEST_PROTOCOL)
        for name in _CHUNKED:
            _dump_in_chunks(getattr(cache, name), handle)
    os.replace(temporary, path)
    # Written last: until it is replaced, the old one names the old inputs, which no longer match.
    with open(temporary, "wb") as handle:
        pickle.dump((_STAMP, digest(cache.inputs), cache.saved_ns, cache.summary), handle)
    os.replace(temporary, _inputs_file(out))


_CHUNKED = ("pages", "search_entries", "cards")  # the cache's large maps, a few hundred thousand objects at most


def _dump_in_chunks(mapping: dict, handle) -> None:
    """Pickle a map 10,000 entries at a time, then None.

    Pickle remembers every object it writes until a dump ends (its memo): dumped at once, the
    maps of 100,000 courses made it 20 MB, at the end of a build, when its memory peaks.
    """
    entries = iter(mapping.items())
    while chunk := dict(itertools.islice(entries, 10_000)):
        pickle.dump(chunk, handle, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump(None, handle)


def _load_chunks(handle) -> dict:
    mapping = {}
    while (chunk := pickle.load(handle)) is not None:
        mapping.update(chunk)
    return mapping


def _inputs_file(out: Path) -> Path:
    return cache_file(out).with_suffix(".inputs")


def last_build_summary(out: Path, inputs: tuple, newest: int) -> dict | None:
    """Return the last build's summary when its inputs equal `inputs` and none of them, the newest at `newest`, is racy.

    This small file is read before the cache itself (tens of MB for a large catalog), so a
    build with nothing to do costs a stat of each input and no more.
    """
    try:
        with open(_inputs_file(out), "rb") as handle:
            stamp, known, saved_ns, summary = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return None
    fresh = BuildCache(saved_ns=saved_ns).trusts((newest,))
    return summary if stamp == _STAMP and known == digest(inputs) and fresh else None


def digest(values: tuple) -> bytes:
    """Return a digest of a tuple of plain values (an input signature, a tree signature)."""
    return hashlib.blake2b(pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).digest()


def stat_key(path: str | os.PathLike) -> tuple:
    """Return what tells a changed file from an unchanged one without reading it."""
    status = os.stat(path)
    return (status.st_mtime_ns, status.st_size, status.st_ino)


def newest_mtime(signature: tuple) -> int:
    """Return the newest modification time in a tree signature (0 when empty)."""
    return max((key[0] for _, key in signature if key), default=0)


def tree_signature(*folders: Path) -> tuple:
    """Return the names and stat keys of every file under the folders, in a stable order.

    A folder that cannot be listed is an entry of its own, its path ending with os.sep and no
    stat key: sources.discover_courses reports it.
    """
    entries = []

    def unreadable(error: OSError) -> None:
        entries.append((error.filename + os.sep, None))

    for folder in folders:
        if not folder.is_dir():
            entries.append((str(folder), None))
            continue
        for root, directories, files in os.walk(folder, onerror=unreadable):
            directories.sort()
            for name in sorted(files):
                path = os.path.join(root, name)  # as str(Path): the form loading.py looks files up by
                try:
                    status = os.stat(path)
                    entries.append((path, (status.st_mtime_ns, status.st_size, status.st_ino)))
                except OSError:
                    entries.append((path, None))
    return tuple(entries)


def markdown_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def site_key(site: object, preview: bool) -> bytes:
    """Return what every course's outputs depend on besides the course: the settings and the build mode."""
    return orjson.dumps([site, preview])


def kept(data: bytes) -> bytes:
    """Return bytes to keep for the rest of a build (or in the cache) in a buffer of their own size.

    orjson's result keeps the buffer it was written into, at least 4 KiB however short the JSON
    (measured with orjson 3.13: a 314-byte result holds 4,099 bytes). A card or a search entry
    is a few hundred bytes; kept for every listed course, they would hold 280 MB each at 100,000
    courses.
    """
    return bytes(memoryview(data))


def reuse(known: dict[int, tuple[bytes, bytes]], course_id: int, key: bytes,
          make: Callable[[], bytes]) -> tuple[bytes, bytes]:
    """Return a course's (key, piece) from the last build while its key holds; else (key, make())."""
    before = known.get(course_id)
    return before if before is not None and before[0] == key else (key, make())


def course_key(site: bytes, course: object, images: object) -> bytes:
    """Return a digest of everything that decides what a build makes of one course.

    Its page, feed items and search entry are functions of the resolved course (its creator and
    categories included, its description by digest), its published images and the site (see
    site_key); the generator's version and templates are covered elsewhere (the cache's stamp,
    the pages' template fingerprints).
    """
    return hashlib.blake2b(site + orjson.dumps(course) + orjson.dumps(images), digest_size=16).digest()

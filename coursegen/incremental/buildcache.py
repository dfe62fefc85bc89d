"""The build cache: what the last build parsed and rendered, so a rebuild redoes only what changed.

It lives in `.coursegen-cache/` beside the output folder. Everything in it is keyed by content
(file bytes, Markdown text, page values and templates), and the whole cache is dropped when the
generator's version changes, so a rebuild's output is always byte-identical to a cold build's.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import marshal
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from coursegen import __version__
from coursegen.incremental.keys import digest
from coursegen.output.files import remove_entry

_FORMAT = 24
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
    # digest of a course's sections -> their rows as JSON (a SyllabusStore; model.Syllabus)
    syllabi: object = field(default_factory=lambda: _stores(None)[2])
    # output path -> digest of its inputs: text for pages and feeds, a course key (bytes) for a detail document
    pages: dict[str, str | bytes] = field(default_factory=dict)
    # The stat key of the live manifest when `pages` was saved: the output whose files they vouch for.
    # Pages are reused from the live output, so they are trusted only while it is that same output.
    output: tuple | None = None
    # course id -> (course key, entry); saved by save_search_entries, as soon as they are made
    search_entries: dict[int, tuple[bytes, bytes]] = field(default_factory=dict)
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
    return out.parent / ".coursegen-cache" / f"{out.name}-{name}.marshal"


def records_dir(out: Path) -> Path:
    """Return where the records of what builds of `out` left in its two copies are kept (outputrecord)."""
    return cache_file(out).with_suffix(".trees")


def templates_dir(out: Path) -> Path:
    """Return where the templates of builds of `out`, compiled by Jinja2, are kept (made on first use).

    Jinja2 keys a compiled template by its source and Jinja2's own version only, not by the
    environment that compiled it: the folder is this cache format's and this coursegen's, so that a
    template compiled by an older environment (without its checks of printed values) is never run.
    """
    folder = cache_file(out).parent / f"templates-{_FORMAT}-{__version__}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def load(out: Path) -> BuildCache:
    """Return the cache for `out`, or an empty one when there is none, it is another version's, or it is damaged.

    It is marshalled, not pickled: loading a pickle runs whatever code it names, and a cache
    may come from anywhere (a CI cache restored from another branch). Every value is checked
    to be of the type a build wrote, so a damaged or forged file is dropped, never a traceback.
    """
    try:
        with open(cache_file(out), "rb") as handle:
            stamp, *small = marshal.load(handle)
            if stamp != _STAMP or len(small) != len(_SMALL):
                return empty(out)
            cache = BuildCache(**dict(zip(_SMALL, small)), **{name: _load_chunks(handle) for name in _CHUNKED})
    except (OSError, EOFError, ValueError, TypeError):
        return empty(out)
    if not _well_formed(cache):
        return empty(out)
    cache.documents, cache.descriptions, cache.syllabi = _stores(_store_file(out))
    cache.search_entries = _load_search_entries(out)
    return cache


def _well_formed(cache: BuildCache) -> bool:
    """Return True when every value of a loaded cache has the type a build gives it."""
    pieces = (cache.search_entries, cache.cards)  # the search entries are checked as they are loaded, and again
    return (type(cache.summary) is dict and type(cache.saved_ns) is int
            and (cache.output is None or (type(cache.output) is tuple and all(type(n) is int for n in cache.output)))
            and _all(cache.pages, str, lambda digest: type(digest) in (str, bytes))
            and _all(cache.template_references, str, lambda names: type(names) is tuple
                     and all(type(name) is str for name in names))
            and all(_pieces_well_formed(piece) for piece in pieces))


def _pieces_well_formed(pieces: object) -> bool:
    """Return True for a map of course id -> (course key, piece), both bytes: the cards, the search entries."""
    return _all(pieces, int, lambda kept: type(kept) is tuple and len(kept) == 2
                and type(kept[0]) is bytes and type(kept[1]) is bytes)


def _all(mapping: object, key_type: type, value_ok) -> bool:
    return type(mapping) is dict and all(type(key) is key_type and value_ok(value) for key, value in mapping.items())


def empty(out: Path) -> BuildCache:
    """Return an empty cache for `out` (a first build, or --no-cache), dropping what it had on disk."""
    _store_file(out).unlink(missing_ok=True)
    documents, descriptions, syllabi = _stores(_store_file(out))
    return BuildCache(documents=documents, descriptions=descriptions, syllabi=syllabi)


def drop(out: Path) -> None:
    """Delete the build cache of `out` (not its images, nor the records of its output copies): it was damaged."""
    for path in (cache_file(out), _store_file(out), _inputs_file(out), _search_file(out)):
        path.unlink(missing_ok=True)


def _store_file(out: Path) -> Path:
    return cache_file(out).with_suffix(".sqlite")


def _stores(path: Path | None) -> tuple:
    """Return the DocumentStore, DescriptionStore and SyllabusStore in the SQLite file `path` (None: in memory)."""
    from coursegen.incremental.store import (  # SQLite only where a build keeps a cache
        DescriptionStore,
        DocumentStore,
        SyllabusStore,
    )

    stamp = repr(_STAMP)
    return DocumentStore(path, stamp), DescriptionStore(path, stamp), SyllabusStore(path, stamp)


def save(out: Path, cache: BuildCache) -> None:
    """Write the cache atomically (a half-written cache would be read as empty, never as wrong)."""
    path = cache_file(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    cache.saved_ns = time.time_ns()
    try:
        # The documents, descriptions and syllabi are saved by their stores; the inputs only as the digest written below.
        with open(temporary, "wb") as handle:
            marshal.dump((_STAMP, *(getattr(cache, name) for name in _SMALL)), handle)
            for name in _CHUNKED:
                _dump_in_chunks(getattr(cache, name), handle)
        os.replace(temporary, path)
        # Written last: until it is replaced, the old one names the old inputs, which no longer match.
        with open(temporary, "wb") as handle:
            marshal.dump((_STAMP, digest(cache.inputs), cache.saved_ns, cache.summary), handle)
        os.replace(temporary, _inputs_file(out))
    except BaseException:  # a full disk, say: no half-written file is left behind
        temporary.unlink(missing_ok=True)
        raise
    path.with_suffix(".pickle").unlink(missing_ok=True)  # the pickled cache of earlier versions: never loaded


_SMALL = ("summary", "template_references", "saved_ns", "output")  # saved whole, with the stamp
_CHUNKED = ("pages", "cards")  # the cache's large maps, a few hundred thousand objects at most


def _dump_in_chunks(mapping: dict, handle) -> None:
    """Marshal a map 10,000 entries at a time, then None: never a second copy of the whole map in memory."""
    entries = iter(mapping.items())
    while chunk := dict(itertools.islice(entries, 10_000)):
        marshal.dump(chunk, handle)
    marshal.dump(None, handle)


def _load_chunks(handle) -> dict:
    mapping = {}
    while (chunk := marshal.load(handle)) is not None:
        if type(chunk) is not dict:
            raise ValueError("not a chunk of a map")
        mapping.update(chunk)
    return mapping


def save_search_entries(out: Path, entries: dict[int, tuple[bytes, bytes]]) -> None:
    """Write the search entries in a file of their own as soon as they are made, so that the build can let them go.

    Kept until the cache is saved at the end, they were 36 MB of a 100,000-course build's peak,
    while nothing reads them again before the next build. Each is taken only while its course
    key holds, so a file from another build than the cache's is never wrong, only less useful.
    Like the cache, it is only a help: a file that cannot be written is left out.
    """
    path = _search_file(out)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as handle:
            marshal.dump(_STAMP, handle)
            _dump_in_chunks(entries, handle)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # whatever stands there, a folder even: the next build makes them again
            remove_entry(path)


def _load_search_entries(out: Path) -> dict[int, tuple[bytes, bytes]]:
    try:
        with open(_search_file(out), "rb") as handle:
            if marshal.load(handle) != _STAMP:
                return {}
            entries = _load_chunks(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return entries if _pieces_well_formed(entries) else {}


def _search_file(out: Path) -> Path:
    return cache_file(out).with_suffix(".search")


def _inputs_file(out: Path) -> Path:
    return cache_file(out).with_suffix(".inputs")


def last_build_summary(out: Path, inputs: tuple, newest: int) -> dict | None:
    """Return the last build's summary when its inputs equal `inputs` and none of them, the newest at `newest`, is racy.

    This small file is read before the cache itself (tens of MB for a large catalog), so a
    build with nothing to do costs a stat of each input and no more.
    """
    try:
        with open(_inputs_file(out), "rb") as handle:
            stamp, known, saved_ns, summary = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if type(saved_ns) is not int or type(summary) is not dict:
        return None
    fresh = BuildCache(saved_ns=saved_ns).trusts((newest,))
    return summary if stamp == _STAMP and known == digest(inputs) and fresh else None



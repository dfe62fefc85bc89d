"""Every key an incremental build compares: what decides each thing it makes, digested in one place.

A key changes exactly when what it stands for may have changed: the input files (stat keys and
the tree signature), the whole run (input_signature), a course (course_key), a page (page_key),
a listing (listing_key), a card (card_key), a feed file (feed_key), a description (markdown_key)
and a derived image (image_key). The generator's own version is in the cache's stamp; templates
are in page keys through their fingerprints (site/templating.py).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path

import orjson


def digest(values: tuple) -> bytes:
    """Return a digest of a tuple of plain values (an input signature, a tree signature)."""
    return hashlib.blake2b(pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).digest()


def stat_key(path: str | os.PathLike) -> tuple:
    """Return what tells a changed file from an unchanged one without reading it."""
    return _key(os.stat(path))


def _key(status: os.stat_result) -> tuple:
    # The change time too: unlike the modification time no tool can set it back, so a file
    # rewritten with its old size and modification time restored is still seen to have changed.
    return (status.st_mtime_ns, status.st_size, status.st_ino, status.st_ctime_ns)


def newest_mtime(signature: tuple) -> int:
    """Return the newest modification time in a tree signature (0 when empty)."""
    return max((key[0] for _, key in signature if key), default=0)


UNREADABLE = None  # the stat key of a folder that cannot be listed, in a tree signature


LINKED_FOLDER = (0, 0, 0, 0)  # the stat key of a link to a folder, which is not followed


def tree_signature(*folders: Path) -> tuple:
    """Return the names and stat keys of every file under the folders, in a stable order.

    A folder that cannot be listed, or a link to a folder (never followed: it could lead
    anywhere, or back to itself), is an entry of its own, its path ending with os.sep and its
    key UNREADABLE or LINKED_FOLDER: sources.discover_courses reports them. Folders are walked
    with a stack of their own, not os.walk, whose recursion a deep tree would exhaust.
    """
    entries = []
    for folder in folders:
        if not folder.is_dir():
            entries.append((str(folder), None))
            continue
        pending = [str(folder)]
        while pending:
            current = pending.pop()
            try:
                with os.scandir(current) as listing:
                    found = sorted(listing, key=lambda entry: entry.name)
            except OSError:
                entries.append((current + os.sep, UNREADABLE))
                continue
            below = []
            for entry in found:
                path = os.path.join(current, entry.name)  # as str(Path): the form loading.py looks files up by
                try:
                    if entry.is_dir(follow_symlinks=False):
                        below.append(path)
                    elif entry.is_symlink() and os.path.isdir(path):
                        entries.append((path + os.sep, LINKED_FOLDER))
                    else:
                        entries.append((path, _key(os.stat(path))))
                except OSError:
                    entries.append((path, None))
            pending += reversed(below)  # depth first, in name order, as os.walk goes
    return tuple(entries)


def markdown_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def syllabus_key(rows: bytes) -> str:
    """Return the key a course's sections are kept under: a digest of their rows' JSON (model.Syllabus)."""
    return hashlib.blake2b(rows, digest_size=16).hexdigest()


def site_key(site: object, preview: bool) -> bytes:
    """Return what every course's outputs depend on besides the course: the settings and the build mode."""
    return orjson.dumps([site, preview])


def course_key(site: bytes, course: object, images: object) -> bytes:
    """Return a digest of everything that decides what a build makes of one course.

    Its page, feed items and search entry are functions of the resolved course (its creator and
    categories included, its description by digest), its published images and the site (see
    site_key); the generator's version and templates are covered elsewhere (the cache's stamp,
    the pages' template fingerprints).
    """
    return hashlib.blake2b(site + orjson.dumps(course, default=_named_tuple) + orjson.dumps(images),
                           digest_size=16).digest()


def _named_tuple(value: object) -> tuple:
    """Return a NamedTuple of the model (model.Syllabus) as the tuple of its fields, for orjson.

    orjson writes a tuple, but refuses a subclass of one; anything else it refuses stays refused.
    """
    if isinstance(value, tuple) and hasattr(type(value), "_fields"):
        return tuple(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


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


def input_signature(version: str, content: Path, base_url: str | None, preview: bool, templates: Path,
                    previous: Path | None, tree: bytes, live_manifest: Path) -> tuple:
    """Return what decides a build's output: every option, every input file's stat key, the live manifest's.

    `tree` is the digest of the input files' stat keys (digest(tree_signature(...))), taken when
    the build started: the inputs of a build are what it read, and only the manifest it wrote
    has changed since.
    """
    return (version, str(content.absolute()), base_url, preview, str(templates.absolute()), str(previous), tree,
            stat_key(live_manifest) if live_manifest.is_file() else None)


def page_key(template_fingerprint: str, inputs: bytes) -> str:
    """Return a digest of everything that decides a page's bytes: its templates and its inputs."""
    return hashlib.blake2b(template_fingerprint.encode() + b"\0" + inputs, digest_size=16).hexdigest()


def listing_key(values: bytes, cards: list[bytes], item_list: int) -> bytes:
    """Return the inputs of a listing page: its own values, its cards' and where its Course list starts."""
    return hashlib.blake2b(values + b"".join(cards) + b"%d" % item_list, digest_size=16).digest()


def card_key(card: dict) -> bytes:
    """Return the key of a card's values: cards of the same values are rendered once."""
    return hashlib.blake2b(orjson.dumps(card, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS),
                           digest_size=16).digest()


def feed_key(inputs: bytes) -> str:
    """Return the key of a feed file: its envelope and its items' course keys."""
    return hashlib.blake2b(inputs, digest_size=16).hexdigest()


def image_key(source_digest: str, spec: tuple[str, ...], recipe: str, versions: tuple[str, ...]) -> str:
    """Return the short content address of a derived image: source bytes, its spec, the code's versions."""
    return hashlib.sha256("\x1f".join((source_digest, *spec, recipe, *versions)).encode("utf-8")).hexdigest()[:16]

"""Writing one output file: atomically, or in place where no reader can see it half-made; every failure names its file."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from coursegen.issues import CoursegenError


def write_file(root: Path | str, path: str, content: bytes, present: str | None = None) -> str:
    """Write one output file under root unless `present` says it already holds these bytes; return the sha256.

    A file is always replaced (written beside, then renamed), never rewritten in place: the same
    inode may also be a file of the live output, through a hard link.
    """
    sha = hashlib.sha256(content).hexdigest()
    if sha == present:
        return sha
    target = os.path.join(root, path)
    if present is None and _create(target, content):
        return sha
    replace_file(target, (content,))
    return sha


def write_streamed(root: Path, path: str, pieces: Iterable[bytes]) -> str:
    """Write one output file from pieces made as it is written, hashing them on the way; return its sha256.

    For the manifest, which is never held whole; Staging.write_pieces takes pieces already made.
    """
    digest = hashlib.sha256()

    def hashed() -> Iterator[bytes]:
        for piece in pieces:
            digest.update(piece)
            yield piece

    replace_file(os.path.join(root, path), hashed())
    return digest.hexdigest()


def replace_file(target: str, pieces: Iterable[bytes]) -> None:
    """Write a file beside `target`, then rename it there: never into an inode a hard link may share."""
    temporary = target + ".coursegen-tmp"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with os.fdopen(new_temporary(temporary), "wb") as handle:
            for piece in pieces:
                handle.write(piece)
        os.replace(temporary, target)
    except OSError as error:
        raise _naming(error, target) from None


def link_afresh(source: str | Path, temporary: str) -> None:
    """Make `temporary` a hard link to `source`, unlinking a leftover of that name first (see new_temporary)."""
    try:
        os.link(source, temporary)
    except FileExistsError:
        os.unlink(temporary)
        os.link(source, temporary)


def new_temporary(temporary: str) -> int:
    """Create `temporary` afresh and return its descriptor: one left by an earlier build is unlinked first.

    Opened as it stands, such a leftover would be written into, and it may be a hard link to a
    live file (rename() leaves its source in place when both names are links to one inode).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        return os.open(temporary, flags, 0o666)
    except FileExistsError:
        os.unlink(temporary)
        return os.open(temporary, flags, 0o666)


def _create(target: str, content: bytes) -> bool:
    """Write a file that must not exist yet, with as few system calls as can be; False if it exists.

    A cold build writes thousands of new files, and on a slow disk each system call counts:
    one mkdir (usually of the file's own new folder) and one exclusive create, nothing else.
    Exclusive creation never writes into an existing inode, so the hard-link rule above holds.
    """
    folder = os.path.dirname(target)
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    try:
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    except FileExistsError:
        return False
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(handle, view):]
    except OSError as error:  # a full disk, say: write() does not say which file
        raise _naming(error, target) from None
    finally:
        os.close(handle)
    return True


def _naming(error: OSError, target: str) -> OSError:
    """Return the error with the file it concerns, for the one line the command prints."""
    if error.filename is None:
        error.filename = target
    return error


def remove_entry(path: Path) -> None:
    """Remove whatever is at `path`: a folder with all it holds, a file, or a link (never what it links to)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, **{_RMTREE_HANDLER: _located})
        else:
            path.unlink()
    except FileNotFoundError:
        pass


_RMTREE_HANDLER = "onexc" if sys.version_info >= (3, 12) else "onerror"


def _located(function, name: str, error) -> None:
    """Raise what rmtree could not remove with its whole path: its own error names the entry alone ("index.html")."""
    error = error[1] if isinstance(error, tuple) else error  # onerror gives exc_info, onexc the exception
    if isinstance(error, OSError):
        error.filename = name
    raise error


def remove_file(root: Path, path: str) -> None:
    target = root / path
    try:
        target.unlink()
        os.removedirs(target.parent)  # the folders it leaves empty, up to the first that is not
    except OSError:
        pass


_NAMED_PARTS = frozenset(("", ".", ".."))  # parts of a path that name no file of its own


def check_path(path: str) -> None:
    parts = path.split("/")
    if "\\" in path or not _NAMED_PARTS.isdisjoint(parts):  # "" also catches a leading "/"
        raise CoursegenError(f"refusing to write outside the output directory: {path!r}")
    if parts[0] not in ("public", "restricted"):
        raise CoursegenError(f"output path {path!r} is neither public/ nor restricted/")

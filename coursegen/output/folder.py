"""The output folder itself: which folders may be one, the lock of a build, and the atomic swap of two copies."""

from __future__ import annotations

import ctypes
import fcntl
import os
import secrets
import shutil
from pathlib import Path

from coursegen.issues import CoursegenError, UsageError
from coursegen.output.manifest import MANIFEST


def real_output(out: Path) -> Path:
    """Return the folder a build replaces: `out` as an absolute path without `..`, or the folder it links to.

    A link (to a deploy folder, say) stays as it is and keeps naming the folder, which the build
    swaps like any other.
    """
    out = Path(os.path.abspath(out))
    if not out.is_symlink():
        return out
    try:
        return out.resolve(strict=False)
    except (RuntimeError, OSError):  # a loop: RuntimeError up to Python 3.12, OSError (ELOOP) after
        raise UsageError(f"--out {out} is a link that leads back to itself; "
                         f"remove it, or point it at a folder") from None


def lock(out: Path):
    """Hold an exclusive lock on `out` for one build; a second build at once is refused."""
    path = out.parent / f".{out.name}.lock"
    try:  # never through a link: the lock file is made where it is named, nowhere else
        handle = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644), "a")
    except OSError as error:
        raise CoursegenError(f"cannot take the build lock {path}: {error.strerror or error}; "
                             f"it must be a file that can be written") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise CoursegenError(f"another build is writing {out}; wait for it to finish") from None
    return handle


def check_output_dir(out: Path, content: Path, cache: Path) -> None:
    """Refuse an --out that a build would wrongly replace, or cannot make: the content, other files, a file's child.

    `cache` is where builds of `out` keep their cache, beside it: it cannot be the output too.
    """
    real = real_output(out)
    if Path(os.path.abspath(cache)) in (Path(os.path.abspath(out)), real):
        raise UsageError(f"--out {out} is the folder where builds keep their build cache, beside the output; "
                         f"choose another folder")
    for name in {real.name, Path(os.path.abspath(out)).name}:
        longest = _name_max(real.parent) - NAMED_AFTER_OUT
        if len(os.fsencode(name)) > longest:
            raise UsageError(f"--out {out}: its name has {len(os.fsencode(name))} bytes, but files named after it "
                             f"are kept beside it (.{name[:12]}….spare, its cache), so this file system allows "
                             f"at most {longest}; choose a shorter name")
    for parent in real.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"--out {out} cannot be made: {parent} is a file, not a folder")
            break
    out_real, content_real = real.resolve(), content.resolve()
    if out_real == content_real or content_real.is_relative_to(out_real):
        raise UsageError(f"--out {out} would replace the content directory {content}; choose another folder")
    if real.exists() and (not real.is_dir() or (any(real.iterdir()) and not (real / MANIFEST).is_file())):
        raise UsageError(f"--out {out} exists and is not a coursegen output (no {MANIFEST}); "
                         f"refusing to replace it")


# The most bytes a name kept beside the output adds to the output's own: its cache's SQLite
# journal, "NAME-<16 hex>.sqlite-journal" (the staging folders, ".NAME.building-cards-<8>", add 25).
NAMED_AFTER_OUT = 32


def _name_max(folder: Path) -> int:
    """Return the longest file name, in bytes, the file system of `folder` (or its nearest existing parent) takes."""
    for parent in (folder, *folder.parents):
        try:
            return os.pathconf(parent, "PC_NAME_MAX")
        except (OSError, ValueError):
            continue
    return 255


def swap(staging: Path, out: Path) -> None:
    """Exchange two trees: afterwards `out` holds the staged tree and `staging` the previous output.

    With renameat2(RENAME_EXCHANGE) `out` is at every instant either the old tree or the new one.
    """
    if _exchange(staging, out):
        return
    aside = staging.with_name(staging.name + ".previous")  # without an atomic exchange: three renames
    os.replace(out, aside)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(aside, out)
        raise
    os.replace(aside, staging)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths with Linux renameat2(RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return result == 0


def staging_folder_name(out: Path, kind: str) -> Path:
    """Return a new name for a staging folder beside `out` (".NAME.building-KIND-<hex>"), not yet made.

    The caller keeps the name first and makes the folder after (os.mkdir): Ctrl-C, whenever it
    comes, finds a folder the build knows to remove. tempfile.mkdtemp makes it first and names it
    after, and Ctrl-C landing in between left a folder no one knew of.
    """
    return out.parent / f".{out.name}.{kind}-{secrets.token_hex(8)}"


def remove_stale_staging(out: Path) -> None:
    """Remove staging folders a killed build left beside `out` (they are ours: the name says so)."""
    out = out.absolute()
    if not out.parent.is_dir():
        return
    for pattern in (f".{out.name}.building-*", f".{out.name}.old-*"):
        for stale in out.parent.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)

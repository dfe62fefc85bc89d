"""The one chokepoint for output: collisions, safe paths, the manifest and the atomic swap."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath

from generator import __version__
from generator.issues import CoursegenError, UsageError
from generator.model import Catalog

MANIFEST = "restricted/manifest.json"


BACKGROUND_DELETE_FILES = 2000  # replacing a bigger tree hands the old one to a background process


def write_file(root: Path, path: str, content: bytes) -> str:
    """Write one output file under root and return its sha256 (used by the parent and by workers)."""
    target = os.path.join(root, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(content)
    return hashlib.sha256(content).hexdigest()


class Staging:
    """A fresh folder beside `out` that becomes the new output in one exchange, or is discarded.

    Every output file passes through here: paths are checked, two outputs mapping to one path
    are refused, and each file's sha256 and source are recorded for the manifest.
    """

    def __init__(self, out: Path, previous: dict | None):
        self.out = out.absolute()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.building-", dir=self.out.parent))
        self.root.chmod(0o755)  # mkdtemp makes it private; a web server must be able to read the site
        self.previous = (previous or {}).get("files", {})
        self.files: dict[str, tuple[str, str]] = {}  # path -> (sha256, source)

    def claim(self, path: str, source: str) -> None:
        """Reserve a path for one output; a second claim on it is an error, never an overwrite."""
        _check_path(path)
        if path in self.files:
            raise CoursegenError(f"two outputs map to the same file {path!r}: {self.files[path][1]} and {source}")
        self.files[path] = ("", source)

    def write(self, path: str, content: bytes, source: str) -> None:
        self.claim(path, source)
        self.files[path] = (write_file(self.root, path, content), source)

    def record(self, path: str, sha: str) -> None:
        """Record a file a worker wrote under root for a claimed path."""
        self.files[path] = (sha, self.files[path][1])

    def reuse(self, path: str) -> bool:
        """Link the previous build's file into the new tree if it is known and still there."""
        sha = self.previous.get(path, {}).get("sha256")
        old = self.out / path
        if not sha or not old.is_file():
            return False
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(old, target)  # no bytes written: unchanged pages cost one directory entry
        except OSError:
            shutil.copy2(old, target)
        self.record(path, sha)
        return True

    def same_as_previous(self, manifest_bytes: bytes) -> bool:
        """Return True when every file, hash and the manifest equal the previous build's."""
        current = {path: sha for path, (sha, _) in self.files.items() if path != MANIFEST}
        before = {path: entry.get("sha256") for path, entry in self.previous.items()}
        try:
            return current == before and (self.out / MANIFEST).read_bytes() == manifest_bytes
        except OSError:
            return False

    def commit(self) -> None:
        """Make the staged tree the output; the old tree is removed (in the background when large)."""
        _swap(self.root, self.out)
        if self.root.exists():  # it now holds the previous output
            retired = self.root.with_name(self.root.name.replace(".building-", ".old-"))
            os.replace(self.root, retired)
            _remove(retired, background=len(self.previous) > BACKGROUND_DELETE_FILES)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _remove(tree: Path, *, background: bool) -> None:
    if not background:
        shutil.rmtree(tree, ignore_errors=True)
        return
    # Unlinking tens of thousands of files takes seconds and nobody waits for it: a detached
    # process does it. If it dies, the next build removes the leftover (remove_stale_staging).
    subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], True)", str(tree)],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)


def _check_path(path: str) -> None:
    pure = PurePosixPath(path)
    if pure.is_absolute() or "\\" in path or any(part in ("", ".", "..") for part in path.split("/")):
        raise CoursegenError(f"refusing to write outside the output directory: {path!r}")
    if pure.parts[0] not in ("public", "restricted"):
        raise CoursegenError(f"output path {path!r} is neither public/ nor restricted/")


def manifest(staging: Staging, catalog: Catalog, old_slugs: dict[str, int], *, preview: bool) -> bytes:
    """Return the manifest: every output file with its sha256 and source, every course with its privacy."""
    document = {
        "generator": f"coursegen {__version__}",
        "base_url": catalog.site.base_url,
        "preview": preview,
        "courses": [
            {"id": c.id, "slug": c.slug, "name": c.name, "privacy": c.privacy.value, "deleted": c.deleted,
             "source": c.source}
            for c in catalog.courses
        ],
        "redirects": old_slugs,
        "files": {path: {"sha256": sha, "source": source} for path, (sha, source) in sorted(staging.files.items())
                  if path != MANIFEST},
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_manifest(path: Path) -> dict | None:
    """Return a previous build's manifest, or None when there is none (or it is unreadable)."""
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def check_output_dir(out: Path, content: Path) -> None:
    """Refuse an --out that a build would wrongly replace: the content itself, or a folder of other files."""
    out_real, content_real = out.resolve(), content.resolve()
    if out_real == content_real or content_real.is_relative_to(out_real):
        raise UsageError(f"--out {out} would replace the content directory {content}; choose another folder")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MANIFEST).is_file())):
        raise UsageError(f"--out {out} exists and is not a coursegen output (no {MANIFEST}); "
                         f"refusing to replace it")


def _swap(staging: Path, out: Path) -> None:
    """Put the staged tree at `out`; at every instant `out` is either the old tree or the new one."""
    if not out.exists():
        os.replace(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the previous output
        return
    # Without an atomic exchange, move the old tree aside first and remove it last.
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.replace(out, retired / "tree")
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(retired / "tree", out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


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


def remove_stale_staging(out: Path) -> None:
    """Remove staging folders a killed build left beside `out` (they are ours: the name says so)."""
    out = out.absolute()
    if not out.parent.is_dir():
        return
    for pattern in (f".{out.name}.building-*", f".{out.name}.old-*"):
        for stale in out.parent.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)

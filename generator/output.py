"""The one chokepoint for output: collisions, safe paths, the manifest and the atomic swap."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator import __version__
from generator.issues import CoursegenError, UsageError
from generator.model import Catalog

MANIFEST = "restricted/manifest.json"


@dataclass
class OutputTree:
    """Files of one build, keyed by path relative to the output directory; refuses collisions."""

    files: dict[str, bytes] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def add(self, path: str, content: bytes, source: str) -> None:
        """Add one file; two outputs mapping to one path is an error, never a silent overwrite."""
        _check_path(path)
        if path in self.files:
            raise CoursegenError(f"two outputs map to the same file {path!r}: "
                                 f"{self.sources[path]} and {source}")
        self.files[path] = content
        self.sources[path] = source

    def add_all(self, prefix: str, files: dict[str, bytes], source_of) -> None:
        for path, content in files.items():
            self.add(f"{prefix}{path}", content, source_of(path))


def _check_path(path: str) -> None:
    pure = PurePosixPath(path)
    if pure.is_absolute() or "\\" in path or any(part in ("", ".", "..") for part in path.split("/")):
        raise CoursegenError(f"refusing to write outside the output directory: {path!r}")
    if pure.parts[0] not in ("public", "restricted"):
        raise CoursegenError(f"output path {path!r} is neither public/ nor restricted/")


def manifest(tree: OutputTree, catalog: Catalog, old_slugs: dict[str, int], *, preview: bool) -> bytes:
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
        "files": {
            path: {"sha256": hashlib.sha256(tree.files[path]).hexdigest(), "source": tree.sources[path]}
            for path in sorted(tree.files)
        },
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


def write_atomically(tree: OutputTree, out: Path) -> None:
    """Write every file into a fresh folder beside `out`, then swap it in; on failure `out` is untouched."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a web server must be able to read the site
    try:
        for path in sorted(tree.files):
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tree.files[path])
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


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

"""The image cache on disk: derived images and source checks keyed by content, safe to delete at any time."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from generator.imaging import Encoded, SourceInfo

CACHE_DIR = ".coursegen-cache"  # created beside the output directory, never inside what is deployed


class ImageCache:
    """Read and write cache entries under one folder; with no folder, every lookup misses."""

    def __init__(self, root: Path | None, *, writable: bool = True):
        self.root = root
        self.writable = writable and root is not None

    def derived(self, key: str) -> Encoded | None:
        """Return a derived image made by an earlier build, or None."""
        size = self._read_json(f"images/{key}.json")
        if size is None:
            return None
        try:
            data = (self.root / "images" / f"{key}.bin").read_bytes()
        except OSError:
            return None
        return Encoded(data, size["width"], size["height"])

    def store_derived(self, key: str, encoded: Encoded) -> None:
        # The bytes first, the record last: a record always points at complete bytes.
        self._write(f"images/{key}.bin", encoded.data)
        self._write(f"images/{key}.json", _json({"width": encoded.width, "height": encoded.height}))

    def source(self, digest: str) -> SourceInfo | None:
        """Return what an earlier build learnt by decoding the source with this sha256, or None."""
        found = self._read_json(f"sources/{digest}.json")
        return SourceInfo(**found) if found else None

    def store_source(self, digest: str, info: SourceInfo) -> None:
        self._write(f"sources/{digest}.json",
                    _json({"format": info.format, "width": info.width, "height": info.height}))

    def _read_json(self, relative: str) -> dict | None:
        if self.root is None:
            return None
        try:
            return json.loads((self.root / relative).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def _write(self, relative: str, data: bytes) -> None:
        if not self.writable:
            return
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, target)  # atomic: an interrupted build leaves no half-written entry
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _json(value: dict) -> bytes:
    return json.dumps(value, sort_keys=True).encode("utf-8")

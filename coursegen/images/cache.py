"""The image cache on disk: derived images and source checks keyed by content, safe to delete at any time."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from coursegen.images.derived import SOURCE_FORMATS, Encoded
from coursegen.model import SourceInfo

CACHE_DIR = ".coursegen-cache"  # created beside the output directory, never inside what is deployed


class ImageCache:
    """Read and write cache entries under one folder; with no folder, every lookup misses."""

    def __init__(self, root: Path | None, *, writable: bool = True):
        self.root = root
        self.writable = writable and root is not None

    def derived(self, key: str) -> Encoded | None:
        """Return a derived image made by an earlier build, or None; an entry that is not what was stored is None.

        Its record holds the size and a sha256 of the bytes with that size: a truncated or replaced
        file, a size changed in the record, or a record of another shape is made again rather than
        published.
        """
        record = self._read_json(f"images/{key}.json")
        if not (_sizes(record) and isinstance(record.get("sha256"), str)):
            return None
        try:
            data = (self.root / "images" / f"{key}.bin").read_bytes()
        except OSError:
            return None
        encoded = Encoded(data, record["width"], record["height"])
        return encoded if _checksum(encoded) == record["sha256"] else None

    def store_derived(self, key: str, encoded: Encoded) -> None:
        # The bytes first, the record last: a record always points at complete bytes.
        self._write(f"images/{key}.bin", encoded.data)
        self._write(f"images/{key}.json", _json({"width": encoded.width, "height": encoded.height,
                                                 "sha256": _checksum(encoded)}))

    def source(self, digest: str) -> SourceInfo | None:
        """Return what an earlier build learnt by decoding the source with this sha256, or None (also for a bad record)."""
        found = self._read_json(f"sources/{digest}.json")
        if not (_sizes(found) and found.get("format") in SOURCE_FORMATS and len(found) == 3):
            return None
        return SourceInfo(**found)

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


def _checksum(encoded: Encoded) -> str:
    return hashlib.sha256(encoded.data + f"\0{encoded.width}x{encoded.height}".encode()).hexdigest()


def _sizes(record: object) -> bool:
    """Return True for a record with a positive integer width and height."""
    return isinstance(record, dict) and all(type(record.get(side)) is int and record[side] > 0
                                            for side in ("width", "height"))


def _json(value: dict) -> bytes:
    return json.dumps(value, sort_keys=True).encode("utf-8")

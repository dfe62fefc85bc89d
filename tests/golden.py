"""Golden output trees: two small catalogs built and kept in tests/output/, byte for byte, as Pelican keeps its own.

    python -m tests.refresh_expected      # rebuilds these trees (and the invalid cases' messages)

`example` is the repository's own content/ built for production; `tiny-preview` is
tests/catalogs/tiny/ (one course of each privacy, inline categories and creators) built with
--preview. Every file is compared byte for byte except the images Pillow encodes: Pillow is not
pinned, and a release may encode the same pixels in other bytes. For those the tree keeps a list
of each image's format and size (IMAGES.txt), and the manifest is compared with their sha256 masked.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import tempfile
from pathlib import Path

from PIL import Image

from coursegen.cli import main

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "output"
CATALOGS = {
    "example": (REPO / "content", []),
    "tiny-preview": (Path(__file__).parent / "catalogs" / "tiny" / "content", ["--preview"]),
}
ENCODED = "public/images/"  # what Pillow writes; assets/ are shipped files, compared byte for byte
IMAGE_LIST = "IMAGES.txt"
_IMAGE_SHA = re.compile(rb'("public/images/[^"]+": \{\s*"sha256": ")[0-9a-f]{64}')


def build(name: str, out: Path) -> dict[str, bytes]:
    """Build one golden catalog into `out`; return its files as the golden tree keeps them."""
    content, extra = CATALOGS[name]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        status = main(["build", "--quiet", "--no-cache", "--content", str(content), "--out", str(out), *extra])
    assert status == 0, printed.getvalue()
    return comparable(out)


def comparable(folder: Path) -> dict[str, bytes]:
    """Return a built tree's files, Pillow's images replaced by one list of their formats and sizes."""
    files, images = {}, []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(folder).as_posix()
        if relative.startswith(ENCODED):
            with Image.open(path) as image:
                images.append(f"{relative} {image.format} {image.width}x{image.height}\n")
            continue
        data = path.read_bytes()
        files[relative] = _IMAGE_SHA.sub(rb"\1<image>", data) if relative == "restricted/manifest.json" else data
    if images:
        files[IMAGE_LIST] = "".join(images).encode()
    return files


def kept(name: str) -> dict[str, bytes]:
    """Return the golden tree as it is kept in tests/output/."""
    folder = GOLDEN / name
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def refresh() -> None:
    """Rebuild every golden tree in tests/output/."""
    for name in CATALOGS:
        with tempfile.TemporaryDirectory() as folder:
            files = build(name, Path(folder) / "output")
        target = GOLDEN / name
        shutil.rmtree(target, ignore_errors=True)
        for relative, data in files.items():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            (target / relative).write_bytes(data)

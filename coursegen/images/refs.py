"""Course images in phase one: every authored image path checked, and each source read once.

A source is decoded (with Pillow) only when no earlier build has checked the same bytes: `check`
and a build that finds nothing new never import Pillow.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath

from coursegen.content.files import Document, locate
from coursegen.content.rules import is_absolute_url
from coursegen.content.schema import in_words
from coursegen.images.cache import ImageCache
from coursegen.issues import Issue
from coursegen.model import ImageSizes, SourceImage

IMAGES_DIR = "images"  # authored paths start with it, relative to the content directory
MAX_SOURCE_BYTES = 50 * 1024 * 1024
_EXAMPLE = '(such as "images/cafe.jpg")'
URL_FIELDS = ("og_image", "default_image")  # an absolute URL is allowed there too


def check_images(content: Path, document: Document, sizes: ImageSizes, cache: ImageCache,
                 seen: dict[str, SourceImage | str]) -> tuple[dict[str, SourceImage], list[Issue]]:
    """Check the image paths of a course file (or site.yaml's default_image and logo); warn when a source is too small."""
    found, issues = {}, []
    for name in ("image_original", "og_image", "default_image", "logo"):
        value = document.data.get(name) if isinstance(document.data, dict) else None
        if not isinstance(value, str) or (name in URL_FIELDS and is_absolute_url(value)):
            continue
        source = _path_problem(value, name)
        if not source:
            if value not in seen:  # a file several courses share is read and checked once
                seen[value] = inspect_source(content, value, cache)
            source = seen[value]
        if isinstance(source, str):
            issues.append(_issue(document, name, source))
            continue
        found[value] = source
        if name == "image_original":
            issues += _too_small(document, source, sizes)
    return found, issues


def inspect_source(content: Path, value: str, cache: ImageCache) -> SourceImage | str:
    """Return the checked source image a well-formed authored path names, or what is wrong with it."""
    images = content / IMAGES_DIR
    shown = f"{content.as_posix()}/{value}"
    try:
        real = (content / value).resolve(strict=True)
    except (OSError, RuntimeError):
        return f"file not found: {shown} does not exist (or is a broken link)"
    if not real.is_relative_to(images.resolve()):
        return f"{shown} is a link to a file outside {content.as_posix()}/{IMAGES_DIR}/; images must live inside it"
    if not real.is_file():
        return f"{shown} is not a file"
    if real.stat().st_size > MAX_SOURCE_BYTES:
        return f"{shown} is larger than {MAX_SOURCE_BYTES // 2**20} MiB; export a smaller source image"
    data = real.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    info = cache.source(digest)  # a source decoded by an earlier build is not decoded again
    if info is None:
        info = _decoded(data)
        if isinstance(info, str):
            return f"{shown} {info}"
        cache.store_source(digest, info)
    return SourceImage(value, real, digest, info)


def _path_problem(value: str, name: str) -> str:
    expected = f"expected a relative path under {IMAGES_DIR}/ {_EXAMPLE}"
    if name in URL_FIELDS:
        expected = f"expected an absolute http(s) URL or a relative path under {IMAGES_DIR}/ {_EXAMPLE}"
    if value.startswith("//") or "://" in value:
        return f"{expected}, found the URL {value!r}"
    if "\\" in value:
        return f"{expected} with forward slashes, found {in_words(value)} with backslashes"
    path = PurePosixPath(value)
    if path.is_absolute() or (len(value) > 1 and value[1] == ":"):
        return f"{expected}, found the absolute path {value!r}"
    if ".." in path.parts:
        return f"{expected}, found {in_words(value)}, which climbs out with '..'"
    if len(path.parts) < 2 or path.parts[0] != IMAGES_DIR:
        return f"{expected}, found {in_words(value)}"
    return ""


def _too_small(document: Document, source: SourceImage, sizes: ImageSizes) -> list[Issue]:
    side = min(source.info.width, source.info.height)
    short = [(name, size) for name, size in sizes.items() if size > side]
    if not short:
        return []
    names = ", ".join(f"image_{name} ({size})" for name, size in short)
    return [_issue(document, "image_original",
                   f"{source.path} is {source.info.width}×{source.info.height} pixels, smaller than {names}: "
                   f"those are made {side}×{side}, since images are never enlarged; use a source at least "
                   f"{short[0][1]} pixels on its shorter side", severity="warning")]


def _issue(document: Document, name: str, message: str, *, severity: str = "error") -> Issue:
    line, column = locate(document.path, (name,))
    return Issue(document.display, line, column, name, message, severity)


def _decoded(data: bytes):
    """Decode a source the cache has not seen: only here does phase one need Pillow."""
    from coursegen.images import pixels

    return pixels.inspect(data)

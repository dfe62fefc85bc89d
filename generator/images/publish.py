"""Course images: check every reference in phase one; in phase two make (or reuse) and name the derivatives.

Derived files are named by a hash of the source bytes and the settings, never by a course's slug
or name, and only courses the public site may show (privacy.public_view FULL or LOCK) get any.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import PIL

from generator import __version__

from generator.images import pixels as imaging
from generator.content.settings import ImageSizes, SiteConfig
from generator.images.cache import ImageCache
from generator.images.pixels import Encoded, SourceInfo, Spec
from generator.issues import CoursegenError, Issue
from generator.model import Catalog, Course
from generator.privacy import PublicView, public_view
from generator.content.rules import is_absolute_url
from generator.content.files import Document, locate
from generator.content.schema import describe

IMAGES_DIR = "images"  # authored paths start with it, relative to the content directory
MAX_SOURCE_BYTES = 50 * 1024 * 1024
RECIPE = "5"  # bump whenever imaging makes different bytes from the same input
FORMATS = ("jpeg", "webp")  # every square exists as a JPEG (the model's URL) and a smaller WebP
_EXAMPLE = '(such as "images/cafe.jpg")'
URL_FIELDS = ("og_image", "default_image")  # an absolute URL is allowed there too


@dataclass(frozen=True, slots=True)
class SourceImage:
    """A source image that passed every check: where it is, its sha256 and what it holds."""

    path: str  # as authored, relative to the content directory: "images/cafe.jpg"
    file: Path
    digest: str
    info: SourceInfo


@dataclass(frozen=True, slots=True)
class Picture:
    """One published derivative: its path under public/ and its real pixel size."""

    path: str  # "images/3f9a0c1d2e4b5a69.jpg"
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class CourseImages:
    """What a course shows: its squares by model name (biggest first) in each format, and its og:image."""

    squares: tuple[tuple[str, Picture, Picture], ...] = ()  # (model name, JPEG, WebP)
    og: Picture | None = None  # generated social card or processed authored og_image
    og_url: str = ""  # an authored absolute og_image URL

    def model_urls(self, base_url: str) -> dict[str, str]:
        """Return the model's image_bigger … image_small as absolute URLs ("" when there is no image)."""
        jpegs = {name: base_url + jpeg.path for name, jpeg, _ in self.squares}
        return {f"image_{name}": jpegs.get(name, "") for name in ("bigger", "big", "medium", "small")}

    def og_image(self, base_url: str) -> tuple[str, int | None, int | None]:
        """Return the course's own og:image as (absolute URL, width, height); ("", None, None) for none."""
        if self.og_url:
            return self.og_url, None, None
        if self.og is not None:
            return base_url + self.og.path, self.og.width, self.og.height
        return "", None, None


NO_IMAGES = CourseImages()


@dataclass
class ImageSet:
    """The result of phase two for images: each course's images and the files to write under public/."""

    courses: dict[int, CourseImages] = field(default_factory=dict)
    site: SiteConfig | None = None  # the settings, with a path default_image replaced by its published URL
    files: dict[str, bytes] = field(default_factory=dict)  # "images/<hash>.<ext>" → bytes
    sources: dict[str, str] = field(default_factory=dict)  # same keys → source image path, for the manifest
    made: int = 0
    reused: int = 0

    def of(self, course: Course) -> CourseImages:
        return self.courses.get(course.id, NO_IMAGES)


# Phase one ------------------------------------------------------------------------------------------

def check_images(content: Path, document: Document, sizes: ImageSizes, cache: ImageCache,
                 seen: dict[str, SourceImage | str]) -> tuple[dict[str, SourceImage], list[Issue]]:
    """Check the image paths of a course file (or site.yaml's default_image); warn when a source is too small."""
    found, issues = {}, []
    for name in ("image_original", "og_image", "default_image"):
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
    info = cache.source(digest) or imaging.inspect(data)  # a source decoded by an earlier build is not decoded again
    if isinstance(info, str):
        return f"{shown} {info}"
    return SourceImage(value, real, digest, info)


def _path_problem(value: str, name: str) -> str:
    expected = f"expected a relative path under {IMAGES_DIR}/ {_EXAMPLE}"
    if name in URL_FIELDS:
        expected = f"expected an absolute http(s) URL or a relative path under {IMAGES_DIR}/ {_EXAMPLE}"
    if value.startswith("//") or "://" in value:
        return f"{expected}, found the URL {value!r}"
    if "\\" in value:
        return f"{expected} with forward slashes, found {describe(value)} with backslashes"
    path = PurePosixPath(value)
    if path.is_absolute() or (len(value) > 1 and value[1] == ":"):
        return f"{expected}, found the absolute path {value!r}"
    if ".." in path.parts:
        return f"{expected}, found {describe(value)}, which climbs out with '..'"
    if len(path.parts) < 2 or path.parts[0] != IMAGES_DIR:
        return f"{expected}, found {describe(value)}"
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


# Phase two ------------------------------------------------------------------------------------------

def publish_images(catalog: Catalog, cache: ImageCache, *, preview: bool) -> ImageSet:
    """Return every publishable course's images, made once per source or reused from the cache."""
    result = ImageSet(site=catalog.site)
    plans = {course.id: _plan(course, catalog, preview) for course in catalog.courses}
    default = catalog.images.get(catalog.site.default_image)
    site_plan = {"og": (default, Spec("fit", imaging.OG_MAX_WIDTH, "jpeg"))} if default else {}
    needed: dict[str, tuple[SourceImage, set[Spec]]] = {}
    for plan in (*plans.values(), site_plan):
        for source, spec in plan.values():
            needed.setdefault(source.digest, (source, set()))[1].add(spec)
    made: dict[tuple[str, Spec], Picture] = {}
    for source, specs in needed.values():
        for spec, (key, encoded) in _derive(source, sorted(specs, key=repr), cache, result).items():
            path = f"{IMAGES_DIR}/{key}.{spec.extension}"
            result.files[path] = encoded.data
            result.sources[path] = source.path
            made[source.digest, spec] = Picture(path, encoded.width, encoded.height)
    for course in catalog.courses:
        pictures = {role: made[source.digest, spec] for role, (source, spec) in plans[course.id].items()}
        result.courses[course.id] = _course_images(course, catalog.site, pictures)
    if default is not None:
        picture = made[default.digest, site_plan["og"][1]]
        result.site = replace(catalog.site, default_image=catalog.site.base_url + picture.path)
    return result


def _plan(course: Course, catalog: Catalog, preview: bool) -> dict[str, tuple[SourceImage, Spec]]:
    """Return what a course needs, by role ("bigger:jpeg", "og"): nothing unless its images may be public."""
    if public_view(course, preview=preview) is PublicView.NONE:
        return {}  # secret, draft and deleted courses: no image file, anywhere
    plan = {}
    original = catalog.images.get(course.image_original)
    if original is not None:
        side = min(original.info.width, original.info.height)
        for name, size in catalog.site.image_sizes.items():
            for fmt in FORMATS:
                plan[f"{name}:{fmt}"] = (original, Spec("square", min(size, side), fmt))
    authored = catalog.images.get(course.og_image)
    if authored is not None:
        plan["og"] = (authored, Spec("fit", imaging.OG_MAX_WIDTH, "jpeg"))
    elif original is not None and not course.og_image:
        plan["og"] = (original, Spec("social", 0, "jpeg", (course.name, catalog.site.title)))
    return plan


def _course_images(course: Course, site: SiteConfig, pictures: dict[str, Picture]) -> CourseImages:
    squares = tuple((name, pictures[f"{name}:jpeg"], pictures[f"{name}:webp"])
                    for name, _ in site.image_sizes.items() if f"{name}:jpeg" in pictures)
    authored_url = course.og_image if is_absolute_url(course.og_image) else ""
    return CourseImages(squares, pictures.get("og"), authored_url)


def _derive(source: SourceImage, specs: list[Spec], cache: ImageCache, result: ImageSet) -> dict[Spec, tuple[str, Encoded]]:
    """Return each derivative with its key: from the cache when possible, else decoding the source once."""
    keys = {spec: derivative_key(source.digest, spec) for spec in specs}
    found = {spec: cache.derived(key) for spec, key in keys.items()}
    missing = [spec for spec, encoded in found.items() if encoded is None]
    if missing:
        data = source.file.read_bytes()
        if hashlib.sha256(data).hexdigest() != source.digest:
            raise CoursegenError(f"{source.path} changed during the build; run it again")
        for spec, encoded in imaging.render(data, missing).items():
            cache.store_derived(keys[spec], encoded)
            found[spec] = encoded
        cache.store_source(source.digest, source.info)
    result.made += len(missing)
    result.reused += len(specs) - len(missing)
    return {spec: (keys[spec], found[spec]) for spec in specs}


def derivative_key(digest: str, spec: Spec) -> str:
    """Return the short content address of a derivative: source bytes, settings and the code's versions."""
    parts = (digest, spec.kind, str(spec.size), spec.format, *spec.text, RECIPE, __version__, PIL.__version__)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]

"""Course images in phase two: make (or reuse) the derivatives every shown course needs, and name them.

Derived files are named by a hash of the source bytes and the settings, never by a course's slug
or name, and only courses the public site may show (privacy.public_view FULL or LOCK) get any.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

import PIL

from coursegen import __version__
from coursegen.content.rules import is_absolute_url
from coursegen.images import pixels
from coursegen.images.cache import ImageCache
from coursegen.images.derived import Encoded, Spec
from coursegen.images.logo import LOGO_SPEC, render_logo
from coursegen.images.refs import IMAGES_DIR
from coursegen.incremental.keys import image_key
from coursegen.issues import CoursegenError
from coursegen.model import Catalog, Course, SiteConfig, SourceImage
from coursegen.privacy import PublicView, public_view

RECIPE = "5"  # bump whenever imaging makes different bytes from the same input
FORMATS = ("jpeg", "webp")  # every square exists as a JPEG (the model's URL) and a smaller WebP


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
    site: SiteConfig | None = None  # the settings: a path default_image replaced by its published URL, logo by its file
    logo: Picture | None = None  # the site's logo as published (site.yaml `logo`)
    files: dict[str, bytes] = field(default_factory=dict)  # "images/<hash>.<ext>" → bytes
    sources: dict[str, str] = field(default_factory=dict)  # same keys → source image path, for the manifest
    made: int = 0
    reused: int = 0

    def of(self, course: Course) -> CourseImages:
        return self.courses.get(course.id, NO_IMAGES)


# Phase one ------------------------------------------------------------------------------------------

def publish_images(catalog: Catalog, cache: ImageCache, *, preview: bool) -> ImageSet:
    """Return every publishable course's images, made once per source or reused from the cache."""
    result = ImageSet(site=catalog.site)
    plans = {course.id: _plan(course, catalog, preview) for course in catalog.courses}
    default = catalog.images.get(catalog.site.default_image)
    site_plan = {"og": (default, Spec("fit", pixels.OG_MAX_WIDTH, "jpeg"))} if default else {}
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
    logo = catalog.images.get(catalog.site.logo)
    if logo is not None:
        result.logo = _logo(logo, cache, result)
        # The settings name the published file, so that every page's key (site_key) changes with it.
        result.site = replace(result.site, logo=result.logo.path)
    return result


def _logo(source: SourceImage, cache: ImageCache, result: ImageSet) -> Picture:
    """Return the site's logo as published: made once, then taken from the cache while its source is unchanged."""
    key = derivative_key(source.digest, LOGO_SPEC)
    encoded = cache.derived(key)
    if encoded is None:
        data = source.file.read_bytes()
        if hashlib.sha256(data).hexdigest() != source.digest:
            raise CoursegenError(f"{source.path} changed during the build; run it again")
        encoded = render_logo(data)
        cache.store_derived(key, encoded)
        result.made += 1
    else:
        result.reused += 1
    path = f"{IMAGES_DIR}/{key}.{LOGO_SPEC.extension}"
    result.files[path] = encoded.data
    result.sources[path] = source.path
    return Picture(path, encoded.width, encoded.height)


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
        plan["og"] = (authored, Spec("fit", pixels.OG_MAX_WIDTH, "jpeg"))
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
        for spec, encoded in pixels.render(data, missing).items():
            cache.store_derived(keys[spec], encoded)
            found[spec] = encoded
        cache.store_source(source.digest, source.info)
    result.made += len(missing)
    result.reused += len(specs) - len(missing)
    return {spec: (keys[spec], found[spec]) for spec in specs}


def derivative_key(digest: str, spec: Spec) -> str:
    """Return the short content address of a derivative: source bytes, settings and the code's versions."""
    return image_key(digest, (spec.kind, str(spec.size), spec.format, *spec.text), RECIPE,
                          (__version__, PIL.__version__))

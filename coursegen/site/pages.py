"""Plan every page of the site: which pages a catalog makes, from which template, with which values (site/render.py renders them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import orjson

from coursegen.images.publish import ImageSet
from coursegen.model import Catalog, Course
from coursegen.privacy import (
    PublicView,
    is_draft,
    listed_category_slugs,
    public_view,
    shown_sections,
)
from coursegen.site import views
from coursegen.site.descriptions import CourseDescriptions, CourseSyllabi
from coursegen.site.head import (
    DEFAULT_IMAGE_PATH,
    DEFAULT_IMAGE_SIZE,
    PageHead,
    course_jsonld,
    default_image,
    effective_meta,
    lock_description,
    page_title,
)
from coursegen.urls import (
    absolute_url,
    course_path,
    link,
)

NOINDEX = "noindex, nofollow"


@dataclass(frozen=True, slots=True)
class PageJob:
    """A page planned but not yet rendered: its template, what decides its bytes, and its values.

    Planning is cheap and rendering is not, so a page whose inputs are unchanged since the
    last build (with the same templates) is reused instead of rendered again. A listing's
    inputs are a digest of its values and its cards'; a course page's are its course's key
    (cache.course_key), so that an unchanged course is recognised without building its values:
    `values()` builds them only when the page is rendered.
    """

    template: str
    inputs: bytes
    values: Callable[[], dict]
    card: Callable[[], dict] | None = None  # a listed course's card, rendered beside its page (Cards)
    source: str = "catalog"  # what the page is made from, for the manifest: a course file, or the whole catalog
    description_of: int | None = None  # the course whose description the page shows, read ahead of it
    syllabus_of: str = ""  # the key of the sections the page shows (model.Syllabus), read ahead of it


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What planning the pages needs: data only; rendering happens later, from the jobs."""

    catalog: Catalog
    rendered: CourseDescriptions  # course id → description HTML and excerpt
    syllabi: CourseSyllabi  # course → its sections
    images: ImageSet  # course id → published images
    preview: bool
    keys: dict[int, bytes]  # course id → everything that decides what the build makes of it (cache.course_key)
    cards: dict[int, tuple[bytes, bytes]]  # listed course id → (course key, serialised card values): card_values
    # What every page's templates know of the site, made once: with a brand, its stylesheet's
    # colours take 66 µs to work out, which every page of a large catalog would pay again.
    site: dict = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "site", views.site_view(self.catalog.site, preview=self.preview,
                                                         logo=self.images.logo))


def course_pages(context: RenderContext) -> dict[str, PageJob]:
    """Return the page of every course the public site shows, and the 404 page, keyed by path under public/."""
    site = context.catalog.site
    listed_slugs = listed_category_slugs(context.catalog, preview=context.preview)
    pages: dict[str, PageJob] = {}
    for course in context.catalog.courses:
        view = public_view(course, preview=context.preview)
        if view is PublicView.FULL:
            pages[course_path(course.slug)] = PageJob("course.html", context.keys[course.id],
                                                      _Later(_course_page, context, course, listed_slugs),
                                                      _Later(_listed_card, context, course, listed_slugs),
                                                      course.source, course.id, course.syllabus.key)
        elif view is PublicView.LOCK:
            pages[course_path(course.slug)] = PageJob("lock.html", context.keys[course.id],
                                                      _Later(_lock_page, context, course), source=course.source)
    pages["404.html"] = _page_job(context, "404.html", head=page_head(context, "Page not found", site.description,
                                                              "404.html", robots="noindex"))
    return pages


class _Later:
    """`make(context, course, listed_slugs)`, called when a course's page is rendered (PageJob.values, PageJob.card).

    A functools.partial holds its arguments in a tuple and an empty dict of keywords beside it:
    two of them a page took 416 bytes, 34 MB at 100,000 courses; this takes 72.
    """

    __slots__ = ("make", "context", "course", "listed_slugs")

    def __init__(self, make: Callable[..., dict], context: RenderContext, course: Course,
                 listed_slugs: frozenset[str] | None = None):
        self.make, self.context, self.course, self.listed_slugs = make, context, course, listed_slugs

    def __call__(self) -> dict:
        if self.listed_slugs is None:
            return self.make(self.context, self.course)
        return self.make(self.context, self.course, self.listed_slugs)


def _course_page(context: RenderContext, course: Course, listed_slugs: frozenset[str]) -> dict:
    """Return the values of an open course's page (a draft's, in previews).

    They depend on the course, its images and the site only (listed_slugs holds every category
    of a listed course): what cache.course_key covers.
    """
    site = context.catalog.site
    rendered = context.rendered[course.id]
    images = context.images.of(course)
    og_image, width, height = images.og_image(site.base_url)
    effective = effective_meta(course, site, rendered.excerpt, og_image)
    path = course_path(course.slug)
    draft = is_draft(course)
    head = PageHead(
        title=course.meta_title or page_title(course.name, site),
        description=effective.meta_description, canonical=absolute_url(site.base_url, path),
        og_type="article", og_title=effective.og_title, og_description=effective.og_description,
        og_image=effective.og_image, og_image_alt=course.name,
        robots=NOINDEX if context.preview or draft else "", **_image_size(effective.og_image, site, width, height))
    sections = shown_sections(context.syllabi.of(course), preview=context.preview)  # what the page and its JSON-LD show
    jsonld = None if draft else course_jsonld(course, site, head.canonical, effective.meta_description,
                                              effective.og_image, sections)
    page = views.course_page(course, site, rendered, listed_slugs, images, sections, draft=draft,
                             preview=context.preview)
    return page_values(context, head=head, course=page, jsonld=jsonld)


def _lock_page(context: RenderContext, course: Course) -> dict:
    """Return the values of a private course's lock screen; like a course page's, covered by its key."""
    site = context.catalog.site
    description = lock_description(course)
    images = context.images.of(course)
    own_image, width, height = images.og_image(site.base_url)
    image = own_image or default_image(site)
    path = course_path(course.slug)
    head = PageHead(
        title=page_title(course.og_title or course.meta_title or course.name, site),
        description=description, canonical=absolute_url(site.base_url, path), og_type="website",
        og_title=course.og_title or course.meta_title or course.name, og_description=description,
        og_image=image, og_image_alt=course.name, robots=NOINDEX, **_image_size(image, site, width, height))
    return page_values(context, head=head, course=views.lock_page(course, site, description, images))


def _listed_card(context: RenderContext, course: Course, listed_slugs: frozenset[str]) -> dict:
    """Return the card of a listed course as most listing pages show it (below the fold)."""
    card = views.course_card(course, context.catalog.site, listed_slugs, context.images.of(course),
                             preview=context.preview)
    return {**card, "eager": False}


def page_head(context: RenderContext, title: str, description: str, path: str, *, og_type: str = "website",
          robots: str = "") -> PageHead:
    site = context.catalog.site
    image = default_image(site)
    return PageHead(
        title=page_title(title, site), description=description or title,
        canonical=absolute_url(site.base_url, path), og_type=og_type, og_title=title,
        og_description=description or title, og_image=image, og_image_alt=site.title,
        robots=NOINDEX if context.preview else robots, **_image_size(image, site))


def _image_size(image: str, site, width: int | None = None, height: int | None = None) -> dict:
    if width and height:
        return {"image_width": width, "image_height": height}
    if image == site.base_url + DEFAULT_IMAGE_PATH:
        width, height = DEFAULT_IMAGE_SIZE
        return {"image_width": width, "image_height": height}
    return {}


def _page_job(context: RenderContext, name: str, **values) -> PageJob:
    """Return the page as a job whose inputs are every value the template will see."""
    values = page_values(context, **values)
    return PageJob(name, orjson.dumps(values, option=orjson.OPT_NON_STR_KEYS), partial(dict, values))


def page_values(context: RenderContext, **values) -> dict:
    """Return a page's values as templates see them: plain data only (the sandbox reads nothing else)."""
    values["head"] = values["head"].values()
    values.setdefault("jsonld", None)
    values["site"] = context.site  # the same for every page; templates cannot change it (an immutable sandbox)
    return values


def render_redirects(context: RenderContext, moved: dict[str, str]) -> dict[str, PageJob]:
    """Return a redirect page at each old course URL, pointing at the course's current page."""
    site = context.catalog.site
    pages = {}
    for old_slug, new_slug in moved.items():
        new_path = course_path(new_slug)
        head = page_head(context, "Moved", "This course has moved.", new_path, robots="noindex")
        pages[course_path(old_slug)] = _page_job(context, "redirect.html", head=head,
                                               target=link(site.base_path, new_path))
    return pages


def render_headers(*, preview: bool) -> dict[str, bytes]:
    """Return a _headers file for hosts that read one (Netlify, Cloudflare Pages): previews are noindex."""
    if not preview:
        return {}
    return {"_headers": f"/*\n  X-Robots-Tag: {NOINDEX}\n".encode("utf-8")}

"""Plan every page of the site: which pages a catalog makes, from which template, with which values (site/render.py renders them)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import orjson

from coursegen.images.publish import ImageSet
from coursegen.incremental.keys import listing_key
from coursegen.model import Catalog, Category, Course, CourseType
from coursegen.privacy import (
    PublicView,
    is_draft,
    listed_categories,
    listed_category_slugs,
    listed_courses,
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
    item_list_jsonld,
    lock_description,
    page_title,
)
from coursegen.urls import (
    absolute_url,
    category_path,
    course_path,
    index_path,
    link,
    paged_path,
    type_path,
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
                                                      partial(_course_page, context, course, listed_slugs),
                                                      partial(_listed_card, context, course, listed_slugs),
                                                      course.source, course.id, course.syllabus.key)
        elif view is PublicView.LOCK:
            pages[course_path(course.slug)] = PageJob("lock.html", context.keys[course.id],
                                                      partial(_lock_page, context, course), source=course.source)
    pages["404.html"] = _page_job(context, "404.html", head=_head(context, "Page not found", site.description,
                                                              "404.html", robots="noindex"))
    return pages


def listing_pages(context: RenderContext) -> dict[str, PageJob]:
    """Return the catalog's, each type's and each category's pages of cards (context.cards), keyed by path."""
    site = context.catalog.site
    courses = listed_courses(context.catalog, preview=context.preview)
    categories = listed_categories(context.catalog, preview=context.preview)
    by_type: dict[CourseType, list[Course]] = {}
    by_category: dict[Category, list[Course]] = {}
    for course in courses:
        by_type.setdefault(course.type, []).append(course)
        for category in dict.fromkeys(course.categories):
            by_category.setdefault(category, []).append(course)
    types = [t for t in CourseType if t in by_type]

    def filters(**current) -> dict:
        return views.filters_view(site, types, list(categories), **current)

    pages = _listing(context, Listing(site.title, site.description, index_path, "index.html", filters()),
                     list(courses))
    for course_type in types:
        members = by_type[course_type]
        listing = Listing(f"{course_type.label} courses", course_type.explanation,
                          lambda page, t=course_type.value: paged_path(type_path(t), page), "type.html",
                          filters(current_type=course_type.value))
        pages.update(_listing(context, listing, members))
    for category in categories:
        members = by_category.get(category, [])
        listing = Listing(category.name, category.description,
                          lambda page, slug=category.slug: paged_path(category_path(slug), page), "category.html",
                          filters(current_category=category.slug))
        pages.update(_listing(context, listing, members))
    return pages


@dataclass(frozen=True, slots=True)
class Listing:
    """One paginated list of course cards: the catalog, a type or a category."""

    heading: str
    intro: str
    path_of: Callable[[int], str]  # page number (1-based) → output path
    template: str
    filters: dict


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
    return _values(context, head=head, course=page, jsonld=jsonld)


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
    return _values(context, head=head, course=views.lock_page(course, site, description, images))


def _listing(context: RenderContext, listing: Listing, courses: list[Course]) -> dict[str, PageJob]:
    """Return the pages of one listing; each page's inputs are its own values and its cards'."""
    site = context.catalog.site
    size = site.page_size
    count = max(1, math.ceil(len(courses) / size))
    pages = {}
    for number in range(1, count + 1):
        path = listing.path_of(number)
        pagination = {
            "page": number, "pages": count,
            "previous": link(site.base_path, listing.path_of(number - 1)) if number > 1 else None,
            "next": link(site.base_path, listing.path_of(number + 1)) if number < count else None,
        }
        title = listing.heading if number == 1 else f"{listing.heading} (page {number})"
        head = _head(context, title, listing.intro or site.description or listing.heading, path)
        members = courses[(number - 1) * size: number * size]
        shown = [context.cards[c.id][1] for c in members]  # their serialised values
        # Google's Course list on the catalog's summary pages: made when the page is rendered, from
        # the cards' courses (their URLs are in the cards) and its first position.
        item_list = (number - 1) * size + 1 if listing.template == "index.html" and shown else 0
        values = _values(context, head=head, heading=listing.heading, intro=listing.intro, pagination=pagination,
                         filters=listing.filters)
        # All of it digested: 2 KB of values and 7 KB of cards for each of 10,000 pages at 100,000 courses.
        inputs = listing_key(orjson.dumps(values), shown, item_list)
        pages[path] = PageJob(listing.template, inputs, partial(
            _with_cards, site, values, shown, members if item_list else (), item_list))
    return pages


def _with_cards(site, values: dict, cards: list[bytes], members: list[Course], first_position: int) -> dict:
    if first_position:
        urls = [absolute_url(site.base_url, course_path(course.slug)) for course in members]
        values = {**values, "jsonld": item_list_jsonld(urls, first_position=first_position)}
    return {**values, "courses": _above_the_fold([orjson.loads(card) for card in cards])}


def _listed_card(context: RenderContext, course: Course, listed_slugs: frozenset[str]) -> dict:
    """Return the card of a listed course as most listing pages show it (below the fold)."""
    card = views.course_card(course, context.catalog.site, listed_slugs, context.images.of(course),
                             preview=context.preview)
    return {**card, "eager": False}


def _above_the_fold(cards: list[dict], eager: int = 3) -> list[dict]:
    """Mark the first cards of a page to load their images at once; the rest load lazily."""
    return [{**card, "eager": index < eager} for index, card in enumerate(cards)]


def _head(context: RenderContext, title: str, description: str, path: str, *, og_type: str = "website",
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
    values = _values(context, **values)
    return PageJob(name, orjson.dumps(values, option=orjson.OPT_NON_STR_KEYS), partial(dict, values))


def _values(context: RenderContext, **values) -> dict:
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
        head = _head(context, "Moved", "This course has moved.", new_path, robots="noindex")
        pages[course_path(old_slug)] = _page_job(context, "redirect.html", head=head,
                                               target=link(site.base_path, new_path))
    return pages


def render_headers(*, preview: bool) -> dict[str, bytes]:
    """Return a _headers file for hosts that read one (Netlify, Cloudflare Pages): previews are noindex."""
    if not preview:
        return {}
    return {"_headers": f"/*\n  X-Robots-Tag: {NOINDEX}\n".encode("utf-8")}

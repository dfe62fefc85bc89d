"""Plan the listing pages: the catalog, each type and each category, as pages of course cards (site/render.py renders them)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import orjson

from coursegen.incremental.keys import listing_key
from coursegen.model import Category, Course, CourseType
from coursegen.privacy import listed_categories, listed_courses
from coursegen.site import views
from coursegen.site.head import item_list_jsonld
from coursegen.site.pages import PageJob, RenderContext, page_head, page_values
from coursegen.urls import (
    absolute_url,
    category_path,
    course_path,
    index_path,
    link,
    paged_path,
    type_path,
)


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


def _listing(context: RenderContext, listing: Listing, courses: list[Course]) -> dict[str, PageJob]:
    """Return the pages of one listing; each page's inputs are its own values and its cards'.

    A page's values are made twice, to digest them now and to render the page: kept from one to
    the other, they were 2 KB a page, 25 MB at 100,000 courses, for a few microseconds of work.
    """
    size = context.catalog.site.page_size
    count = max(1, math.ceil(len(courses) / size))
    pages = {}
    for number in range(1, count + 1):
        page = _ListingPage(context, listing, number, count, courses[(number - 1) * size: number * size])
        # All of it digested: 2 KB of values and 7 KB of cards for each of 10,000 pages at 100,000 courses.
        inputs = listing_key(orjson.dumps(page.values()), page.cards(), page.first_position())
        pages[listing.path_of(number)] = PageJob(listing.template, inputs, page)
    return pages


class _ListingPage:
    """One page of a listing: its values, made when asked (to digest them, and again to render the page)."""

    __slots__ = ("context", "listing", "number", "count", "members")

    def __init__(self, context: RenderContext, listing: Listing, number: int, count: int, members: list[Course]):
        self.context, self.listing, self.number, self.count, self.members = context, listing, number, count, members

    def values(self) -> dict:
        """Return the page's own values, without its cards."""
        context, listing, number, count = self.context, self.listing, self.number, self.count
        site = context.catalog.site
        pagination = {
            "page": number, "pages": count,
            "previous": link(site.base_path, listing.path_of(number - 1)) if number > 1 else None,
            "next": link(site.base_path, listing.path_of(number + 1)) if number < count else None,
        }
        title = listing.heading if number == 1 else f"{listing.heading} (page {number})"
        head = page_head(context, title, listing.intro or site.description or listing.heading, listing.path_of(number))
        return page_values(context, head=head, heading=listing.heading, intro=listing.intro, pagination=pagination,
                       filters=listing.filters)

    def cards(self) -> list[bytes]:
        return [self.context.cards[course.id][1] for course in self.members]  # their serialised values

    def first_position(self) -> int:
        """Return where the page starts in Google's Course list, made on the catalog's summary pages; 0 elsewhere."""
        if self.listing.template != "index.html" or not self.members:
            return 0
        return (self.number - 1) * self.context.catalog.site.page_size + 1

    def __call__(self) -> dict:
        """Return everything the page's template sees: its values, its cards and, on the catalog, its Course list."""
        values, first_position = self.values(), self.first_position()
        if first_position:
            site = self.context.catalog.site
            urls = [absolute_url(site.base_url, course_path(course.slug)) for course in self.members]
            values["jsonld"] = item_list_jsonld(urls, first_position=first_position)
        return {**values, "courses": _above_the_fold([orjson.loads(card) for card in self.cards()])}


def _above_the_fold(cards: list[dict], eager: int = 3) -> list[dict]:
    """Mark the first cards of a page to load their images at once; the rest load lazily."""
    return [{**card, "eager": index < eager} for index, card in enumerate(cards)]
